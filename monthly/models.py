"""The monthly integrity-information report (廉政信息月报): a unit's own submission for a month.

The unit's liaison writes what the unit did that month (free text), the portal attaches the
unit's records of the month and counts them by type, and the liaison submits it by the
campaign's report day of the next month (`monthly.due`). The office accepts it or returns it
with a reason; a returned report is corrected and submitted again. Whether it came in on time
is decided by its *first* submission.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from campaigns.models import Campaign
from monthly import due
from organisations.access import ScopedQuerySet
from organisations.models import Organisation, TownshipScoped


class ReportQuerySet(ScopedQuerySet):
    township_lookup = "township"
    unit_lookup = "unit"

    def submitted(self):
        """Reports that were submitted at least once (whatever their review says now)."""
        return self.filter(first_submitted_on__isnull=False)


class MonthlyReport(TownshipScoped):
    class Status(models.TextChoices):
        DRAFT = "draft", _("草稿")
        SUBMITTED = "submitted", _("待审核")
        ACCEPTED = "accepted", _("已采用")
        RETURNED = "returned", _("已退回")

    campaign = models.ForeignKey(
        Campaign, verbose_name=_("创建工作"), on_delete=models.CASCADE, related_name="+"
    )
    township = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="+", editable=False
    )
    unit = models.ForeignKey(
        Organisation, verbose_name=_("单位"), on_delete=models.PROTECT, related_name="+"
    )
    month = models.DateField(_("月份"))  # the first day of the month reported on
    summary = models.TextField(_("本月工作情况"), blank=True)
    notes = models.TextField(_("其他需要报告的事项"), blank=True)
    records = models.ManyToManyField(
        "activities.ActivityRecord", verbose_name=_("本月活动记录"), blank=True, related_name="+"
    )
    # {activity type: records} of the attached records, written when the report is submitted
    counts = models.JSONField(_("分类统计"), default=dict, blank=True)
    status = models.CharField(
        _("状态"), max_length=10, choices=Status.choices, default=Status.DRAFT
    )
    due_on = models.DateField(_("报送期限"))
    first_submitted_on = models.DateField(_("首次报送日期"), null=True, blank=True)
    submitted_at = models.DateTimeField(_("报送时间"), null=True, blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    reviewed_at = models.DateTimeField(_("审核时间"), null=True, blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    return_reason = models.TextField(_("退回原因"), blank=True)
    version = models.PositiveIntegerField(default=1, editable=False)
    updated_at = models.DateTimeField(auto_now=True)

    objects = ReportQuerySet.as_manager()

    class Meta:
        ordering = ["-month", "unit__name"]
        verbose_name = _("廉政信息月报")
        verbose_name_plural = _("廉政信息月报")
        constraints = [
            models.UniqueConstraint(
                fields=["campaign", "unit", "month"], name="monthly_report_once"
            ),
            models.CheckConstraint(condition=Q(month__day=1), name="monthly_report_first_day"),
        ]
        indexes = [models.Index(fields=["campaign", "month", "unit"])]

    def __str__(self) -> str:
        return f"{self.unit} · {due.month_label(self.month)}"

    @property
    def month_label(self) -> str:
        return due.month_label(self.month)

    @property
    def is_late(self) -> bool:
        return self.first_submitted_on is not None and self.first_submitted_on > self.due_on

    @property
    def record_total(self) -> int:
        return sum(self.counts.values())

    @property
    def is_quiet(self) -> bool:
        """Submitted, saying no activity was held in the month."""
        return self.first_submitted_on is not None and not sum(self.counts.values())

    @property
    def is_editable(self) -> bool:
        return self.status in (self.Status.DRAFT, self.Status.RETURNED)

    def count_rows(self) -> list[tuple[str, int]]:
        from activities.types import ActivityType

        labels = dict(ActivityType.choices)
        return [(labels.get(code, code), n) for code, n in sorted(self.counts.items()) if n]

    def state(self, today: dt.date) -> str:
        return state_of(self.first_submitted_on, self.due_on, today)


# Completeness of one unit's report for one month.
ON_TIME, LATE, MISSING, NOT_DUE = "on_time", "late", "missing", "not_due"
STATE_LABELS = {
    ON_TIME: _("按时报送"),
    LATE: _("逾期报送"),
    MISSING: _("未报送"),
    NOT_DUE: _("未到期"),
}


def state_of(first_submitted_on, due_on: dt.date, today: dt.date) -> str:
    if first_submitted_on is not None:
        return LATE if first_submitted_on > due_on else ON_TIME
    return MISSING if due_on < today else NOT_DUE
