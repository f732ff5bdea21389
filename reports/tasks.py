"""Background rendering: ids in, re-fetch, quietly return when the row is gone."""

from __future__ import annotations

from celery import shared_task


@shared_task(bind=True, acks_late=True, ignore_result=True, soft_time_limit=240, time_limit=300)
def render_report_task(self, report_id: int) -> str | None:
    """Render one report. A redelivered message (its process died) takes the report over."""
    from reports.services import render_report

    report = render_report(report_id, token=self.request.id or "")
    return report.status if report else None


@shared_task(name="reports.requeue_stale", ignore_result=True)
def requeue_stale() -> int:
    """Beat: send again the reports whose worker died or whose message never left."""
    from reports.services import requeue_stale as requeue

    return requeue()
