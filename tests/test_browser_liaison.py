"""Real Chromium on a phone-sized screen: a liaison logs in and sees their unit in Chinese."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from organisations.models import Role
from tests.factories import UnitFactory, UserFactory, give_role

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
ARTIFACTS = Path(__file__).resolve().parent.parent / "test-artifacts"
FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


def chromium_available() -> bool:
    return Path(CHROMIUM).exists()


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_liaison_logs_in_on_a_phone(live_server, monkeypatch):
    if not chromium_available():
        if os.environ.get("CI"):
            pytest.fail(
                "chromium is missing in CI: `make test` installs it (apt-get install chromium)"
            )
        pytest.skip("chromium is not installed (make test installs it)")
    from playwright.sync_api import sync_playwright

    # Playwright's sync API runs an event loop in this thread; the live server does the DB work.
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    unit = UnitFactory(name="清溪村")
    user = UserFactory(username="phone-liaison", full_name="陈志刚")
    give_role(user, unit, Role.Kind.LIAISON)

    ARTIFACTS.mkdir(exist_ok=True)
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
        try:
            page = browser.new_page(viewport={"width": 375, "height": 812}, locale="zh-CN")
            page.goto(f"{live_server.url}/accounts/login/")
            assert "登录清风平台" in page.content()
            page.fill("input[name=username]", "phone-liaison")
            page.fill("input[name=password]", "pass-1234")
            page.click("button[type=submit]")
            page.wait_for_url(f"{live_server.url}/")
            card = page.locator(f"#my-unit-{unit.pk}")
            assert card.is_visible()
            assert "清溪村" in card.inner_text()
            assert "我的单位" in card.inner_text()
            # Phone layout: the menu is collapsed behind the toggler, nothing overflows sideways.
            assert page.locator(".navbar-toggler").is_visible()
            scroll_width = page.evaluate("document.documentElement.scrollWidth")
            assert scroll_width <= 375
            page.click(f"#my-unit-{unit.pk} a")
            page.wait_for_url(f"{live_server.url}/org/units/{unit.pk}/")
            assert "联络员" in page.content() and "陈志刚" in page.content()
            page.screenshot(path=str(ARTIFACTS / "liaison-phone.png"), full_page=True)
        finally:
            browser.close()
    assert (ARTIFACTS / "liaison-phone.png").stat().st_size > 1000
