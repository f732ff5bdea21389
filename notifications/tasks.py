"""Celery tasks: thin wrappers; the work lives in notifications.sweep and notifications.outbox."""

from __future__ import annotations

from celery import shared_task


@shared_task(name="notifications.sweep", ignore_result=True)
def sweep() -> None:
    """The periodic reminder sweep (beat, every few minutes, with `expires`)."""
    from notifications.sweep import run_sweep

    run_sweep()


@shared_task(name="notifications.send_emails", ignore_result=True)
def send_emails(ids: list[int]) -> None:
    """Send outbox rows by id; rows already sent, or not yet due for a retry, are skipped."""
    from notifications.outbox import send

    send(ids)


@shared_task(name="notifications.send_channel_messages", ignore_result=True)
def send_channel_messages(ids: list[int]) -> None:
    """Send WeChat Work / DingTalk / SMS outbox rows by id (see notifications.dispatch)."""
    from notifications.dispatch import send

    send(ids)
