"""Criteria, assessments, rectification, supervision, the circulated notice, year-end scores.

* `CriteriaSet` is a district's standard (评审标准) in one version, with `CriteriaGroup`s and
  `CriteriaItem`s (points, evidence wanted, optionally an automatic rule counted from the
  approved ledger). A set that an assessment has used is `frozen`: changing it means copying it.
* `Assessment` is one item-by-item check against a set: a self-assessment (自评) by the
  creating unit, a township pre-check (预验收, 逐条查漏) or a district acceptance (验收) of a
  township's `Application`. Each `ItemScore` holds score, pass/fail, finding, the automatic
  score and the reason for overriding it, and the linked records and evidence files.
* `Rectification` (整改事项) opens from a failed item or a supervision `Finding`; the liaison
  answers, office staff re-check and close (复查销号) or send it back. The item's score only
  changes at the re-check.
* `SpotCheck` stores a reproducible random draw (its seed and the drawn rows); `Notice` is the
  circulated notice (通报) with its entries; `YearEndScore` the year-end assessment per unit.

Who sees what is in each queryset's `visible_to(user)`; views go through `assessments.access`.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from activities.types import ActivityType
from organisations.access import ScopedQuerySet, scope_for
from organisations.models import Domain, Organisation, TownshipScoped

# ---------------------------------------------------------------------------- criteria


class CriteriaSetQuerySet(models.QuerySet):
    def visible_to(self, user):
        """A district's standard is read by everyone working in the district."""
        scope = scope_for(user)
        if scope.is_superuser:
            return self
        if not scope.is_authenticated:
            return self.none()
        townships = scope.readable_townships | scope.liaison_townships
        q = Q(district__in=scope.reviewer_districts | scope.leader_districts)
        if townships:
            q |= Q(district__in=Organisation.objects.filter(pk__in=townships).values("district_id"))
        return self.filter(q)


class CriteriaSet(models.Model):
    district = models.ForeignKey(
        Organisation,
        verbose_name=_("区"),
        on_delete=models.PROTECT,
        related_name="criteria_sets",
        limit_choices_to={"level": Organisation.Level.DISTRICT},
    )
    name = models.CharField(_("标准名称"), max_length=120)
    version = models.PositiveSmallIntegerField(_("版本"), default=1)
    doc_number = models.CharField(_("文号"), max_length=60, blank=True)
    pass_line = models.DecimalField(_("合格线"), max_digits=6, decimal_places=1)
    frozen = models.BooleanField(_("已锁定"), default=False)
    frozen_at = models.DateTimeField(_("锁定时间"), null=True, blank=True)
    copied_from = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="copies"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    history = HistoricalRecords()
    objects = CriteriaSetQuerySet.as_manager()

    class Meta:
        ordering = ["district_id", "name", "-version"]
        verbose_name = _("评审标准")
        verbose_name_plural = _("评审标准")
        constraints = [
            models.UniqueConstraint(
                fields=["district", "name", "version"], name="criteria_set_version_once"
            ),
            models.CheckConstraint(condition=Q(pass_line__gte=0), name="criteria_pass_line_nonneg"),
        ]

    def __str__(self) -> str:
        return f"{self.name}（第{self.version}版）"


class CriteriaGroup(models.Model):
    class Kind(models.TextChoices):
        ORGANISATION = "organisation", _("组织领导")
        SYSTEMS = "systems", _("制度建设")
        POSITIONS = "positions", _("宣传阵地")
        ACTIVITIES = "activities", _("活动开展")
        ARCHIVES = "archives", _("档案资料")
        EFFECT = "effect", _("工作成效")
        OTHER = "other", _("其他")

    criteria_set = models.ForeignKey(CriteriaSet, on_delete=models.CASCADE, related_name="groups")
    kind = models.CharField(_("类别"), max_length=20, choices=Kind.choices, default=Kind.OTHER)
    name = models.CharField(_("名称"), max_length=60)
    order = models.PositiveSmallIntegerField(_("排序"), default=0)

    history = HistoricalRecords()

    class Meta:
        ordering = ["criteria_set_id", "order", "id"]
        verbose_name = _("评审类别")
        verbose_name_plural = _("评审类别")
        constraints = [
            models.UniqueConstraint(fields=["criteria_set", "name"], name="criteria_group_once"),
        ]

    def __str__(self) -> str:
        return self.name


class CriteriaItem(models.Model):
    criteria_set = models.ForeignKey(CriteriaSet, on_delete=models.CASCADE, related_name="items")
    group = models.ForeignKey(CriteriaGroup, on_delete=models.CASCADE, related_name="items")
    code = models.CharField(_("编号"), max_length=20)
    text = models.TextField(_("评审内容"))
    points = models.DecimalField(_("分值"), max_digits=5, decimal_places=1)
    evidence_wanted = models.TextField(_("佐证要求"), blank=True)
    order = models.PositiveSmallIntegerField(_("排序"), default=0)
    # The score from which the item counts as 达标; empty: 60% of its points.
    pass_score = models.DecimalField(
        _("达标分"),
        max_digits=5,
        decimal_places=1,
        null=True,
        blank=True,
        help_text=_("得分达到此分即判定达标；不填按分值的60%。"),
    )
    # The automatic rule: approved records of the assessed unit (the township for a township
    # application) in the assessment's year, of this type (blank = any) and domain (null = any);
    # `auto_target` of them give full points, fewer give a proportional share.
    auto_target = models.PositiveSmallIntegerField(_("自动计分：达标次数"), null=True, blank=True)
    # What is counted: the ledger (above), or the unit's publicity positions (宣传阵地) — how
    # many are in use, or how many updates they had in the year ("定期更新").
    auto_source = models.CharField(
        _("自动计分：来源"),
        max_length=20,
        choices=[
            ("ledger", _("活动台账")),
            ("positions", _("宣传阵地数")),
            ("position_updates", _("宣传阵地更新次数")),
        ],
        default="ledger",
    )
    auto_type = models.CharField(
        _("自动计分：活动类型"), max_length=20, choices=ActivityType.choices, blank=True
    )
    auto_domain = models.ForeignKey(
        Domain,
        verbose_name=_("自动计分：领域"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )

    history = HistoricalRecords()

    class Meta:
        ordering = ["criteria_set_id", "order", "id"]
        verbose_name = _("评审条目")
        verbose_name_plural = _("评审条目")
        constraints = [
            models.UniqueConstraint(
                fields=["criteria_set", "code"], name="criteria_item_code_once"
            ),
            models.CheckConstraint(condition=Q(points__gt=0), name="criteria_item_points_positive"),
            models.CheckConstraint(
                condition=Q(pass_score__isnull=True)
                | (Q(pass_score__gte=0) & Q(pass_score__lte=models.F("points"))),
                name="criteria_item_pass_score_within_points",
            ),
            models.CheckConstraint(
                condition=Q(auto_target__isnull=True) | Q(auto_target__gt=0),
                name="criteria_item_auto_target_positive",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.text[:30]}"

    PASS_SHARE = Decimal("0.6")

    @property
    def pass_line(self) -> Decimal:
        """The score from which this item is 达标."""
        if self.pass_score is not None:
            return self.pass_score
        return (self.points * self.PASS_SHARE).quantize(Decimal("0.1"))

    def passes(self, score: Decimal | None) -> bool | None:
        return None if score is None else score >= self.pass_line

    @property
    def is_automatic(self) -> bool:
        return self.auto_target is not None

    def auto_score_for(self, count: int) -> Decimal:
        """Full points at the target, a proportional share below, rounded to 0.1."""
        if not self.auto_target:
            return Decimal("0")
        share = min(Decimal(count) / Decimal(self.auto_target), Decimal(1))
        return (self.points * share).quantize(Decimal("0.1"))


# ---------------------------------------------------------------------------- applications


class ApplicationQuerySet(ScopedQuerySet):
    township_lookup = "township"
    unit_lookup = None

    def visible_to(self, user):
        scope = scope_for(user)
        qs = super().visible_to(user)
        if scope.reviewer_districts and not scope.is_superuser:
            qs = qs | self.filter(district__in=scope.reviewer_districts)
        return qs


class Application(TownshipScoped):
    """A township's application to the district for acceptance (申报验收)."""

    township_from = "campaign"

    class Status(models.TextChoices):
        SUBMITTED = "submitted", _("已申报")
        ACCEPTED = "accepted", _("验收通过")
        REJECTED = "rejected", _("未通过")

    campaign = models.ForeignKey(
        "campaigns.Campaign", on_delete=models.PROTECT, related_name="applications"
    )
    township = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="+", editable=False
    )
    district = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="+", editable=False
    )
    title = models.CharField(_("申报名称"), max_length=150)
    summary = models.TextField(_("申报说明"), blank=True)
    sites = models.ManyToManyField(
        "demosites.Site", verbose_name=_("申报示范点"), related_name="applications"
    )
    status = models.CharField(
        _("状态"), max_length=10, choices=Status.choices, default=Status.SUBMITTED
    )
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    submitted_at = models.DateTimeField(_("申报时间"))
    decided_at = models.DateTimeField(_("验收时间"), null=True, blank=True)

    history = HistoricalRecords(m2m_fields=[sites])
    objects = ApplicationQuerySet.as_manager()

    class Meta:
        ordering = ["-submitted_at", "-id"]
        verbose_name = _("验收申报")
        verbose_name_plural = _("验收申报")

    def __str__(self) -> str:
        return self.title


# ---------------------------------------------------------------------------- assessments


class AssessmentQuerySet(ScopedQuerySet):
    township_lookup = "township"
    unit_lookup = "unit"

    def visible_to(self, user):
        """Reviewers see the acceptance assessments addressed to their district."""
        scope = scope_for(user)
        qs = super().visible_to(user)
        if scope.reviewer_districts and not scope.is_superuser:
            qs = qs | self.filter(
                kind=Assessment.Kind.ACCEPTANCE, district__in=scope.reviewer_districts
            )
        return qs


class Assessment(TownshipScoped):
    township_from = "campaign"

    class Kind(models.TextChoices):
        SELF = "self", _("自评")
        PRECHECK = "precheck", _("预验收（逐条查漏）")
        ACCEPTANCE = "acceptance", _("区级验收")

    class Status(models.TextChoices):
        DRAFT = "draft", _("评分中")
        COMPLETED = "completed", _("已完成")

    kind = models.CharField(_("类型"), max_length=12, choices=Kind.choices)
    status = models.CharField(_("状态"), max_length=10, choices=Status.choices, default="draft")
    criteria_set = models.ForeignKey(
        CriteriaSet,
        verbose_name=_("评审标准"),
        on_delete=models.PROTECT,
        related_name="assessments",
    )
    campaign = models.ForeignKey(
        "campaigns.Campaign",
        verbose_name=_("创建工作"),
        on_delete=models.PROTECT,
        related_name="assessments",
    )
    township = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="+", editable=False
    )
    district = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="+", editable=False
    )
    site = models.ForeignKey(
        "demosites.Site",
        verbose_name=_("示范点"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="assessments",
    )
    unit = models.ForeignKey(
        Organisation,
        verbose_name=_("被评单位"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="assessments",
    )
    application = models.ForeignKey(
        Application,
        verbose_name=_("验收申报"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="assessments",
    )
    assessor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("评审人"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    assessed_on = models.DateField(_("评审日期"))
    conclusion = models.TextField(_("评审意见"), blank=True)
    passed = models.BooleanField(_("是否达标"), null=True, blank=True)
    completed_at = models.DateTimeField(_("完成时间"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    history = HistoricalRecords()
    objects = AssessmentQuerySet.as_manager()

    class Meta:
        ordering = ["-assessed_on", "-id"]
        verbose_name = _("评审")
        verbose_name_plural = _("评审")
        constraints = [
            models.UniqueConstraint(
                fields=["application", "site"],
                condition=Q(kind="acceptance", site__isnull=False),
                name="one_acceptance_per_application_site",
            ),
            models.UniqueConstraint(
                fields=["application"],
                condition=Q(kind="acceptance", site__isnull=True),
                name="one_acceptance_per_application",
            ),
            models.CheckConstraint(
                condition=~Q(kind="acceptance") | Q(application__isnull=False),
                name="acceptance_has_application",
            ),
            models.CheckConstraint(
                condition=Q(kind="acceptance") | Q(site__isnull=False),
                name="self_and_precheck_have_site",
            ),
        ]
        indexes = [
            models.Index(fields=["township", "kind", "status"]),
            models.Index(fields=["site", "kind", "status"]),
            models.Index(fields=["district", "kind"]),
        ]

    def __str__(self) -> str:
        target = self.site or self.township
        return f"{self.get_kind_display()} · {target} · {self.assessed_on}"

    def save(self, *args, **kwargs) -> None:
        if self.site_id and not self.unit_id:
            self.unit_id = self.site.unit_id
        super().save(*args, **kwargs)

    @property
    def is_completed(self) -> bool:
        return self.status == self.Status.COMPLETED


class ItemScore(models.Model):
    assessment = models.ForeignKey(Assessment, on_delete=models.CASCADE, related_name="scores")
    item = models.ForeignKey(CriteriaItem, on_delete=models.PROTECT, related_name="scores")
    score = models.DecimalField(_("得分"), max_digits=5, decimal_places=1, null=True, blank=True)
    passed = models.BooleanField(_("是否达标"), null=True, blank=True)
    finding = models.TextField(_("发现问题"), blank=True)
    auto_score = models.DecimalField(
        _("台账自动得分"), max_digits=5, decimal_places=1, null=True, blank=True
    )
    auto_count = models.PositiveIntegerField(_("台账计数"), null=True, blank=True)
    override_reason = models.TextField(_("调整理由"), blank=True)
    # Written when the reviewer's 达标 decision differs from what the score gives.
    pass_reason = models.TextField(_("改判理由"), blank=True)
    records = models.ManyToManyField(
        "activities.ActivityRecord",
        through="LinkedRecord",
        verbose_name=_("关联台账"),
        related_name="item_scores",
    )
    evidence = models.ManyToManyField(
        "activities.Evidence",
        through="LinkedEvidence",
        verbose_name=_("关联佐证"),
        related_name="item_scores",
    )
    rechecked_at = models.DateTimeField(_("复查时间"), null=True, blank=True)

    # The links are bulk-written for speed and are not kept in history; the scores are.
    history = HistoricalRecords()

    class Meta:
        ordering = ["assessment_id", "item__order", "item_id"]
        verbose_name = _("条目得分")
        verbose_name_plural = _("条目得分")
        constraints = [
            models.UniqueConstraint(fields=["assessment", "item"], name="item_score_once"),
            models.CheckConstraint(
                condition=Q(score__isnull=True) | Q(score__gte=0), name="item_score_nonneg"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.assessment} · {self.item.code}"

    @property
    def is_overridden(self) -> bool:
        return (
            self.auto_score is not None and self.score is not None and self.score != self.auto_score
        )


class LinkedRecord(models.Model):
    item_score = models.ForeignKey(ItemScore, on_delete=models.CASCADE, related_name="+")
    record = models.ForeignKey(
        "activities.ActivityRecord", on_delete=models.CASCADE, related_name="+"
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["item_score", "record"], name="linked_record_once")
        ]

    def __str__(self) -> str:
        return f"{self.item_score_id} → {self.record_id}"


class LinkedEvidence(models.Model):
    item_score = models.ForeignKey(ItemScore, on_delete=models.CASCADE, related_name="+")
    evidence = models.ForeignKey("activities.Evidence", on_delete=models.CASCADE, related_name="+")

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["item_score", "evidence"], name="linked_evidence_once")
        ]

    def __str__(self) -> str:
        return f"{self.item_score_id} → {self.evidence_id}"


# ---------------------------------------------------------------------------- supervision


class SpotCheckQuerySet(ScopedQuerySet):
    township_lookup = "township"
    unit_lookup = None


class SpotCheck(TownshipScoped):
    """A supervision inspection or a random spot check (随机抽查) with its reproducible draw."""

    township_from = "campaign"

    class Kind(models.TextChoices):
        SUPERVISION = "supervision", _("督导检查")
        RANDOM = "random", _("随机抽查")

    class Target(models.TextChoices):
        UNITS = "units", _("单位")
        RECORDS = "records", _("活动记录")

    campaign = models.ForeignKey(
        "campaigns.Campaign", on_delete=models.PROTECT, related_name="spot_checks"
    )
    township = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="+", editable=False
    )
    kind = models.CharField(_("类型"), max_length=12, choices=Kind.choices)
    target = models.CharField(
        _("抽查对象"), max_length=10, choices=Target.choices, default=Target.UNITS
    )
    title = models.CharField(_("名称"), max_length=150)
    sample_size = models.PositiveSmallIntegerField(_("抽取数量"), default=0)
    seed = models.BigIntegerField(_("随机种子"), null=True, blank=True)
    population_size = models.PositiveIntegerField(_("总体数量"), default=0)
    conducted_on = models.DateField(_("检查日期"))
    conducted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    note = models.TextField(_("说明"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    history = HistoricalRecords()
    objects = SpotCheckQuerySet.as_manager()

    class Meta:
        ordering = ["-conducted_on", "-id"]
        verbose_name = _("督导抽查")
        verbose_name_plural = _("督导抽查")

    def __str__(self) -> str:
        return self.title


class SpotCheckItem(models.Model):
    """One drawn unit or record, in draw order."""

    spot_check = models.ForeignKey(SpotCheck, on_delete=models.CASCADE, related_name="drawn")
    order = models.PositiveSmallIntegerField(_("序号"))
    unit = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    record = models.ForeignKey(
        "activities.ActivityRecord",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    ok = models.BooleanField(_("检查合格"), null=True, blank=True)
    result = models.TextField(_("检查情况"), blank=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["spot_check_id", "order"]
        verbose_name = _("抽查对象")
        verbose_name_plural = _("抽查对象")
        constraints = [
            models.UniqueConstraint(fields=["spot_check", "order"], name="spot_item_order_once"),
        ]

    def __str__(self) -> str:
        return f"{self.spot_check} · {self.order}"


class FindingQuerySet(ScopedQuerySet):
    township_lookup = "township"
    unit_lookup = "unit"


class Finding(TownshipScoped):
    """A problem found in supervision or a spot check."""

    spot_check = models.ForeignKey(
        SpotCheck, on_delete=models.CASCADE, related_name="findings", null=True, blank=True
    )
    spot_item = models.ForeignKey(
        SpotCheckItem, on_delete=models.SET_NULL, related_name="findings", null=True, blank=True
    )
    township = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="+", editable=False
    )
    unit = models.ForeignKey(
        Organisation, verbose_name=_("单位"), on_delete=models.PROTECT, related_name="+"
    )
    text = models.TextField(_("发现问题"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    history = HistoricalRecords()
    objects = FindingQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("检查发现")
        verbose_name_plural = _("检查发现")

    def __str__(self) -> str:
        return self.text[:40]


# ---------------------------------------------------------------------------- rectification


class RectificationQuerySet(ScopedQuerySet):
    township_lookup = "township"
    unit_lookup = "unit"

    def open(self):
        return self.exclude(status=Rectification.Status.CLOSED)

    def overdue(self, today: dt.date):
        return self.open().filter(deadline__lt=today)


def open_per_unit_sql(where: str, params: list, today: dt.date) -> tuple[str, list]:
    """`open()` and `overdue(today)` above, counted per unit in plain SQL for the dashboard's
    plain-SQL queries: a SELECT of (unit_id, n, late) over the rectifications matching `where`
    (SQL on the rectification table, with `params`), and all its parameters in order."""
    table = Rectification._meta.db_table
    sql = (
        "SELECT unit_id, COUNT(*) AS n, SUM(CASE WHEN deadline < %s THEN 1 ELSE 0 END) AS late "  # noqa: S608 - the table name from the model; values are parameters
        f"FROM {table} WHERE status <> %s AND ({where}) GROUP BY unit_id"
    )
    return sql, [today, Rectification.Status.CLOSED, *params]


class Rectification(TownshipScoped):
    """A rectification item (整改事项) with its deadline, answer and re-check."""

    class Status(models.TextChoices):
        OPEN = "open", _("整改中")
        ANSWERED = "answered", _("待复查")
        CLOSED = "closed", _("已销号")

    campaign = models.ForeignKey(
        "campaigns.Campaign", on_delete=models.PROTECT, related_name="rectifications"
    )
    township = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="+", editable=False
    )
    unit = models.ForeignKey(
        Organisation, verbose_name=_("责任单位"), on_delete=models.PROTECT, related_name="+"
    )
    item_score = models.ForeignKey(
        ItemScore,
        verbose_name=_("来源条目"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="rectifications",
    )
    finding = models.ForeignKey(
        Finding,
        verbose_name=_("来源检查发现"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="rectifications",
    )
    title = models.CharField(_("整改事项"), max_length=200)
    requirement = models.TextField(_("整改要求（需提供）"))
    deadline = models.DateField(_("整改期限"))
    status = models.CharField(_("状态"), max_length=10, choices=Status.choices, default="open")
    answer = models.TextField(_("整改情况"), blank=True)
    answer_records = models.ManyToManyField(
        "activities.ActivityRecord", verbose_name=_("整改佐证台账"), blank=True, related_name="+"
    )
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    answered_at = models.DateTimeField(_("报送时间"), null=True, blank=True)
    returned_count = models.PositiveSmallIntegerField(_("退回次数"), default=0)
    return_reason = models.TextField(_("退回原因"), blank=True)
    recheck_note = models.TextField(_("复查意见"), blank=True)
    recheck_score = models.DecimalField(
        _("复查得分"), max_digits=5, decimal_places=1, null=True, blank=True
    )
    rechecked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    closed_at = models.DateTimeField(_("销号时间"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    history = HistoricalRecords(m2m_fields=[answer_records])
    objects = RectificationQuerySet.as_manager()

    class Meta:
        ordering = ["status", "deadline", "id"]
        verbose_name = _("整改事项")
        verbose_name_plural = _("整改事项")
        indexes = [
            models.Index(fields=["township", "status", "deadline"]),
            models.Index(fields=["unit", "status"]),
            models.Index(fields=["status", "deadline"]),
        ]

    def __str__(self) -> str:
        return self.title

    def is_overdue(self, today: dt.date) -> bool:
        return self.status != self.Status.CLOSED and self.deadline < today


def rectification_file_path(instance: RectificationFile, filename: str) -> str:
    ext = filename.rsplit(".", 1)[-1].lower() if "." in filename else "bin"
    return f"rectifications/{instance.rectification_id}/{instance.sha256[:16]}.{ext}"


class RectificationFile(models.Model):
    rectification = models.ForeignKey(Rectification, on_delete=models.CASCADE, related_name="files")
    file = models.FileField(_("文件"), upload_to=rectification_file_path, max_length=200)
    original_name = models.CharField(_("原文件名"), max_length=200)
    sha256 = models.CharField(max_length=64)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["id"]
        verbose_name = _("整改佐证")
        verbose_name_plural = _("整改佐证")

    def __str__(self) -> str:
        return self.original_name


# ---------------------------------------------------------------------------- notice, year end


class NoticeQuerySet(ScopedQuerySet):
    township_lookup = "township"
    unit_lookup = None


class Notice(TownshipScoped):
    """The circulated notice (通报): drafted from the data, edited, numbered, published."""

    township_from = "campaign"

    class Status(models.TextChoices):
        DRAFT = "draft", _("草稿")
        PUBLISHED = "published", _("已印发")

    campaign = models.ForeignKey(
        "campaigns.Campaign", on_delete=models.PROTECT, related_name="notices"
    )
    township = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="+", editable=False
    )
    title = models.CharField(_("标题"), max_length=200)
    doc_number = models.CharField(_("文号"), max_length=60, blank=True)
    intro = models.TextField(_("正文导语"), blank=True)
    closing = models.TextField(
        _("结尾要求"), blank=True, help_text=_("通报结尾对各单位提出的要求，可编辑")
    )
    status = models.CharField(_("状态"), max_length=10, choices=Status.choices, default="draft")
    as_of = models.DateField(_("统计截止日期"))
    published_at = models.DateTimeField(_("印发时间"), null=True, blank=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    history = HistoricalRecords()
    objects = NoticeQuerySet.as_manager()

    class Meta:
        ordering = ["-as_of", "-id"]
        verbose_name = _("通报")
        verbose_name_plural = _("通报")
        constraints = [
            models.UniqueConstraint(
                fields=["township", "doc_number"],
                condition=~Q(doc_number=""),
                name="notice_doc_number_once",
            ),
        ]

    def __str__(self) -> str:
        return self.title


class NoticeEntry(models.Model):
    class Category(models.TextChoices):
        OVERDUE_TASKS = "overdue_tasks", _("任务逾期")
        MISSING_REPORTS = "missing_reports", _("月报未报")
        OVERDUE_RECTIFICATIONS = "overdue_rectifications", _("整改逾期")
        INCOMPLETE_ARCHIVES = "incomplete_archives", _("档案资料不全")
        YEAR_END_LOW = "year_end_low", _("年终考核得分偏低")
        OTHER = "other", _("其他")
        # praise (表扬)
        NAMED_SITE = "named_site", _("示范点命名")
        AHEAD = "ahead", _("进度领先")
        BEST_PRACTICE = "best_practice", _("典型经验")

    PRAISE = frozenset({"named_site", "ahead", "best_practice"})

    notice = models.ForeignKey(Notice, on_delete=models.CASCADE, related_name="entries")
    unit = models.ForeignKey(
        Organisation, verbose_name=_("单位"), on_delete=models.PROTECT, related_name="+"
    )
    category = models.CharField(_("问题类别"), max_length=30, choices=Category.choices)
    count = models.PositiveIntegerField(_("数量"), default=0)
    detail = models.TextField(_("具体情况"), blank=True)
    included = models.BooleanField(_("列入通报"), default=True)
    order = models.PositiveSmallIntegerField(_("排序"), default=0)

    history = HistoricalRecords()

    class Meta:
        ordering = ["notice_id", "order", "id"]
        verbose_name = _("通报条目")
        verbose_name_plural = _("通报条目")

    def __str__(self) -> str:
        return f"{self.unit} · {self.get_category_display()}"

    @property
    def is_praise(self) -> bool:
        return self.category in self.PRAISE


class YearEndScore(TownshipScoped):
    """Year-end integrity-responsibility assessment of one unit (seed 003's indicators).

    Integrity education and culture construction are computed from the approved ledger, news
    publicity from the approved publicity ledger, by `assessments.yearend.compute_year_end`;
    the other three are entered by office staff (who may override publicity, with a reason).
    """

    MAX_POINTS = {
        "organisation": Decimal(20),
        "education": Decimal(25),
        "publicity": Decimal(15),
        "culture": Decimal(20),
        "opinion": Decimal(10),
        "innovation": Decimal(10),
    }
    COMPUTED = ("education", "culture")

    campaign = models.ForeignKey(
        "campaigns.Campaign", on_delete=models.PROTECT, related_name="year_end_scores"
    )
    township = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="+", editable=False
    )
    unit = models.ForeignKey(
        Organisation, verbose_name=_("单位"), on_delete=models.PROTECT, related_name="+"
    )
    organisation = models.DecimalField(
        _("组织领导"), max_digits=4, decimal_places=1, null=True, blank=True
    )
    education = models.DecimalField(
        _("廉政教育"), max_digits=4, decimal_places=1, null=True, blank=True
    )
    publicity = models.DecimalField(
        _("新闻宣传"), max_digits=4, decimal_places=1, null=True, blank=True
    )
    # 新闻宣传 is computed from the approved publicity ledger (activities.publicity) into
    # `publicity_auto`; `publicity` is what counts: the computed figure, or the office's
    # override when `publicity_reason` says why.
    publicity_auto = models.DecimalField(
        _("新闻宣传（按报道计算）"), max_digits=4, decimal_places=1, null=True, blank=True
    )
    publicity_reason = models.CharField(_("新闻宣传调整理由"), max_length=200, blank=True)
    culture = models.DecimalField(
        _("廉政文化建设"), max_digits=4, decimal_places=1, null=True, blank=True
    )
    opinion = models.DecimalField(
        _("网络舆情处置"), max_digits=4, decimal_places=1, null=True, blank=True
    )
    innovation = models.DecimalField(
        _("创新创优"), max_digits=4, decimal_places=1, null=True, blank=True
    )
    # Points for being named in published notices (seed 000: 通报批评 … 纳入年终党风廉政责任制考核):
    # written by assessments.yearend.refresh_notice_points, counted in the total.
    notices = models.DecimalField(
        _("通报加减分"), max_digits=4, decimal_places=1, default=Decimal(0)
    )
    note = models.TextField(_("备注"), blank=True)
    computed_at = models.DateTimeField(_("计算时间"), null=True, blank=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["campaign_id", "unit__name"]
        verbose_name = _("年终考核得分")
        verbose_name_plural = _("年终考核得分")
        constraints = [
            models.UniqueConstraint(fields=["campaign", "unit"], name="year_end_once_per_unit"),
        ]

    def __str__(self) -> str:
        return f"{self.unit} · {self.total}"

    @property
    def total(self) -> Decimal:
        indicators = sum(
            (getattr(self, name) or Decimal(0) for name in self.MAX_POINTS), start=Decimal(0)
        )
        return indicators + (self.notices or Decimal(0))
