"""Thin Celery task: named sites whose re-review date has come become "review due".

Scheduled once a day from here (the beat schedule lives with the app that owns the job);
the work is `sites.services.mark_reviews_due`, which claims rows with SKIP LOCKED in batches,
so two beats at once cannot mark a site twice.
"""

from __future__ import annotations

from celery import shared_task
from celery.schedules import crontab
from django.utils import timezone

from config.celery import app


@shared_task(name="sites.mark_reviews_due")
def mark_reviews_due() -> int:
    from sites.services import mark_reviews_due as mark

    total = 0
    while True:
        done = mark(timezone.localdate())
        total += done
        if done < 200:
            return total


app.conf.beat_schedule.setdefault(
    "sites-reviews-due",
    {
        "task": "sites.mark_reviews_due",
        "schedule": crontab(hour=1, minute=20),
        "options": {"expires": 3600},
    },
)
