"""Remove audit rows older than the retention period; refuses anything younger than 180 days."""

import datetime as dt

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction
from django.utils import timezone

from audit.models import AuditEvent

# The legal floor (等保 2.0: keep audit records at least six months); the trigger enforces it too.
MINIMUM_DAYS = 180


class Command(BaseCommand):
    help = "清理超过保存期限的审计记录（保存期不得少于 180 天）"

    def add_arguments(self, parser):
        parser.add_argument(
            "--days",
            type=int,
            default=None,
            help="保留最近多少天（默认 AUDIT_RETENTION_DAYS，不得少于 180）",
        )

    def handle(self, *args, days=None, **options):
        days = settings.AUDIT_RETENTION_DAYS if days is None else days
        if days < MINIMUM_DAYS:
            raise CommandError(f"审计记录至少保存 {MINIMUM_DAYS} 天，拒绝清理 {days} 天内的记录。")
        cutoff = timezone.now() - dt.timedelta(days=days)
        with transaction.atomic(), connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                # The trigger lets a DELETE through only for rows older than this mark,
                # and only when the mark itself is at least 180 days old.
                cursor.execute(
                    "SELECT set_config('qingfeng.audit_purge_before', %s, true)",
                    [cutoff.isoformat()],
                )
            cursor.execute(
                f"DELETE FROM {AuditEvent._meta.db_table} WHERE at < %s",  # noqa: S608 - table name is ours
                [cutoff],
            )
            removed = cursor.rowcount
        self.stdout.write(f"已清理 {removed} 条 {days} 天以前的审计记录。")
