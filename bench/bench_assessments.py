"""Sites and assessments at district scale.

* the pre-check score sheet of 60 items with 2,000 linked records: load (GET) and save (POST);
* the automatic scores of every site in the district (`district_readiness`, 400 sites);
* the list pages (sites, registry, assessments, rectification items) and the notice draft's
  lagging-unit computation.
"""

from __future__ import annotations

from decimal import Decimal
from urllib.parse import urlencode

from django.urls import reverse
from django.utils import timezone

from assessments.models import Assessment, CriteriaSet, ItemScore, LinkedRecord
from assessments.notice import lagging_units
from assessments.readiness import district_readiness
from organisations.models import Role


def sheet_data(assessment) -> dict:
    data = {}
    links: dict[int, list[str]] = {}
    for score_id, record_id in LinkedRecord.objects.filter(
        item_score__assessment=assessment
    ).values_list("item_score_id", "record_id"):
        links.setdefault(score_id, []).append(str(record_id))
    for s in ItemScore.objects.filter(assessment=assessment).select_related("item"):
        score = s.auto_score if s.auto_score is not None else s.item.points - 1
        data[f"score-{s.item_id}"] = str(score)
        data[f"passed-{s.item_id}"] = "1"
        data[f"records-{s.item_id}"] = links.get(s.pk, [])
    return data


def run(h) -> None:
    cs = CriteriaSet.objects.filter(name="规模测试示范区域标准").first()
    precheck = (
        Assessment.objects.filter(kind="precheck", criteria_set=cs)
        .select_related("township", "campaign")
        .first()
    )
    if precheck is None:
        print("bench_assessments: no scale pre-check (run generate_scale_data)")
        return
    office = Role.objects.filter(organisation=precheck.township, kind=Role.Kind.OFFICE).first().user
    links = LinkedRecord.objects.filter(item_score__assessment=precheck).count()
    detail = reverse("assessments:assessment_detail", args=[precheck.pk])
    h.page(
        f"assessments: pre-check sheet load ({precheck.scores.count()} items, {links} links)",
        office.username,
        detail,
    )
    # Posted as the browser posts the sheet's form (urlencoded, no file field).
    client = h.client_for(office.username)
    auto_items = [
        f"-{pk}"
        for pk in precheck.scores.filter(auto_score__isnull=False).values_list("item_id", flat=True)
    ]
    save = reverse("assessments:assessment_save", args=[precheck.pk])
    data = sheet_data(precheck)
    bodies = []
    for delta in ("0", "1"):  # every run changes all 60 scores (the worst case)
        changed = dict(data)
        for key, value in data.items():
            if key.startswith("score-") and not key.endswith(tuple(auto_items)):
                changed[key] = str(Decimal(value) - Decimal(delta))
        bodies.append(urlencode(changed, doseq=True))
    turn = iter(range(10**9))

    def post_sheet():
        body = bodies[next(turn) % 2]
        response = client.post(save, body, content_type="application/x-www-form-urlencoded")
        if response.status_code != 302:
            raise AssertionError(f"sheet save answered {response.status_code}")

    h.call("assessments: pre-check sheet save (POST, same links)", post_sheet)
    district_id = precheck.district_id
    sites = len(district_readiness(district_id, precheck.campaign.year, cs))
    h.call(
        f"assessments: automatic scores, all {sites} sites of the district",
        lambda: district_readiness(district_id, precheck.campaign.year, cs),
        runs=10,
    )
    h.call(
        "assessments: notice draft, lagging units of a township",
        lambda: lagging_units(precheck.campaign, timezone.localdate()),
        runs=10,
    )
    h.page("sites: site list (office)", office.username, reverse("sites:site_list"))
    reviewer = Role.objects.filter(organisation_id=district_id, kind=Role.Kind.REVIEWER).first()
    leader = Role.objects.filter(organisation=precheck.township, kind=Role.Kind.LEADER).first()
    who = (reviewer or leader).user.username
    h.page("sites: registry (district)", who, reverse("sites:site_registry"))
    h.page("assessments: list (office)", office.username, reverse("assessments:assessment_list"))
    h.page(
        "assessments: rectification list (office)",
        office.username,
        reverse("assessments:rectification_list"),
    )
