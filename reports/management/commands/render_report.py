"""Render one report synchronously: `manage.py render_report KIND --campaign ID -o FILE`."""

from __future__ import annotations

import datetime as dt
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

    def handle(self, *args, kind, campaign, output, month, notice, today, **options):
        try:
            campaign_obj = Campaign.objects.select_related("township").get(pk=campaign)
        except Campaign.DoesNotExist:
            raise CommandError(f"campaign {campaign} does not exist") from None
        parameters = {"month": month, "notice": notice}
        started = time.perf_counter()
        try:
            pages = render_to_file(kind, campaign_obj, parameters, output, today=today)
        except ValidationError as exc:
            raise CommandError("; ".join(exc.messages)) from None
        self.stdout.write(f"{output}: {pages} pages in {time.perf_counter() - started:.1f} s")
