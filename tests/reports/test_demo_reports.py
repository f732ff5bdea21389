"""Every report kind renders on the demo through `manage.py render_report`."""

import io

import pytest
from django.core.management import call_command

from campaigns.models import Campaign
from tests.reports.conftest import pdf_text


@pytest.mark.django_db
def test_every_kind_renders_on_the_demo(tmp_path, settings, needs_poppler):
    from assessments.models import Notice

    settings.REPORT_WORKERS = 1
    call_command("load_demo", stdout=io.StringIO())
    campaign = Campaign.objects.get(township__code="qingxi-town")
    notice = Notice.objects.get(campaign=campaign, status="published")
    assert notice.doc_number.endswith("号") and "〔" in notice.doc_number
    month = f"{campaign.year}-06"
    texts = {}
    for kind, extra in [
        ("dossier", []),
        ("work-report", []),
        ("notice", []),
        ("monthly", ["--month", month]),
        ("ledger", []),
    ]:
        out = tmp_path / f"{kind}.pdf"
        call_command(
            "render_report",
            kind,
            "--campaign",
            str(campaign.pk),
            "-o",
            str(out),
            *extra,
            stdout=io.StringIO(),
            stderr=io.StringIO(),
        )
        texts[kind] = pdf_text(out.read_bytes(), tmp_path).replace(" ", "")
    # the dossier lists the demo's approved records; the ledger shows dates the Chinese way
    from activities.models import ActivityRecord

    approved = ActivityRecord.objects.counted().filter(campaign=campaign).order_by("date")
    assert approved.exists()
    for record in approved[:5]:
        assert record.title in texts["dossier"]
    first = approved.first().date
    assert f"{first.year}年{first.month}月{first.day}日" in texts["ledger"]
    assert notice.doc_number in texts["notice"]
