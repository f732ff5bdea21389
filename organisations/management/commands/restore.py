"""`manage.py restore ARCHIVE [--force]`: into an empty database and an empty media folder."""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from organisations import backup


class Command(BaseCommand):
    help = "从 backup 生成的归档恢复数据库与上传文件（目标须为空，除非 --force）"

    def add_arguments(self, parser):
        parser.add_argument("archive")
        parser.add_argument(
            "--force", action="store_true", help="overwrite a database and media folder in use"
        )

    def handle(self, *args, archive, force, **options):
        try:
            backup.restore(Path(archive), force=force, write=self.stdout.write)
        except backup.BackupError as exc:
            raise CommandError(str(exc)) from None
