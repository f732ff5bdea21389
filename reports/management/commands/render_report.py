"""Render one report synchronously: `manage.py render_report KIND --campaign ID -o FILE`."""

from __future__ import annotations

import datetime as dt
import json
import resource
import time

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from campaigns.models import Campaign
from reports.models import Kind
from reports.services import render_to_file


class Command(BaseCommand):
    help = "Render a report (dossier, work-report, notice, monthly, ledger) to a PDF file."

    def add_arguments(self, parser):
        parser.add_argument("kind", choices=[k.value for k in Kind])
        parser.add_argument("--campaign", type=int, required=True)
        parser.add_argument("-o", "--output", required=True)
        parser.add_argument("--month", default="", help="YYYY-MM, for the monthly report")
        parser.add_argument("--notice", type=int, help="notice id, for the notice")
        parser.add_argument("--today", type=dt.date.fromisoformat, help="YYYY-MM-DD")
        parser.add_argument(
            "--stats", action="store_true", help="print time, pages and peak memory as JSON"
        )

    def handle(self, *args, kind, campaign, output, month, notice, today, stats, **options):
        try:
            campaign_obj = Campaign.objects.select_related("township").get(pk=campaign)
        except Campaign.DoesNotExist:
            raise CommandError(f"campaign {campaign} does not exist") from None
        parameters = {"month": month, "notice": notice}
        started = time.perf_counter()
        try:
            rendered = render_to_file(kind, campaign_obj, parameters, output, today=today)
        except ValidationError as exc:
            raise CommandError("; ".join(exc.messages)) from None
        seconds = time.perf_counter() - started
        for warning in rendered.warnings:
            self.stderr.write(f"warning: {warning}")
        if stats:
            usage = resource.getrusage(resource.RUSAGE_SELF)
            main_mib = usage.ru_maxrss / 1024
            worker_mib = rendered.stats.get("worker_peak_mib", 0.0)
            self.stdout.write(
                json.dumps(
                    {
                        "seconds": round(seconds, 2),
                        "pages": rendered.pages,
                        "main_peak_mib": round(main_mib, 1),
                        "worker_peak_mib": round(worker_mib, 1),
                        "laid_out": rendered.stats.get("laid_out"),
                        "main_before_merge_mib": rendered.stats.get("main_before_merge_mib"),
                        "reused": rendered.stats.get("reused"),
                        "cpu_seconds": round(
                            usage.ru_utime
                            + usage.ru_stime
                            + rendered.stats.get("worker_cpu_seconds", 0.0),
                            2,
                        ),
                    }
                )
            )
        else:
            self.stdout.write(f"{output}: {rendered.pages} pages in {seconds:.1f} s")
