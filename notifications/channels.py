"""Delivery channels behind one small interface.

The sweep hands each channel the batch of reminders it has claimed, inside the batch's
transaction. A channel writes what it must (an in-app row, an email in the outbox) in that
transaction, and starts external I/O only after commit. A crash before commit leaves nothing
behind and the rows are claimed again; nothing is ever written twice.

A channel is a class with `code` and `deliver(reminders, now)` in `CHANNELS`; the sweep does
not change. WeChat Work, DingTalk and SMS live in `notifications.provider_channels` (their
adapters in `notifications.providers`, their outbox sender in `notifications.dispatch`).
"""

from __future__ import annotations

import datetime as dt
from functools import lru_cache
from typing import Protocol

from django.db import transaction
from django.utils.formats import date_format
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from notifications.models import Notification, OutboundEmail, Preference, Reminder
from notifications.rows import insert_rows


class Channel(Protocol):
    code: str

    def deliver(self, reminders: list[Reminder], now: dt.datetime) -> None: ...


def describe(reminder: Reminder, language: str | None = None) -> str:
    """One line saying when the thing is due, the Chinese way, in the active language (a
    caller wording thousands of reminders passes `get_language()`, read once)."""
    return _describe(
        reminder.deadline,
        reminder.offset,
        language or get_language(),
        getattr(reminder, "in_workdays", False),
    )


@lru_cache(maxsize=4096)
def _describe(deadline: dt.date, offset: int, language: str | None, workdays: bool = False) -> str:
    # cached: a sweep describes thousands of reminders that share a handful of dates
    when = date_format(deadline, "DATE_FORMAT")
    if workdays and offset < 0:
        return _("截止日期 %(date)s，还有 %(days)s 个工作日。") % {"date": when, "days": -offset}
    if workdays and offset > 0:
        return _("已于 %(date)s 截止，逾期 %(days)s 个工作日，请尽快完成。") % {
            "date": when,
            "days": offset,
        }
    if offset < 0:
        return _("截止日期 %(date)s，还有 %(days)s 天。") % {"date": when, "days": -offset}
    if offset == 0:
        return _("今天（%(date)s）截止。") % {"date": when}
    return _("已于 %(date)s 截止，逾期 %(days)s 天，请尽快完成。") % {
        "date": when,
        "days": offset,
    }


def subject(reminder: Reminder, language: str | None = None) -> str:
    chase, remind = _prefixes(language or get_language())
    return f"{chase if reminder.offset > 0 else remind}{reminder.title}"


@lru_cache(maxsize=8)
def _prefixes(language: str | None) -> tuple[str, str]:
    return _("【催办】"), _("【提醒】")


class InAppChannel:
    code = "in_app"

    def deliver(self, reminders: list[Reminder], now: dt.datetime) -> None:
        language = get_language()
        insert_rows(
            Notification,
            ["user", "reminder", "kind", "title", "body", "url", "created_at"],
            [
                (
                    r.recipient_id,
                    r.pk,
                    r.kind,
                    subject(r, language)[:200],
                    describe(r, language),
                    r.url,
                    now,
                )
                for r in reminders
            ],
        )


def email_modes(user_ids) -> dict[int, str]:
    return dict(
        Preference.objects.filter(user_id__in=set(user_ids)).values_list("user_id", "email_mode")
    )


class EmailChannel:
    """Writes the outbox; `notifications.tasks.send_emails` sends it after commit.

    Immediate users get a PENDING row per reminder, digest users a HELD row that the daily
    digest merges; users who turned email off, or have no address, get nothing here.
    """

    code = "email"

    def deliver(self, reminders: list[Reminder], now: dt.datetime) -> None:
        from organisations.models import User

        recipients = {r.recipient_id for r in reminders}
        addresses, modes = {}, {}
        for pk, email, mode in (
            User.objects.filter(pk__in=recipients, is_active=True)
            .exclude(email="")
            .values_list("pk", "email", "notification_preference__email_mode")
        ):
            addresses[pk] = email
            if mode:
                modes[pk] = mode
        rows = []
        language = get_language()
        for r in reminders:
            to = addresses.get(r.recipient_id)
            mode = modes.get(r.recipient_id, Preference.EmailMode.IMMEDIATE)
            if not to or mode == Preference.EmailMode.OFF:
                continue
            state = (
                OutboundEmail.State.HELD
                if mode == Preference.EmailMode.DIGEST
                else OutboundEmail.State.PENDING
            )
            rows.append(
                (
                    r.recipient_id,
                    OutboundEmail.Kind.REMINDER,
                    r.pk,
                    to,
                    subject(r, language)[:200],
                    state,
                )
            )
        pending = [row for row in rows if row[-1] == OutboundEmail.State.PENDING]
        held = [row for row in rows if row[-1] != OutboundEmail.State.PENDING]
        fields = ["user", "kind", "reminder", "to", "subject", "state"]
        extra = ["text", "html", "attempts", "last_error", "created_at"]
        tail = ("", "", 0, "", now)
        if held:
            insert_rows(OutboundEmail, fields + extra, [row + tail for row in held])
        if pending:
            ids = insert_rows(
                OutboundEmail, fields + extra, [row + tail for row in pending], returning=True
            )
            enqueue_emails(ids)


def enqueue_emails(ids: list[int]) -> None:
    """Hand the outbox rows to the worker once the transaction that wrote them commits."""
    if not ids:
        return

    def send():
        from notifications.tasks import send_emails

        try:
            send_emails.delay(ids)
        except Exception:  # noqa: BLE001 - broker down: the sweep's outbox flush retries later
            import logging

            logging.getLogger(__name__).warning("could not enqueue %d emails", len(ids))

    transaction.on_commit(send)


def deliver(reminders: list[Reminder], now: dt.datetime) -> None:
    """Every channel's rows for these reminders, in the caller's transaction. The provider
    channels (WeChat Work, DingTalk, SMS) are asked only when their township has one enabled:
    one query for the batch instead of a query and a savepoint per channel."""
    if not reminders:
        return
    from notifications.provider_channels import ProviderChannel, enabled_kinds

    kinds = None
    for channel in CHANNELS:
        if isinstance(channel, ProviderChannel):
            if kinds is None:
                kinds = enabled_kinds({r.township_id for r in reminders})
            if channel.code not in kinds:
                continue
        channel.deliver(reminders, now)


def _provider_channels() -> list[Channel]:
    from notifications.provider_channels import PROVIDER_CHANNELS

    return list(PROVIDER_CHANNELS)


CHANNELS: list[Channel] = [InAppChannel(), EmailChannel(), *_provider_channels()]
