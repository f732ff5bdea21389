"""Sending the email outbox: claim a row with a conditional UPDATE, send, record the outcome.

A failing mail server never blocks anything else: the in-app notification was committed with
the sweep's batch; the email row goes back to PENDING with exponential backoff (1, 2, 4… min)
and the sweep's `flush` hands it to the worker again when it is due, until it is sent or has
failed `REMINDER_EMAIL_MAX_ATTEMPTS` times. A worker that dies while sending leaves the row in
SENDING; after the lease runs out `flush` makes it PENDING again.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Iterable

from django.conf import settings
from django.core.mail import EmailMultiAlternatives, get_connection
from django.db.models import F, Q
from django.template.loader import render_to_string
from django.utils import timezone

from notifications import conf
from notifications.channels import describe, enqueue_emails
from notifications.models import OutboundEmail

log = logging.getLogger(__name__)


def backoff(attempts: int) -> dt.timedelta:
    return dt.timedelta(minutes=2 ** max(0, attempts - 1))


def render(email: OutboundEmail) -> tuple[str, str]:
    """(text, html) of an email; reminder emails are rendered when sent, digests when made."""
    if email.kind != OutboundEmail.Kind.REMINDER or email.reminder is None:
        return email.text, email.html
    reminder = email.reminder
    context = {
        "reminder": reminder,
        "user": email.user,
        "when": describe(reminder),
        "link": f"{settings.SITE_URL}{reminder.url}" if reminder.url else settings.SITE_URL,
    }
    return (
        render_to_string("notifications/email/reminder.txt", context),
        render_to_string("notifications/email/reminder.html", context),
    )


def claim(pk: int, now: dt.datetime) -> bool:
    return bool(
        OutboundEmail.objects.filter(pk=pk, state=OutboundEmail.State.PENDING)
        .filter(Q(next_attempt_at__isnull=True) | Q(next_attempt_at__lte=now))
        .update(
            state=OutboundEmail.State.SENDING,
            attempts=F("attempts") + 1,
            next_attempt_at=now + conf.email_lease(),
        )
    )


def send(ids: Iterable[int]) -> int:
    """Send these outbox rows (those still PENDING and due); returns how many went out."""
    sent = 0
    connection = None
    try:
        for pk in ids:
            now = timezone.now()
            if not claim(pk, now):
                continue
            email = OutboundEmail.objects.select_related("reminder", "user").get(pk=pk)
            try:
                text, html = render(email)
                if connection is None:
                    connection = get_connection()
                message = EmailMultiAlternatives(
                    subject=email.subject, body=text, to=[email.to], connection=connection
                )
                if html:
                    message.attach_alternative(html, "text/html")
                message.send()
            except Exception as exc:  # noqa: BLE001 - any SMTP/network error is retried
                failed = email.attempts >= conf.email_max_attempts()
                OutboundEmail.objects.filter(pk=pk).update(
                    state=OutboundEmail.State.FAILED if failed else OutboundEmail.State.PENDING,
                    next_attempt_at=now + backoff(email.attempts),
                    last_error=repr(exc)[:1000],
                )
                log.warning("email %s failed (attempt %s): %r", pk, email.attempts, exc)
                connection = None  # a broken connection is not reused
            else:
                OutboundEmail.objects.filter(pk=pk).update(
                    state=OutboundEmail.State.SENT, sent_at=timezone.now(), last_error=""
                )
                sent += 1
    finally:
        if connection is not None:
            try:
                connection.close()
            except Exception:  # noqa: BLE001, S110 - closing a dead connection
                pass
    return sent


def flush(now: dt.datetime, chunk: int = 500) -> int:
    """Give the worker every outbox row that is due and not on its way: retries after backoff,
    rows whose enqueue was lost, rows left SENDING by a dead worker."""
    OutboundEmail.objects.filter(
        state=OutboundEmail.State.SENDING, next_attempt_at__lte=now
    ).update(state=OutboundEmail.State.PENDING)
    due = (
        OutboundEmail.objects.filter(state=OutboundEmail.State.PENDING)
        .filter(
            Q(next_attempt_at__lte=now)
            | Q(next_attempt_at__isnull=True, created_at__lte=now - conf.outbox_flush_after())
        )
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    total = 0
    ids: list[int] = []
    for pk in due.iterator(chunk_size=chunk):
        ids.append(pk)
        if len(ids) >= chunk:
            enqueue_emails(ids)
            total += len(ids)
            ids = []
    if ids:
        enqueue_emails(ids)
        total += len(ids)
    from notifications import dispatch  # the WeChat Work / DingTalk / SMS outbox, likewise

    dispatch.flush(now, chunk)
    return total
