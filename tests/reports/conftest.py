from __future__ import annotations

import shutil
import subprocess

import pytest

from tests.factories import RecordFactory, domain


def pdf_text(data: bytes, tmp_path) -> str:
    """The PDF's text as pdftotext reads it (layout kept, so table rows stay on one line)."""
    path = tmp_path / "out.pdf"
    path.write_bytes(data)
    return subprocess.run(
        ["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True
    ).stdout


def pdf_fonts(data: bytes, tmp_path) -> str:
    path = tmp_path / "fonts.pdf"
    path.write_bytes(data)
    return subprocess.run(
        ["pdffonts", str(path)], capture_output=True, text=True, check=True
    ).stdout


@pytest.fixture
def needs_poppler():
    if not shutil.which("pdftotext"):
        pytest.skip("poppler-utils not installed")


@pytest.fixture
def ledger_a(world):
    """Approved and unapproved records of township A in two domains."""
    c = world.campaign_a
    records = []
    for i in range(6):
        records.append(
            RecordFactory(campaign=c, unit=world.unit_a1, type="lecture", participants=40 + i)
        )
    for i in range(3):
        records.append(
            RecordFactory(
                campaign=c,
                unit=world.unit_a2,
                domain=domain("schools"),
                type="film",
                participants=100 + i,
            )
        )
    # These must not count: a draft, a returned record, and township B's record.
    RecordFactory(campaign=c, unit=world.unit_a1, status="draft", participants=999)
    RecordFactory(campaign=c, unit=world.unit_a1, status="returned", participants=888)
    RecordFactory(campaign=world.campaign_b, unit=world.unit_b1, participants=777)
    return records


@pytest.fixture
def domains_a(world):
    from campaigns.models import CampaignDomain

    for order, code in enumerate(["villages", "schools", "families"]):
        CampaignDomain.objects.create(
            campaign=world.campaign_a, domain=domain(code), order=order, lead_unit=world.unit_a1
        )


@pytest.fixture(autouse=True)
def _own_media_root(settings, tmp_path):
    """Report tests write photos and PDFs: into their own folder, not the shared test media
    (other test sessions clean that one while they start and stop)."""
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.MEDIA_ROOT.mkdir()
