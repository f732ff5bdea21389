"""`manage.py purge_files`: the only way evidence files leave the disk.

Removes files under MEDIA_ROOT/evidence/ that no evidence row names, now or in its history
(every row that ever pointed at a file keeps a history entry, so a withdrawn record, a removed
photo, a deleted draft or an approved edit's old version keeps its files). What is left to
remove are files no committed row ever named: those of writes that failed or crashed. Files
younger than `--min-age` minutes are kept too (a write in progress stores its files before it
commits its rows). Originals under uploads/pending/ that no upload row waits for (their
draft was deleted while they were being processed) go the same way.
"""

from __future__ import annotations

import datetime as dt

from django.core.files.storage import default_storage
from django.core.management.base import BaseCommand
from django.utils import timezone

from activities.models import Evidence, EvidenceUpload

ROOT = "evidence"
STAGING = "uploads/pending"


def stored_names(folder: str = ROOT):
    """Every file name under a storage folder, recursively."""
    directories, files = default_storage.listdir(folder)
    for name in files:
        yield f"{folder}/{name}"
    for directory in directories:
        yield from stored_names(f"{folder}/{directory}")


def referenced_names() -> set[str]:
    names = set()
    for manager in (Evidence.objects, Evidence.history):
        for file_name, thumb in manager.values_list("file", "thumbnail").iterator(chunk_size=5000):
            names.update((file_name, thumb))
    names.discard("")
    names.discard(None)
    return names


def purge(*, min_age_minutes: int = 60, dry_run: bool = False) -> list[str]:
    """Remove unreferenced evidence files, and originals of uploads no row waits for any more
    (a draft deleted while its photos were being processed); return their names."""
    cutoff = timezone.now() - dt.timedelta(minutes=min_age_minutes)
    removed = []
    for root, keep in ((ROOT, referenced_names), (STAGING, waiting_originals)):
        if not default_storage.exists(root):
            continue
        kept = keep()
        for name in sorted(stored_names(root)):
            if name in kept or default_storage.get_modified_time(name) > cutoff:
                continue
            removed.append(name)
            if not dry_run:
                default_storage.delete(name)
    return removed


def waiting_originals() -> set[str]:
    """Originals kept for uploads still pending (processed or failed ones need none)."""
    names = set(EvidenceUpload.objects.exclude(staged="").values_list("staged", flat=True))
    names.discard(None)
    return names


class Command(BaseCommand):
    help = "删除任何佐证材料记录（含历史）都未引用的文件 / remove evidence files nothing refers to"

    def add_arguments(self, parser) -> None:
        parser.add_argument(
            "--dry-run", action="store_true", help="只列出将删除的文件 / only list them"
        )
        parser.add_argument(
            "--min-age",
            type=int,
            default=60,
            help="只删除至少这么多分钟前写入的文件（默认 60）/ minutes, default 60",
        )

    def handle(self, *args, dry_run: bool, min_age: int, **options) -> None:
        removed = purge(min_age_minutes=min_age, dry_run=dry_run)
        for name in removed:
            self.stdout.write(name)
        verb = "将删除" if dry_run else "已删除"
        self.stdout.write(self.style.SUCCESS(f"{verb} {len(removed)} 个未被引用的文件。"))
