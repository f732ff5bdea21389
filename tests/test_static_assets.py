"""Static files as production serves them: hashed names, compressed, cached for a year, and a
dashboard page light enough for a village liaison's phone."""

from __future__ import annotations

import io
import re
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command
from django.test import Client, override_settings

ROOT = Path(settings.BASE_DIR)
ASSET = re.compile(r'(?:href|src)="(/static/[^"]+)"')
HASHED = re.compile(r"\.[0-9a-f]{12}\.(css|js|svg|woff2)$")
PAGE_BUDGET = 600 * 1024


@pytest.fixture
def collected(tmp_path):
    storages = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
    }
    with override_settings(STATIC_ROOT=tmp_path, STORAGES=storages):
        # the admin's files and the PDF fonts play no part in the page checked here
        ignore = ["-i", "admin", "-i", "*.ttf", "-i", "*.ttc", "-i", "*.otf"]
        call_command("collectstatic", "--noinput", "-v0", *ignore, stdout=io.StringIO())
        yield tmp_path


def test_the_dashboard_page_with_its_assets_stays_under_600_kb(collected, world):
    client = Client(HTTP_ACCEPT_ENCODING="gzip, br")
    client.force_login(world.leader_a)
    page = client.get("/dashboard/township/")
    assert page.status_code == 200
    html = page.content.decode()
    assets = ASSET.findall(html)
    assert any("echarts" in a for a in assets), "the dashboard loads its charts"
    total = len(page.content)
    for url in assets:
        assert HASHED.search(url), f"{url} has no content hash"
        response = client.get(url)
        assert response.status_code == 200, url
        body = b"".join(response.streaming_content)
        assert response.headers.get("Content-Encoding") in {"gzip", "br"} or len(body) < 2048, url
        cache = response.headers["Cache-Control"]
        assert "max-age=315360000" in cache and "immutable" in cache, (url, cache)
        total += len(body)
    assert total < PAGE_BUDGET, f"dashboard page transfers {total / 1024:.0f} KB"


def test_hashed_css_points_at_hashed_fonts(collected):
    manifest = (collected / "staticfiles.json").read_text()
    icons = re.search(r'"vendor/bootstrap-icons/bootstrap-icons.min.css": "([^"]+)"', manifest)
    css = (collected / icons.group(1)).read_text()
    font = re.search(r'url\("([^"]+woff2)"\)', css).group(1)
    assert HASHED.search(font), font
    assert (collected / "vendor/bootstrap-icons" / font).exists()


def test_every_icon_the_templates_use_is_in_the_trimmed_set():
    css = (ROOT / "static/vendor/bootstrap-icons/bootstrap-icons.min.css").read_text()
    have = set(re.findall(r"\.bi-([a-z0-9-]+)::before", css))
    used = set()
    for path in ROOT.rglob("*"):
        if path.suffix not in {".html", ".py", ".js"} or any(
            part in {".venv", "node_modules", "vendor", ".git", "var"} for part in path.parts
        ):
            continue
        if path.name == Path(__file__).name:
            continue
        used.update(re.findall(r"\bbi-([a-z0-9-]+)", path.read_text(errors="ignore")))
    missing = used - have
    assert not missing, (
        f"icons not in the trimmed font: {sorted(missing)} — "
        "run static/vendor/build/trim_icons.py (static/vendor/README.md)"
    )


@pytest.mark.django_db
def test_the_browser_favicon_request_finds_the_icon(client):
    response = client.get("/favicon.ico")
    assert response.status_code == 302
    assert response["Location"].endswith("favicon.svg")
    assert (ROOT / "static/favicon.svg").read_text().startswith("<svg")
