from django.core.management.base import BaseCommand
from django.utils import timezone
from django.utils.formats import date_format

from notifications.sweep import Planned, dry_run, run_sweep


class Command(BaseCommand):
    help = "运行一次提醒扫描；--dry-run 只列出此刻将发出的提醒及接收人，不写入、不发送"

    def add_arguments(self, parser):
        parser.add_argument("--dry-run", action="store_true", help="只列出，不发送")

    def handle(self, *args, **opts):
        if opts["dry_run"]:
            from organisations.models import User

            rows = dry_run()
            names = dict(
                User.objects.filter(pk__in={self._recipient(r) for r in rows}).values_list(
                    "pk", "username"
                )
            )
            for row in rows:
                kind, title, deadline, offset = self._fields(row)
                self.stdout.write(
                    f"{names.get(self._recipient(row), '?'):<20} {kind:<15} "
                    f"{date_format(deadline, 'Y-m-d')} {offset:+d}  {title}"
                )
            self.stdout.write(f"共 {len(rows)} 条提醒将发出（未发送）。")
            return
        run = run_sweep()
        if run is None:
            self.stdout.write(self.style.WARNING("另一次提醒扫描正在进行，本次跳过。"))
            return
        self.stdout.write(
            self.style.SUCCESS(
                f"{timezone.localtime(run.finished_at):%Y-%m-%d %H:%M} 扫描完成："
                f"新计划 {run.planned}，发送 {run.sent}，取消 {run.cancelled}，汇总 {run.digests}"
                + ("（夜间，暂不发送）" if run.held_for_night else "")
            )
        )

    @staticmethod
    def _recipient(row):
        return row.recipient_id

    @staticmethod
    def _fields(row):
        if isinstance(row, Planned):
            d = row.deadline
            return d.kind, d.title, d.due_date, row.offset
        return row.kind, row.title, row.deadline, row.offset
