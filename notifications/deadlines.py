"""Where deadlines come from: one small provider per kind behind one interface.

A provider answers one question: which deadlines are still *open* (work not done), optionally
limited to some campaigns, some due dates, a date before which they fell due, or some object
ids. The sweep asks it for the deadlines that fall on today's reminder dates; the delivery step
asks again for the claimed rows' objects, so a deadline that was met or moved goes quiet.

To add a kind (an SMS channel needs nothing here): subclass `Provider`, implement `open()`,
and `register()` it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from functools import lru_cache

from django.db.models import Exists, F, OuterRef, Q
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext_lazy as _

from campaigns.models import Campaign, CreatingUnit, Milestone, TaskPeriod
from campaigns.periods import period_label
from organisations.models import Organisation

CHUNK = 2000


@dataclass(frozen=True)
class Deadline:
    kind: str
    object_id: int
    due_date: dt.date
    campaign_id: int
    township_id: int
    unit_id: int | None  # the responsible unit (its liaisons are reminded); None = the office
    title: str
    url: str = ""
    urgent: bool = False  # chased on holidays too once overdue (campaigns.Task.is_urgent)


PLACEHOLDER = 987654321


@lru_cache(maxsize=64)
def _url_pattern(name: str, n_args: int) -> str | None:
    try:
        return reverse(name, args=[PLACEHOLDER] * n_args).replace(str(PLACEHOLDER), "{}")
    except NoReverseMatch:
        return None


def url_or_blank(name: str, *args) -> str:
    """reverse() for integer arguments, resolved once per URL name (the sweep builds
    thousands of links); "" while the named page does not exist."""
    pattern = _url_pattern(name, len(args))
    return pattern.format(*args) if pattern is not None else ""


class Provider:
    kind: str = ""
    label = ""

    def open(
        self,
        *,
        campaign_ids: Iterable[int] | None = None,
        dates: Iterable[dt.date] | None = None,
        before: dt.date | None = None,
        object_ids: Iterable[int] | None = None,
    ) -> Iterator[Deadline]:
        raise NotImplementedError

    def late(
        self, *, campaign_ids: Iterable[int], before: dt.date, per_unit: int
    ) -> Iterator[tuple[int, int | None, int, list[Deadline]]]:
        """(township id, unit id, how many open deadlines fell due before `before`, the
        `per_unit` oldest of them) per township and responsible unit (None: the township's
        office) — the offices' "who is late", for any number of townships' campaigns at once.
        Providers with many rows answer it in SQL."""
        groups: dict[tuple[int, int | None], list[Deadline]] = {}
        for deadline in self.open(campaign_ids=campaign_ids, before=before):
            groups.setdefault((deadline.township_id, deadline.unit_id), []).append(deadline)
        for (township_id, unit_id), items in groups.items():
            items.sort(key=lambda d: (d.due_date, d.object_id))
            yield township_id, unit_id, len(items), items[:per_unit]

    def open_keys(self, object_ids: Iterable[int]) -> set[tuple[str, int, dt.date]]:
        """(kind, object id, due date) of these objects' open deadlines."""
        return {(d.kind, d.object_id, d.due_date) for d in self.open(object_ids=object_ids)}

    @staticmethod
    def narrow(qs, *, campaign_field, date_field, campaign_ids, dates, before, object_ids):
        if campaign_ids is not None:
            qs = qs.filter(**{f"{campaign_field}__in": list(campaign_ids)})
        if dates is not None:
            qs = qs.filter(**{f"{date_field}__in": list(dates)})
        if before is not None:
            qs = qs.filter(**{f"{date_field}__lt": before})
        if object_ids is not None:
            qs = qs.filter(pk__in=list(object_ids))
        return qs


class TaskPeriodProvider(Provider):
    """A task period falls due; it is done when its progress (campaigns.progress: approved
    records in the period) reaches the task's target."""

    kind = "task_period"
    label = _("任务期间到期")

    def open_keys(self, object_ids):
        rows = TaskPeriod.objects.filter(
            pk__in=list(object_ids), achieved__lt=F("task__target_count")
        ).values_list("pk", "due_date")
        return {(self.kind, pk, due) for pk, due in rows}

    def late(self, *, campaign_ids, before, per_unit):
        """Counted and picked in the database, in one pass: a district has tens of thousands
        of periods."""
        from django.db.models import Count, Window
        from django.db.models.functions import RowNumber

        group = [F("task__campaign__township_id"), F("task__lead_unit_id")]
        ranked = (
            TaskPeriod.objects.filter(
                task__campaign__in=list(campaign_ids),
                due_date__lt=before,
                achieved__lt=F("task__target_count"),
            )
            .annotate(
                n=Window(Count("pk"), partition_by=group),
                rank=Window(RowNumber(), partition_by=group, order_by=[F("due_date"), F("pk")]),
            )
            .filter(rank__lte=per_unit)
            .order_by()
            .values_list("pk", "task__campaign__township_id", "task__lead_unit_id", "n")
        )
        rows = list(ranked)  # the oldest few periods of each group, with the group's count
        if not rows:
            return
        counts = {(township_id, unit_id): n for _pk, township_id, unit_id, n in rows}
        oldest = [pk for pk, *_rest in rows]
        items: dict[tuple[int, int | None], list[Deadline]] = {}
        for deadline in self.open(object_ids=oldest):
            items.setdefault((deadline.township_id, deadline.unit_id), []).append(deadline)
        for (township_id, unit_id), n in counts.items():
            found = sorted(
                items.get((township_id, unit_id), []), key=lambda d: (d.due_date, d.object_id)
            )
            yield township_id, unit_id, n, found

    def open(self, *, campaign_ids=None, dates=None, before=None, object_ids=None):
        qs = self.narrow(
            TaskPeriod.objects.all(),
            campaign_field="task__campaign",
            date_field="due_date",
            campaign_ids=campaign_ids,
            dates=dates,
            before=before,
            object_ids=object_ids,
        )
        # Progress is derived by campaigns.progress and stored in `achieved` (its only writer).
        qs = (
            qs.filter(achieved__lt=F("task__target_count"))
            .values_list(
                "pk",
                "due_date",
                "code",
                "task_id",
                "task__title",
                "task__campaign_id",
                "task__campaign__township_id",
                "task__lead_unit_id",
                "task__is_urgent",
            )
            .order_by("pk")
        )
        labels: dict[str, str] = {}  # a few dozen period codes among thousands of periods
        for (
            pk,
            due,
            code,
            task_id,
            title,
            campaign_id,
            township_id,
            unit_id,
            urgent,
        ) in qs.iterator(chunk_size=CHUNK):
            label = labels.get(code)
            if label is None:
                label = labels[code] = period_label(code)
            yield Deadline(
                kind=self.kind,
                object_id=pk,
                due_date=due,
                campaign_id=campaign_id,
                township_id=township_id,
                unit_id=unit_id,
                title=f"{title}（{label}）",
                url=url_or_blank("campaigns:task_detail", task_id),
                urgent=urgent,
            )


class MilestoneProvider(Provider):
    """Phase milestones the township office answers for: the acceptance application date (met
    once the township has applied) and other dated steps."""

    kind = "milestone"
    label = _("时间节点")

    def open(self, *, campaign_ids=None, dates=None, before=None, object_ids=None):
        from assessments.models import Application

        applied = Exists(Application.objects.filter(campaign_id=OuterRef("campaign_id")))
        qs = self.narrow(
            Milestone.objects.exclude(kind=Milestone.Kind.PLAN_DUE).exclude(
                Q(kind=Milestone.Kind.APPLICATION_DUE) & applied
            ),
            campaign_field="campaign",
            date_field="due_date",
            campaign_ids=campaign_ids,
            dates=dates,
            before=before,
            object_ids=object_ids,
        ).values_list("pk", "due_date", "title", "campaign_id", "campaign__township_id")
        for pk, due, title, campaign_id, township_id in qs.order_by("pk").iterator(
            chunk_size=CHUNK
        ):
            yield Deadline(
                kind=self.kind,
                object_id=pk,
                due_date=due,
                campaign_id=campaign_id,
                township_id=township_id,
                unit_id=None,
                title=str(title),
                url=url_or_blank("campaigns:campaign_detail", campaign_id),
            )


class CreationPlanProvider(Provider):
    """Every creating unit and every lead unit of a campaign owes a creation plan by the
    campaign's plan-due milestone (`campaigns.plans`); the object is the unit. Done once the
    unit has a plan waiting or approved — its own (`UnitPlan`) or its site's; a returned plan
    makes it due again. Units that owe nothing are never chased."""

    kind = "creation_plan"
    label = _("创建方案报送")

    def open(self, *, campaign_ids=None, dates=None, before=None, object_ids=None):
        milestones = self.narrow(
            Milestone.objects.filter(kind=Milestone.Kind.PLAN_DUE),
            campaign_field="campaign",
            date_field="due_date",
            campaign_ids=campaign_ids,
            dates=dates,
            before=before,
            object_ids=None,
        )
        due = dict(milestones.values_list("campaign_id", "due_date"))
        if not due:
            return
        from campaigns.models import CampaignDomain, UnitPlan
        from campaigns.plans import site_plan_units

        wanted = set(object_ids) if object_ids is not None else None
        owed = set(
            CreatingUnit.objects.filter(campaign_id__in=list(due)).values_list(
                "campaign_id", "unit_id"
            )
        ) | set(
            CampaignDomain.objects.filter(
                campaign_id__in=list(due), lead_unit__isnull=False
            ).values_list("campaign_id", "lead_unit_id")
        )
        if wanted is not None:
            owed = {(c, u) for c, u in owed if u in wanted}
        if not owed:
            return
        answered = set(
            UnitPlan.objects.filter(campaign_id__in=list(due))
            .live()
            .values_list("campaign_id", "unit_id")
        ) | site_plan_units(due)
        owed -= answered
        units = dict(
            Organisation.objects.filter(pk__in={u for _c, u in owed}).values_list("pk", "name")
        )
        townships = dict(Campaign.objects.filter(pk__in=list(due)).values_list("pk", "township_id"))
        for campaign_id, unit_id in sorted(owed, key=lambda cu: (cu[1], cu[0])):
            yield Deadline(
                kind=self.kind,
                object_id=unit_id,
                due_date=due[campaign_id],
                campaign_id=campaign_id,
                township_id=townships[campaign_id],
                unit_id=unit_id,
                title=str(_("报送创建方案：%(unit)s") % {"unit": units[unit_id]}),
                url=url_or_blank("campaigns:unit_plans", campaign_id),
            )


class RectificationProvider(Provider):
    """A rectification item's deadline; done once the unit has answered (then it is the
    office's re-check) or it is closed. An answer sent back makes it open again."""

    kind = "rectification"
    label = _("整改期限")

    def open(self, *, campaign_ids=None, dates=None, before=None, object_ids=None):
        from assessments.models import Rectification

        qs = self.narrow(
            Rectification.objects.filter(status=Rectification.Status.OPEN),
            campaign_field="campaign",
            date_field="deadline",
            campaign_ids=campaign_ids,
            dates=dates,
            before=before,
            object_ids=object_ids,
        ).values_list("pk", "deadline", "title", "campaign_id", "township_id", "unit_id")
        for pk, due, title, campaign_id, township_id, unit_id in qs.order_by("pk").iterator(
            chunk_size=CHUNK
        ):
            yield Deadline(
                kind=self.kind,
                object_id=pk,
                due_date=due,
                campaign_id=campaign_id,
                township_id=township_id,
                unit_id=unit_id,
                title=str(_("整改：%(title)s") % {"title": title}),
                url=url_or_blank("assessments:rectification_detail", pk),
            )


class SiteReviewProvider(Provider):
    """A named site's re-review (回头看) date: its unit prepares for it. Done when the review
    moves the date on, or the site is no longer named."""

    kind = "site_review"
    label = _("示范点回头看")

    def open(self, *, campaign_ids=None, dates=None, before=None, object_ids=None):
        from sites.models import Site, Status

        qs = self.narrow(
            Site.objects.filter(
                status__in=[Status.NAMED, Status.RECOMMENDED, Status.REVIEW_DUE],
                campaign__isnull=False,
                next_review_due__isnull=False,
            ),
            campaign_field="campaign",
            date_field="next_review_due",
            campaign_ids=campaign_ids,
            dates=dates,
            before=before,
            object_ids=object_ids,
        ).values_list("pk", "next_review_due", "name", "campaign_id", "township_id", "unit_id")
        for pk, due, name, campaign_id, township_id, unit_id in qs.order_by("pk").iterator(
            chunk_size=CHUNK
        ):
            yield Deadline(
                kind=self.kind,
                object_id=pk,
                due_date=due,
                campaign_id=campaign_id,
                township_id=township_id,
                unit_id=unit_id,
                title=str(_("示范点回头看：%(name)s") % {"name": name}),
                url=url_or_blank("sites:site_detail", pk),
            )


class PositionProvider(Provider):
    """A publicity position (宣传阵地) falls due for an update `position_update_days` (the
    campaign's reminder policy) after its last update — or its set-up date before any; its
    unit's liaisons are reminded and then chased. Recording an update moves the date on, so the
    old reminders go quiet. A due date belongs to the campaign of its year, up to its end."""

    kind = "position_update"
    label = _("宣传阵地更新")

    def open(self, *, campaign_ids=None, dates=None, before=None, object_ids=None):
        from django.db.models import Max
        from django.db.models.functions import Coalesce

        from notifications.models import ReminderPolicy
        from sites.models import Position
        from sites.positions import DEFAULT_STALE_DAYS

        campaigns = Campaign.objects.all()
        if campaign_ids is not None:
            campaigns = campaigns.filter(pk__in=list(campaign_ids))
        rows = list(campaigns.values_list("pk", "township_id", "start_date", "end_date"))
        if not rows:
            return
        days_of = dict(
            ReminderPolicy.objects.filter(campaign_id__in=[r[0] for r in rows]).values_list(
                "campaign_id", "position_update_days"
            )
        )
        wanted = list(dates) if dates is not None else None
        for campaign_id, township_id, start, end in rows:
            days = dt.timedelta(days=days_of.get(campaign_id) or DEFAULT_STALE_DAYS)
            qs = Position.objects.filter(township_id=township_id, is_active=True).annotate(
                last=Coalesce(Max("updates__updated_on"), "set_up_on")
            )
            if object_ids is not None:
                qs = qs.filter(pk__in=list(object_ids))
            if wanted is not None:
                qs = qs.filter(last__in=[d - days for d in wanted])
            if before is not None:
                qs = qs.filter(last__lt=before - days)
            # Each due date belongs to the campaign of its year (campaigns are yearly), up to
            # the campaign's end: a position left stale since spring is still this year's.
            qs = qs.filter(last__gte=dt.date(start.year, 1, 1) - days, last__lte=end - days)
            for pk, last, name, unit_id, unit_name in (
                qs.values_list("pk", "last", "name", "unit_id", "unit__name")
                .order_by("pk")
                .iterator(chunk_size=CHUNK)
            ):
                yield Deadline(
                    kind=self.kind,
                    object_id=pk,
                    due_date=last + days,
                    campaign_id=campaign_id,
                    township_id=township_id,
                    unit_id=unit_id,
                    title=str(
                        _("宣传阵地待更新：%(name)s（%(unit)s）")
                        % {"name": name, "unit": unit_name}
                    ),
                    url=url_or_blank("sites:position_detail", pk),
                )


class MonthlyReportProvider(Provider):
    """The monthly integrity-information report (廉政信息月报): every active unit, for every month
    the campaign covers entirely, by the campaign's report day of the next month (monthly.due).

    A unit's report is its own submission (monthly.MonthlyReport): once submitted (even if the
    office later returns it for correction), nobody is reminded or chased for that month. Records
    filed in the month are not a report.
    """

    kind = "monthly_report"
    label = _("廉政信息月报")

    @staticmethod
    def report_dates(campaign: dict) -> list[dt.date]:
        """The due dates of the campaign's reports (one per month it covers entirely)."""
        from monthly import due

        fake = _CampaignDates(campaign["start_date"], campaign["end_date"], campaign["report_day"])
        return [due.deadline(m, fake.monthly_report_day) for m in due.covered_months(fake)]

    @staticmethod
    def covered_month(due_date: dt.date) -> dt.date:
        """The month a report due on this date covers: the month before (its first day)."""
        return (due_date.replace(day=1) - dt.timedelta(days=1)).replace(day=1)

    def submitted(self, campaign_id: int, due_dates: list[dt.date]) -> set[tuple[int, dt.date]]:
        """(unit id, month) of the reports of these due dates that were submitted."""
        from monthly.models import MonthlyReport

        months = [self.covered_month(d) for d in due_dates]
        return set(
            MonthlyReport.objects.submitted()
            .filter(campaign_id=campaign_id, month__in=months)
            .values_list("unit_id", "month")
        )

    def open_keys(self, object_ids):
        rows = Campaign.objects.filter(pk__in=list(object_ids)).annotate(
            report_day=F("monthly_report_day")
        )
        return {
            (self.kind, c["pk"], due)
            for c in rows.values("pk", "start_date", "end_date", "report_day")
            for due in self.report_dates(c)
        }

    def open(self, *, campaign_ids=None, dates=None, before=None, object_ids=None):
        campaigns = Campaign.objects.all()
        if campaign_ids is not None:
            campaigns = campaigns.filter(pk__in=list(campaign_ids))
        if object_ids is not None:
            campaigns = campaigns.filter(pk__in=list(object_ids))
        wanted = set(dates) if dates is not None else None
        rows = list(
            campaigns.annotate(report_day=F("monthly_report_day")).values(
                "pk", "township_id", "start_date", "end_date", "report_day"
            )
        )
        list_url = url_or_blank("monthly:report_list")
        for campaign in rows:
            due_dates = [
                d
                for d in self.report_dates(campaign)
                if (wanted is None or d in wanted) and (before is None or d < before)
            ]
            if not due_dates:
                continue
            submitted = self.submitted(campaign["pk"], due_dates)
            units = (
                Organisation.objects.units()
                .filter(township_id=campaign["township_id"], is_active=True)
                .order_by("pk")
                .values_list("pk", flat=True)
            )
            # every unit owes the same months: each month's title is worded once
            months = [(due, self.covered_month(due)) for due in due_dates]
            titles = {m: str(_("%(month)s月廉政信息月报") % {"month": m.month}) for _d, m in months}
            for unit_id in units.iterator(chunk_size=CHUNK):
                for due, month in months:
                    if (unit_id, month) in submitted:
                        continue
                    yield Deadline(
                        kind=self.kind,
                        object_id=campaign["pk"],
                        due_date=due,
                        campaign_id=campaign["pk"],
                        township_id=campaign["township_id"],
                        unit_id=unit_id,
                        title=titles[month],
                        url=f"{list_url}?campaign={campaign['pk']}&unit={unit_id}"
                        f"&month={month:%Y-%m}"
                        if list_url
                        else "",
                    )


@dataclass(frozen=True)
class _CampaignDates:
    start_date: dt.date
    end_date: dt.date
    monthly_report_day: int


PROVIDERS: dict[str, Provider] = {}


def register(provider: Provider) -> Provider:
    PROVIDERS[provider.kind] = provider
    return provider


for _provider in (
    TaskPeriodProvider(),
    MilestoneProvider(),
    CreationPlanProvider(),
    RectificationProvider(),
    SiteReviewProvider(),
    PositionProvider(),
    MonthlyReportProvider(),
):
    register(_provider)
