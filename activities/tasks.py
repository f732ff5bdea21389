"""Background processing of evidence files (activities.photos): ids in, re-fetch, quietly
return when the row is gone or already processed."""

from __future__ import annotations

from celery import shared_task


@shared_task(
    bind=True,
    name="activities.process_upload",
    acks_late=True,
    ignore_result=True,
    soft_time_limit=120,
    time_limit=150,
)
def process_upload_task(self, upload_id: int) -> str | None:
    """Process one uploaded file. A redelivered message (its process died) takes it over."""
    from activities.photos import process

    return process(upload_id, token=self.request.id or "")


@shared_task(name="activities.requeue_uploads", ignore_result=True)
def requeue_uploads() -> int:
    """Beat: send again the uploads whose worker died or whose message never left."""
    from activities.photos import requeue_stale

    return requeue_stale()
