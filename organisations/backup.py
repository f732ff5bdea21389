"""Backups: one archive with the database and the media folder, and a manifest of SHA-256 sums.

`manage.py backup` writes `qingfeng-YYYYmmdd-HHMMSS.tar.gz` holding
- `manifest.json`: format, creation time, database engine, Django migration state, and the
  SHA-256 and size of every other member;
- `database.dump` (PostgreSQL, `pg_dump --format=custom`) or `database.sqlite3` (SQLite, copied
  with SQLite's online backup API, consistent while the portal runs);
- `media/…`: every uploaded photo, document and rendered report.

`manage.py backup --verify FILE` re-reads an archive and checks every sum; `manage.py restore
FILE` verifies, then loads it into an empty database and an empty media folder (refusing a
non-empty target unless `--force`).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import json
import os
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
from pathlib import Path

from django.conf import settings
from django.db import connection
from django.utils import timezone

FORMAT = 1
MANIFEST = "manifest.json"
CHUNK = 1024 * 1024


class BackupError(Exception):
    """A backup or restore that cannot go on; the message says why (in Chinese)."""


def sha256_of(handle) -> str:
    digest = hashlib.sha256()
    for block in iter(lambda: handle.read(CHUNK), b""):
        digest.update(block)
    return digest.hexdigest()


def _pg_env(db: dict) -> tuple[list[str], dict]:
    args = ["--host", db["HOST"] or "127.0.0.1", "--port", str(db["PORT"] or 5432)]
    if db["USER"]:
        args += ["--username", db["USER"]]
    env = dict(os.environ)
    if db["PASSWORD"]:
        env["PGPASSWORD"] = db["PASSWORD"]
    return args, env


def _run(command: list[str], env: dict) -> None:
    if not shutil.which(command[0]):
        raise BackupError(
            f"找不到 {command[0]}：请安装 postgresql-client（apt-get install postgresql-client）"
        )
    done = subprocess.run(command, env=env, capture_output=True, text=True)  # noqa: S603
    if done.returncode:
        raise BackupError(f"{command[0]} 失败：{done.stderr.strip()[-800:]}")


def dump_database(folder: Path) -> str:
    """Write the database into `folder`; returns the member name."""
    db = connection.settings_dict
    if connection.vendor == "postgresql":
        name = "database.dump"
        args, env = _pg_env(db)
        _run(
            [
                "pg_dump",
                "--format=custom",
                "--no-owner",
                "--file",
                str(folder / name),
                *args,
                db["NAME"],
            ],
            env,
        )
        return name
    if connection.vendor == "sqlite":
        name = "database.sqlite3"
        connection.ensure_connection()
        target = sqlite3.connect(folder / name)
        try:
            connection.connection.backup(target)
        finally:
            target.close()
        return name
    raise BackupError(f"不支持的数据库：{connection.vendor}")


def migration_state() -> dict[str, str]:
    from django.db.migrations.recorder import MigrationRecorder

    latest: dict[str, str] = {}
    for app, name in MigrationRecorder(connection).applied_migrations():
        latest[app] = max(latest.get(app, ""), name)
    return dict(sorted(latest.items()))


def media_files(root: Path) -> list[Path]:
    if not root.exists():
        return []
    skip = {"report-cache"}  # derived images, rebuilt on demand
    return sorted(
        p for p in root.rglob("*") if p.is_file() and p.relative_to(root).parts[0] not in skip
    )


def create(destination: Path, *, write=print) -> Path:
    """Write a backup archive into the folder `destination` (or at that file name)."""
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M%S")
    if destination.suffixes[-2:] == [".tar", ".gz"]:
        archive = destination
    else:
        destination.mkdir(parents=True, exist_ok=True)
        archive = destination / f"qingfeng-{stamp}.tar.gz"
    media_root = Path(settings.MEDIA_ROOT)
    with tempfile.TemporaryDirectory(prefix="qf-backup-") as tmp:
        folder = Path(tmp)
        db_member = dump_database(folder)
        members: dict[str, dict] = {}
        with open(folder / db_member, "rb") as fh:
            members[db_member] = {
                "sha256": sha256_of(fh),
                "size": (folder / db_member).stat().st_size,
            }
        files = media_files(media_root)
        for path in files:
            with open(path, "rb") as fh:
                members["media/" + path.relative_to(media_root).as_posix()] = {
                    "sha256": sha256_of(fh),
                    "size": path.stat().st_size,
                }
        manifest = {
            "format": FORMAT,
            "created_at": dt.datetime.now(dt.UTC).isoformat(),
            "engine": connection.vendor,
            "database": db_member,
            "migrations": migration_state(),
            "members": members,
        }
        partial = archive.with_name(archive.name + ".part")
        with tarfile.open(partial, "w:gz") as tar:
            data = json.dumps(manifest, ensure_ascii=False, indent=1).encode()
            info = tarfile.TarInfo(MANIFEST)
            info.size = len(data)
            info.mtime = int(timezone.now().timestamp())
            tar.addfile(info, io.BytesIO(data))
            tar.add(folder / db_member, arcname=db_member)
            for path in files:
                tar.add(path, arcname="media/" + path.relative_to(media_root).as_posix())
        partial.replace(archive)
    write(f"备份完成：{archive}（数据库 {db_member}，文件 {len(files)} 个）")
    return archive


def read_manifest(tar: tarfile.TarFile) -> dict:
    try:
        handle = tar.extractfile(MANIFEST)
    except KeyError:
        raise BackupError("备份文件中没有 manifest.json，不是本平台的备份。") from None
    manifest = json.load(handle)
    if manifest.get("format") != FORMAT:
        raise BackupError(f"不认识的备份格式：{manifest.get('format')}")
    return manifest


def verify(archive: Path) -> dict:
    """Check every member against the manifest; returns the manifest or raises BackupError."""
    if not archive.is_file():
        raise BackupError(f"找不到备份文件：{archive}")
    try:
        with tarfile.open(archive, "r:gz") as tar:
            manifest = read_manifest(tar)
            expected = dict(manifest["members"])
            for member in tar:
                if member.name == MANIFEST:
                    continue
                if member.name not in expected:
                    raise BackupError(f"备份中有清单以外的文件：{member.name}")
                if not member.isfile():
                    raise BackupError(f"备份中的条目不是文件：{member.name}")
                digest = sha256_of(tar.extractfile(member))
                if digest != expected.pop(member.name)["sha256"]:
                    raise BackupError(f"校验失败（SHA-256 不符）：{member.name}")
    except (tarfile.TarError, EOFError, OSError, json.JSONDecodeError) as exc:
        raise BackupError(f"备份文件已损坏：{exc}") from None
    if expected:
        raise BackupError(f"备份缺少 {len(expected)} 个文件，例如 {next(iter(expected))}")
    return manifest


def database_is_empty() -> bool:
    return not connection.introspection.table_names()


def media_is_empty(root: Path) -> bool:
    return not root.exists() or not any(root.iterdir())


def restore(archive: Path, *, force: bool = False, write=print) -> dict:
    manifest = verify(archive)
    media_root = Path(settings.MEDIA_ROOT)
    if manifest["engine"] != connection.vendor:
        raise BackupError(
            f"备份来自 {manifest['engine']} 数据库，当前配置的是 {connection.vendor}，无法直接恢复。"
        )
    if not force:
        if not database_is_empty():
            raise BackupError("目标数据库不是空的：请换一个空数据库，或加 --force 覆盖。")
        if not media_is_empty(media_root):
            raise BackupError(
                f"媒体文件夹 {media_root} 不是空的：请换一个空文件夹，或加 --force 覆盖。"
            )
    with tempfile.TemporaryDirectory(prefix="qf-restore-") as tmp, tarfile.open(archive) as tar:
        folder = Path(tmp)
        tar.extract(manifest["database"], folder, filter="data")
        _load_database(folder / manifest["database"], force=force)
        media_root.mkdir(parents=True, exist_ok=True)
        count = 0
        for member in tar:
            if member.name.startswith("media/") and member.isfile():
                target = media_root / member.name[len("media/") :]
                target.parent.mkdir(parents=True, exist_ok=True)
                with tar.extractfile(member) as src, open(target, "wb") as dst:
                    shutil.copyfileobj(src, dst)
                count += 1
    write(f"恢复完成：数据库与 {count} 个文件已恢复到 {media_root}")
    return manifest


def _load_database(dump: Path, *, force: bool) -> None:
    db = connection.settings_dict
    if connection.vendor == "postgresql":
        args, env = _pg_env(db)
        extra = ["--clean", "--if-exists"] if force else []
        connection.close()
        _run(
            [
                "pg_restore",
                "--no-owner",
                "--no-privileges",
                "--exit-on-error",
                *extra,
                "--dbname",
                db["NAME"],
                *args,
                str(dump),
            ],
            env,
        )
        return
    connection.ensure_connection()
    source = sqlite3.connect(dump)
    try:
        source.backup(connection.connection)
    finally:
        source.close()
