"""Supervision inspections and random spot checks (随机抽查), with reproducible draws.

A draw takes the population (the township's active units, or the campaign's approved records,
both ordered by id), a seed, and picks `n` of them with `random.Random(seed).sample`. The seed
and the drawn rows are stored, so anyone can re-run `draw_ids(...)` and get the same list.
"""

from __future__ import annotations

import datetime as dt
import random
import secrets

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from activities.models import ActivityRecord
from assessments.models import Finding, SpotCheck, SpotCheckItem
from assessments.services import AssessmentError
from organisations.models import Organisation


def population(campaign, target: str) -> list[int]:
    if target == SpotCheck.Target.RECORDS:
        qs = ActivityRecord.objects.counted().filter(campaign=campaign)
    else:
        qs = Organisation.objects.units().filter(township_id=campaign.township_id, is_active=True)
    return list(qs.order_by("pk").values_list("pk", flat=True))


def draw_ids(ids: list[int], n: int, seed: int) -> list[int]:
    """The same ids, n and seed always give the same draw, in the same order."""
    return random.Random(seed).sample(sorted(ids), min(n, len(ids)))  # noqa: S311 - not crypto


@transaction.atomic
def create_spot_check(
    campaign,
    *,
    kind: str,
    title: str,
    by,
    target: str = SpotCheck.Target.UNITS,
    sample_size: int = 0,
    seed: int | None = None,
    conducted_on: dt.date | None = None,
    note: str = "",
) -> SpotCheck:
    check = SpotCheck(
        campaign=campaign,
        kind=kind,
        target=target,
        title=title,
        conducted_on=conducted_on or timezone.localdate(),
        conducted_by=by,
        note=note,
    )
    if kind == SpotCheck.Kind.RANDOM:
        ids = population(campaign, target)
        if sample_size < 1:
            raise AssessmentError(_("抽取数量须大于 0。"))
        if not ids:
            raise AssessmentError(_("没有可抽取的对象。"))
        if sample_size > len(ids):
            raise AssessmentError(_("抽取数量不能超过总体数量（%(n)s）。") % {"n": len(ids)})
        check.seed = seed if seed is not None else secrets.randbits(62)
        check.sample_size = sample_size
        check.population_size = len(ids)
        check.save()
        drawn = draw_ids(ids, sample_size, check.seed)
        units = {}
        if target == SpotCheck.Target.RECORDS:
            units = dict(ActivityRecord.objects.filter(pk__in=drawn).values_list("pk", "unit_id"))
        SpotCheckItem.objects.bulk_create(
            SpotCheckItem(
                spot_check=check,
                order=index,
                unit_id=units[pk] if units else pk,
                record_id=pk if units else None,
            )
            for index, pk in enumerate(drawn, 1)
        )
    else:
        check.save()
    return check


def verify_draw(check: SpotCheck) -> bool:
    """Re-run the stored draw: True when it gives the rows stored (population unchanged)."""
    if check.seed is None:
        return True
    stored = list(check.drawn.order_by("order").values_list("record_id", "unit_id"))
    column = 0 if check.target == SpotCheck.Target.RECORDS else 1
    ids = population(check.campaign, check.target)
    return draw_ids(ids, check.sample_size, check.seed) == [row[column] for row in stored]


@transaction.atomic
def add_finding(check: SpotCheck, *, unit, text: str, by, item: SpotCheckItem | None = None):
    if not text.strip():
        raise AssessmentError(_("请填写发现的问题。"))
    if unit.township_id != check.township_id:
        raise AssessmentError(_("只能记录本镇单位的问题。"))
    if item is not None:
        item.ok = False
        item.result = text.strip()
        item.save(update_fields=["ok", "result"])
    return Finding.objects.create(
        spot_check=check, spot_item=item, unit=unit, text=text.strip(), created_by=by
    )


@transaction.atomic
def record_result(item: SpotCheckItem, *, ok: bool, result: str) -> SpotCheckItem:
    item.ok = ok
    item.result = result.strip()
    item.save(update_fields=["ok", "result"])
    return item
