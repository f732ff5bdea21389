"""The verbs of units and people, used by the office's pages, the Excel import and load_demo.

Each runs in one transaction, locks the rows it changes and re-checks their state there, and
leaves a history entry (django-simple-history records who, through the request middleware).
"""

from __future__ import annotations

import secrets
import uuid

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.dispatch import Signal
from django.utils.translation import gettext as _
from simple_history.models import HistoricalChanges

from organisations.access import forget_scope
from organisations.models import Organisation, Role, StagedImport, User

# Sent inside the merge's transaction after every row has moved; stored figures that are
# keyed by unit (dashboard tallies, task progress) rebuild themselves from the moved rows.
units_merged = Signal()  # kwargs: survivor, merged

# Rows whose unit is rewritten by a receiver of `units_merged`, not by the generic move.
MERGE_REBUILT = {"dashboard.recordtally", "campaigns.tasktally"}
ONE_TIME_PASSWORD_ALPHABET = "abcdefghjkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # noqa: S105


def one_time_password(length: int = 12) -> str:
    return "".join(secrets.choice(ONE_TIME_PASSWORD_ALPHABET) for _i in range(length))


def _lock(model, pk):
    return model.objects.select_for_update().get(pk=pk)


# --- units ---------------------------------------------------------------------------------


def _check_unique_name(township_id: int, name: str, exclude_pk=None) -> None:
    same = Organisation.objects.units().filter(township_id=township_id, name=name)
    if exclude_pk:
        same = same.exclude(pk=exclude_pk)
    if same.exists():
        raise ValidationError({"name": _("本镇已有名为“%(name)s”的单位。") % {"name": name}})


@transaction.atomic
def create_unit(township: Organisation, *, name: str, unit_type: str, **fields) -> Organisation:
    name = name.strip()
    _check_unique_name(township.pk, name)
    unit = Organisation(
        name=name,
        code=f"{township.code}-{uuid.uuid4().hex[:10]}",
        level=Organisation.Level.UNIT,
        unit_type=unit_type,
        parent=township,
        **fields,
    )
    unit.full_clean()
    unit.save()
    return unit


EDITABLE_UNIT_FIELDS = (
    "name",
    "short_name",
    "unit_type",
    "main_domain",
    "parent",
    "address",
    "contact_person",
    "contact_phone",
)


@transaction.atomic
def update_unit(unit_pk: int, data: dict) -> Organisation:
    """Write the edited fields; a unit moves only between townships its editor manages
    (the form offers no others)."""
    unit = _lock(Organisation, unit_pk)
    _check_unique_name(data.get("parent", unit.parent).pk, data["name"], exclude_pk=unit.pk)
    for name in EDITABLE_UNIT_FIELDS:
        if name in data:
            setattr(unit, name, data[name])
    unit.full_clean()
    unit.save()
    return unit


@transaction.atomic
def set_unit_active(unit_pk: int, active: bool) -> Organisation:
    unit = _lock(Organisation, unit_pk)
    if unit.is_active == active:
        raise ValidationError(
            _("该单位已是启用状态。") if active else _("该单位已停用，无需重复操作。")
        )
    unit.is_active = active
    unit._change_reason = _("启用") if active else _("停用")
    unit.save(update_fields=["is_active"])
    return unit


def _unit_relations():
    """Every foreign key and many-to-many field, in any app, that points at a unit."""
    for rel in Organisation._meta.get_fields(include_hidden=True):
        if not rel.auto_created or rel.concrete:
            continue
        model = rel.related_model
        if model is Organisation or issubclass(model, HistoricalChanges):
            continue
        if model._meta.label_lower in MERGE_REBUILT or model is StagedImport:
            continue
        if model._meta.auto_created and not rel.many_to_many:
            # The through table of a many-to-many (e.g. task co-hosts), moved below.
            yield "through", model, rel.field.name
            continue
        if rel.many_to_many:
            continue  # handled through its auto-created through model
        yield "fk", model, rel.field.name


@transaction.atomic
def merge_units(merged_pk: int, survivor_pk: int) -> dict[str, int]:
    """Move everything of `merged` (records, tasks, roles, sites, scores…) to `survivor`, then
    deactivate `merged`. One transaction: a conflict (e.g. both units have a year-end score
    for the same campaign) refuses the whole merge and names it."""
    if merged_pk == survivor_pk:
        raise ValidationError(_("不能把单位并入它自己。"))
    locked = {
        o.pk: o
        for o in Organisation.objects.select_for_update()
        .filter(pk__in=[merged_pk, survivor_pk])
        .order_by("pk")
    }
    merged, survivor = locked.get(merged_pk), locked.get(survivor_pk)
    if merged is None or survivor is None or not (merged.is_unit and survivor.is_unit):
        raise ValidationError(_("只能合并两个单位。"))
    if merged.township_id != survivor.township_id:
        raise ValidationError(_("只能合并同一镇的单位。"))
    if not merged.is_active:
        raise ValidationError(_("“%(name)s”已停用或已被合并。") % {"name": merged.name})
    if not survivor.is_active:
        raise ValidationError(_("保留的单位“%(name)s”已停用，请先启用。") % {"name": survivor.name})
    # A person who is liaison of both keeps one role.
    Role.objects.filter(
        organisation=merged,
        user__in=Role.objects.filter(organisation=survivor).values("user"),
        kind__in=Role.objects.filter(organisation=survivor).values("kind"),
    ).delete()
    moved: dict[str, int] = {}
    for how, model, field in _unit_relations():
        rows = model.objects.filter(**{field: merged})
        if how == "through":
            # Drop links the survivor already has, then move the rest.
            other = next(
                f.name
                for f in model._meta.concrete_fields
                if f.is_relation and f.name != field and f.name != "id"
            )
            have = model.objects.filter(**{field: survivor}).values(other)
            rows.filter(**{f"{other}__in": have}).delete()
        try:
            with transaction.atomic():
                count = rows.update(**{field: survivor})
        except IntegrityError:
            raise ValidationError(
                _(
                    "两个单位在“%(what)s”中各有一条同类记录（如同一年度各有一项），无法自动合并，请先处理其中一条。"
                )
                % {"what": model._meta.verbose_name}
            ) from None
        if count:
            label = str(model._meta.verbose_name)
            moved[label] = moved.get(label, 0) + count
    # Co-hosting one's own task makes no sense after the merge.
    from django.apps import apps

    if apps.is_installed("campaigns"):
        task_model = apps.get_model("campaigns", "Task")
        task_model.co_units.through.objects.filter(
            organisation=survivor, task__lead_unit=survivor
        ).delete()
    merged.is_active = False
    merged._change_reason = _("并入“%(name)s”") % {"name": survivor.name}
    merged.save(update_fields=["is_active"])
    units_merged.send(sender=Organisation, survivor=survivor, merged=merged)
    return moved


# --- people and roles ------------------------------------------------------------------------


def _check_role(user: User, organisation: Organisation, kind: str) -> None:
    role = Role(user=user, organisation=organisation, kind=kind)
    role.clean()
    if Role.objects.filter(user=user, organisation=organisation, kind=kind).exists():
        raise ValidationError(
            _("%(user)s已是%(org)s的%(kind)s。")
            % {"user": user.display_name, "org": organisation.name, "kind": role.get_kind_display()}
        )


@transaction.atomic
def add_person(
    *,
    username: str,
    full_name: str,
    phone: str,
    organisation: Organisation,
    kind: str,
    title: str = "",
    usable: bool = True,
) -> tuple[User, str]:
    """A new login with one role; returns the user and the one-time password to show once
    (`usable=False`: a dry run that need not pay for hashing)."""
    username = username.strip()
    if User.objects.filter(username__iexact=username).exists():
        raise ValidationError({"username": _("登录名“%(v)s”已被使用。") % {"v": username}})
    password = one_time_password()
    user = User(username=username, full_name=full_name.strip(), phone=phone.strip())
    if usable:
        user.set_password(password)
    else:
        user.set_unusable_password()
    user.must_change_password = True
    user.full_clean(exclude=["password"])
    user.save()
    _check_role(user, organisation, kind)
    Role.objects.create(user=user, organisation=organisation, kind=kind, title=title)
    return user, password


@transaction.atomic
def give_role(user: User, organisation: Organisation, kind: str, title: str = "") -> Role:
    _lock(User, user.pk)
    _check_role(user, organisation, kind)
    role = Role.objects.create(user=user, organisation=organisation, kind=kind, title=title)
    forget_scope(user)
    return role


@transaction.atomic
def take_role(role_pk: int) -> None:
    role = Role.objects.select_for_update().filter(pk=role_pk).first()
    if role is None:
        raise ValidationError(_("该角色已被取消。"))
    if role.kind == Role.Kind.OFFICE:
        others = Role.objects.filter(
            organisation_id=role.organisation_id, kind=Role.Kind.OFFICE, user__is_active=True
        ).exclude(pk=role.pk)
        if not others.exists():
            raise ValidationError(_("这是本镇最后一名创建办工作人员，不能取消。"))
    role.delete()


@transaction.atomic
def move_liaison(role_pk: int, unit: Organisation) -> Role:
    role = Role.objects.select_for_update().filter(pk=role_pk).first()
    if role is None or role.kind != Role.Kind.LIAISON:
        raise ValidationError(_("该联络员角色已不存在，请刷新页面。"))
    if role.organisation_id == unit.pk:
        raise ValidationError(_("该联络员已在“%(unit)s”。") % {"unit": unit.name})
    if not unit.is_active:
        raise ValidationError(_("“%(unit)s”已停用。") % {"unit": unit.name})
    if Role.objects.filter(user_id=role.user_id, organisation=unit, kind=role.kind).exists():
        raise ValidationError(_("此人已是“%(unit)s”的联络员。") % {"unit": unit.name})
    role.organisation = unit
    role._change_reason = _("调整到“%(unit)s”") % {"unit": unit.name}
    role.save(update_fields=["organisation"])
    return role


@transaction.atomic
def reset_password(user_pk: int) -> str:
    """A new one-time password (shown once); the user must change it at the next login."""
    user = _lock(User, user_pk)
    if not user.is_active:
        raise ValidationError(_("该账号已停用。"))
    password = one_time_password()
    user.set_password(password)
    user.must_change_password = True
    user._change_reason = _("重置密码")
    user.save(update_fields=["password", "must_change_password"])
    return password


def password_changed(user: User) -> None:
    """The user chose their own password: no more forced change."""
    if user.must_change_password:
        User.objects.filter(pk=user.pk).update(must_change_password=False)
        user.must_change_password = False
