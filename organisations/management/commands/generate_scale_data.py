import time

from django.core.management.base import BaseCommand, CommandError
from django.db import connection
from django.utils import timezone

from organisations.demo_framework import ScaleContext, parts


class Command(BaseCommand):
    help = "生成区级规模的测试数据（用于性能测试），需要 PostgreSQL"

    def add_arguments(self, parser):
        parser.add_argument("--townships", type=int, default=10)
        parser.add_argument("--units", type=int, default=400)
        parser.add_argument("--tasks", type=int, default=5000)
        parser.add_argument("--records", type=int, default=200_000)
        parser.add_argument("--evidence", type=int, default=500_000)
        parser.add_argument("--seed", type=int, default=2026)
        parser.add_argument(
            "--allow-sqlite", action="store_true", help="small sizes on SQLite (tests)"
        )

    def handle(self, *args, **opts):
        if connection.vendor != "postgresql" and not opts["allow_sqlite"]:
            raise CommandError("generate_scale_data 需要 PostgreSQL：请设置 DATABASE_URL")
        for key in ("townships", "units", "tasks", "records", "evidence"):
            if opts[key] < 0:
                raise CommandError(f"--{key} 不能为负数")
        if opts["units"] < opts["townships"]:
            raise CommandError("--units 不能少于 --townships")
        ctx = ScaleContext(
            today=timezone.localdate(),
            write=self.stdout.write,
            townships=opts["townships"],
            units=opts["units"],
            tasks=opts["tasks"],
            records=opts["records"],
            evidence=opts["evidence"],
            seed=opts["seed"],
        )
        for app, module in parts("scale"):
            started = time.perf_counter()
            module.generate(ctx)
            self.stdout.write(f"  · {app}: {time.perf_counter() - started:.1f}s")
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("ANALYZE")
        self.stdout.write(self.style.SUCCESS("规模数据已生成。"))
