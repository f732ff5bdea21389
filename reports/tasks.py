"""Background rendering: ids in, re-fetch, quietly return when the row is gone."""

from __future__ import annotations

from celery import shared_task


@shared_task(acks_late=True, soft_time_limit=240, time_limit=300)
def render_report_task(report_id: int) -> str | None:
    from reports.services import render_report

    report = render_report(report_id)
    return report.status if report else None
