"""The register of publicity positions (宣传阵地): 橱窗、宣传栏、文化墙、廉政书屋.

* `create_position(unit, data, photo, by)` — a unit registers a position (place, photo);
* `change_position(position, data, by)` — rename, move, take out of use;
* `add_update(position, updated_on, content, photo, by)` — one refresh of its content;
* `stale_after(campaign)` — the days after which a position counts as not updated (the
  campaign's reminder policy, `ReminderPolicy.position_update_days`).

A position's last-updated date is never typed: it is the latest update's date, or the set-up
date before any (`Position.objects.with_last_update()`). Criteria items can be scored from it
(`assessments.scoring`), and the reminder sweep chases positions left unchanged too long
(`notifications.deadlines.PositionProvider`).
"""

from __future__ import annotations

import datetime as dt

from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from sites.lifecycle import IllegalTransition
from sites.models import Position, PositionUpdate

DEFAULT_STALE_DAYS = 90


class PositionError(IllegalTransition):
    """A register change that cannot be made; str(exc) is the Chinese reason."""


def stale_after(campaign) -> int:
    if campaign is None:
        return DEFAULT_STALE_DAYS
    from notifications.models import ReminderPolicy

    days = (
        ReminderPolicy.objects.filter(campaign=campaign)
        .values_list("position_update_days", flat=True)
        .first()
    )
    return days or DEFAULT_STALE_DAYS


def _store_photo(row, photo) -> str:
    if photo is None:
        return ""
    if photo.kind != "image":
        raise PositionError(_("请上传照片（JPG、PNG、WEBP）。"))
    row.photo_sha256 = photo.sha256
    row.photo.save(f"photo{photo.extension}", ContentFile(photo.content), save=False)
    return row.photo.name


@transaction.atomic
def create_position(unit, data: dict, photo, by) -> Position:
    if data["set_up_on"] > timezone.localdate():
        raise PositionError(_("设立日期不能晚于今天。"))
    position = Position(
        unit=unit,
        kind=data["kind"],
        name=data["name"].strip(),
        place=data["place"].strip(),
        set_up_on=data["set_up_on"],
        created_by=by,
    )
    stored = _store_photo(position, photo)
    try:
        with transaction.atomic():
            position.save()
    except IntegrityError:
        if stored:
            position.photo.storage.delete(stored)
        raise PositionError(_("本单位已有同名的宣传阵地。")) from None
    return position


@transaction.atomic
def change_position(position: Position, data: dict, by) -> Position:
    locked = Position.objects.select_for_update().get(pk=position.pk)
    for name in ("kind", "name", "place", "set_up_on", "is_active"):
        if name in data:
            setattr(locked, name, data[name])
    if (
        Position.objects.filter(unit_id=locked.unit_id, name=locked.name)
        .exclude(pk=locked.pk)
        .exists()
    ):
        raise PositionError(_("本单位已有同名的宣传阵地。"))
    locked.save()
    return locked


@transaction.atomic
def add_update(position: Position, updated_on: dt.date, content: str, photo, by) -> PositionUpdate:
    # Lock the position: two taps on "登记更新" cannot both add the same update.
    locked = Position.objects.select_for_update().get(pk=position.pk)
    if not locked.is_active:
        raise PositionError(_("该阵地已停用，不能登记更新。"))
    if updated_on > timezone.localdate():
        raise PositionError(_("更新日期不能晚于今天。"))
    if updated_on < locked.set_up_on:
        raise PositionError(_("更新日期不能早于阵地设立日期。"))
    content = content.strip()
    if PositionUpdate.objects.filter(
        position=locked, updated_on=updated_on, content=content
    ).exists():
        raise PositionError(_("这次更新已经登记过了。"))
    update = PositionUpdate(position=locked, updated_on=updated_on, content=content, by=by)
    stored = _store_photo(update, photo)
    try:
        update.save()
    except Exception:
        if stored:
            update.photo.storage.delete(stored)
        raise
    return update
