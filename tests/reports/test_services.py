import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError

from reports import services
from reports.models import Kind, Report
from tests.factories import TODAY
from tests.reports.factories import ReportFactory


@time_machine.travel(TODAY)
def test_request_renders_through_the_task(
    world, domains_a, ledger_a, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        report = services.request_report(world.campaign_a, Kind.WORK_REPORT, {}, world.office_a)
    report.refresh_from_db()
    assert report.status == Report.Status.DONE
    assert report.progress == 100
    assert report.pages == 3  # the report in 3号 仿宋 and its table of exact figures
    assert report.attempts == 1
    assert report.file.read().startswith(b"%PDF")
    assert report.township == world.township_a and report.district == world.district


def test_only_office_staff_request(world):
    with pytest.raises(PermissionDenied):
        services.request_report(world.campaign_a, Kind.WORK_REPORT, {}, world.leader_a)
    with pytest.raises(PermissionDenied):
        services.request_report(world.campaign_a, Kind.WORK_REPORT, {}, world.office_b)


def test_monthly_report_needs_a_month(world):
    with pytest.raises(ValidationError) as exc:
        services.request_report(world.campaign_a, Kind.MONTHLY, {"month": "六月"}, world.office_a)
    assert "请填写月份" in str(exc.value)
    assert not Report.objects.exists()


def test_missing_row_is_tolerated(db):
    assert services.render_report(424242) is None


def test_a_claimed_report_is_not_rendered_twice(world):
    report = ReportFactory(campaign=world.campaign_a, status=Report.Status.RUNNING)
    assert services.render_report(report.pk) is None
    report.refresh_from_db()
    assert report.attempts == 0


def test_failure_keeps_its_reason_and_retry_requeues(
    world, monkeypatch, django_capture_on_commit_callbacks
):
    report = ReportFactory(campaign=world.campaign_a)

    def boom(*args, **kwargs):
        raise RuntimeError("字体丢失")

    monkeypatch.setattr("reports.contexts.work_report.build", boom)
    services.render_report(report.pk)
    report.refresh_from_db()
    assert report.status == Report.Status.FAILED
    assert "字体丢失" in report.error
    monkeypatch.undo()
    with django_capture_on_commit_callbacks(execute=True):
        services.retry_report(report, world.office_a)
    report.refresh_from_db()
    assert report.status == Report.Status.DONE and report.error == ""
    assert report.attempts == 2


def test_retry_only_failed(world):
    report = ReportFactory(campaign=world.campaign_a, status=Report.Status.DONE)
    with pytest.raises(ValidationError):
        services.retry_report(report, world.office_a)


def test_send_only_finished_dossiers_once(world):
    work = ReportFactory(campaign=world.campaign_a, status=Report.Status.DONE)
    with pytest.raises(ValidationError):
        services.send_to_district(work, world.office_a)
    dossier = ReportFactory(campaign=world.campaign_a, kind=Kind.DOSSIER, status=Report.Status.DONE)
    services.send_to_district(dossier, world.office_a)
    assert dossier.sent_at is not None and dossier.sent_by == world.office_a
    with pytest.raises(ValidationError):
        services.send_to_district(dossier, world.office_a)


def test_reviewers_see_only_dossiers_sent_to_their_district(world):
    work = ReportFactory(campaign=world.campaign_a, status=Report.Status.DONE)
    kept = ReportFactory(campaign=world.campaign_a, kind=Kind.DOSSIER, status=Report.Status.DONE)
    sent = ReportFactory(campaign=world.campaign_a, kind=Kind.DOSSIER, status=Report.Status.DONE)
    services.send_to_district(sent, world.office_a)
    assert list(Report.objects.visible_to(world.reviewer)) == [sent]
    assert not Report.objects.visible_to(world.other_reviewer).exists()
    assert set(Report.objects.visible_to(world.leader_a)) == {work, kept, sent}
    assert set(Report.objects.visible_to(world.district_leader)) == {work, kept, sent}
    assert not Report.objects.visible_to(world.liaison_a1).exists()
    assert not Report.objects.visible_to(world.office_b).exists()
