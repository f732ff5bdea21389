"""The circulated notice (通报): a draft computed from the data, edited, numbered, published.

`lagging_units(campaign, as_of)` finds, per unit, in a fixed number of queries:
* overdue task periods of the tasks it leads (`campaigns.progress.annotate_progress`);
* months without a monthly report (廉政信息月报): months whose report day has passed and in
  which the unit has no approved record (`activities.ledger.monthly_report`);
* rectification items past their deadline and not closed;
* incomplete archive files: items of an "archive files" group judged failed in a completed
  assessment and not yet re-checked;
* a low year-end score: units whose year-end assessment (all six seed-003 indicators scored)
  totals below `YEAR_END_PASS` of 100.

`draft_notice` stores these as `NoticeEntry` rows office staff can edit or leave out;
`publish_notice` numbers (文号) and publishes it. The PDF comes from the reports app.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

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
    from activities.ledger import monthly_report
    from campaigns.models import TaskPeriod
    from campaigns.progress import Status as ProgressStatus
    from campaigns.progress import annotate_progress

    per_unit: dict[int, dict[str, int]] = defaultdict(dict)

    overdue = (
        annotate_progress(TaskPeriod.objects.filter(task__campaign=campaign), today=as_of)
        .filter(status=ProgressStatus.OVERDUE)
        .order_by()
        .values("task__lead_unit_id")
        .annotate(n=Count("pk"))
    )
    for row in overdue:
        per_unit[row["task__lead_unit_id"]][Category.OVERDUE_TASKS] = row["n"]

    report = monthly_report(campaign, until=as_of)
    due = [
        i
        for i, month in enumerate(report.months)
        if report_due(month, campaign.monthly_report_day) <= as_of
    ]
    units = {}
    for row in report.rows:
        units[row.unit.pk] = row.unit
        missing = sum(1 for i in due if row.counts[i] == 0)
        if missing:
            per_unit[row.unit.pk][Category.MISSING_REPORTS] = missing

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
        if pk in units
    ]
    result.sort(key=lambda lag: (-lag.total, lag.unit.name))
    return result


DETAIL = {
    Category.OVERDUE_TASKS: gettext_lazy("%(n)s 项任务逾期未完成"),
    Category.MISSING_REPORTS: gettext_lazy("%(n)s 个月未报送廉政信息月报"),
    Category.OVERDUE_RECTIFICATIONS: gettext_lazy("%(n)s 项整改事项逾期未销号"),
    Category.INCOMPLETE_ARCHIVES: gettext_lazy("%(n)s 项档案资料不完善"),
    Category.YEAR_END_LOW: gettext_lazy(
        "年终党风廉政责任制考核得分 %(score)s 分（满分 100 分），低于 %(pass)s 分"
    ),
}


@transaction.atomic
def draft_notice(campaign, *, as_of: dt.date, by, title: str = "") -> Notice:
    notice = Notice.objects.create(
        campaign=campaign,
        title=title or _("关于廉政文化示范区域创建工作进展情况的通报"),
        intro=_(
            "截至%(date)s，全镇廉政文化示范区域创建工作总体有序推进，但部分单位存在工作进展缓慢、"
            "台账不健全等问题，现将有关情况通报如下。"
        )
        % {"date": f"{as_of.year}年{as_of.month}月{as_of.day}日"},
        as_of=as_of,
        created_by=by,
    )
    entries = []
    order = 0
    for lag in lagging_units(campaign, as_of):
        for category in Category.values:
            n = lag.counts.get(category)
            if not n:
                continue
            entries.append(
                NoticeEntry(
                    notice=notice,
                    unit=lag.unit,
                    category=category,
                    count=n,
                    detail=str(DETAIL[category])
                    % {"n": n, "score": lag.year_end_total, "pass": YEAR_END_PASS},
                    order=order,
                )
            )
            order += 1
    NoticeEntry.objects.bulk_create(entries)
    return notice


@transaction.atomic
def update_entries(notice: Notice, changes: dict[int, dict], by) -> None:
    """`changes`: {entry id: {"detail": str, "included": bool}} for entries of this notice."""
    if notice.status != Notice.Status.DRAFT:
        raise AssessmentError(_("通报已印发，不能再修改。"))
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
    return notice
