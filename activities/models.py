"""The activity ledger (活动台账): one record per activity, with its evidence files."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from activities.types import ActivityType
from campaigns.models import Campaign, Task
from organisations.access import ScopedQuerySet
from organisations.models import Domain, Organisation, TownshipScoped


class RecordQuerySet(ScopedQuerySet):
    township_lookup = "township"
    unit_lookup = "unit"

    def counted(self):
        """The records that count toward tasks, ledgers and reports: approved ones.

        A pending edit of an approved record is a separate row (`revision_of` set) that is never
        approved itself: approving it copies it onto the original, so only originals count.
        """
        return self.filter(status=ActivityRecord.Status.APPROVED)

    def originals(self):
        """Records without the pending edits of approved records (what lists show)."""
        return self.filter(revision_of__isnull=True)


class ActivityRecord(TownshipScoped):
    class Status(models.TextChoices):
        DRAFT = "draft", _("草稿")
        SUBMITTED = "submitted", _("待审核")
        APPROVED = "approved", _("已通过")
        RETURNED = "returned", _("已退回")
        # An approved record the office took back: it stops counting, keeps its evidence and
        # can be restored (approved records are never deleted).
        WITHDRAWN = "withdrawn", _("已撤销")

    campaign = models.ForeignKey(
        Campaign, verbose_name=_("创建工作"), on_delete=models.PROTECT, related_name="records"
    )
    township = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="+", editable=False
    )
    unit = models.ForeignKey(
        Organisation, verbose_name=_("单位"), on_delete=models.PROTECT, related_name="records"
    )
    domain = models.ForeignKey(
        Domain, verbose_name=_("领域"), on_delete=models.PROTECT, related_name="records"
    )
    tasks = models.ManyToManyField(
        Task, verbose_name=_("计入任务"), blank=True, related_name="records"
    )
    type = models.CharField(_("活动类型"), max_length=20, choices=ActivityType.choices)
    title = models.CharField(_("活动名称"), max_length=200)
    date = models.DateField(_("活动日期"))
    place = models.CharField(_("地点"), max_length=200, blank=True)
    organiser = models.CharField(_("组织者"), max_length=100, blank=True)
    participants = models.PositiveIntegerField(_("参加人数"), default=0)
    # How much of the type's measure (activities.measures): 30 条 of 标语, 3600 份 of 承诺书, 2 场 …
    quantity = models.PositiveIntegerField(_("数量"), default=1)
    # The office picks the activities a work report names as its highlights (典型活动).
    highlight = models.BooleanField(_("典型活动"), default=False)
    description = models.TextField(_("活动内容"), blank=True)

    status = models.CharField(
        _("状态"), max_length=10, choices=Status.choices, default=Status.DRAFT
    )
    filed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("填报人"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    submitted_at = models.DateTimeField(_("提交时间"), null=True, blank=True)
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
    withdrawn_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("撤销人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    withdrawn_at = models.DateTimeField(_("撤销时间"), null=True, blank=True)
    withdraw_reason = models.TextField(_("撤销原因"), blank=True)
    # Bumped by every change (activities.services): a form carries the version it showed, and
    # a change made from an older version is refused instead of overwriting a newer state.
    version = models.PositiveIntegerField(_("版本"), default=1)
    # The one-time token of the filing form that created the record: a second POST of the same
    # form finds this record instead of creating another.
    submission_token = models.UUIDField(null=True, blank=True, unique=True, editable=False)
    # An edit of an approved record: the approved original keeps counting until this is approved.
    revision_of = models.OneToOneField(
        "self",
        verbose_name=_("修改的记录"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="pending_revision",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    history = HistoricalRecords(m2m_fields=[tasks])
    objects = RecordQuerySet.as_manager()

    class Meta:
        ordering = ["-date", "-id"]
        verbose_name = _("活动记录")
        verbose_name_plural = _("活动记录")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(participants__gte=0), name="record_participants_nonneg"
            ),
            models.CheckConstraint(
                condition=models.Q(quantity__gte=0), name="record_quantity_nonneg"
            ),
        ]
        indexes = [
            models.Index(fields=["township", "status", "date"]),
            models.Index(fields=["unit", "status", "date"]),
            models.Index(fields=["campaign", "domain", "status"]),
            models.Index(fields=["status", "submitted_at"]),
            models.Index(fields=["township", "status", "submitted_at"]),
            # Record lists, newest first, for a township.
            models.Index(
                fields=["township", "-date", "-id"],
                condition=models.Q(revision_of__isnull=True),
                name="record_township_newest",
            ),
            # Ledger scans of approved records: index-only on PostgreSQL.
            models.Index(
                fields=["campaign", "status", "date"],
                include=["unit", "domain", "type", "participants", "quantity"],
                name="record_ledger_cover",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def is_editable(self) -> bool:
        """The liaison may change it in place (drafts and returned records)."""
        return self.status in (self.Status.DRAFT, self.Status.RETURNED)

    @property
    def is_revision(self) -> bool:
        return self.revision_of_id is not None

    @property
    def is_counted(self) -> bool:
        return self.status == self.Status.APPROVED


def evidence_path(instance: Evidence, filename: str) -> str:
    # The stored name is the content hash: the user's file name never reaches the disk.
    return f"evidence/{instance.sha256[:2]}/{instance.sha256}{instance.extension}"


def thumbnail_path(instance: Evidence, filename: str) -> str:
    return f"evidence/thumbs/{instance.sha256[:2]}/{instance.sha256}.jpg"


class EvidenceQuerySet(ScopedQuerySet):
    township_lookup = "record__township"
    unit_lookup = "record__unit"


class Evidence(models.Model):
    class Kind(models.TextChoices):
        IMAGE = "image", _("照片")
        DOCUMENT = "document", _("文档")

    record = models.ForeignKey(ActivityRecord, on_delete=models.CASCADE, related_name="evidence")
    kind = models.CharField(_("类型"), max_length=10, choices=Kind.choices)
    file = models.FileField(_("文件"), upload_to=evidence_path, max_length=200)
    thumbnail = models.FileField(_("缩略图"), upload_to=thumbnail_path, max_length=200, blank=True)
    original_name = models.CharField(_("原文件名"), max_length=200)
    mime_type = models.CharField(max_length=100)
    extension = models.CharField(max_length=10)
    size = models.PositiveBigIntegerField(_("大小"))
    sha256 = models.CharField(max_length=64, db_index=True)
    width = models.PositiveIntegerField(null=True, blank=True)
    height = models.PositiveIntegerField(null=True, blank=True)
    taken_at = models.DateTimeField(_("拍摄时间"), null=True, blank=True)
    gps_lat = models.DecimalField(max_digits=9, decimal_places=6, null=True, blank=True)
    gps_lon = models.DecimalField(max_digits=9, decimal_places=6, null=True, blank=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    # The same original file was already filed with another record (flagged to reviewers).
    duplicate = models.BooleanField(_("重复照片"), default=False)
    # Picked by the office to stand for the record in the acceptance dossier when it has many photos.
    representative = models.BooleanField(_("代表性照片"), default=False)
    created_at = models.DateTimeField(auto_now_add=True)

    # Every row that ever pointed at a file stays in the history: `manage.py purge_files`
    # keeps any file named here, so evidence leaves the disk only by that explicit command.
    history = HistoricalRecords()
    objects = EvidenceQuerySet.as_manager()

    class Meta:
        ordering = ["id"]
        indexes = [models.Index(fields=["record", "duplicate"])]
        verbose_name = _("佐证材料")
        verbose_name_plural = _("佐证材料")

    def __str__(self) -> str:
        return self.original_name

    @property
    def is_image(self) -> bool:
        return self.kind == self.Kind.IMAGE


def staging_path(instance: EvidenceUpload, filename: str) -> str:
    # Originals wait here (outside evidence/, which `purge_files` sweeps) until processed.
    return f"uploads/pending/{uuid.uuid4().hex}"


class EvidenceUploadQuerySet(ScopedQuerySet):
    township_lookup = "record__township"
    unit_lookup = "record__unit"

    def open(self):
        """Uploads that are not evidence (yet): still being processed, or failed."""
        return self.exclude(state=EvidenceUpload.State.DONE)


class EvidenceUpload(models.Model):
    """A file a liaison uploaded to a record, from the request until it is processed.

    The request only checks it cheaply (type by its bytes, declared size, limits) and keeps the
    original under uploads/pending/; a Celery task (`activities.photos`) decodes it, reads its
    EXIF, re-encodes it, makes the thumbnail, hashes it and only then creates the `Evidence` row.
    So an `Evidence` row is always a processed file: nothing that lists or counts evidence (the
    review queue, ledgers, the dossier, assessments) ever sees a file still being processed or
    one that failed. A failed upload keeps its reason and blocks submitting the record until it
    is removed.
    """

    class State(models.TextChoices):
        PENDING = "pending", _("处理中")
        DONE = "done", _("已处理")
        FAILED = "failed", _("处理失败")

    record = models.ForeignKey(ActivityRecord, on_delete=models.CASCADE, related_name="uploads")
    kind = models.CharField(_("类型"), max_length=10, choices=Evidence.Kind.choices)
    original_name = models.CharField(_("原文件名"), max_length=200)
    mime_type = models.CharField(max_length=100)
    size = models.PositiveBigIntegerField(_("大小"))
    # As the header declares them (before EXIF rotation); the processed photo has its own.
    width = models.PositiveIntegerField(null=True, blank=True)
    height = models.PositiveIntegerField(null=True, blank=True)
    staged = models.FileField(upload_to=staging_path, max_length=200, blank=True)
    state = models.CharField(
        _("处理状态"), max_length=10, choices=State.choices, default=State.PENDING
    )
    reason = models.TextField(_("失败原因"), blank=True)
    # A run claims the upload (`run_token`, the task id, and `started_at`); a run that does not
    # end within PHOTO_STALE_SECONDS was interrupted and the beat job hands the upload over
    # again; after PHOTO_MAX_ATTEMPTS interrupted runs it fails with that reason.
    attempts = models.PositiveSmallIntegerField(default=0)
    run_token = models.CharField(max_length=64, blank=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    evidence = models.OneToOneField(
        Evidence, null=True, blank=True, on_delete=models.SET_NULL, related_name="upload"
    )
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(_("上传时间"), default=timezone.now)

    objects = EvidenceUploadQuerySet.as_manager()

    class Meta:
        ordering = ["id"]
        indexes = [
            models.Index(fields=["record", "state"]),
            models.Index(
                fields=["created_at"],
                condition=models.Q(state="pending"),
                name="upload_pending_since",
            ),
        ]
        verbose_name = _("待处理的上传文件")
        verbose_name_plural = _("待处理的上传文件")

    def __str__(self) -> str:
        return self.original_name

    @property
    def is_image(self) -> bool:
        return self.kind == Evidence.Kind.IMAGE


class ActivityMeasure(models.Model):
    """A township's wording of what one activity type counts: verb, object and measure word.

    Types without a row use `activities.types.DEFAULT_MEASURES`; `activities.measures` reads both.
    """

    township = models.ForeignKey(
        Organisation, verbose_name=_("乡镇"), on_delete=models.CASCADE, related_name="+"
    )
    type = models.CharField(_("活动类型"), max_length=20, choices=ActivityType.choices)
    verb = models.CharField(_("动词"), max_length=10)
    noun = models.CharField(_("计数对象"), max_length=20)
    unit = models.CharField(_("计量单位"), max_length=4)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["township", "type"]
        verbose_name = _("活动计量")
        verbose_name_plural = _("活动计量")
        constraints = [
            models.UniqueConstraint(fields=["township", "type"], name="activity_measure_once")
        ]

    def __str__(self) -> str:
        return f"{self.get_type_display()}：{self.verb}{self.noun}…{self.unit}"


# ---------------------------------------------------------------------------- publicity


class Channel(models.TextChoices):
    """Where a report was published (信息报送渠道), in the order offices count them (seed 004)."""

    UNIT_INTRANET = "unit_intranet", _("单位内网")
    INTERNET = "internet", _("外网")
    PROVINCE_SITE = "province_site", _("省纪委网站")
    CITY_SITE = "city_site", _("市纪委网站")
    DISTRICT_SITE = "district_site", _("区纪委网站")
    PRESS = "press", _("报刊")
    TV = "tv", _("电视台")
    NEW_MEDIA = "new_media", _("新媒体（微信公众号等）")
    OTHER = "other", _("其他")


def clipping_path(instance: PublicityItem, filename: str) -> str:
    ext = filename.rsplit(".", 1)[-1].lower() if "." in filename else "bin"
    return f"publicity/{instance.township_id}/{instance.clipping_sha256[:2]}/{instance.clipping_sha256}.{ext}"


class PublicityQuerySet(ScopedQuerySet):
    township_lookup = "township"
    unit_lookup = "unit"

    def counted(self):
        """What totals, the year-end 新闻宣传 score and the work report count: approved items."""
        return self.filter(status=PublicityItem.Status.APPROVED)


class PublicityItem(TownshipScoped):
    """One article or broadcast a unit filed in the publicity ledger (信息报送 / 宣传报道)."""

    class Status(models.TextChoices):
        SUBMITTED = "submitted", _("待审核")
        APPROVED = "approved", _("已通过")
        RETURNED = "returned", _("已退回")

    township_from = "unit"

    campaign = models.ForeignKey(
        Campaign, verbose_name=_("创建工作"), on_delete=models.PROTECT, related_name="publicity"
    )
    township = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="+", editable=False
    )
    unit = models.ForeignKey(
        Organisation, verbose_name=_("单位"), on_delete=models.PROTECT, related_name="publicity"
    )
    domain = models.ForeignKey(
        Domain,
        verbose_name=_("领域"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    title = models.CharField(_("标题"), max_length=200)
    channel = models.CharField(_("渠道"), max_length=20, choices=Channel.choices)
    outlet = models.CharField(
        _("刊发媒体"), max_length=100, help_text=_("如：区纪委网站“清风通和”栏目、XX日报")
    )
    published_on = models.DateField(_("刊发日期"))
    link = models.URLField(_("链接"), max_length=500, blank=True)
    clipping = models.FileField(
        _("剪报或截图"), upload_to=clipping_path, max_length=200, blank=True
    )
    clipping_name = models.CharField(_("原文件名"), max_length=200, blank=True)
    clipping_sha256 = models.CharField(max_length=64, blank=True)

    status = models.CharField(
        _("状态"), max_length=10, choices=Status.choices, default=Status.SUBMITTED
    )
    filed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("填报人"),
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
    objects = PublicityQuerySet.as_manager()

    class Meta:
        ordering = ["-published_on", "-id"]
        verbose_name = _("宣传报道")
        verbose_name_plural = _("宣传报道")
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(link="") | ~models.Q(clipping=""),
                name="publicity_link_or_clipping",
            ),
        ]
        indexes = [
            models.Index(fields=["campaign", "status", "channel"]),
            models.Index(fields=["township", "-published_on", "-id"]),
            models.Index(fields=["unit", "status"]),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def quarter(self) -> int:
        return (self.published_on.month - 1) // 3 + 1

    @property
    def is_editable(self) -> bool:
        return self.status in (self.Status.SUBMITTED, self.Status.RETURNED)
