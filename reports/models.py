"""A report rendered in the background into a stored PDF (报告材料).

A `Report` row is created when someone asks for a report; a Celery task renders it and
writes the outcome back (status, progress, file, error, warnings). The row carries the
township and district of its campaign so that `visible_to(user)` can filter it: office staff
and leaders read their township's reports, district leaders their district's, and district
reviewers the acceptance dossiers a township has sent them.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from campaigns.models import Campaign
from organisations.access import ScopedQuerySet, scope_for
from organisations.models import Organisation, TownshipScoped


class Kind(models.TextChoices):
    DOSSIER = "dossier", _("申报验收材料")
    WORK_REPORT = "work-report", _("工作情况汇报")
    NOTICE = "notice", _("通报")
    MONTHLY = "monthly", _("廉政信息月报")
    LEDGER = "ledger", _("活动台账")


class ReportQuerySet(ScopedQuerySet):
    township_lookup = "township"
    unit_lookup = None

    def visible_to(self, user):
        """Township staff and leaders as usual; reviewers see the dossiers sent to their district."""
        scope = scope_for(user)
        qs = super().visible_to(user)
        if scope.reviewer_districts and not scope.is_superuser:
            sent = self.filter(
                kind=Kind.DOSSIER, sent_at__isnull=False, district__in=scope.reviewer_districts
            )
            qs = qs | sent
        return qs


def report_path(instance: Report, filename: str) -> str:
    return f"reports/{instance.township_id}/{instance.pk}-{instance.kind}.pdf"


class BackgroundJob(models.Model):
    """What every background job row carries for `reports.jobs` (claim, heartbeat, takeover,
    requeue): its progress and outcome, the run that holds it (its task id) and that run's
    last sign of life. A subclass adds its own `Status` choices and `status` field."""

    progress = models.PositiveSmallIntegerField(_("进度"), default=0)
    error = models.TextField(_("失败原因"), blank=True)
    run_token = models.CharField(max_length=64, blank=True, editable=False)
    heartbeat_at = models.DateTimeField(null=True, blank=True, editable=False)
    interruptions = models.PositiveSmallIntegerField(default=0, editable=False)
    created_at = models.DateTimeField(_("申请时间"), auto_now_add=True)
    started_at = models.DateTimeField(_("开始时间"), null=True, blank=True)
    finished_at = models.DateTimeField(_("完成时间"), null=True, blank=True)

    class Meta:
        abstract = True

    @property
    def is_finished(self) -> bool:
        return self.status in ("done", "failed")


class Report(TownshipScoped, BackgroundJob):
    township_from = "campaign"

    class Status(models.TextChoices):
        QUEUED = "queued", _("排队中")
        RUNNING = "running", _("生成中")
        DONE = "done", _("已完成")
        FAILED = "failed", _("失败")

    kind = models.CharField(_("类型"), max_length=20, choices=Kind.choices)
    campaign = models.ForeignKey(
        Campaign, verbose_name=_("创建工作"), on_delete=models.CASCADE, related_name="reports"
    )
    township = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="+", editable=False
    )
    district = models.ForeignKey(
        Organisation, null=True, on_delete=models.PROTECT, related_name="+", editable=False
    )
    title = models.CharField(_("标题"), max_length=200)
    parameters = models.JSONField(_("参数"), default=dict, blank=True)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("申请人"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    status = models.CharField(
        _("状态"), max_length=10, choices=Status.choices, default=Status.QUEUED
    )
    file = models.FileField(_("文件"), upload_to=report_path, max_length=200, blank=True)
    pages = models.PositiveIntegerField(_("页数"), null=True, blank=True)
    warnings = models.JSONField(_("警告"), default=list, blank=True)
    attempts = models.PositiveSmallIntegerField(_("生成次数"), default=0)
    sent_at = models.DateTimeField(_("报送区纪委时间"), null=True, blank=True)
    sent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    history = HistoricalRecords(
        excluded_fields=["progress", "run_token", "heartbeat_at", "interruptions"]
    )
    objects = ReportQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("报告")
        verbose_name_plural = _("报告")
        indexes = [
            models.Index(fields=["township", "-created_at"]),
            models.Index(
                fields=["district", "kind"],
                condition=Q(sent_at__isnull=False),
                name="report_sent_idx",
            ),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(progress__lte=100), name="report_progress_max_100"),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def filename(self) -> str:
        return f"{self.title}.pdf"


def export_path(instance: Export, filename: str) -> str:
    return f"exports/{instance.requested_by_id}/{instance.pk}-{instance.kind}.xlsx"


class ExportQuerySet(models.QuerySet):
    def visible_to(self, user):
        """An export is its requester's own download; nobody else sees it."""
        if not getattr(user, "is_authenticated", False):
            return self.none()
        return self.filter(requested_by=user)


class Export(BackgroundJob):
    """An Excel workbook written in the background (活动台账, 宣传报道) from the rows the
    requester may read, with the filters they had on the page (`parameters`). The worker
    reads the rows again through the same access layer as the requester, so an export never
    holds more than the page showed; the status page polls `rows_done` / `rows_total`."""

    class Kind(models.TextChoices):
        LEDGER = "ledger", _("活动台账")
        PUBLICITY = "publicity", _("宣传报道")

    class Status(models.TextChoices):
        QUEUED = "queued", _("排队中")
        RUNNING = "running", _("导出中")
        DONE = "done", _("已完成")
        FAILED = "failed", _("失败")

    kind = models.CharField(_("类型"), max_length=20, choices=Kind.choices)
    title = models.CharField(_("标题"), max_length=200)
    parameters = models.JSONField(_("筛选条件"), default=dict, blank=True)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("申请人"),
        on_delete=models.CASCADE,
        related_name="exports",
    )
    status = models.CharField(
        _("状态"), max_length=10, choices=Status.choices, default=Status.QUEUED
    )
    rows_done = models.PositiveIntegerField(_("已导出行数"), default=0)
    rows_total = models.PositiveIntegerField(_("总行数"), null=True, blank=True)
    file = models.FileField(_("文件"), upload_to=export_path, max_length=200, blank=True)
    size = models.PositiveBigIntegerField(_("文件大小"), null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(_("导出次数"), default=0)

    objects = ExportQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("Excel 导出")
        verbose_name_plural = _("Excel 导出")
        indexes = [
            models.Index(fields=["requested_by", "-created_at"]),
            models.Index(
                fields=["status"],
                condition=Q(status__in=["queued", "running"]),
                name="export_unfinished_idx",
            ),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(progress__lte=100), name="export_progress_max_100"),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def filename(self) -> str:
        return f"{self.title}.xlsx"
