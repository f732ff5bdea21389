"""`load_demo` gives the sites and assessments the issue asks for, and a second run changes nothing."""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command
from django.utils import timezone

from assessments.models import Assessment, CriteriaSet, Rectification, SpotCheck
from sites.models import CreationPlan, Site, Status, VisitRoute

pytestmark = pytest.mark.django_db


def counts():
    return [
        m.objects.count()
        for m in (Site, CreationPlan, CriteriaSet, Assessment, Rectification, SpotCheck, VisitRoute)
    ]


def test_demo_sites_and_assessments():
    call_command("load_demo", stdout=io.StringIO())
    first = counts()
    call_command("load_demo", stdout=io.StringIO())
    assert counts() == first

    cs = CriteriaSet.objects.get()
    assert cs.items.count() == 16 and cs.frozen
    assert sum(i.points for i in cs.items.all()) == 100
    assert cs.items.filter(auto_target__isnull=False).count() == 5
    assert set(cs.items.exclude(auto_source="ledger").values_list("code", "auto_source")) == {
        ("3.1", "positions"),
        ("3.3", "position_updates"),
    }
    statuses = set(Site.objects.values_list("status", flat=True))
    assert {
        Status.CANDIDATE,
        Status.PLAN_SUBMITTED,
        Status.PRECHECKED,
        Status.NAMED,
        Status.REVIEW_DUE,
    } <= statuses
    assert Assessment.objects.filter(kind="self", status="completed").count() == 1
    precheck = Assessment.objects.get(kind="precheck")
    assert precheck.scores.filter(passed=False).count() == 2
    today = timezone.localdate()
    rects = Rectification.objects.all()
    assert rects.count() == 2
    assert sum(r.is_overdue(today) for r in rects) == 1
