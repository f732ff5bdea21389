"""Print one deadline's reminder schedule counted in calendar days and in working days."""

from __future__ import annotations

import datetime as dt

from django.core.management.base import BaseCommand, CommandError

from notifications.schedule import schedule_lines
from workdays.days import assumption_note


class Command(BaseCommand):
    help = "列出某一截止日期的提醒日程：按自然日与按工作日对照（节假日暂缓到下一个工作日）"

    def add_arguments(self, parser):
        parser.add_argument("--due", required=True, help="截止日期，如 2026-10-08")
        parser.add_argument("--before", default="3", help="提前几天提醒，逗号分隔，如 7,3")
        parser.add_argument("--every", type=int, default=3, help="逾期后每隔几天催办")
        parser.add_argument("--max", type=int, default=2, help="最多催办次数")

    def handle(self, *args, due, before, every, max, **options):
        try:
            due_date = dt.date.fromisoformat(due)
            before_days = [int(x) for x in before.replace("，", ",").split(",") if x.strip()]
        except ValueError as exc:
            raise CommandError(f"参数有误：{exc}") from exc
        old, held, working_days = schedule_lines(
            due_date, before=before_days, overdue_every=every, overdue_max=max
        )
        self.stdout.write(f"截止日期 {due_date.isoformat()}")
        for title, lines in (
            ("改前（按自然日，节假日照发）：", old),
            ("改后·按自然日（节假日暂缓到下一个工作日）：", held),
            ("改后·按工作日：", working_days),
        ):
            self.stdout.write(title)
            for text in lines:
                self.stdout.write(f"  {text}")
        note = assumption_note(due_date - dt.timedelta(days=40), due_date + dt.timedelta(days=40))
        if note:
            self.stdout.write(f"注意：{note}")
