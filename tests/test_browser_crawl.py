"""Every page each demo role can reach, crawled in real Chromium: WCAG 2.1 A/AA with axe-core,
valid HTML with the Nu checker, and a phone screen with no small tap targets, no sideways scroll
and no table cell squeezed below two characters.

The crawl follows links from the home page (it is not a hand-written list), so a page added
later is checked as soon as something links to it. It runs once, in the serial browser phase.
"""

from __future__ import annotations

import importlib
import io
import json
import os
import re
import shutil
import subprocess
from collections import deque
from pathlib import Path
from urllib.parse import urljoin, urlsplit

import pytest
from django.apps import apps as django_apps
from django.core.management import call_command
from django.test import Client

from organisations.models import User

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
VNU = ROOT / "node_modules" / "vnu-jar" / "build" / "dist" / "vnu.jar"
ARTIFACTS = ROOT / "test-artifacts" / "crawl"
FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
ROLES = ["office", "leader", "liaison", "reviewer", "district-leader"]
MAX_DEPTH = 3
# The same view with other ids is the same template: a few of each are enough.
SAME_SHAPE_LIMIT = 2
# Links the crawl does not follow: state changes on GET do not exist, but these leave the
# portal's pages (files, downloads, the admin, language switch) or end the session.
SKIP = re.compile(
    r"^/(admin|static|media)/|/logout|/set-language|/i18n/|/export|/download|/file/|/files/"
    r"|\.(pdf|xlsx|docx|png|jpe?g|webp|zip)$|/template/?$"
)
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]

PHONE_CHECKS = """
() => {
  const out = {overflow: document.documentElement.scrollWidth - document.documentElement.clientWidth,
               narrow: []};
  for (const cell of document.querySelectorAll('td, th')) {
    const r = cell.getBoundingClientRect();
    if (!r.width || !cell.textContent.trim()) continue;
    const size = parseFloat(getComputedStyle(cell).fontSize);
    const style = getComputedStyle(cell);
    const inner = r.width - parseFloat(style.paddingLeft) - parseFloat(style.paddingRight);
    if (inner < 2 * size - 0.5) out.narrow.push(cell.outerHTML.slice(0, 120));
  }
  return out;
}
"""


def _shape(url: str) -> str:
    parts = urlsplit(url)
    query = "&".join(sorted(p.split("=")[0] for p in parts.query.split("&") if p))
    return re.sub(r"/\d+", "/N", parts.path) + ("?" + query if query else "")


def _session_cookie(live_server, username: str) -> dict:
    client = Client()
    client.force_login(User.objects.get(username=username))
    morsel = client.cookies["sessionid"]
    host = urlsplit(live_server.url).hostname
    return {"name": "sessionid", "value": morsel.value, "domain": host, "path": "/"}


def _links(page, base: str) -> list[str]:
    hrefs = page.eval_on_selector_all("a[href]", "els => els.map(e => e.getAttribute('href'))")
    found = []
    for href in hrefs:
        if not href or href.startswith(("#", "mailto:", "tel:", "javascript:")):
            continue
        url = urljoin(page.url, href).split("#")[0]
        if not url.startswith(base):
            continue
        if SKIP.search(urlsplit(url).path):
            continue
        found.append(url)
    return found


def _crawl(browser, live_server, username: str, seen_shapes: dict, results: dict) -> None:
    base = live_server.url
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="zh-CN")
    context.add_cookies([_session_cookie(live_server, username)])
    page = context.new_page()
    axe_source = AXE.read_text()
    queue = deque([(f"{base}/", 0)])
    visited = set()
    while queue:
        url, depth = queue.popleft()
        if url in visited:
            continue
        visited.add(url)
        shape = (username, _shape(url))
        if seen_shapes.get(shape, 0) >= SAME_SHAPE_LIMIT:
            continue
        seen_shapes[shape] = seen_shapes.get(shape, 0) + 1
        page.set_viewport_size({"width": 1280, "height": 900})
        response = page.goto(url)
        if response is None or "text/html" not in response.headers.get("content-type", ""):
            continue
        key = f"{username} {url.removeprefix(base)}"
        if response.status >= 400:
            results["errors"].append(f"{key}: HTTP {response.status}")
            continue
        results["pages"].append(key)
        results["html"].append((key, response.text()))
        # Evaluated through the DevTools protocol: the page's CSP (script-src 'self') stays on.
        page.evaluate(axe_source)
        found = page.evaluate(
            "tags => axe.run(document, {runOnly: {type: 'tag', values: tags}, resultTypes: ['violations']})"
            ".then(r => r.violations.map(v => ({id: v.id, impact: v.impact,"
            " nodes: v.nodes.slice(0, 3).map(n => n.target.join(' ') + ' ' + n.html.slice(0, 160))})))",
            WCAG_TAGS,
        )
        for violation in found:
            results["axe"].append((key, violation))
        page.set_viewport_size({"width": 375, "height": 812})
        page.wait_for_timeout(50)
        phone = page.evaluate(PHONE_CHECKS)
        if phone["overflow"] > 1:
            results["phone"].append(f"{key}: scrolls sideways by {phone['overflow']} px")
        for cell in phone["narrow"][:3]:
            results["phone"].append(f"{key}: cell narrower than two characters: {cell}")
        small = page.evaluate(
            "() => axe.run(document, {runOnly: {type: 'rule', values: ['target-size']}})"
            ".then(r => r.violations.flatMap(v => v.nodes.slice(0, 3).map(n => n.html.slice(0, 140))))"
        )
        for node in small:
            results["phone"].append(f"{key}: tap target under 24 px: {node}")
        if depth < MAX_DEPTH:
            page.set_viewport_size({"width": 1280, "height": 900})
            for link in _links(page, base):
                if link not in visited:
                    queue.append((link, depth + 1))
    context.close()


def _validate_html(pages: list[tuple[str, str]]) -> list[str]:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    names, paths = {}, []
    for index, (key, html) in enumerate(pages):
        path = ARTIFACTS / f"page-{index:03d}.html"
        path.write_text(html, encoding="utf-8")
        names[path.name] = key
        paths.append(str(path))
    run = subprocess.run(
        ["java", "-jar", str(VNU), "--format", "json", "--exit-zero-always", *paths],
        capture_output=True,
        text=True,
        timeout=600,
    )
    messages = json.loads(run.stderr or run.stdout)["messages"]
    problems = []
    for message in messages:
        if message.get("type") not in {"error", "non-document-error"}:
            continue
        text = message.get("message", "")
        # htmx's hx-* attributes are not in the HTML standard; everything else counts.
        if re.search(r"Attribute “hx-[a-z-]+” not allowed", text):
            continue
        url = message.get("url", "")
        page = names.get(url.rsplit("/", 1)[-1], url)
        problems.append(f"{page} line {message.get('lastLine')}: {text}")
    return problems


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_every_reachable_page_is_accessible_valid_and_fits_a_phone(live_server, monkeypatch):
    missing = [str(p) for p in (Path(CHROMIUM), AXE, VNU) if not p.exists()]
    if shutil.which("java") is None:
        missing.append("java")
    if missing:
        if os.environ.get("CI"):
            pytest.fail(f"missing in CI (make test installs them): {missing}")
        pytest.skip(f"not installed (make test installs them): {missing}")
    from playwright.sync_api import sync_playwright

    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    # An earlier transactional test may have flushed the rows the data migration put in
    # (the eight-into domains): put them back before loading the demo.
    seed = importlib.import_module("organisations.migrations.0002_default_domains")
    seed.create_domains(django_apps, None)
    call_command("load_demo", stdout=io.StringIO())
    results = {"pages": [], "html": [], "axe": [], "phone": [], "errors": []}
    seen_shapes: dict = {}
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
        try:
            for username in ROLES:
                _crawl(browser, live_server, username, seen_shapes, results)
        finally:
            browser.close()
    invalid = _validate_html(results["html"])

    report = [f"{len(results['pages'])} pages crawled for {len(ROLES)} roles"]
    report += [f"{key}: {v['id']} ({v['impact']}): {v['nodes']}" for key, v in results["axe"]]
    report += results["phone"] + invalid + results["errors"]
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    (ARTIFACTS / "report.txt").write_text("\n".join(report), encoding="utf-8")
    assert len(results["pages"]) > 40, report[0]
    assert not results["errors"], "\n".join(results["errors"])
    assert not results["axe"], "\n".join(report[1 : 1 + len(results["axe"])])
    assert not results["phone"], "\n".join(results["phone"][:60])
    assert not invalid, "\n".join(invalid[:60])
