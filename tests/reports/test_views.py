import pytest
from django.urls import reverse

from reports.models import Kind, Report
from tests.reports.factories import ReportFactory


@pytest.fixture
def done(world):
    from django.core.files.base import ContentFile

    report = ReportFactory(campaign=world.campaign_a, status=Report.Status.DONE, pages=1)
    report.file.save("x.pdf", ContentFile(b"%PDF-1.7 test"), save=True)
    return report


def test_list_shows_township_reports_in_fixed_queries(world, login, django_assert_num_queries):
    for _ in range(30):
        ReportFactory(campaign=world.campaign_a)
    ReportFactory(campaign=world.campaign_b, title="乙镇的报告")
    client = login(world.office_a)
    client.get(reverse("reports:report_list"))  # warm the session
    with django_assert_num_queries(9):  # 8 + the domain choices of the dossier's scope
        response = client.get(reverse("reports:report_list"))
    assert response.status_code == 200
    assert "乙镇的报告" not in response.content.decode()
    assert response.context["form"] is not None
    assert response.context["page"].paginator.count == 30


def test_leader_reads_list_without_the_form(world, login):
    ReportFactory(campaign=world.campaign_a)
    response = login(world.leader_a).get(reverse("reports:report_list"))
    assert response.status_code == 200
    assert response.context["form"] is None


@pytest.mark.parametrize("who", ["outsider", "liaison_a1"])
def test_list_refused_to_outsiders_and_liaisons(world, login, who):
    assert login(getattr(world, who)).get(reverse("reports:report_list")).status_code == 404


def test_request_creates_and_renders(
    world, login, domains_a, ledger_a, django_capture_on_commit_callbacks
):
    client = login(world.office_a)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("reports:report_request"),
            {"campaign": world.campaign_a.pk, "kind": Kind.WORK_REPORT},
        )
    report = Report.objects.get()
    assert response.status_code == 302
    assert response.url == reverse("reports:report_detail", args=[report.pk])
    report.refresh_from_db()
    assert report.status == Report.Status.DONE and report.requested_by == world.office_a


def test_request_bad_month_shows_error_at_the_field(world, login):
    response = login(world.office_a).post(
        reverse("reports:report_request"),
        {"campaign": world.campaign_a.pk, "kind": Kind.MONTHLY, "month": "abc"},
    )
    assert response.status_code == 400
    assert "请填写月份" in str(response.context["form"].errors["month"])
    assert not Report.objects.exists()


def test_request_for_another_township_is_refused(world, login):
    response = login(world.office_a).post(
        reverse("reports:report_request"),
        {"campaign": world.campaign_b.pk, "kind": Kind.WORK_REPORT},
    )
    assert response.status_code == 400
    assert not Report.objects.exists()


def test_request_refusals(world, login):
    url = reverse("reports:report_request")
    data = {"campaign": world.campaign_a.pk, "kind": Kind.WORK_REPORT}
    assert login(world.leader_a).post(url, data).status_code == 403
    assert login(world.outsider).post(url, data).status_code == 404
    assert login(world.liaison_a1).post(url, data).status_code == 404
    assert login(world.office_a).get(url).status_code == 405
    assert not Report.objects.exists()


def test_detail_and_htmx_partial(world, login, done):
    client = login(world.leader_a)
    url = reverse("reports:report_detail", args=[done.pk])
    page = client.get(url)
    assert page.status_code == 200
    assert "下载 PDF" in page.content.decode()
    assert "<html" in page.content.decode()
    partial = client.get(url, headers={"HX-Request": "true"})
    assert partial.status_code == 200
    body = partial.content.decode()
    assert "<html" not in body and 'id="report-status"' in body
    assert "hx-trigger" not in body  # finished: polling stops


def test_running_report_polls(world, login):
    report = ReportFactory(campaign=world.campaign_a, status=Report.Status.RUNNING, progress=40)
    body = (
        login(world.office_a)
        .get(reverse("reports:report_detail", args=[report.pk]), headers={"HX-Request": "true"})
        .content.decode()
    )
    assert 'hx-trigger="every 2s"' in body and "40%" in body


def test_failed_report_shows_reason_and_retry(world, login):
    report = ReportFactory(campaign=world.campaign_a, status=Report.Status.FAILED, error="图片损坏")
    body = (
        login(world.office_a)
        .get(reverse("reports:report_detail", args=[report.pk]))
        .content.decode()
    )
    assert "图片损坏" in body and "重试" in body
    body = (
        login(world.leader_a)
        .get(reverse("reports:report_detail", args=[report.pk]))
        .content.decode()
    )
    assert "图片损坏" in body and "重试" not in body


@pytest.mark.parametrize(
    "who", ["outsider", "liaison_a1", "office_b", "reviewer", "other_reviewer"]
)
def test_detail_and_download_refused(world, login, done, who):
    client = login(getattr(world, who))
    assert client.get(reverse("reports:report_detail", args=[done.pk])).status_code == 404
    assert client.get(reverse("reports:report_download", args=[done.pk])).status_code == 404


def test_download(world, login, done):
    response = login(world.office_a).get(reverse("reports:report_download", args=[done.pk]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert b"".join(response.streaming_content) == b"%PDF-1.7 test"
    assert "attachment" in response["Content-Disposition"]


def test_download_of_unfinished_report_is_404(world, login):
    report = ReportFactory(campaign=world.campaign_a)
    assert (
        login(world.office_a).get(reverse("reports:report_download", args=[report.pk])).status_code
        == 404
    )


def test_preview_is_the_same_context_as_html(world, login, domains_a, ledger_a):
    report = ReportFactory(campaign=world.campaign_a)
    body = (
        login(world.leader_a)
        .get(reverse("reports:report_preview", args=[report.pk]))
        .content.decode()
    )
    assert "工作情况汇报" in body and 'lang="zh-CN"' in body
    assert (
        login(world.outsider).get(reverse("reports:report_preview", args=[report.pk])).status_code
        == 404
    )


def test_retry_refusals(world, login):
    report = ReportFactory(campaign=world.campaign_a, status=Report.Status.FAILED, error="x")
    url = reverse("reports:report_retry", args=[report.pk])
    assert login(world.leader_a).post(url).status_code == 403
    assert login(world.outsider).post(url).status_code == 404
    assert login(world.liaison_a1).post(url).status_code == 404
    assert login(world.office_a).get(url).status_code == 405
    report.refresh_from_db()
    assert report.status == Report.Status.FAILED


def test_retry(world, login, django_capture_on_commit_callbacks):
    report = ReportFactory(campaign=world.campaign_a, status=Report.Status.FAILED, error="x")
    with django_capture_on_commit_callbacks(execute=True):
        response = login(world.office_a).post(reverse("reports:report_retry", args=[report.pk]))
    assert response.status_code == 302
    report.refresh_from_db()
    assert report.status == Report.Status.DONE


def test_send_dossier_then_reviewer_sees_it(world, login):
    dossier = ReportFactory(campaign=world.campaign_a, kind=Kind.DOSSIER, status=Report.Status.DONE)
    url = reverse("reports:report_send", args=[dossier.pk])
    detail = reverse("reports:report_detail", args=[dossier.pk])
    assert login(world.reviewer).get(detail).status_code == 404
    assert login(world.leader_a).post(url).status_code == 403
    assert login(world.liaison_a1).post(url).status_code == 404
    assert login(world.office_a).get(url).status_code == 405
    assert login(world.office_a).post(url).status_code == 302
    dossier.refresh_from_db()
    assert dossier.sent_at is not None
    assert login(world.reviewer).get(detail).status_code == 200
    assert login(world.reviewer).post(url).status_code == 403
    assert login(world.other_reviewer).get(detail).status_code == 404


def test_preview_of_a_notice_without_notice_goes_back_with_the_reason(world, login):
    report = ReportFactory(campaign=world.campaign_a, kind=Kind.NOTICE)
    client = login(world.office_a)
    response = client.get(reverse("reports:report_preview", args=[report.pk]))
    assert response.status_code == 302
    page = client.get(response.url)
    assert "还没有通报" in page.content.decode()


def test_dossier_preview_shows_no_media_urls(world, login, domains_a):
    from tests.reports.factories import make_dossier_data

    make_dossier_data(world.campaign_a, sites=1, photos_per_site=1, items=1)
    report = ReportFactory(campaign=world.campaign_a, kind=Kind.DOSSIER)
    body = (
        login(world.leader_a)
        .get(reverse("reports:report_preview", args=[report.pk]))
        .content.decode()
    )
    assert "清风廉政文化示范点1号" in body
    assert "/media/" not in body


def test_home_panel_lists_recent_reports(world, login):
    ReportFactory(campaign=world.campaign_a, title="甲镇最近的汇报")
    ReportFactory(campaign=world.campaign_b, title="乙镇的汇报")
    body = login(world.office_a).get(reverse("home")).content.decode()
    assert "甲镇最近的汇报" in body and "乙镇的汇报" not in body
    sent = ReportFactory(
        campaign=world.campaign_a,
        kind=Kind.DOSSIER,
        status=Report.Status.DONE,
        title="甲镇申报材料",
    )
    assert "甲镇申报材料" not in login(world.reviewer).get(reverse("home")).content.decode()
    from reports.services import send_to_district

    send_to_district(sent, world.office_a)
    body = login(world.reviewer).get(reverse("home")).content.decode()
    assert "甲镇申报材料" in body and "甲镇最近的汇报" not in body


def test_request_with_nothing_to_print_is_refused_at_the_form(world, login):
    client = login(world.office_a)
    for kind, message in [(Kind.NOTICE, "还没有印发的通报"), (Kind.LEDGER, "台账无内容可打印")]:
        response = client.post(
            reverse("reports:report_request"), {"campaign": world.campaign_a.pk, "kind": kind}
        )
        assert response.status_code == 400
        assert message in response.content.decode()
    assert not Report.objects.exists()


def test_dossier_request_takes_the_record_scope(world, login, django_capture_on_commit_callbacks):
    client = login(world.office_a)
    response = client.post(
        reverse("reports:report_request"),
        {"campaign": world.campaign_a.pk, "kind": Kind.DOSSIER, "records": "domain"},
    )
    assert response.status_code == 400 and "请选择领域" in response.content.decode()
    with django_capture_on_commit_callbacks(execute=False):
        response = client.post(
            reverse("reports:report_request"),
            {
                "campaign": world.campaign_a.pk,
                "kind": Kind.DOSSIER,
                "records": "domain",
                "domain": "schools",
            },
        )
    assert response.status_code == 302
    assert Report.objects.get().parameters == {"records": "domain", "domain": "schools"}
