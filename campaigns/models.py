"""A township's yearly campaign: documents, leadership, domains, phases, milestones and tasks."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from organisations.access import ScopedQuerySet, scope_for
from organisations.models import Domain, Organisation


class CampaignQuerySet(ScopedQuerySet):
    township_lookup = "township"
    unit_lookup = None

    def visible_to(self, user):
        """Liaisons see the campaign of their township (its overview), not just their unit."""
        scope = scope_for(user)
        qs = super().visible_to(user)
        if scope.liaison_townships and not scope.is_superuser:
            qs = qs | self.filter(township__in=scope.liaison_townships)
        return qs


class Campaign(models.Model):
    township = models.ForeignKey(
        Organisation,
        verbose_name=_("镇"),
        on_delete=models.PROTECT,
        related_name="campaigns",
        limit_choices_to={"level": Organisation.Level.TOWNSHIP},
    )
    year = models.PositiveSmallIntegerField(_("年度"))
    name = models.CharField(_("名称"), max_length=120)
    guiding_ideology = models.TextField(_("指导思想"), blank=True)
    overall_goal = models.TextField(_("总体目标"), blank=True)
    start_date = models.DateField(_("开始日期"))
    end_date = models.DateField(_("结束日期"))
    monthly_report_day = models.PositiveSmallIntegerField(
        _("月报报送日"), default=5, help_text=_("每月几日前报送上月廉政信息月报")
    )
    domains = models.ManyToManyField(
        Domain, through="CampaignDomain", verbose_name=_("创建领域"), related_name="campaigns"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    history = HistoricalRecords()
    objects = CampaignQuerySet.as_manager()

    class Meta:
        ordering = ["-year", "township__name"]
        verbose_name = _("创建工作")
        verbose_name_plural = _("创建工作")
        constraints = [
            models.UniqueConstraint(fields=["township", "year"], name="campaign_one_per_year"),
            models.CheckConstraint(
                condition=Q(end_date__gte=models.F("start_date")), name="campaign_dates_order"
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def current_phase(self, today: dt.date):
        return self.phases.filter(start_date__lte=today, end_date__gte=today).first()


class CampaignDocument(models.Model):
    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="documents")
    doc_number = models.CharField(_("文号"), max_length=60)
    title = models.CharField(_("标题"), max_length=200)
    issuer = models.CharField(_("发文机关"), max_length=100, blank=True)
    file = models.FileField(_("文件"), upload_to="campaign-docs/%Y/", blank=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["id"]
        verbose_name = _("贯彻文件")
        verbose_name_plural = _("贯彻文件")

    def __str__(self) -> str:
        return f"{self.doc_number} {self.title}"


class LeadershipMember(models.Model):
    class Position(models.TextChoices):
        LEADER = "leader", _("组长")
        DEPUTY = "deputy", _("副组长")
        OFFICE_DIRECTOR = "office_director", _("办公室主任")
        OFFICE_DEPUTY = "office_deputy", _("办公室副主任")
        MEMBER = "member", _("成员")

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="leadership")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    name = models.CharField(_("姓名"), max_length=50)
    job_title = models.CharField(_("职务"), max_length=100, blank=True)
    position = models.CharField(_("小组职务"), max_length=20, choices=Position.choices)
    order = models.PositiveSmallIntegerField(_("排序"), default=0)

    history = HistoricalRecords()

    class Meta:
        ordering = ["order", "id"]
        verbose_name = _("领导小组成员")
        verbose_name_plural = _("领导小组成员")

    def __str__(self) -> str:
        return f"{self.get_position_display()} {self.name}"


class CampaignDomain(models.Model):
    """A domain the campaign covers, with its lead unit (牵头单位) and co-organisers (协办单位)."""

    campaign = models.ForeignKey(
        Campaign, on_delete=models.CASCADE, related_name="campaign_domains"
    )
    domain = models.ForeignKey(Domain, on_delete=models.PROTECT, related_name="+")
    lead_unit = models.ForeignKey(
        Organisation,
        verbose_name=_("牵头单位"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    co_units = models.ManyToManyField(
        Organisation, verbose_name=_("协办单位"), blank=True, related_name="+"
    )
    order = models.PositiveSmallIntegerField(default=0)

    history = HistoricalRecords(m2m_fields=[co_units])

    class Meta:
        ordering = ["order", "domain__order"]
        verbose_name = _("活动领域")
        verbose_name_plural = _("活动领域")
        constraints = [
            models.UniqueConstraint(fields=["campaign", "domain"], name="campaign_domain_once")
        ]

    def __str__(self) -> str:
        return f"{self.campaign} · {self.domain}"


class CreatingUnit(models.Model):
    """A unit that tries to become a demonstration site this year (创建单位)."""

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="creating_units")
    unit = models.ForeignKey(
        Organisation, verbose_name=_("单位"), on_delete=models.PROTECT, related_name="+"
    )
    domain = models.ForeignKey(
        Domain, verbose_name=_("领域"), on_delete=models.PROTECT, related_name="+"
    )

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("创建单位")
        verbose_name_plural = _("创建单位")
        constraints = [
            models.UniqueConstraint(fields=["campaign", "unit"], name="creating_unit_once")
        ]

    def __str__(self) -> str:
        return str(self.unit)


class Phase(models.Model):
    class Kind(models.TextChoices):
        MOBILISATION = "mobilisation", _("宣传发动")
        CREATION = "creation", _("实施创建")
        APPLICATION = "application", _("申报验收")
        OTHER = "other", _("其他")

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="phases")
    kind = models.CharField(_("阶段"), max_length=20, choices=Kind.choices)
    name = models.CharField(_("名称"), max_length=60)
    order = models.PositiveSmallIntegerField(_("顺序"))
    start_date = models.DateField(_("开始日期"))
    end_date = models.DateField(_("结束日期"))

    history = HistoricalRecords()

    class Meta:
        ordering = ["order"]
        verbose_name = _("实施阶段")
        verbose_name_plural = _("实施阶段")
        constraints = [
            models.UniqueConstraint(fields=["campaign", "order"], name="phase_order_once"),
            models.CheckConstraint(
                condition=Q(end_date__gte=models.F("start_date")), name="phase_dates_order"
            ),
        ]

    def __str__(self) -> str:
        return self.name


class Milestone(models.Model):
    class Kind(models.TextChoices):
        PLAN_DUE = "plan_due", _("创建方案报送截止")
        APPLICATION_DUE = "application_due", _("申报验收截止")
        OTHER = "other", _("其他节点")

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="milestones")
    phase = models.ForeignKey(
        Phase, null=True, blank=True, on_delete=models.SET_NULL, related_name="milestones"
    )
    kind = models.CharField(_("类型"), max_length=20, choices=Kind.choices)
    title = models.CharField(_("名称"), max_length=100)
    due_date = models.DateField(_("截止日期"))
    # "收到通知后 5 个工作日内": the due date is counted in working days from the notice date
    notice_date = models.DateField(
        _("收到通知日期"), null=True, blank=True, help_text=_("按工作日计算期限时的起算日。")
    )
    due_workdays = models.PositiveSmallIntegerField(
        _("期限（工作日）"),
        null=True,
        blank=True,
        help_text=_("如“收到通知后5个工作日内”填5：截止日期按工作日历自动推算。"),
    )
    description = models.TextField(_("说明"), blank=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["due_date", "id"]
        verbose_name = _("时间节点")
        verbose_name_plural = _("时间节点")
        indexes = [models.Index(fields=["due_date"])]

    def __str__(self) -> str:
        return self.title


class TaskQuerySet(ScopedQuerySet):
    township_lookup = "campaign__township"
    unit_lookup = None

    def visible_to(self, user):
        """Office staff and leaders see all; a liaison sees the tasks their unit leads or co-hosts."""
        scope = scope_for(user)
        qs = super().visible_to(user)
        if scope.liaison_units and not scope.is_superuser:
            mine = self.filter(
                Q(lead_unit__in=scope.liaison_units) | Q(co_units__in=scope.liaison_units)
            )
            qs = self.filter(pk__in=(qs | mine).values("pk"))
        return qs


class Task(models.Model):
    class Measure(models.TextChoices):
        ACTIVITIES = "activities", _("活动次数")
        PARTICIPANTS = "participants", _("参与人次")
        PERCENT = "percent", _("覆盖比例（%）")

    class Recurrence(models.TextChoices):
        ONCE = "once", _("一次性")
        MONTHLY = "monthly", _("每月")
        QUARTERLY = "quarterly", _("每季度")
        SEMESTER = "semester", _("每学期")
        YEARLY = "yearly", _("每年")

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="tasks")
    domain = models.ForeignKey(
        Domain, verbose_name=_("领域"), on_delete=models.PROTECT, related_name="tasks"
    )
    title = models.CharField(_("任务"), max_length=200)
    description = models.TextField(_("内容要求"), blank=True)
    lead_unit = models.ForeignKey(
        Organisation, verbose_name=_("牵头单位"), on_delete=models.PROTECT, related_name="led_tasks"
    )
    co_units = models.ManyToManyField(
        Organisation, verbose_name=_("协办单位"), blank=True, related_name="cohosted_tasks"
    )
    measure = models.CharField(
        _("计量方式"), max_length=20, choices=Measure.choices, default=Measure.ACTIVITIES
    )
    target_count = models.PositiveIntegerField(_("目标数"))
    target_unit = models.CharField(
        _("计量单位"), max_length=20, default="次", help_text=_("如：次、场、人次、户、%")
    )
    target_base = models.PositiveIntegerField(
        _("覆盖基数"), null=True, blank=True, help_text=_("按比例计量时的总数，如干部家庭总户数")
    )
    recurrence = models.CharField(
        _("频次"), max_length=20, choices=Recurrence.choices, default=Recurrence.ONCE
    )
    start_date = models.DateField(_("开始日期"))
    due_date = models.DateField(_("截止日期"))
    # Working days (workdays app): a due date counted in working days from the start date (the
    # day the notice was received), moved off holidays, and chased on holidays when urgent.
    due_workdays = models.PositiveSmallIntegerField(
        _("期限（工作日）"),
        null=True,
        blank=True,
        help_text=_("如“收到通知后5个工作日内”填5：截止日期按开始日期加5个工作日推算。"),
    )
    roll_to_workday = models.BooleanField(
        _("截止日遇节假日顺延"),
        default=False,
        db_default=False,
        help_text=_("截止日期落在周末或法定节假日时，顺延到下一个工作日（各期间同样顺延）。"),
    )
    is_urgent = models.BooleanField(
        _("紧急任务"),
        default=False,
        db_default=False,
        help_text=_("逾期后在节假日也照常催办；其他提醒在节假日暂缓到下一个工作日。"),
    )
    # Activity type codes (activities.types.ActivityType) that count toward this task; empty = any.
    activity_types = models.JSONField(_("计入的活动类型"), default=list, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    # Stored aggregates of the periods, written only by campaigns.progress.recompute_tasks:
    # the due date of the earliest period not yet done (None when every period is done) and
    # whether any period has achieved anything. They make status filters and "next due first"
    # ordering index scans instead of a subquery per task.
    open_due = models.DateField(_("最早未完成期限"), null=True, blank=True, editable=False)
    has_progress = models.BooleanField(_("已有进展"), default=False, editable=False)

    history = HistoricalRecords(m2m_fields=[co_units], excluded_fields=["open_due", "has_progress"])
    objects = TaskQuerySet.as_manager()

    class Meta:
        ordering = ["domain__order", "id"]
        verbose_name = _("工作任务")
        verbose_name_plural = _("工作任务")
        constraints = [
            models.UniqueConstraint(
                fields=["campaign", "domain", "title"], name="task_title_once_per_domain"
            ),
            models.CheckConstraint(condition=Q(target_count__gt=0), name="task_target_positive"),
            models.CheckConstraint(
                condition=Q(due_date__gte=models.F("start_date")), name="task_dates_order"
            ),
        ]
        indexes = [
            models.Index(fields=["campaign", "domain"]),
            models.Index(fields=["lead_unit"]),
            models.Index(fields=["campaign", "open_due", "id"], name="task_campaign_open_due"),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def uses_workdays(self) -> bool:
        return bool(self.due_workdays) or self.roll_to_workday

    def calendar_note(self) -> str:
        """ "2027年节假日安排未录入，按周末推算" when the due date was worked out over a year
        whose holidays nobody entered; "" otherwise."""
        if not self.uses_workdays:
            return ""
        from workdays.days import assumption_note

        return assumption_note(self.start_date, self.due_date)


class TaskPeriod(models.Model):
    """One period of a task with its own due date (a semester, a quarter, or the whole task)."""

    task = models.ForeignKey(Task, on_delete=models.CASCADE, related_name="periods")
    index = models.PositiveSmallIntegerField(_("序号"))
    # A language-neutral code ("month:2026-05", "whole"; campaigns.periods), named at display.
    code = models.CharField(_("期间"), max_length=40)
    start_date = models.DateField(_("开始日期"))
    due_date = models.DateField(_("截止日期"))
    # Stored aggregate, written only by campaigns.progress (records_changed / recompute_tasks):
    # the count, participant sum or floored percentage the approved records give this period.
    achieved = models.PositiveIntegerField(_("完成数"), default=0, editable=False)

    class Meta:
        ordering = ["task_id", "index"]
        verbose_name = _("任务期间")
        verbose_name_plural = _("任务期间")
        constraints = [
            models.UniqueConstraint(fields=["task", "index"], name="task_period_index_once")
        ]
        indexes = [
            models.Index(fields=["due_date"]),
            models.Index(fields=["task", "due_date"], name="task_period_task_due"),
        ]

    def __str__(self) -> str:
        return f"{self.task} · {self.label}"

    @property
    def label(self) -> str:
        """The period's name in the reader's language (全程, 2026年5月, Q2 2026 …)."""
        from campaigns.periods import period_label

        return period_label(self.code)

    @label.setter
    def label(self, value: str) -> None:
        """A free-text name (a test's, an import's): kept as it is and shown as it is."""
        self.code = value

    def status(self, today: dt.date) -> str:
        """not_started / in_progress / done / overdue for this period on `today`."""
        from campaigns.progress import period_status

        return period_status(self.achieved, self.task.target_count, self.due_date, today)


# Task.open_due of a task whose every period is done (NULL on the task) as TaskTally stores it:
# a real date after every due date, so the tally's key has no NULL in it.
ALL_DONE = dt.date(9999, 12, 31)


class TaskTally(models.Model):
    """Tasks counted per campaign, lead unit, domain and state: how many tasks have this
    `open_due` (the due date of their earliest period not done, `ALL_DONE` when every period is
    done) and this `has_progress`.

    A task's status on any day follows from these two (`dashboard.metrics.task_q`), so the
    dashboards count done / open / overdue tasks per unit and domain from a few hundred rows
    whatever the number of tasks and records. Written only by `campaigns.progress` (the task
    state it keeps, and the task saves and deletes it is told about); `tests/test_stored_figures`
    proves it equals what the tasks say.
    """

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="+")
    unit = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="task_tallies")
    domain = models.ForeignKey(Domain, on_delete=models.CASCADE, related_name="+")
    open_due = models.DateField(_("最早未完成期限"))
    has_progress = models.BooleanField(_("已有进展"))
    tasks = models.IntegerField(_("任务数"), default=0)

    class Meta:
        verbose_name = _("任务汇总")
        verbose_name_plural = _("任务汇总")
        constraints = [
            models.UniqueConstraint(
                fields=["campaign", "unit", "domain", "open_due", "has_progress"],
                name="task_tally_once",
            )
        ]

    def __str__(self) -> str:
        return f"{self.campaign_id} {self.unit_id} {self.domain_id} {self.open_due}: {self.tasks}"


def unit_plan_path(instance: UnitPlan, filename: str) -> str:
    ext = filename.rsplit(".", 1)[-1].lower() if "." in filename else "bin"
    return f"unit-plans/{instance.campaign_id}/{instance.unit_id}/{instance.sha256[:16]}.{ext}"


class UnitPlanQuerySet(ScopedQuerySet):
    township_lookup = "township"
    unit_lookup = "unit"

    def live(self):
        """Plans that answer the unit's obligation: waiting for review or approved."""
        return self.filter(status__in=[UnitPlan.Status.SUBMITTED, UnitPlan.Status.APPROVED])


class UnitPlan(models.Model):
    """A unit's creation plan (创建方案) for the campaign, one row per submission.

    Every creating unit and every lead unit owes one (`campaigns.plans.owed_units`), whether
    or not it has a demonstration site. The office approves or returns it with a reason; a
    returned plan stays as history and the unit submits a new one. At most one plan per unit
    and campaign is live (waiting or approved) at a time.
    """

    class Status(models.TextChoices):
        SUBMITTED = "submitted", _("待审核")
        APPROVED = "approved", _("已批准")
        RETURNED = "returned", _("已退回")

    campaign = models.ForeignKey(
        Campaign, verbose_name=_("创建工作"), on_delete=models.CASCADE, related_name="unit_plans"
    )
    township = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="+", editable=False
    )
    unit = models.ForeignKey(
        Organisation, verbose_name=_("单位"), on_delete=models.PROTECT, related_name="unit_plans"
    )
    file = models.FileField(_("方案文件"), upload_to=unit_plan_path, max_length=200)
    original_name = models.CharField(_("原文件名"), max_length=200)
    sha256 = models.CharField(max_length=64)
    note = models.CharField(_("说明"), max_length=200, blank=True)
    status = models.CharField(
        _("状态"), max_length=10, choices=Status.choices, default=Status.SUBMITTED
    )
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("报送人"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    submitted_at = models.DateTimeField(_("报送时间"))
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("审核人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    reviewed_at = models.DateTimeField(_("审核时间"), null=True, blank=True)
    return_reason = models.TextField(_("退回原因"), blank=True)

    history = HistoricalRecords()
    objects = UnitPlanQuerySet.as_manager()

    class Meta:
        ordering = ["campaign_id", "unit_id", "-submitted_at", "-id"]
        verbose_name = _("单位创建方案")
        verbose_name_plural = _("单位创建方案")
        constraints = [
            models.UniqueConstraint(
                fields=["campaign", "unit"],
                condition=Q(status__in=["submitted", "approved"]),
                name="unit_plan_one_live",
            ),
        ]
        indexes = [models.Index(fields=["campaign", "status"])]

    def __str__(self) -> str:
        return f"{self.unit} · {self.original_name}"

    def save(self, *args, **kwargs) -> None:
        if not self.township_id and self.unit_id:
            self.township_id = self.unit.township_id
        super().save(*args, **kwargs)
