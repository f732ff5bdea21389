"""Factories for sites, criteria and assessments."""

from __future__ import annotations

from decimal import Decimal

from django.utils import timezone

from assessments.models import CriteriaGroup, CriteriaItem, CriteriaSet
from sites.models import Site, Status
from tests.factories import domain


def make_site(campaign, unit, status=Status.CREATING, **extra) -> Site:
    return Site.objects.create(
        campaign=campaign,
        unit=unit,
        domain=extra.pop("domain", None) or domain("villages"),
        name=extra.pop("name", f"{unit.name}廉政文化示范点"),
        status=status,
        status_changed_at=timezone.now(),
        **extra,
    )


def make_criteria(district, *, items: int = 6, auto: int = 1, pass_line=None, kinds=None):
    """A set of `items` items of 10 points in three groups; the first `auto` are automatic
    (4 approved lectures in the year give full points)."""
    cs = CriteriaSet.objects.create(
        district=district,
        name="廉政文化示范区域标准",
        pass_line=Decimal(pass_line if pass_line is not None else items * 6),
    )
    kinds = kinds or [
        CriteriaGroup.Kind.ORGANISATION,
        CriteriaGroup.Kind.ACTIVITIES,
        CriteriaGroup.Kind.ARCHIVES,
    ]
    groups = [
        CriteriaGroup.objects.create(
            criteria_set=cs, kind=kind, name=CriteriaGroup.Kind(kind).label, order=n
        )
        for n, kind in enumerate(kinds)
    ]
    for n in range(items):
        CriteriaItem.objects.create(
            criteria_set=cs,
            group=groups[n % len(groups)],
            code=f"{n + 1}",
            text=f"评审条目{n + 1}",
            points=Decimal(10),
            order=n,
            auto_target=4 if n < auto else None,
            auto_type="lecture" if n < auto else "",
        )
    return cs
