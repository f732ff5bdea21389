"""`load_demo` builds the seed-000 campaign and a second run changes nothing."""

from __future__ import annotations

import io

import pytest
from django.apps import apps
from django.core.management import call_command

from campaigns.models import Campaign, Milestone, Phase
from organisations.models import Organisation, Role, User

pytestmark = pytest.mark.django_db


def snapshot() -> dict[str, int]:
    return {
        model._meta.label: model.objects.count()
        for model in apps.get_models()
        if model._meta.app_label not in {"sessions", "admin"}
    }


def test_load_demo_builds_the_township_and_is_idempotent():
    out = io.StringIO()
    call_command("load_demo", stdout=out)
    first = snapshot()
    call_command("load_demo", stdout=io.StringIO())
    assert snapshot() == first

    township = Organisation.objects.get(level=Organisation.Level.TOWNSHIP, code="qingxi-town")
    units = Organisation.objects.filter(township=township, level=Organisation.Level.UNIT)
    assert 13 <= units.count() <= 20
    assert set(units.values_list("unit_type", flat=True)) >= {
        "village",
        "community",
        "department",
        "school",
        "health_centre",
        "enterprise",
        "social_org",
    }
    # a liaison per active unit (the merged one handed its liaison over), one user per role
    for unit in units.filter(is_active=True):
        assert Role.objects.filter(organisation=unit, kind=Role.Kind.LIAISON).exists(), unit
    merged = units.get(code="qx-comm-xinjie-old")
    assert not merged.is_active
    assert Role.objects.filter(user__username="liaison-xinjie-old", organisation__name="新街社区")
    assert Organisation.objects.get(code="qx-health").short_name == "卫生院"
    assert User.objects.get(username="liaison-new").must_change_password
    for kind in (Role.Kind.OFFICE, Role.Kind.LEADER, Role.Kind.REVIEWER):
        assert Role.objects.filter(kind=kind).exists()

    campaign = Campaign.objects.get(township=township)
    assert campaign.campaign_domains.count() == 8
    assert list(campaign.phases.values_list("kind", flat=True)) == [
        Phase.Kind.MOBILISATION,
        Phase.Kind.CREATION,
        Phase.Kind.APPLICATION,
    ]
    kinds = set(campaign.milestones.values_list("kind", flat=True))
    assert {Milestone.Kind.PLAN_DUE, Milestone.Kind.APPLICATION_DUE} <= kinds
    assert campaign.leadership.filter(position="leader").exists()
    assert campaign.documents.filter(doc_number="通纪委〔2023〕96号").exists()

    # issue 14: unit creation plans, publicity, 宣传阵地, sites moving up, themed routes
    from activities.models import PublicityItem
    from campaigns import plans
    from sites.models import Level, Position, Site, VisitRoute

    board = {row.unit.code: row.state for row in plans.board(campaign)}
    assert board["qx-office"] == "approved" and board["qx-women"] == "returned"
    assert board["qx-chamber"] == "missing" and "qx-finance" not in board
    assert set(PublicityItem.objects.values_list("status", flat=True)) == {
        "approved",
        "submitted",
        "returned",
    }
    assert PublicityItem.objects.counted().values("channel").distinct().count() >= 6
    assert Position.objects.filter(township=township).count() == 5
    import datetime as dt

    from django.utils import timezone

    from notifications.deadlines import PROVIDERS

    today = timezone.localdate()
    positions = PROVIDERS["position_update"]
    due_in_a_week = [d.title for d in positions.open(dates=[today + dt.timedelta(days=7)])]
    assert due_in_a_week == ["宣传阵地待更新：校园廉政文化主题宣传栏（清溪镇中心小学）"]
    late = [d.title for d in positions.open(before=today)]
    assert late == ["宣传阵地待更新：清溪村廉政宣传栏（清溪村）"]
    assert Site.objects.filter(level=Level.CITY, namings__level=Level.DISTRICT).exists()
    assert VisitRoute.objects.filter(township__isnull=True, theme="warning").exists()

    printed = out.getvalue()
    for login in ("office", "leader", "reviewer", "liaison"):
        assert User.objects.filter(username=login).exists()
        assert f"  {login} " in printed
    assert "qingfeng-demo" in printed


def test_demo_dates_put_some_deadlines_behind_and_some_ahead():
    from django.utils import timezone

    call_command("load_demo", stdout=io.StringIO())
    today = timezone.localdate()
    campaign = Campaign.objects.get(township__code="qingxi-town")
    dues = list(campaign.milestones.values_list("due_date", flat=True))
    assert any(d < today for d in dues) and any(d > today for d in dues)
    assert campaign.current_phase(today).kind == Phase.Kind.CREATION


@pytest.mark.parametrize("today", ["2026-06-15", "2026-11-28"])
def test_demo_monthly_reports_on_time_late_and_missing(today):
    import datetime as dt

    import time_machine

    from monthly import completeness
    from monthly.models import LATE, MISSING, ON_TIME

    with time_machine.travel(dt.datetime.fromisoformat(f"{today}T10:00+08:00"), tick=False):
        call_command("load_demo", stdout=io.StringIO())
        campaign = Campaign.objects.get()
        slots = completeness.slots(campaign, dt.date.fromisoformat(today), include_not_due=False)
    states = {s.state for s in slots}
    assert {ON_TIME, LATE, MISSING} <= states
    assert any(s.quiet for s in slots)  # submitted, no activity that month
