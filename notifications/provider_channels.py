"""The sweep's channels to WeChat Work, DingTalk and SMS (see `notifications.channels`).

Inside the sweep's batch transaction each channel writes `OutboundMessage` rows with
ON CONFLICT DO NOTHING on (channel setting, key), so a reminder is queued at most once per
channel, and hands the new rows to the worker after commit (`notifications.dispatch`).

* Group robots (WeChat Work, DingTalk): one message per deadline and group, not per person:
  a unit's deadline goes to the unit's own robot if it has one, otherwise to the township's;
  the township's deadlines go to the township's robot.
* WeChat Work application message and SMS: one message per reminder to its recipient, for
  the people who chose that channel (their own settings page) and have a WeChat Work account
  or a mainland mobile number.

Each channel writes in its own savepoint and swallows its own errors: a broken channel
setting never takes the in-app notifications or the other channels down with it.
"""

from __future__ import annotations

import datetime as dt
import logging

from django.conf import settings
from django.db import transaction
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from notifications.channel_models import ChannelConfig, ChannelKind, OutboundMessage
from notifications.rows import insert_rows

log = logging.getLogger(__name__)

FIELDS = [
    "config",
    "channel",
    "key",
    "user",
    "reminder",
    "to",
    "title",
    "body",
    "url",
    "state",
    "attempts",
    "last_code",
    "last_error",
    "created_at",
]


def link(url: str) -> str:
    return f"{settings.SITE_URL}{url}" if url else settings.SITE_URL


def short_when(reminder) -> str:
    """The deadline in a few characters, for a text message."""
    if reminder.offset < 0:
        day = reminder.deadline
        return _("%(month)s月%(day)s日截止") % {"month": day.month, "day": day.day}
    if reminder.offset == 0:
        return _("今天截止")
    return _("已逾期%(days)s天") % {"days": reminder.offset}


def group_key(reminder) -> str:
    return f"d:{reminder.kind}:{reminder.object_id}:{reminder.deadline}:{reminder.offset}"


def enabled_kinds(township_ids) -> set[str]:
    """The kinds of channel enabled for any of these townships (for a unit or the township)."""
    return set(
        ChannelConfig.objects.enabled()
        .filter(township_id__in=township_ids)
        .order_by()
        .values_list("kind", flat=True)
        .distinct()
    )


def write(rows: list[tuple]) -> None:
    if not rows:
        return
    ids = insert_rows(OutboundMessage, FIELDS, rows, ignore_conflicts=True, returning=True)
    if ids:
        from notifications.dispatch import enqueue

        enqueue(ids)


class ProviderChannel:
    code = ""

    def deliver(self, reminders, now: dt.datetime) -> None:
        try:
            with transaction.atomic():  # a savepoint: a failure undoes this channel's rows only
                self.write(reminders, now)
        except Exception:  # noqa: BLE001 - one channel must never block in-app or the others
            log.exception("channel %s could not queue %d reminders", self.code, len(reminders))

    def write(self, reminders, now: dt.datetime) -> None:
        raise NotImplementedError


class GroupRobotChannel(ProviderChannel):
    def __init__(self, kind: str):
        self.code = kind

    def write(self, reminders, now: dt.datetime) -> None:
        from notifications.channels import describe, subject
        from organisations.models import Organisation

        configs = list(
            ChannelConfig.objects.enabled().filter(
                kind=self.code, township_id__in={r.township_id for r in reminders}
            )
        )
        if not configs:
            return
        by_unit = {c.unit_id: c for c in configs if c.unit_id}
        by_township = {c.township_id: c for c in configs if not c.unit_id}
        names = {
            pk: short or name
            for pk, short, name in Organisation.objects.filter(
                pk__in={r.unit_id for r in reminders if r.unit_id}
            ).values_list("pk", "short_name", "name")
        }
        rows: dict[tuple, tuple] = {}
        language = get_language()
        for r in reminders:
            config = by_unit.get(r.unit_id) if r.unit_id else None
            body = describe(r, language)
            if config is None:
                config = by_township.get(r.township_id)
                if config is not None and r.unit_id:
                    body = f"{names.get(r.unit_id, '')}：{body}"
            if config is None:
                continue
            key = group_key(r)
            rows.setdefault(
                (config.pk, key),
                (
                    config.pk,
                    self.code,
                    key,
                    None,
                    r.pk,
                    "",
                    subject(r, language)[:200],
                    body,
                    link(r.url)[:300],
                    OutboundMessage.State.PENDING,
                    0,
                    "",
                    "",
                    now,
                ),
            )
        write(list(rows.values()))


class PersonalChannel(ProviderChannel):
    def addresses(self, user_ids) -> dict[int, str]:
        raise NotImplementedError

    def content(self, reminder, language: str | None = None) -> tuple[str, str]:
        from notifications.channels import describe, subject

        return subject(reminder, language)[:200], describe(reminder, language)

    def write(self, reminders, now: dt.datetime) -> None:
        configs = {
            c.township_id: c
            for c in ChannelConfig.objects.enabled().filter(
                kind=self.code,
                unit__isnull=True,
                township_id__in={r.township_id for r in reminders},
            )
        }
        if not configs:
            return
        to = self.addresses({r.recipient_id for r in reminders if r.township_id in configs})
        rows = []
        language = get_language()
        for r in reminders:
            config, address = configs.get(r.township_id), to.get(r.recipient_id)
            if config is None or not address:
                continue
            title, body = self.content(r, language)
            rows.append(
                (
                    config.pk,
                    self.code,
                    f"r:{r.pk}",
                    r.recipient_id,
                    r.pk,
                    address,
                    title,
                    body,
                    link(r.url)[:300],
                    OutboundMessage.State.PENDING,
                    0,
                    "",
                    "",
                    now,
                )
            )
        write(rows)


class WeComAppChannel(PersonalChannel):
    code = ChannelKind.WECOM_APP

    def addresses(self, user_ids) -> dict[int, str]:
        from notifications.models import Preference

        return dict(
            Preference.objects.filter(user_id__in=user_ids, by_wecom=True, user__is_active=True)
            .exclude(wecom_userid="")
            .values_list("user_id", "wecom_userid")
        )


class SmsChannel(PersonalChannel):
    code = ChannelKind.SMS

    def addresses(self, user_ids) -> dict[int, str]:
        from notifications.models import Preference
        from notifications.providers.aliyun_sms import mainland_mobile

        pairs = Preference.objects.filter(
            user_id__in=user_ids, by_sms=True, user__is_active=True
        ).values_list("user_id", "user__phone")
        return {pk: phone for pk, raw in pairs if (phone := mainland_mobile(raw))}

    def content(self, reminder, language: str | None = None) -> tuple[str, str]:
        return reminder.title[:200], short_when(reminder)


PROVIDER_CHANNELS = [
    GroupRobotChannel(ChannelKind.WECOM_ROBOT),
    GroupRobotChannel(ChannelKind.DINGTALK_ROBOT),
    WeComAppChannel(),
    SmsChannel(),
]
