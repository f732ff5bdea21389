"""Sites, a criteria set, assessments and rectifications for the dashboard's tests (plain rows)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.utils import timezone

from activities.types import ActivityType
from assessments.models import (
    Assessment,
    CriteriaGroup,
    CriteriaItem,
    CriteriaSet,
    ItemScore,
    Rectification,
)
from sites.models import Site, Status
from tests.factories import domain


def criteria_set(district, *, pass_line="60") -> tuple[CriteriaSet, CriteriaItem, CriteriaItem]:
    """A 100-point standard: a manual item of 60 points and an automatic one of 40 (4 lectures)."""
    cset = CriteriaSet.objects.create(district=district, name="示范点标准", pass_line=pass_line)
    group = CriteriaGroup.objects.create(criteria_set=cset, name="活动开展")
    manual = CriteriaItem.objects.create(
        criteria_set=cset, group=group, code="1", text="制度健全", points=Decimal(60), order=1
    )
    auto = CriteriaItem.objects.create(
        criteria_set=cset,
        group=group,
        code="2",
        text="开展廉政党课",
        points=Decimal(40),
        order=2,
        auto_target=4,
        auto_type=ActivityType.LECTURE,
    )
    return cset, manual, auto


def site(campaign, unit, name, *, status=Status.CREATING) -> Site:
    return Site.objects.create(
        campaign=campaign, unit=unit, domain=domain("villages"), name=name, status=status
    )


def assessed(site, cset, scores: dict, *, on=dt.date(2026, 6, 1)) -> Assessment:
    assessment = Assessment.objects.create(
        kind=Assessment.Kind.PRECHECK,
        status=Assessment.Status.COMPLETED,
        criteria_set=cset,
        campaign=site.campaign,
        site=site,
        assessed_on=on,
        completed_at=timezone.now(),
    )
    for item, score in scores.items():
        ItemScore.objects.create(assessment=assessment, item=item, score=Decimal(score))
    return assessment


def rectification(campaign, unit, deadline, *, status=Rectification.Status.OPEN) -> Rectification:
    return Rectification.objects.create(
        campaign=campaign,
        unit=unit,
        title="补齐台账",
        requirement="补充活动照片",
        deadline=deadline,
        status=status,
    )
