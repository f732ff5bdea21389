"""Thin Celery task: named sites whose re-review date has come become "review due".

Scheduled once a day by `CELERY_BEAT_SCHEDULE` in config/settings.py;
the work is `sites.services.mark_reviews_due`, which claims rows with SKIP LOCKED in batches,
so two beats at once cannot mark a site twice.
"""

from __future__ import annotations

from celery import shared_task
from django.utils import timezone


@shared_task(name="sites.mark_reviews_due")
def mark_reviews_due() -> int:
    from sites.services import mark_reviews_due as mark

    total = 0
    while True:
        done = mark(timezone.localdate())
        total += done
        if done < 200:
            return total
