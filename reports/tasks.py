"""Background rendering: ids in, re-fetch, quietly return when the row is gone."""

from __future__ import annotations

from celery import shared_task


@shared_task(bind=True, acks_late=True, ignore_result=True, soft_time_limit=240, time_limit=300)
def render_report_task(self, report_id: int) -> str | None:
    """Render one report. A redelivered message (its process died) takes the report over."""
    from reports.services import render_report

    report = render_report(report_id, token=self.request.id or "")
    return report.status if report else None


@shared_task(bind=True, acks_late=True, ignore_result=True, soft_time_limit=240, time_limit=300)
def run_export_task(self, export_id: int) -> str | None:
    """Write one Excel export. A redelivered message (its process died) takes the export over."""
    from reports.exports import run_export

    export = run_export(export_id, token=self.request.id or "")
    return export.status if export else None


@shared_task(name="reports.requeue_stale", ignore_result=True)
def requeue_stale() -> int:
    """Beat: send again the reports and exports whose worker died or whose message never
    left; remove exports past EXPORT_KEEP_DAYS."""
    from reports import exports
    from reports.services import requeue_stale as requeue

    sent = requeue() + exports.requeue_stale()
    exports.prune_old()
    return sent
