"""The circulated notice (通报): a draft computed from the data, edited, numbered, published.

Criticism (批评) — `lagging_units(campaign, as_of)` finds, per unit, what it really owes at the
统计截止日期 `as_of` — overdue at `as_of` and still not done when the notice is drafted (a unit
that caught up in between is not named) — in a fixed number of queries, with the definitions
of dashboard.metrics:
* tasks it leads with a period past due at `as_of` and still not done;
* monthly reports (廉政信息月报) due by `as_of` and not submitted (monthly.completeness: months
  the campaign covers only partly are never due; a late report is not a missing one);
* rectification items past their deadline at `as_of` and not closed;
* incomplete archive files: items of an "archive files" group judged failed in a completed
  assessment and not yet re-checked;
* a low year-end score: units whose year-end assessment (all six seed-003 indicators scored)
  totals below `YEAR_END_PASS` of 100.

Praise (表扬) — `praised_units(campaign, as_of)`: units whose sites were named (命名) by
`as_of`, and units ahead of target (they lead tasks, have done a larger share of them than the
township, and owe nothing). Best practices (典型经验) are picked by the office (`add_praise`).

Sections and categories follow `settings.NOTICE_CATEGORY_ORDER` (most important first), not
their internal codes. `draft_notice` stores the entries as `NoticeEntry` rows office staff can
edit or leave out, with an editable opening (导语) and closing (要求) paragraph;
`publish_notice` numbers (文号) and publishes it, and the units named count in their year-end
score (assessments.yearend.refresh_notice_points). The PDF comes from the reports app.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Count
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from assessments.models import (
    Assessment,
    CriteriaGroup,
    ItemScore,
    Notice,
    NoticeEntry,
    Rectification,
    YearEndScore,
)
from assessments.services import AssessmentError
from organisations.models import Organisation

Category = NoticeEntry.Category


# A year-end total below this (of 100) puts the unit in the notice.
YEAR_END_PASS = Decimal(60)


@dataclass
class Lagging:
    unit: Organisation
    counts: dict[str, int] = field(default_factory=dict)
    year_end_total: Decimal | None = None

    @property
    def total(self) -> int:
        return sum(self.counts.values())


def report_due(month: dt.date, report_day: int) -> dt.date:
    """The day a month's report is due: `report_day` of the next month."""
    next_month = (month.replace(day=28) + dt.timedelta(days=4)).replace(day=1)
    return next_month.replace(day=min(max(report_day, 1), 28))


def lagging_units(campaign, as_of: dt.date) -> list[Lagging]:
    from campaigns.models import Task
    from dashboard.metrics import OVERDUE, task_q
    from monthly import completeness
    from monthly.models import MISSING

    per_unit: dict[int, dict[str, int]] = defaultdict(dict)

    for row in (
        Task.objects.filter(campaign=campaign)
        .filter(task_q(OVERDUE, as_of))
        .order_by()
        .values("lead_unit_id")
        .annotate(n=Count("pk"))
    ):
        per_unit[row["lead_unit_id"]][Category.OVERDUE_TASKS] = row["n"]

    units = {u.pk: u for u in completeness.township_units(campaign)}
    for slot in completeness.slots(campaign, as_of, units=units.values(), include_not_due=False):
        if slot.state == MISSING:
            counts = per_unit[slot.unit.pk]
            counts[Category.MISSING_REPORTS] = counts.get(Category.MISSING_REPORTS, 0) + 1

    for row in (
        Rectification.objects.overdue(as_of)
        .filter(campaign=campaign)
        .order_by()
        .values("unit_id")
        .annotate(n=Count("pk"))
    ):
        per_unit[row["unit_id"]][Category.OVERDUE_RECTIFICATIONS] = row["n"]

    for row in (
        ItemScore.objects.filter(
            assessment__campaign=campaign,
            assessment__status=Assessment.Status.COMPLETED,
            assessment__unit__isnull=False,
            item__group__kind=CriteriaGroup.Kind.ARCHIVES,
            passed=False,
            rechecked_at__isnull=True,
        )
        .order_by()
        .values("assessment__unit_id")
        .annotate(n=Count("pk"))
    ):
        per_unit[row["assessment__unit_id"]][Category.INCOMPLETE_ARCHIVES] = row["n"]

    year_end: dict[int, Decimal] = {}
    indicators = list(YearEndScore.MAX_POINTS)
    complete = {f"{name}__isnull": False for name in indicators}
    for row in YearEndScore.objects.filter(campaign=campaign, **complete).values(
        "unit_id", *indicators
    ):
        total = sum((row[name] for name in indicators), Decimal(0))
        if total < YEAR_END_PASS:
            year_end[row["unit_id"]] = total
            per_unit[row["unit_id"]][Category.YEAR_END_LOW] = 1

    missing_units = set(per_unit) - set(units)
    if missing_units:
        units.update(Organisation.objects.in_bulk(missing_units))
    result = [
        Lagging(units[pk], counts, year_end.get(pk))
        for pk, counts in per_unit.items()
        if pk in units and counts
    ]
    result.sort(key=lambda lag: (-lag.total, lag.unit.name))
    return result


@dataclass
class Praise:
    unit: Organisation
    category: str
    detail: str


def praised_units(campaign, as_of: dt.date, lagging: list[Lagging] | None = None) -> list[Praise]:
    """Sites named by `as_of`, and units ahead of target: they lead tasks, have done a larger
    share of them than the township as a whole, and owe nothing at `as_of`."""
    from campaigns.models import Task
    from dashboard.metrics import task_count_kwargs
    from sites.models import Site, Status

    praise = []
    for site in (
        Site.objects.filter(
            campaign=campaign,
            status__in=[Status.NAMED, Status.REVIEW_DUE, Status.RECTIFYING],
            named_on__lte=as_of,
        )
        .select_related("unit")
        .order_by("named_on", "name")
    ):
        praise.append(
            Praise(
                site.unit,
                Category.NAMED_SITE,
                _("“%(site)s”被命名为%(level)s廉政文化示范点")
                % {"site": site.name, "level": site.get_level_display() or ""},
            )
        )
    lagging = lagging_units(campaign, as_of) if lagging is None else lagging
    owing = {lag.unit.pk for lag in lagging}
    rows = list(
        Task.objects.filter(campaign=campaign)
        .order_by()
        .values("lead_unit_id")
        .annotate(**task_count_kwargs(as_of))
    )
    total = sum(r["total"] for r in rows)
    done = sum(r["done"] for r in rows)
    share = done / total if total else 1
    ahead = [
        r
        for r in rows
        if r["lead_unit_id"] not in owing and r["done"] and r["done"] / r["total"] > share
    ]
    units = Organisation.objects.in_bulk([r["lead_unit_id"] for r in ahead])
    for r in sorted(ahead, key=lambda r: (-r["done"] / r["total"], units[r["lead_unit_id"]].name)):
        praise.append(
            Praise(
                units[r["lead_unit_id"]],
                Category.AHEAD,
                _("牵头的 %(total)s 项任务已完成 %(done)s 项，进度领先，无逾期事项")
                % {"total": r["total"], "done": r["done"]},
            )
        )
    return praise


def category_order() -> list[str]:
    """The categories, most important first (`settings.NOTICE_CATEGORY_ORDER`; codes it leaves
    out follow in their declared order)."""
    configured = [c for c in getattr(settings, "NOTICE_CATEGORY_ORDER", []) if c in Category.values]
    return configured + [c for c in Category.values if c not in configured]


def rank(category: str) -> int:
    return category_order().index(category)


DETAIL = {
    Category.OVERDUE_TASKS: gettext_lazy("牵头的 %(n)s 项任务有逾期期次未完成"),
    Category.MISSING_REPORTS: gettext_lazy("%(n)s 个月未报送廉政信息月报"),
    Category.OVERDUE_RECTIFICATIONS: gettext_lazy("%(n)s 项整改事项逾期未销号"),
    Category.INCOMPLETE_ARCHIVES: gettext_lazy("%(n)s 项档案资料不完善"),
    Category.YEAR_END_LOW: gettext_lazy(
        "年终党风廉政责任制考核得分 %(score)s 分（满分 100 分），低于 %(pass)s 分"
    ),
}


CLOSING = gettext_lazy(
    "各单位要对照通报指出的问题，认真查找原因，明确整改责任人和完成时限，于通报印发之日起"
    "十个工作日内整改到位，并将整改情况报镇廉政文化示范区域创建办公室。被通报批评的单位，"
    "纳入年终党风廉政责任制考核。"
)


@transaction.atomic
def draft_notice(campaign, *, as_of: dt.date, by, title: str = "") -> Notice:
    notice = Notice.objects.create(
        campaign=campaign,
        title=title or _("关于廉政文化示范区域创建工作进展情况的通报"),
        intro=_(
            "截至%(date)s，全镇廉政文化示范区域创建工作总体有序推进，涌现出一批好的做法，"
            "但部分单位存在工作进展缓慢、台账不健全等问题，现将有关情况通报如下。"
        )
        % {"date": f"{as_of.year}年{as_of.month}月{as_of.day}日"},
        closing=str(CLOSING),
        as_of=as_of,
        created_by=by,
    )
    lagging = lagging_units(campaign, as_of)
    # (category rank, units owing most first, unit name): the order entries are printed in
    rows = []
    for praise in praised_units(campaign, as_of, lagging):
        key = (rank(praise.category), 0, praise.unit.name)
        rows.append((key, praise.unit, praise.category, 0, praise.detail))
    for lag in lagging:
        for category, n in lag.counts.items():
            if not n:
                continue
            detail = str(DETAIL[category]) % {
                "n": n,
                "score": lag.year_end_total,
                "pass": YEAR_END_PASS,
            }
            key = (rank(category), -lag.total, lag.unit.name)
            rows.append((key, lag.unit, category, n, detail))
    rows.sort(key=lambda row: row[0])
    NoticeEntry.objects.bulk_create(
        [
            NoticeEntry(
                notice=notice, unit=unit, category=category, count=n, detail=detail, order=order
            )
            for order, (_key, unit, category, n, detail) in enumerate(rows)
        ]
    )
    return notice


@transaction.atomic
def add_praise(notice: Notice, *, unit, detail: str, by) -> NoticeEntry:
    """A best practice (典型经验) the office picked, praised in the notice."""
    notice = Notice.objects.select_for_update().get(pk=notice.pk)
    if notice.status != Notice.Status.DRAFT:
        raise AssessmentError(_("通报已印发，不能再修改。"))
    detail = (detail or "").strip()
    if not detail:
        raise AssessmentError(_("请写明表扬的做法。"))
    if unit is None or unit.township_id != notice.township_id:
        raise AssessmentError(_("请选择本镇的单位。"))
    last = notice.entries.order_by("-order").values_list("order", flat=True).first() or 0
    return NoticeEntry.objects.create(
        notice=notice,
        unit=unit,
        category=Category.BEST_PRACTICE,
        detail=detail,
        order=last + 1,
    )


@transaction.atomic
def update_entries(
    notice: Notice, changes: dict[int, dict], by, *, intro: str | None = None, closing=None
) -> None:
    """`changes`: {entry id: {"detail": str, "included": bool}} for entries of this notice;
    `intro` / `closing`: the opening and closing paragraphs, when given."""
    notice = Notice.objects.select_for_update().get(pk=notice.pk)
    if notice.status != Notice.Status.DRAFT:
        raise AssessmentError(_("通报已印发，不能再修改。"))
    if intro is not None or closing is not None:
        notice.intro = notice.intro if intro is None else intro.strip()
        notice.closing = notice.closing if closing is None else closing.strip()
        notice.save(update_fields=["intro", "closing"])
    entries = {e.pk: e for e in notice.entries.all()}
    for pk, data in changes.items():
        entry = entries.get(pk)
        if entry is None:
            raise AssessmentError(_("通报条目不存在。"))
        entry.detail = data.get("detail", entry.detail).strip()
        entry.included = bool(data.get("included", entry.included))
    NoticeEntry.objects.bulk_update(list(entries.values()), ["detail", "included"])


@transaction.atomic
def publish_notice(notice: Notice, *, doc_number: str, by) -> Notice:
    notice = Notice.objects.select_for_update().get(pk=notice.pk)
    if notice.status == Notice.Status.PUBLISHED:
        raise AssessmentError(_("通报已印发。"))
    doc_number = doc_number.strip()
    if not doc_number:
        raise AssessmentError(_("印发前须填写文号。"))
    if not notice.entries.filter(included=True).exists():
        raise AssessmentError(_("通报中没有列入任何单位。"))
    if Notice.objects.filter(township_id=notice.township_id, doc_number=doc_number).exists():
        raise AssessmentError(_("文号“%(n)s”已被使用。") % {"n": doc_number})
    notice.doc_number = doc_number
    notice.status = Notice.Status.PUBLISHED
    notice.published_at = timezone.now()
    notice.published_by = by
    try:
        with transaction.atomic():
            notice.save()
    except IntegrityError:
        raise AssessmentError(_("文号“%(n)s”已被使用。") % {"n": doc_number}) from None
    from assessments.yearend import refresh_notice_points

    refresh_notice_points(notice.campaign)
    return notice
