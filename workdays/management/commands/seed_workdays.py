"""Add the years the installed `chinesecalendar` package knows and the database does not."""

from __future__ import annotations

from django.core.management.base import BaseCommand

from workdays import days
from workdays.models import CalendarDay, CalendarYear
from workdays.seed import seed


class Command(BaseCommand):
    help = "从 chinesecalendar 数据包补充节假日安排（已录入或更正过的年度不覆盖，除非 --replace）"

    def add_arguments(self, parser):
        parser.add_argument("--replace", action="store_true", help="覆盖数据包已知的年度")
        parser.add_argument("--year", type=int, action="append", help="只处理这些年度")

    def handle(self, *args, replace=False, year=None, **options):
        written = seed(
            CalendarYear, CalendarDay, replace=replace, years=set(year) if year else None
        )
        days.changed()
        if written:
            self.stdout.write(f"已写入 {len(written)} 个年度：{written[0]}–{written[-1]}")
        else:
            self.stdout.write("没有需要补充的年度。")
