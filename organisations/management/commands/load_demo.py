from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils import timezone

from organisations.demo_framework import DemoContext, parts


class Command(BaseCommand):
    help = "建立演示数据：种子方案中的镇、区、单位、人员与创建工作（可重复运行，不会重复创建）"

    def handle(self, *args, **options):
        ctx = DemoContext(today=timezone.localdate(), write=self.stdout.write)
        with transaction.atomic():
            for app, module in parts("demo"):
                module.load(ctx)
                self.stdout.write(f"  · {app}")
        self.stdout.write(self.style.SUCCESS("演示数据已就绪。演示账号（密码相同）："))
        for login, password, what in ctx.logins:
            self.stdout.write(f"  {login:<24} {password:<16} {what}")
