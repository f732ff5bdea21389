"""The organisation tree (district → township → unit), the eight-into domains, people and roles."""

from __future__ import annotations

import uuid

from django.contrib.auth.models import AbstractUser
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords


class User(AbstractUser):
    full_name = models.CharField(_("姓名"), max_length=50, blank=True)
    phone = models.CharField(_("手机号"), max_length=20, blank=True)
    # When the password was last set; older than PASSWORD_MAX_AGE_DAYS means a forced change.
    password_changed_at = models.DateTimeField(_("密码设置时间"), default=timezone.now)
    # Set when office staff reset the password: the user must choose their own at next login
    # (organisations.middleware.MustChangePasswordMiddleware sends them to the change page).
    must_change_password = models.BooleanField(_("须修改密码"), default=False)

    history = HistoricalRecords(excluded_fields=["password", "last_login"])

    class Meta:
        verbose_name = _("用户")
        verbose_name_plural = _("用户")

    def __str__(self) -> str:
        return self.display_name

    def set_password(self, raw_password) -> None:
        super().set_password(raw_password)
        self.password_changed_at = timezone.now()

    @property
    def display_name(self) -> str:
        return self.full_name or self.get_full_name() or self.username


class Domain(models.Model):
    """A work area of the campaign: the eight-into (八进) by default, more may be added."""

    EIGHT_INTO = [
        ("organs", "进机关"),
        ("communities", "进社区"),
        ("schools", "进学校"),
        ("hospitals", "进医院"),
        ("villages", "进农村"),
        ("enterprises", "进企业"),
        ("social_orgs", "进社会组织"),
        ("families", "进家庭"),
    ]

    code = models.SlugField(_("代码"), max_length=40, unique=True)
    name = models.CharField(_("名称"), max_length=40, unique=True)
    order = models.PositiveSmallIntegerField(_("排序"), default=100)
    is_default = models.BooleanField(_("八进默认领域"), default=False)

    class Meta:
        ordering = ["order", "id"]
        verbose_name = _("创建领域")
        verbose_name_plural = _("创建领域")

    def __str__(self) -> str:
        return self.name


class OrganisationQuerySet(models.QuerySet):
    def visible_to(self, user):
        from organisations.access import scope_for

        scope = scope_for(user)
        if scope.is_superuser:
            return self
        # A liaison sees their own units and their township, never a neighbouring unit.
        q = models.Q(pk__in=scope.liaison_units | scope.liaison_townships)
        if scope.readable_townships:
            q |= models.Q(township__in=scope.readable_townships)
        districts = scope.leader_districts | scope.reviewer_districts
        if districts:
            q |= models.Q(district__in=districts)
        return self.filter(q)

    def units(self):
        return self.filter(level=Organisation.Level.UNIT)

    def townships(self):
        return self.filter(level=Organisation.Level.TOWNSHIP)


class Organisation(models.Model):
    class Level(models.TextChoices):
        DISTRICT = "district", _("区")
        TOWNSHIP = "township", _("镇（乡、街道）")
        UNIT = "unit", _("单位")

    class UnitType(models.TextChoices):
        VILLAGE = "village", _("行政村")
        COMMUNITY = "community", _("社区（居委会）")
        DEPARTMENT = "department", _("机关科室")
        SCHOOL = "school", _("学校")
        HEALTH_CENTRE = "health_centre", _("卫生院")
        ENTERPRISE = "enterprise", _("企业")
        SOCIAL_ORG = "social_org", _("社会组织")
        OTHER = "other", _("其他")

    name = models.CharField(_("名称"), max_length=100)
    short_name = models.CharField(_("简称"), max_length=30, blank=True)
    code = models.SlugField(_("代码"), max_length=60, unique=True)
    level = models.CharField(_("层级"), max_length=10, choices=Level.choices)
    unit_type = models.CharField(_("单位类型"), max_length=20, choices=UnitType.choices, blank=True)
    main_domain = models.ForeignKey(
        Domain, verbose_name=_("主要领域"), null=True, blank=True, on_delete=models.PROTECT
    )
    parent = models.ForeignKey(
        "self",
        verbose_name=_("上级"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    # Denormalised ancestors, kept by save(): every scoped query filters on these.
    township = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="+", editable=False
    )
    district = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="+", editable=False
    )
    address = models.CharField(_("地址"), max_length=200, blank=True)
    contact_person = models.CharField(_("联系人"), max_length=50, blank=True)
    contact_phone = models.CharField(_("联系电话"), max_length=30, blank=True)
    is_active = models.BooleanField(_("启用"), default=True)

    history = HistoricalRecords()
    objects = OrganisationQuerySet.as_manager()

    class Meta:
        ordering = ["level", "name"]
        verbose_name = _("组织")
        verbose_name_plural = _("组织")
        indexes = [
            models.Index(fields=["township", "level"]),
            models.Index(fields=["district", "level"]),
        ]

    def __str__(self) -> str:
        return self.name

    def save(self, *args, **kwargs) -> None:
        if self.level == self.Level.UNIT and self.parent_id:
            self.township_id = self.parent_id
            self.district_id = self.parent.parent_id
        elif self.level == self.Level.TOWNSHIP:
            self.district_id = self.parent_id
        super().save(*args, **kwargs)
        fix = {}
        if self.level == self.Level.TOWNSHIP and self.township_id != self.pk:
            fix["township_id"] = self.pk
        if self.level == self.Level.DISTRICT and self.district_id != self.pk:
            fix["district_id"] = self.pk
        if fix:
            type(self).objects.filter(pk=self.pk).update(**fix)
            for key, value in fix.items():
                setattr(self, key, value)

    def clean(self) -> None:
        expected_parent = {
            self.Level.DISTRICT: None,
            self.Level.TOWNSHIP: self.Level.DISTRICT,
            self.Level.UNIT: self.Level.TOWNSHIP,
        }.get(self.level)
        if expected_parent is None and self.parent_id:
            raise ValidationError({"parent": _("区级组织不能有上级。")})
        if expected_parent and (self.parent is None or self.parent.level != expected_parent):
            raise ValidationError(
                {"parent": _("上级层级不正确：镇的上级须为区，单位的上级须为镇。")}
            )
        if self.level == self.Level.UNIT and not self.unit_type:
            raise ValidationError({"unit_type": _("单位须选择类型。")})

    @property
    def is_unit(self) -> bool:
        return self.level == self.Level.UNIT


class TownshipScoped(models.Model):
    """A row that carries its township's id (and its district's, when it has a `district` field)
    for the access layer's scoped queries; save() copies them from `township_from`, the name of
    a relation whose target knows its township: "unit" (an Organisation) or "campaign"."""

    township_from = "unit"

    class Meta:
        abstract = True

    def save(self, *args, **kwargs) -> None:
        source_id = getattr(self, f"{self.township_from}_id", None)
        moved = source_id != getattr(self, "_township_source_id", source_id)
        if moved:
            self.township_id = None
            if any(f.name == "district" for f in self._meta.concrete_fields):
                self.district_id = None
        if not self.township_id and source_id:
            source = getattr(self, self.township_from)
            self.township_id = source.township_id
            if (
                any(f.name == "district" for f in self._meta.concrete_fields)
                and not self.district_id
            ):
                self.district_id = (
                    source.district_id
                    if isinstance(source, Organisation)
                    else source.township.district_id
                )
        super().save(*args, **kwargs)
        self._township_source_id = source_id

    @classmethod
    def from_db(cls, db, field_names, values):
        instance = super().from_db(db, field_names, values)
        # The source the stored township was derived from: a save after the source changed
        # (a record moved to another unit) derives the township and district again.
        instance._township_source_id = instance.__dict__.get(f"{cls.township_from}_id")
        return instance


class Role(models.Model):
    class Kind(models.TextChoices):
        OFFICE = "office", _("创建办工作人员")
        LIAISON = "liaison", _("联络员")
        LEADER = "leader", _("领导")
        REVIEWER = "reviewer", _("区验收组成员")
        # Reads and exports the security audit log; no other power (三员分立).
        AUDITOR = "auditor", _("安全审计员")

    # Which level of organisation each kind of role is held on.
    ALLOWED_LEVELS = {
        Kind.OFFICE: {Organisation.Level.TOWNSHIP},
        Kind.LIAISON: {Organisation.Level.UNIT},
        Kind.LEADER: {Organisation.Level.TOWNSHIP, Organisation.Level.DISTRICT},
        Kind.REVIEWER: {Organisation.Level.DISTRICT},
        Kind.AUDITOR: {Organisation.Level.DISTRICT},
    }

    user = models.ForeignKey(
        User, verbose_name=_("用户"), on_delete=models.CASCADE, related_name="roles"
    )
    organisation = models.ForeignKey(
        Organisation, verbose_name=_("组织"), on_delete=models.CASCADE, related_name="roles"
    )
    kind = models.CharField(_("角色"), max_length=10, choices=Kind.choices)
    title = models.CharField(_("职务"), max_length=50, blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("角色")
        verbose_name_plural = _("角色")
        constraints = [
            models.UniqueConstraint(
                fields=["user", "organisation", "kind"], name="role_unique_per_org"
            )
        ]

    def __str__(self) -> str:
        return f"{self.user} · {self.get_kind_display()} · {self.organisation}"

    def clean(self) -> None:
        if self.organisation_id and self.organisation.level not in self.ALLOWED_LEVELS[self.kind]:
            raise ValidationError({"organisation": _("该角色不能设在这一层级的组织上。")})


class StagedImport(models.Model):
    """An uploaded Excel table, parsed and checked, waiting for the office to confirm it.

    The preview page shows what it would create; the commit re-checks every row against the
    database as it is then and saves all or nothing. The token is the one-time key of the
    confirm button: a second confirm finds `committed_at` set and changes nothing."""

    class Kind(models.TextChoices):
        TASKS = "tasks", _("工作任务")
        PEOPLE = "people", _("单位和联络员")

    token = models.UUIDField(unique=True, default=uuid.uuid4, editable=False)
    kind = models.CharField(max_length=10, choices=Kind.choices)
    township = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="+")
    target_id = models.PositiveIntegerField(null=True, blank=True)  # e.g. the campaign
    created_by = models.ForeignKey(User, on_delete=models.CASCADE, related_name="+")
    filename = models.CharField(max_length=200, blank=True)
    payload = models.JSONField(default=dict)
    created_at = models.DateTimeField(auto_now_add=True)
    committed_at = models.DateTimeField(null=True, blank=True)
    result = models.JSONField(default=dict, blank=True)

    class Meta:
        verbose_name = _("待确认的导入")
        verbose_name_plural = _("待确认的导入")

    def __str__(self) -> str:
        return f"{self.get_kind_display()} · {self.filename}"
