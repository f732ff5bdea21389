"""The score sheet: load and save, access, bad input, htmx, fixed query counts at size."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
import time_machine
from django.urls import reverse

from activities.models import ActivityRecord
from assessments import services
from assessments.models import ItemScore, LinkedRecord
from sites.models import Status
from tests.assessments.factories import make_criteria, make_site
from tests.factories import RecordFactory


@pytest.fixture(autouse=True)
def _today():
    with time_machine.travel(dt.datetime(2026, 6, 15, 10, 0), tick=False):
        yield


def sheet_post(assessment, score="8", passed="1", **extra):
    data = {}
    for s in assessment.scores.all():
        value = s.auto_score if s.auto_score is not None else score
        data[f"score-{s.item_id}"] = str(value)
        data[f"passed-{s.item_id}"] = passed
        data[f"passreason-{s.item_id}"] = "现场复核认可"
    data.update(extra)
    return data


@pytest.fixture
def self_assessment(world, criteria, site_a1):
    return services.start_assessment("self", criteria, world.liaison_a1, site=site_a1)


def test_liaison_scores_their_self_assessment(world, login, self_assessment):
    client = login(world.liaison_a1)
    response = client.get(reverse("assessments:assessment_detail", args=[self_assessment.pk]))
    assert response.status_code == 200 and response.context["editable"]
    response = client.post(
        reverse("assessments:assessment_save", args=[self_assessment.pk]),
        sheet_post(self_assessment),
    )
    assert response.status_code == 302
    assert ItemScore.objects.filter(assessment=self_assessment, score=Decimal(8)).count() == 5


def test_a_score_above_points_is_shown_at_the_item_and_nothing_saved(world, login, self_assessment):
    item = self_assessment.scores.filter(item__auto_target__isnull=True).first().item_id
    data = sheet_post(self_assessment, **{f"score-{item}": "12"})
    response = login(world.liaison_a1).post(
        reverse("assessments:assessment_save", args=[self_assessment.pk]), data
    )
    assert response.status_code == 200
    row = next(r for r in response.context["rows"] if r["score"].item_id == item)
    assert "0 到 10.0 分" in row["error"]
    assert (
        not ItemScore.objects.filter(assessment=self_assessment, score__isnull=False)
        .exclude(item__auto_target__isnull=False)
        .exists()
    )


def test_non_numeric_score_is_refused(world, login, self_assessment):
    item = self_assessment.scores.first().item_id
    response = login(world.liaison_a1).post(
        reverse("assessments:assessment_save", args=[self_assessment.pk]),
        sheet_post(self_assessment, **{f"score-{item}": "八"}),
        HTTP_HX_REQUEST="true",
    )
    assert response.status_code == 422
    assert "得分须为数字" in response.content.decode()


def test_htmx_save_returns_the_sheet_partial(world, login, self_assessment):
    response = login(world.liaison_a1).post(
        reverse("assessments:assessment_save", args=[self_assessment.pk]),
        sheet_post(self_assessment),
        HTTP_HX_REQUEST="true",
    )
    assert response.status_code == 200
    assert response.templates[0].name == "assessments/_partials/sheet.html"
    assert response.context["saved"] is True


@pytest.mark.parametrize(
    "who,status", [("outsider", 404), ("liaison_a2", 404), ("leader_a", 403), ("reviewer", 404)]
)
def test_save_refused(world, login, self_assessment, who, status):
    response = login(getattr(world, who)).post(
        reverse("assessments:assessment_save", args=[self_assessment.pk]),
        sheet_post(self_assessment),
    )
    assert response.status_code == status


def test_save_and_complete_are_post_only(world, login, self_assessment):
    client = login(world.liaison_a1)
    assert (
        client.get(reverse("assessments:assessment_save", args=[self_assessment.pk])).status_code
        == 405
    )
    assert (
        client.get(
            reverse("assessments:assessment_complete", args=[self_assessment.pk])
        ).status_code
        == 405
    )


def test_liaison_cannot_score_a_precheck(world, login, criteria, site_a1):
    site_a1.status = Status.SELF_ASSESSED
    site_a1.save()
    precheck = services.start_assessment("precheck", criteria, world.office_a, site=site_a1)
    client = login(world.liaison_a1)
    assert (
        client.get(reverse("assessments:assessment_detail", args=[precheck.pk])).status_code == 200
    )
    assert (
        client.post(
            reverse("assessments:assessment_save", args=[precheck.pk]), sheet_post(precheck)
        ).status_code
        == 403
    )


def test_complete_moves_the_site(world, login, self_assessment, site_a1):
    client = login(world.liaison_a1)
    url = reverse("assessments:assessment_complete", args=[self_assessment.pk])
    response = client.post(url, follow=True)
    assert "未打分或未判定" in response.content.decode()
    client.post(
        reverse("assessments:assessment_save", args=[self_assessment.pk]),
        sheet_post(self_assessment),
    )
    client.post(url, {"conclusion": "达标"})
    site_a1.refresh_from_db()
    assert site_a1.status == Status.SELF_ASSESSED


def big_precheck(world, records: int):
    """A 60-item pre-check whose items link `records` approved records between them."""
    criteria = make_criteria(world.district, items=60, auto=10, pass_line=300)
    site = make_site(world.campaign_a, world.unit_a1, status=Status.SELF_ASSESSED)
    RecordFactory.create_batch(records, campaign=world.campaign_a, unit=world.unit_a1)
    precheck = services.start_assessment("precheck", criteria, world.office_a, site=site)
    ids = list(ActivityRecord.objects.filter(unit=world.unit_a1).values_list("pk", flat=True))
    scores = list(precheck.scores.order_by("pk"))
    LinkedRecord.objects.bulk_create(
        LinkedRecord(item_score=scores[n % len(scores)], record_id=pk) for n, pk in enumerate(ids)
    )
    return precheck, scores, ids


@pytest.mark.parametrize("records", [200, 2000])
def test_sheet_loads_in_fixed_queries(world, login, django_assert_num_queries, records):
    # 10: the sheet no longer lists up to 300 records for a datalist; staff search instead.
    precheck, _scores, _ids = big_precheck(world, records)
    client = login(world.office_a)
    with django_assert_num_queries(9):
        response = client.get(reverse("assessments:assessment_detail", args=[precheck.pk]))
    assert response.status_code == 200
    assert sum(r["record_count"] for r in response.context["rows"]) == records
    # the first 8 links of each item are on the page, the rest load on demand
    per_item = [r["record_count"] for r in response.context["rows"]]
    shown = sum(min(8, n) for n in per_item)
    assert response.content.decode().count('type="checkbox" name="records-') == shown


@pytest.mark.parametrize("records", [200, 2000])
def test_sheet_saves_in_fixed_queries(world, login, django_assert_num_queries, records):
    precheck, scores, ids = big_precheck(world, records)
    by_score = {}
    for n, pk in enumerate(ids):
        by_score.setdefault(scores[n % len(scores)].item_id, []).append(pk)
    data = sheet_post(precheck)
    for item_id, linked in by_score.items():
        data[f"records-{item_id}"] = [str(pk) for pk in linked[1:]]  # unlink one per item
    first = scores[0].item_id
    data[f"add-{first}"] = str(by_score[scores[1].item_id][0])  # and link one more
    client = login(world.office_a)
    with django_assert_num_queries(16):
        response = client.post(reverse("assessments:assessment_save", args=[precheck.pk]), data)
    assert response.status_code == 302
    assert LinkedRecord.objects.filter(item_score__assessment=precheck).count() == records - 60 + 1


def make_evidence(record, name="签到表.pdf"):
    from activities.models import Evidence

    return Evidence.objects.create(
        record=record,
        kind="document",
        file=f"evidence/x/{record.pk}-{name}",
        original_name=name,
        mime_type="application/pdf",
        extension=".pdf",
        size=10,
        sha256=f"{record.pk:064d}",
    )


def test_evidence_candidates_and_linking(world, login, self_assessment):
    record = RecordFactory(campaign=world.campaign_a, unit=world.unit_a1)
    evidence = make_evidence(record)
    item = self_assessment.scores.filter(item__auto_target__isnull=True).first()
    client = login(world.liaison_a1)
    save = reverse("assessments:assessment_save", args=[self_assessment.pk])
    client.post(save, sheet_post(self_assessment, **{f"records-{item.item_id}": [record.pk]}))
    url = reverse("assessments:evidence_candidates", args=[self_assessment.pk, item.pk])
    response = client.get(url, HTTP_HX_REQUEST="true")
    assert "签到表.pdf" in response.content.decode()
    assert f'name="evidence-{item.item_id}" value="{evidence.pk}">' in response.content.decode()
    client.post(
        save,
        sheet_post(
            self_assessment,
            **{f"records-{item.item_id}": [record.pk], f"evidence-{item.item_id}": [evidence.pk]},
        ),
    )
    assert list(item.evidence.all()) == [evidence]
    # linked now: shown checked on the sheet, no longer a candidate
    page = client.get(reverse("assessments:assessment_detail", args=[self_assessment.pk]))
    assert f'value="{evidence.pk}" checked' in page.content.decode()
    assert "签到表.pdf" not in client.get(url).content.decode()
    # evidence of a record the item does not link is refused
    other = make_evidence(RecordFactory(campaign=world.campaign_a, unit=world.unit_a2), "别人.pdf")
    client.post(save, sheet_post(self_assessment, **{f"evidence-{item.item_id}": [other.pk]}))
    assert list(item.evidence.all()) == [evidence]


@pytest.mark.parametrize("who,status", [("outsider", 404), ("liaison_a2", 404), ("leader_a", 403)])
def test_evidence_candidates_refused(world, login, self_assessment, who, status):
    item = self_assessment.scores.first()
    url = reverse("assessments:evidence_candidates", args=[self_assessment.pk, item.pk])
    assert login(getattr(world, who)).get(url).status_code == status
    assert login(world.liaison_a1).post(url).status_code == 405


def test_links_not_shown_are_kept_and_all_can_be_loaded(world, login, self_assessment):
    records = RecordFactory.create_batch(12, campaign=world.campaign_a, unit=world.unit_a1)
    item = self_assessment.scores.filter(item__auto_target__isnull=True).first()
    LinkedRecord.objects.bulk_create(LinkedRecord(item_score=item, record=r) for r in records)
    client = login(world.liaison_a1)
    page = client.get(reverse("assessments:assessment_detail", args=[self_assessment.pk]))
    row = next(r for r in page.context["rows"] if r["score"].pk == item.pk)
    shown = [int(pk) for pk in row["shown"].split(",")]
    assert len(shown) == 8 and row["more"] == 4
    kept = shown[1:]  # untick the first shown link
    data = sheet_post(
        self_assessment,
        **{
            f"shown-{item.item_id}": row["shown"],
            f"records-{item.item_id}": [str(pk) for pk in kept],
        },
    )
    assert (
        client.post(
            reverse("assessments:assessment_save", args=[self_assessment.pk]), data
        ).status_code
        == 302
    )
    assert set(item.records.values_list("pk", flat=True)) == {r.pk for r in records} - {shown[0]}
    url = reverse("assessments:linked_records", args=[self_assessment.pk, item.pk])
    response = client.get(url, HTTP_HX_REQUEST="true")
    assert response.content.decode().count('type="checkbox"') == 11
    assert login(world.leader_a).get(url).status_code == 200  # read-only: the list, no boxes
    assert login(world.liaison_a2).get(url).status_code == 404
    assert login(world.outsider).get(url).status_code == 404
    assert login(world.liaison_a1).post(url).status_code == 405
