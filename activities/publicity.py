"""The publicity ledger (信息报送 / 宣传报道): filing, review, totals, the year-end rule.

* `file_item(unit, data, clipping, by)` — a unit files one article or broadcast; it waits for
  the office's review at once (no draft: a report is already published when it is filed);
* `update_item(item, data, clipping, by)` — the unit corrects an item that waits or was
  returned (a returned item goes back to the office);
* `review_item(item, approve, by, reason)` — approve or return with a reason;
* `Totals.for_items(qs)` — counts per channel, unit and quarter from ONE grouped query; every
  figure has the list filter that shows exactly its items (`drill`);
* `channel_totals(campaign)` — approved items per channel for a campaign: what the work report
  and the year-end indicator read;
* `year_end_points(counts)` — the 新闻宣传 indicator computed from approved items;
* `listed_items(user, query)` — the items the list page shows for these filters (and its
  Excel export writes).

Only approved items count (`PublicityItem.objects.counted()`).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal
from urllib.parse import urlencode

from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import Count
from django.utils import timezone
from django.utils.translation import gettext as _

from activities.models import Channel, PublicityItem
from campaigns.models import Campaign

EDITABLE_FIELDS = ("title", "channel", "outlet", "published_on", "link", "domain")

# The year-end 新闻宣传 rule: points per approved item by channel, capped at the indicator's
# maximum (15). Higher outlets weigh more, as seed 003 asks for 省级以上主流媒体.
YEAR_END_WEIGHTS = {
    Channel.PROVINCE_SITE: Decimal("3"),
    Channel.CITY_SITE: Decimal("2"),
    Channel.PRESS: Decimal("2"),
    Channel.TV: Decimal("2"),
    Channel.DISTRICT_SITE: Decimal("1.5"),
    Channel.INTERNET: Decimal("1"),
    Channel.NEW_MEDIA: Decimal("1"),
    Channel.UNIT_INTRANET: Decimal("0.5"),
    Channel.OTHER: Decimal("0.5"),
}
YEAR_END_MAX = Decimal("15")


class PublicityError(Exception):
    """A step that cannot be taken; str(exc) is the Chinese reason shown."""


def campaign_for(unit, published_on: dt.date) -> Campaign:
    """The unit's township campaign of the year the item was published."""
    campaign = Campaign.objects.filter(township_id=unit.township_id, year=published_on.year).first()
    if campaign is None:
        raise PublicityError(
            _("%(year)s年本镇没有创建工作，不能报送该年度的宣传报道。")
            % {"year": published_on.year}
        )
    return campaign


def _attach(item: PublicityItem, clipping) -> str:
    """Store a checked upload (`activities.evidence.Prepared`) as the item's clipping."""
    item.clipping_sha256 = clipping.sha256
    item.clipping_name = clipping.original_name
    item.clipping.save(f"clip{clipping.extension}", ContentFile(clipping.content), save=False)
    return item.clipping.name


@transaction.atomic
def file_item(unit, data: dict, clipping, by) -> PublicityItem:
    if not data.get("link") and clipping is None:
        raise PublicityError(_("请填写链接或上传剪报、截图。"))
    campaign = campaign_for(unit, data["published_on"])
    item = PublicityItem(
        campaign=campaign,
        unit=unit,
        filed_by=by,
        submitted_at=timezone.now(),
        **{name: data.get(name) or ("" if name == "link" else None) for name in EDITABLE_FIELDS},
    )
    stored = _attach(item, clipping) if clipping is not None else ""
    try:
        item.save()
    except Exception:
        if stored:
            item.clipping.storage.delete(stored)
        raise
    return item


@transaction.atomic
def update_item(item: PublicityItem, data: dict, clipping, by) -> PublicityItem:
    locked = PublicityItem.objects.select_for_update().get(pk=item.pk)
    if not locked.is_editable:
        raise PublicityError(
            _("该报道当前状态为“%(s)s”，不能修改。") % {"s": locked.get_status_display()}
        )
    for name in EDITABLE_FIELDS:
        if name in data:
            setattr(locked, name, data[name] or "" if name == "link" else data[name])
    if not locked.link and clipping is None and not locked.clipping:
        raise PublicityError(_("请填写链接或上传剪报、截图。"))
    if locked.published_on.year != locked.campaign.year:
        locked.campaign = campaign_for(locked.unit, locked.published_on)
    stored = _attach(locked, clipping) if clipping is not None else ""
    locked.status = PublicityItem.Status.SUBMITTED
    locked.submitted_at = timezone.now()
    try:
        locked.save()
    except Exception:
        if stored:
            locked.clipping.storage.delete(stored)
        raise
    return locked


@transaction.atomic
def review_item(item: PublicityItem, *, approve: bool, by, reason: str = "") -> PublicityItem:
    locked = PublicityItem.objects.select_for_update().get(pk=item.pk)
    if locked.status != PublicityItem.Status.SUBMITTED:
        raise PublicityError(
            _("该报道当前状态为“%(s)s”，不能重复审核。") % {"s": locked.get_status_display()}
        )
    if not approve and not reason.strip():
        raise PublicityError(_("退回须写明原因。"))
    locked.status = PublicityItem.Status.APPROVED if approve else PublicityItem.Status.RETURNED
    locked.reviewed_by = by
    locked.reviewed_at = timezone.now()
    locked.return_reason = "" if approve else reason.strip()
    locked.save(update_fields=["status", "reviewed_by", "reviewed_at", "return_reason"])
    return locked


# ---------------------------------------------------------------------------- totals


def drill(base: dict, **filters) -> str:
    """The list URL's query string that shows exactly the items behind a figure."""
    return urlencode({**base, **{k: v for k, v in filters.items() if v not in (None, "")}})


@dataclass
class Totals:
    """Approved items per channel × quarter and per unit × channel."""

    base: dict  # the list filters every figure shares (campaign, status)
    channels: list[tuple[str, str]] = field(default_factory=list)  # channels with any item
    quarters: list[int] = field(default_factory=lambda: [1, 2, 3, 4])
    by_channel_quarter: dict[tuple[str, int], int] = field(default_factory=dict)
    by_unit_channel: dict[tuple[int, str], int] = field(default_factory=dict)
    units: list = field(default_factory=list)  # Organisation rows, by name
    total: int = 0

    @classmethod
    def for_items(cls, items, base: dict) -> Totals:
        from organisations.models import Organisation

        rows = list(
            items.order_by()
            .values_list("unit_id", "channel", "published_on__quarter")
            .annotate(n=Count("pk"))
        )
        totals = cls(base=base)
        used = set()
        unit_ids = set()
        for unit_id, channel, quarter, n in rows:
            totals.by_channel_quarter[(channel, quarter)] = (
                totals.by_channel_quarter.get((channel, quarter), 0) + n
            )
            totals.by_unit_channel[(unit_id, channel)] = (
                totals.by_unit_channel.get((unit_id, channel), 0) + n
            )
            totals.total += n
            used.add(channel)
            unit_ids.add(unit_id)
        totals.channels = [(c.value, c.label) for c in Channel if c.value in used]
        totals.units = list(Organisation.objects.filter(pk__in=unit_ids).order_by("name"))
        return totals

    def channel_rows(self) -> list[dict]:
        rows = []
        for code, label in self.channels:
            cells = [
                {
                    "n": self.by_channel_quarter.get((code, q), 0),
                    "url": drill(self.base, channel=code, quarter=q),
                }
                for q in self.quarters
            ]
            rows.append(
                {
                    "code": code,
                    "label": label,
                    "cells": cells,
                    "total": sum(c["n"] for c in cells),
                    "url": drill(self.base, channel=code),
                }
            )
        return rows

    def quarter_totals(self) -> list[dict]:
        return [
            {
                "quarter": q,
                "n": sum(n for (_c, qq), n in self.by_channel_quarter.items() if qq == q),
                "url": drill(self.base, quarter=q),
            }
            for q in self.quarters
        ]

    def unit_rows(self) -> list[dict]:
        rows = []
        for unit in self.units:
            cells = [
                {
                    "n": self.by_unit_channel.get((unit.pk, code), 0),
                    "url": drill(self.base, unit=unit.pk, channel=code),
                }
                for code, _label in self.channels
            ]
            rows.append(
                {
                    "unit": unit,
                    "cells": cells,
                    "total": sum(c["n"] for c in cells),
                    "url": drill(self.base, unit=unit.pk),
                }
            )
        return rows


def channel_totals(campaign) -> list[tuple[str, str, int]]:
    """Approved publicity items of the campaign per channel: (code, label, count), in the
    channels' fixed order, channels without items left out. One query.

    This is what the work report (工作情况汇报) writes as “上报内网信息4篇、外网信息11篇…”.
    """
    counts = dict(
        PublicityItem.objects.counted()
        .filter(campaign=campaign)
        .order_by()
        .values_list("channel")
        .annotate(n=Count("pk"))
    )
    return [(c.value, str(c.label), counts[c.value]) for c in Channel if counts.get(c.value)]


def unit_channel_counts(campaign) -> dict[int, dict[str, int]]:
    """unit id -> channel -> approved items of the campaign (one query)."""
    out: dict[int, dict[str, int]] = defaultdict(dict)
    for unit_id, channel, n in (
        PublicityItem.objects.counted()
        .filter(campaign=campaign)
        .order_by()
        .values_list("unit_id", "channel")
        .annotate(n=Count("pk"))
    ):
        out[unit_id][channel] = n
    return out


def year_end_points(counts: dict[str, int]) -> Decimal:
    """The 新闻宣传 indicator from approved items per channel: weighted, capped at 15."""
    points = sum(
        (YEAR_END_WEIGHTS.get(channel, Decimal("0.5")) * n for channel, n in counts.items()),
        Decimal(0),
    )
    return min(points, YEAR_END_MAX).quantize(Decimal("0.1"))


def listed_items(user, query):
    """(items, filter form): the items the user may read, narrowed by the list's filters.
    An empty query lists everything the user may read; an invalid one lists nothing."""
    from activities.forms_publicity import PublicityFilterForm
    from organisations.models import Organisation

    items = PublicityItem.objects.visible_to(user)
    form = PublicityFilterForm(
        query or None,
        campaigns=Campaign.objects.visible_to(user).order_by("-year"),
        units=Organisation.objects.visible_to(user).units().order_by("name"),
    )
    if query:
        items = form.apply(items)
    return items, form
