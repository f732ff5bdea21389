"""`manage.py backup [FOLDER]`: database + media in one archive; `--verify FILE` checks one."""

from __future__ import annotations

from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from organisations import backup


class Command(BaseCommand):
    help = "备份数据库与上传文件到一个归档（含 SHA-256 清单）；--verify 检查一个归档"

    def add_arguments(self, parser):
        parser.add_argument(
            "destination",
            nargs="?",
            default=str(Path(settings.VAR_DIR) / "backups"),
            help="folder for the archive (default var/backups) or a file name ending .tar.gz",
        )
        parser.add_argument("--verify", metavar="ARCHIVE", help="check an archive and exit")

    def handle(self, *args, destination, verify, **options):
        try:
            if verify:
                manifest = backup.verify(Path(verify))
                self.stdout.write(
                    self.style.SUCCESS(
                        f"校验通过：{verify}（{manifest['engine']}，{len(manifest['members'])} "
                        f"个文件，创建于 {manifest['created_at']}）"
                    )
                )
                return
            backup.create(Path(destination), write=self.stdout.write)
        except backup.BackupError as exc:
            raise CommandError(str(exc)) from None
