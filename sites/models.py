"""Demonstration sites (示范点): profile, lifecycle, creation plans, photos, visitors, routes.

A creating unit becomes a candidate `Site`; its `status` moves only through
`sites.lifecycle` (the state machine) and `sites.services`, and every step is written to
`SiteEvent` with who took it and when. A named site carries its level, the naming document's
number and date and the date of its next re-review (回头看). `VisitRoute` strings named sites
together into a visiting route (参观学习线路).

Every row carries the township (and district) it belongs to so that `visible_to(user)` filters
by the access layer: office staff and leaders of the township read all, liaisons their unit's
sites, district reviewers and district leaders the sites of their district that have applied
for acceptance or been named.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from organisations.access import ScopedQuerySet, scope_for
from organisations.models import Domain, Organisation, TownshipScoped


class Level(models.TextChoices):
    TOWNSHIP = "township", _("镇级")
    DISTRICT = "district", _("区级")
    CITY = "city", _("市级")
    PROVINCE = "province", _("省级")


class Status(models.TextChoices):
    CANDIDATE = "candidate", _("候选")
    PLAN_SUBMITTED = "plan_submitted", _("方案已报送")
    PLAN_APPROVED = "plan_approved", _("方案已批准")
    CREATING = "creating", _("创建中")
    SELF_ASSESSED = "self_assessed", _("已自评")
    PRECHECKED = "prechecked", _("已预验收")
    APPLIED = "applied", _("已申报")
    NAMED = "named", _("已命名")
    RECOMMENDED = "recommended", _("已推荐上级命名")
    NOT_ACCEPTED = "not_accepted", _("未通过验收")
    REVIEW_DUE = "review_due", _("待回头看")
    RECTIFYING = "rectifying", _("整改中")
    DELISTED = "delisted", _("已摘牌")


# Statuses a district reviewer may see: the township has put the site forward.
DISTRICT_VISIBLE = [
    Status.APPLIED,
    Status.NAMED,
    Status.RECOMMENDED,
    Status.NOT_ACCEPTED,
    Status.REVIEW_DUE,
    Status.RECTIFYING,
    Status.DELISTED,
]
# Statuses of the registry of named sites.
REGISTRY_STATUSES = [
    Status.NAMED,
    Status.RECOMMENDED,
    Status.REVIEW_DUE,
    Status.RECTIFYING,
    Status.DELISTED,
]
# A named site may be recommended to the level above (区级 → 市级 → 省级, seed 003).
NEXT_LEVEL = {Level.DISTRICT: Level.CITY, Level.CITY: Level.PROVINCE}


class SiteQuerySet(ScopedQuerySet):
    township_lookup = "township"
    unit_lookup = "unit"

    def visible_to(self, user):
        scope = scope_for(user)
        qs = super().visible_to(user)
        if scope.reviewer_districts and not scope.is_superuser:
            qs = qs | self.filter(
                district__in=scope.reviewer_districts, status__in=DISTRICT_VISIBLE
            )
        return qs

    def registry(self):
        return self.filter(status__in=REGISTRY_STATUSES)


class Site(TownshipScoped):
    campaign = models.ForeignKey(
        "campaigns.Campaign",
        verbose_name=_("创建工作"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="sites",
    )
    unit = models.ForeignKey(
        Organisation, verbose_name=_("创建单位"), on_delete=models.PROTECT, related_name="sites"
    )
    township = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="+", editable=False
    )
    district = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="+", editable=False
    )
    domain = models.ForeignKey(
        Domain, verbose_name=_("领域"), on_delete=models.PROTECT, related_name="sites"
    )
    name = models.CharField(_("示范点名称"), max_length=120)
    address = models.CharField(_("地址"), max_length=200, blank=True)
    latitude = models.DecimalField(_("纬度"), max_digits=9, decimal_places=6, null=True, blank=True)
    longitude = models.DecimalField(
        _("经度"), max_digits=9, decimal_places=6, null=True, blank=True
    )
    floor_area = models.DecimalField(
        _("面积（平方米）"), max_digits=8, decimal_places=1, null=True, blank=True
    )
    opened_on = models.DateField(_("开放日期"), null=True, blank=True)
    exhibition_sections = models.TextField(_("展陈板块"), blank=True, help_text=_("每行一个板块"))
    description = models.TextField(_("简介"), blank=True)

    status = models.CharField(
        _("状态"), max_length=20, choices=Status.choices, default=Status.CANDIDATE
    )
    status_changed_at = models.DateTimeField(_("状态变更时间"), null=True, blank=True)
    level = models.CharField(_("命名级别"), max_length=10, choices=Level.choices, blank=True)
    named_doc_number = models.CharField(_("命名文号"), max_length=60, blank=True)
    named_on = models.DateField(_("命名日期"), null=True, blank=True)
    recommended_level = models.CharField(
        _("推荐命名级别"), max_length=10, choices=Level.choices, blank=True
    )
    next_review_due = models.DateField(_("下次回头看"), null=True, blank=True)
    delisted_on = models.DateField(_("摘牌日期"), null=True, blank=True)
    delisted_reason = models.TextField(_("摘牌原因"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    history = HistoricalRecords()
    objects = SiteQuerySet.as_manager()

    class Meta:
        ordering = ["township_id", "name", "id"]
        verbose_name = _("示范点")
        verbose_name_plural = _("示范点")
        constraints = [
            models.UniqueConstraint(
                fields=["campaign", "unit"],
                condition=Q(campaign__isnull=False),
                name="site_once_per_campaign_unit",
            ),
            models.CheckConstraint(
                condition=Q(floor_area__isnull=True) | Q(floor_area__gte=0),
                name="site_floor_area_nonneg",
            ),
        ]
        indexes = [
            models.Index(fields=["township", "status"]),
            models.Index(fields=["district", "status"]),
            models.Index(fields=["next_review_due"]),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def sections(self) -> list[str]:
        return [line.strip() for line in self.exhibition_sections.splitlines() if line.strip()]

    @property
    def is_named(self) -> bool:
        return self.status in (
            Status.NAMED,
            Status.RECOMMENDED,
            Status.REVIEW_DUE,
            Status.RECTIFYING,
        )

    @property
    def next_level(self) -> str:
        """The level this site may be recommended to ("" at the top or below 区级)."""
        return NEXT_LEVEL.get(self.level, "")

    def review_overdue(self, today: dt.date) -> bool:
        return bool(self.is_named and self.next_review_due and self.next_review_due < today)


class SiteEvent(models.Model):
    """One step of a site's lifecycle: from which status to which, who, when, why.

    `remark` holds only what a person wrote; what the portal itself says about a step (推荐区级
    命名, 已到回头看日期, the level and document number of a naming) is kept as codes in `params`
    and worded at display, in the reader's language, by `note`."""

    site = models.ForeignKey(Site, on_delete=models.CASCADE, related_name="events")
    action = models.CharField(_("操作"), max_length=30)
    from_status = models.CharField(_("原状态"), max_length=20, choices=Status.choices, blank=True)
    to_status = models.CharField(_("新状态"), max_length=20, choices=Status.choices)
    remark = models.TextField(_("说明"), blank=True)
    # {"level": Level code, "doc": document number} for naming, recommending and declining.
    params = models.JSONField(_("参数"), default=dict, blank=True)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("操作人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    at = models.DateTimeField(_("时间"))

    class Meta:
        ordering = ["site_id", "at", "id"]
        verbose_name = _("示范点进程")
        verbose_name_plural = _("示范点进程")

    def __str__(self) -> str:
        return f"{self.site} · {self.get_to_status_display()}"

    @property
    def note(self) -> str:
        """The step's explanation in the active language: the person's words, or what the
        portal says about the step (from `params`)."""
        level = self.params.get("level", "")
        level_label = str(Level(level).label) if level in Level.values else level
        if self.action == "review_due":
            return self.remark or str(_("已到回头看日期"))
        if self.action in ("name", "name_higher") and level:
            return self.remark or f"{level_label} {self.params.get('doc', '')}".strip()
        if self.action == "recommend" and level:
            return self.remark or str(_("推荐%(level)s命名") % {"level": level_label})
        if self.action == "decline_higher" and level:
            return str(_("%(level)s未予命名：%(why)s") % {"level": level_label, "why": self.remark})
        return self.remark

    @note.setter
    def note(self, value: str) -> None:
        self.remark = value


class SiteNaming(models.Model):
    """One naming of the site (命名/授牌) at one level: a site named at 区级 and later at 市级
    keeps both rows, each with its document number and date."""

    site = models.ForeignKey(Site, on_delete=models.CASCADE, related_name="namings")
    level = models.CharField(_("命名级别"), max_length=10, choices=Level.choices)
    doc_number = models.CharField(_("命名文号"), max_length=60)
    named_on = models.DateField(_("命名日期"))
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("登记人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    at = models.DateTimeField(_("登记时间"))

    class Meta:
        ordering = ["site_id", "named_on", "id"]
        verbose_name = _("命名记录")
        verbose_name_plural = _("命名记录")
        constraints = [
            models.UniqueConstraint(fields=["site", "level"], name="site_named_once_per_level"),
        ]

    def __str__(self) -> str:
        return f"{self.site} · {self.get_level_display()} · {self.doc_number}"


def plan_path(instance: CreationPlan, filename: str) -> str:
    ext = filename.rsplit(".", 1)[-1].lower() if "." in filename else "bin"
    return f"site-plans/{instance.site_id}/{timezone.localdate():%Y%m%d}-plan.{ext}"


class CreationPlan(models.Model):
    """A creation plan (创建方案) a liaison uploads; office staff approve or return it."""

    class Status(models.TextChoices):
        SUBMITTED = "submitted", _("待审核")
        APPROVED = "approved", _("已批准")
        RETURNED = "returned", _("已退回")

    site = models.ForeignKey(Site, on_delete=models.CASCADE, related_name="plans")
    file = models.FileField(_("方案文件"), upload_to=plan_path, max_length=200)
    original_name = models.CharField(_("原文件名"), max_length=200)
    status = models.CharField(
        _("状态"), max_length=10, choices=Status.choices, default=Status.SUBMITTED
    )
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    submitted_at = models.DateTimeField(_("报送时间"))
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    reviewed_at = models.DateTimeField(_("审核时间"), null=True, blank=True)
    return_reason = models.TextField(_("退回原因"), blank=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["site_id", "-submitted_at", "-id"]
        verbose_name = _("创建方案")
        verbose_name_plural = _("创建方案")

    def __str__(self) -> str:
        return self.original_name


def photo_path(instance: SitePhoto, filename: str) -> str:
    ext = filename.rsplit(".", 1)[-1].lower() if "." in filename else "jpg"
    return f"site-photos/{instance.site_id}/{instance.sha256[:16]}.{ext}"


class SitePhoto(models.Model):
    site = models.ForeignKey(Site, on_delete=models.CASCADE, related_name="photos")
    image = models.FileField(_("照片"), upload_to=photo_path, max_length=200)
    sha256 = models.CharField(max_length=64)
    caption = models.CharField(_("说明"), max_length=200, blank=True)
    order = models.PositiveSmallIntegerField(_("排序"), default=0)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["site_id", "order", "id"]
        verbose_name = _("示范点照片")
        verbose_name_plural = _("示范点照片")

    def __str__(self) -> str:
        return self.caption or f"{self.site} #{self.pk}"


class VisitorCount(models.Model):
    """Visitors received in one month (参观人次)."""

    site = models.ForeignKey(Site, on_delete=models.CASCADE, related_name="visitor_counts")
    month = models.DateField(_("月份"), help_text=_("当月第一天"))
    visitors = models.PositiveIntegerField(_("参观人次"))
    groups = models.PositiveIntegerField(_("接待批次"), default=0)
    note = models.CharField(_("备注"), max_length=200, blank=True)
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )

    history = HistoricalRecords()

    class Meta:
        ordering = ["site_id", "month"]
        verbose_name = _("参观人次")
        verbose_name_plural = _("参观人次")
        constraints = [
            models.UniqueConstraint(fields=["site", "month"], name="visitor_count_once_per_month"),
            models.CheckConstraint(condition=Q(month__day=1), name="visitor_count_month_start"),
        ]

    def __str__(self) -> str:
        return f"{self.site} · {self.month:%Y-%m}"


class RouteQuerySet(ScopedQuerySet):
    township_lookup = "township"
    unit_lookup = None

    def visible_to(self, user):
        """Routes are for visitors: everyone in the district reads them, district-wide ones
        included."""
        scope = scope_for(user)
        qs = super().visible_to(user)
        if scope.is_superuser:
            return qs
        more = Q()
        if scope.liaison_townships:
            more |= Q(township__in=scope.liaison_townships)
        districts = scope.reviewer_districts | scope.leader_districts
        if districts:
            more |= Q(district__in=districts)
        townships = scope.liaison_townships | scope.readable_townships
        if townships:
            more |= Q(
                township__isnull=True,
                district__in=Organisation.objects.filter(pk__in=townships).values("district_id"),
            )
        return qs | self.filter(more) if more else qs


class Theme(models.TextChoices):
    """The four themed visiting routes of seed 003."""

    WARNING = "warning", _("警示教育")
    INTEGRITY = "integrity", _("廉政文化")
    HARDSHIP = "hardship", _("艰苦创业")
    RED = "red", _("红色文化")


class VisitRoute(models.Model):
    """A visiting route (参观学习线路): an ordered list of sites, with a theme. A township's
    route belongs to its office; a district-wide route (no township) strings sites of several
    townships together and belongs to the district (reviewers and district leaders)."""

    township = models.ForeignKey(
        Organisation,
        verbose_name=_("镇"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text=_("空：全区线路"),
    )
    theme = models.CharField(_("主题"), max_length=20, choices=Theme.choices, blank=True)
    district = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="+", editable=False
    )
    name = models.CharField(_("线路名称"), max_length=120)
    description = models.TextField(_("线路说明"), blank=True)
    duration_hours = models.DecimalField(
        _("参观时长（小时）"), max_digits=4, decimal_places=1, null=True, blank=True
    )
    sites = models.ManyToManyField(Site, through="RouteStop", related_name="routes")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )

    history = HistoricalRecords()
    objects = RouteQuerySet.as_manager()

    class Meta:
        ordering = ["township_id", "name"]
        verbose_name = _("参观学习线路")
        verbose_name_plural = _("参观学习线路")
        constraints = [
            models.UniqueConstraint(fields=["township", "name"], name="route_name_once"),
            models.UniqueConstraint(
                fields=["district", "name"],
                condition=Q(township__isnull=True),
                name="district_route_name_once",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def save(self, *args, **kwargs) -> None:
        if self.township_id and not self.district_id:
            self.district_id = self.township.district_id
        super().save(*args, **kwargs)

    @property
    def is_district_wide(self) -> bool:
        return self.township_id is None


class RouteStop(models.Model):
    route = models.ForeignKey(VisitRoute, on_delete=models.CASCADE, related_name="stops")
    site = models.ForeignKey(Site, on_delete=models.PROTECT, related_name="stops")
    order = models.PositiveSmallIntegerField(_("顺序"))
    note = models.CharField(_("讲解要点"), max_length=200, blank=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["route_id", "order"]
        verbose_name = _("线路站点")
        verbose_name_plural = _("线路站点")
        constraints = [
            models.UniqueConstraint(fields=["route", "order"], name="route_stop_order_once"),
            models.UniqueConstraint(fields=["route", "site"], name="route_stop_site_once"),
        ]

    def __str__(self) -> str:
        return f"{self.route} · {self.order}. {self.site}"


# ---------------------------------------------------------------------------- 宣传阵地


class PositionKind(models.TextChoices):
    WINDOW = "window", _("橱窗")
    BOARD = "board", _("宣传栏")
    WALL = "wall", _("文化墙")
    BOOKHOUSE = "bookhouse", _("廉政书屋")
    OTHER = "other", _("其他阵地")


def position_photo_path(instance, filename: str) -> str:
    ext = filename.rsplit(".", 1)[-1].lower() if "." in filename else "jpg"
    return f"positions/{instance.photo_sha256[:2]}/{instance.photo_sha256}.{ext}"


class PositionQuerySet(ScopedQuerySet):
    township_lookup = "township"
    unit_lookup = "unit"

    def with_last_update(self):
        """`last_updated_on`: the latest update's date, or the set-up date before any."""
        from django.db.models import Max
        from django.db.models.functions import Coalesce

        return self.annotate(
            last_updated_on=Coalesce(Max("updates__updated_on"), "set_up_on"),
            update_count=models.Count("updates"),
        )


class Position(TownshipScoped):
    """A publicity position (宣传阵地) of a unit: a window, board, wall or reading room, with
    the place it stands and a photo. "定期更新" is read from its `PositionUpdate` rows."""

    unit = models.ForeignKey(
        Organisation, verbose_name=_("单位"), on_delete=models.PROTECT, related_name="positions"
    )
    township = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="+", editable=False
    )
    kind = models.CharField(_("类型"), max_length=20, choices=PositionKind.choices)
    name = models.CharField(_("名称"), max_length=100)
    place = models.CharField(_("位置"), max_length=200)
    set_up_on = models.DateField(_("设立日期"))
    photo = models.FileField(_("照片"), upload_to=position_photo_path, max_length=200, blank=True)
    photo_sha256 = models.CharField(max_length=64, blank=True)
    is_active = models.BooleanField(_("在用"), default=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    history = HistoricalRecords()
    objects = PositionQuerySet.as_manager()

    class Meta:
        ordering = ["unit_id", "kind", "name"]
        verbose_name = _("宣传阵地")
        verbose_name_plural = _("宣传阵地")
        constraints = [
            models.UniqueConstraint(fields=["unit", "name"], name="position_name_once_per_unit"),
        ]
        indexes = [models.Index(fields=["township", "is_active"])]

    def __str__(self) -> str:
        return self.name


class PositionUpdate(models.Model):
    """One refresh of a position's content (更新): when, what was put up, a photo."""

    position = models.ForeignKey(Position, on_delete=models.CASCADE, related_name="updates")
    updated_on = models.DateField(_("更新日期"))
    content = models.CharField(_("更新内容"), max_length=300)
    photo = models.FileField(_("照片"), upload_to=position_photo_path, max_length=200, blank=True)
    photo_sha256 = models.CharField(max_length=64, blank=True)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("登记人"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(auto_now_add=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["position_id", "-updated_on", "-id"]
        verbose_name = _("阵地更新")
        verbose_name_plural = _("阵地更新")
        indexes = [models.Index(fields=["position", "updated_on"])]

    def __str__(self) -> str:
        return f"{self.position} · {self.updated_on}"
