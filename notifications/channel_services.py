"""The verbs of channel settings: save one (secrets sealed, a stale form refused), delete one,
save a person's own channel choice."""

from __future__ import annotations

import re

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from notifications.channel_forms import FIELDS
from notifications.channel_models import ChannelConfig
from notifications.models import Preference
from notifications.secrets import SecretUnreadable, seal, unseal


class ChannelError(Exception):
    """A change that cannot be made, with the reason in Chinese."""


def stored_secret_names(config: ChannelConfig | None) -> set[str]:
    if config is None:
        return set()
    try:
        return set(unseal(config.secret))
    except SecretUnreadable:
        return set()


def save_channel(
    *,
    township,
    kind: str,
    data: dict,
    options: dict,
    secrets: dict,
    by,
    config: ChannelConfig | None = None,
) -> ChannelConfig:
    """Create (config None) or change a channel setting; `secrets` holds only the secrets
    typed in this time, the others stay as stored."""
    try:
        with transaction.atomic():
            if config is None:
                config = ChannelConfig(township=township, kind=kind)
                stored: dict[str, str] = {}
            else:
                config = ChannelConfig.objects.select_for_update().get(pk=config.pk)
                if data.get("version") != config.version:
                    raise ChannelError(_("该渠道设置已被他人修改，请刷新页面后重新填写。"))
                try:
                    stored = unseal(config.secret)
                except SecretUnreadable:
                    stored = {}
            stored.update(secrets)
            missing = [
                str(label)
                for name, label, _h, secret, required in FIELDS[kind]
                if secret and required and not stored.get(name)
            ]
            if missing:
                raise ChannelError(_("请填写：%(f)s。") % {"f": "、".join(missing)})
            config.unit = data.get("unit")
            config.name = data.get("name", "")
            config.enabled = bool(data.get("enabled"))
            config.options = options
            config.secret = seal(stored)
            config.updated_by = by
            if config.pk:
                config.version += 1
            config.save()
            return config
    except IntegrityError:
        raise ChannelError(_("这个范围已经设置过该渠道，请直接修改原有设置。")) from None


@transaction.atomic
def delete_channel(config: ChannelConfig) -> None:
    ChannelConfig.objects.filter(pk=config.pk).delete()


@transaction.atomic
def save_channel_preference(user, data: dict) -> Preference:
    preference, _created = Preference.objects.update_or_create(user=user, defaults=data)
    return preference


USERID = re.compile(r"^[A-Za-z0-9_@.\-]{0,64}$")


def township_people(township):
    """The active people holding a role in the township or one of its units."""
    from django.db.models import Q

    from organisations.models import User

    return (
        User.objects.filter(
            Q(roles__organisation=township) | Q(roles__organisation__township=township),
            is_active=True,
        )
        .distinct()
        .select_related("notification_preference")
        .order_by("full_name", "username")
    )


@transaction.atomic
def set_wecom_userids(township, values: dict[int, str]) -> tuple[int, list[str]]:
    """Store the WeChat Work accounts the office typed for its township's people; returns
    (how many changed, the names whose account was not valid). Only the township's people
    are touched, whatever ids the form carried."""
    people = {person.pk: person for person in township_people(township)}
    changed, bad = 0, []
    for pk, raw in values.items():
        person = people.get(pk)
        if person is None:
            continue
        value = (raw or "").strip()
        if not USERID.match(value):
            bad.append(person.display_name)
            continue
        current = getattr(getattr(person, "notification_preference", None), "wecom_userid", "")
        if value != (current or ""):
            Preference.objects.update_or_create(user=person, defaults={"wecom_userid": value})
            changed += 1
    return changed, bad
