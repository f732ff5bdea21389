"""Demo data (idempotent) and scale data (counts, links, shared files)."""

from __future__ import annotations

import pytest

from activities.models import ActivityRecord, Evidence
from organisations.demo_framework import DemoContext, ScaleContext
from tests.factories import TODAY


def _demo(today):
    from activities import demo as activities_demo
    from campaigns import demo as campaigns_demo
    from organisations import demo as organisations_demo

    ctx = DemoContext(today=today, write=lambda *a: None)
    for part in (organisations_demo, campaigns_demo, activities_demo):
        part.load(ctx)
    return ctx


def test_demo_ledger_is_idempotent(db, media, today, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        ctx = _demo(TODAY)
    counts = (ActivityRecord.objects.count(), Evidence.objects.count())
    assert counts[0] == 25 and counts[1] == 25
    assert ActivityRecord.objects.counted().count() == 18
    # quantities in each type's measure, and the highlights the office picked
    banner = ActivityRecord.objects.get(title="主要路口张贴廉政标语")
    assert (banner.quantity, banner.highlight) == (30, True)
    assert ActivityRecord.objects.filter(status="returned").get().return_reason
    assert ActivityRecord.objects.filter(status="withdrawn").get().withdraw_reason
    photo = Evidence.objects.first()
    assert photo.taken_at is not None and (media / photo.file.name).exists()
    assert all(r.township_id == ctx.township.pk for r in ActivityRecord.objects.all())
    with django_capture_on_commit_callbacks(execute=True):
        _demo(TODAY)
    assert (ActivityRecord.objects.count(), Evidence.objects.count()) == counts


@pytest.mark.django_db
def test_scale_data(media):
    from activities import scale as activities_scale
    from campaigns import scale as campaigns_scale
    from organisations import scale as organisations_scale

    ctx = ScaleContext(
        today=TODAY,
        write=lambda *a: None,
        townships=2,
        units=10,
        tasks=20,
        records=300,
        evidence=750,
    )
    for part in (organisations_scale, campaigns_scale, activities_scale):
        part.generate(ctx)
    assert ActivityRecord.objects.count() == 300
    assert Evidence.objects.count() == 750
    assert ActivityRecord.objects.counted().count() > 200
    record = ActivityRecord.objects.select_related("unit", "campaign").first()
    assert record.township_id == record.unit.township_id
    assert record.campaign.township_id == record.township_id
    for record in ActivityRecord.objects.prefetch_related("tasks"):
        for task in record.tasks.all():
            assert (
                record.unit_id == task.lead_unit_id
                or task.co_units.filter(pk=record.unit_id).exists()
            )
            assert not task.activity_types or record.type in task.activity_types
    names = set(Evidence.objects.values_list("file", flat=True))
    assert len(names) <= 6 and all((media / n).exists() for n in names)
    assert Evidence.objects.values("sha256").distinct().count() == 750
