"""Any change to the calendar (admin, shell, services) reaches every process's copy."""

from __future__ import annotations

from django.db import transaction
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from workdays import days
from workdays.models import CalendarDay, CalendarYear


@receiver([post_save, post_delete], sender=CalendarDay)
@receiver([post_save, post_delete], sender=CalendarYear)
def calendar_changed(**kwargs) -> None:
    days.forget()
    transaction.on_commit(days.changed)
