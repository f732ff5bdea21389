"""Check the audit log's hash chain: exit 1 and list the rows that were altered or removed."""

from django.core.management.base import BaseCommand, CommandError

from audit.models import AuditEvent
from audit.services import verify_chain


class Command(BaseCommand):
    help = "校验审计日志的哈希链（发现被修改或删除的记录时以状态 1 退出）"

    def handle(self, *args, **options):
        breaks = list(verify_chain())
        total = AuditEvent.objects.count()
        if breaks:
            for item in breaks:
                self.stderr.write(f"记录 #{item.event_id}：{item.reason}")
            raise CommandError(f"审计日志校验失败：{len(breaks)} 处异常（共 {total} 条记录）")
        self.stdout.write(f"审计日志完整：{total} 条记录，哈希链无断点。")
