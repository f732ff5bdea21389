"""Real Chromium on a phone: a leader opens the dashboard; charts draw, nothing breaks the CSP,
nothing overflows sideways; without JavaScript the same numbers are there as tables."""

from __future__ import annotations

import datetime as dt
import os
import shutil
from pathlib import Path

import pytest

from activities.types import ActivityType
from campaigns.models import CampaignDomain
from tests.factories import RecordFactory, TaskFactory, domain

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
ARTIFACTS = Path(__file__).resolve().parent.parent.parent / "test-artifacts"
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run"]


def dashboard_data(world) -> None:
    c = world.campaign_a
    for order, code in enumerate(["villages", "schools", "families"]):
        CampaignDomain.objects.create(campaign=c, domain=domain(code), order=order)
    task = TaskFactory(campaign=c, lead_unit=world.unit_a1, due_date=dt.date(2026, 5, 31))
    for month, kind in [(4, ActivityType.LECTURE), (5, ActivityType.FILM), (6, ActivityType.FORUM)]:
        record = RecordFactory(
            campaign=c, unit=world.unit_a1, date=dt.date(2026, month, 10), type=kind
        )
        record.tasks.add(task)


def log_in(page, base: str) -> None:
    page.goto(f"{base}/accounts/login/")
    page.fill("input[name=username]", "leader_a")
    page.fill("input[name=password]", "pass-1234")
    page.click("button[type=submit]")
    page.wait_for_url(f"{base}/")


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_leader_dashboard_on_a_phone(world, live_server, monkeypatch):
    if not Path(CHROMIUM).exists():
        if os.environ.get("CI"):
            pytest.fail("chromium is missing in CI")
        pytest.skip("chromium is not installed (make test installs it)")
    from playwright.sync_api import sync_playwright

    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    dashboard_data(world)
    ARTIFACTS.mkdir(exist_ok=True)
    base = live_server.url
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
        try:
            page = browser.new_page(viewport={"width": 375, "height": 812}, locale="zh-CN")
            problems = []
            page.on("pageerror", lambda error: problems.append(str(error)))
            # console errors (CSP violations among them), and every failed response
            page.on(
                "console",
                lambda m: problems.append(m.text) if m.type == "error" else None,
            )
            page.on(
                "response",
                lambda r: problems.append(f"{r.status} {r.url}") if r.status >= 400 else None,
            )
            log_in(page, base)
            page.goto(f"{base}/dashboard/township/")
            for name in ("domains", "records", "trend"):
                page.wait_for_selector(f"[data-chart={name}] canvas", timeout=10_000)
            assert "甲镇创建工作推进情况" in page.content()
            assert page.evaluate("document.documentElement.scrollWidth") <= 375
            page.screenshot(path=str(ARTIFACTS / "dashboard-phone.png"), full_page=True)
            assert problems == []

            # Without JavaScript: no charts, the tables carry the numbers.
            plain = browser.new_context(
                java_script_enabled=False, viewport={"width": 375, "height": 812}
            ).new_page()
            log_in(plain, base)
            plain.goto(f"{base}/dashboard/township/")
            assert plain.locator("#qf-domain-table").is_visible()
            assert plain.locator("#qf-trend-table").is_visible()
            assert not plain.locator("[data-chart=domains]").is_visible()
            assert plain.locator("[data-chart=domains] canvas").count() == 0
        finally:
            browser.close()
