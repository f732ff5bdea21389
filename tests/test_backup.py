"""`manage.py backup` and `manage.py restore` (issue 11 item 10): back up a township's data
(records, photos, a rendered report), restore into a fresh database and an empty media
folder, and find every row and file again; a damaged archive fails `--verify`; a non-empty
target is refused without --force."""

from __future__ import annotations

import hashlib
import os
import sqlite3
import subprocess
import sys
import tarfile
from pathlib import Path

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.management import call_command
from django.db import connection

from activities.models import ActivityRecord, Evidence
from reports.models import Report
from tests.activities.factories import jpeg_bytes
from tests.factories import RecordFactory
from tests.reports.factories import ReportFactory

ROOT = Path(__file__).resolve().parent.parent
pytestmark = pytest.mark.django_db(transaction=True)  # pg_dump sees committed rows only


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.MEDIA_ROOT.mkdir()
    return settings.MEDIA_ROOT


@pytest.fixture
def township_data(world, media):
    """Approved records with photos, and a finished report with its PDF."""
    records = [RecordFactory(campaign=world.campaign_a, unit=world.unit_a1) for _ in range(3)]
    evidence = []
    for n, record in enumerate(records):
        data = jpeg_bytes((320, 240), color=(n * 40, 30, 30))
        digest = hashlib.sha256(data).hexdigest()
        name = default_storage.save(f"evidence/{digest[:2]}/{digest}.jpg", ContentFile(data))
        evidence.append(
            Evidence.objects.create(
                record=record,
                kind=Evidence.Kind.IMAGE,
                file=name,
                original_name=f"{n}.jpg",
                mime_type="image/jpeg",
                extension=".jpg",
                size=len(data),
                sha256=digest,
            )
        )
    report = ReportFactory(campaign=world.campaign_a, status=Report.Status.DONE, pages=1)
    report.file.save("r.pdf", ContentFile(b"%PDF-1.7 the report"), save=True)
    return records, evidence, report


def fresh_database(tmp_path) -> tuple[str, callable]:
    """(DATABASE_URL of an empty database of the same engine, a query function on it)."""
    if connection.vendor == "sqlite":
        path = tmp_path / "restored.sqlite3"

        def query(sql):
            with sqlite3.connect(path) as conn:
                return conn.execute(sql).fetchall()

        return f"sqlite:///{path}", query
    import psycopg2

    db = connection.settings_dict
    name = f"{db['NAME']}_restored"
    dsn = {
        "user": db["USER"],
        "password": db["PASSWORD"] or None,
        "host": db["HOST"] or "127.0.0.1",
        "port": db["PORT"] or 5432,
    }
    admin = psycopg2.connect(dbname="postgres", **dsn)
    admin.autocommit = True
    with admin.cursor() as cursor:
        cursor.execute(f'DROP DATABASE IF EXISTS "{name}"')
        cursor.execute(f'CREATE DATABASE "{name}"')
    admin.close()

    def query(sql):
        with psycopg2.connect(dbname=name, **dsn) as conn, conn.cursor() as cursor:
            cursor.execute(sql)
            return cursor.fetchall()

    auth = db["USER"] + (f":{db['PASSWORD']}" if db["PASSWORD"] else "")
    return f"postgres://{auth}@{dsn['host']}:{dsn['port']}/{name}", query


def manage(env: dict, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )


def test_backup_then_restore_into_an_empty_database_and_media(township_data, tmp_path, media):
    records, evidence, report = township_data
    call_command("backup", str(tmp_path / "backups"))
    (archive,) = (tmp_path / "backups").glob("qingfeng-*.tar.gz")
    call_command("backup", "--verify", str(archive))

    url, query = fresh_database(tmp_path)
    restored_media = tmp_path / "restored-media"
    env = {
        **os.environ,
        "DATABASE_URL": url,
        "MEDIA_ROOT": str(restored_media),
        "DEBUG": "true",
        "QF_TESTING": "0",
        "VAR_DIR": str(tmp_path / "var"),
    }
    done = manage(env, "restore", str(archive))
    assert done.returncode == 0, done.stderr

    record_ids = {row[0] for row in query(f"SELECT id FROM {ActivityRecord._meta.db_table}")}
    assert {r.pk for r in records} <= record_ids
    files = dict(query(f"SELECT id, file FROM {Evidence._meta.db_table}"))
    for item in evidence:
        restored = restored_media / files[item.pk]
        assert hashlib.sha256(restored.read_bytes()).hexdigest() == item.sha256
    ((status, name),) = query(f"SELECT status, file FROM {Report._meta.db_table}")
    assert status == "done"
    assert (restored_media / name).read_bytes() == (media / report.file.name).read_bytes()

    # a second restore onto the now non-empty target is refused, and --force goes through
    again = manage(env, "restore", str(archive))
    assert again.returncode != 0 and "不是空的" in again.stderr
    assert manage(env, "restore", "--force", str(archive)).returncode == 0
    assert len(query(f"SELECT id FROM {Evidence._meta.db_table}")) == len(evidence)


def test_verify_finds_a_damaged_archive(township_data, tmp_path):
    archive = tmp_path / "b.tar.gz"
    call_command("backup", str(archive))
    damaged = tmp_path / "damaged.tar.gz"
    with tarfile.open(archive) as src, tarfile.open(damaged, "w:gz") as dst:
        for member in src:
            data = src.extractfile(member).read() if member.isfile() else None
            if member.name.startswith("media/evidence/"):
                data = data[:-10] + b"0123456789"  # bit rot in one photo
            if data is not None:
                import io

                member.size = len(data)
                dst.addfile(member, io.BytesIO(data))
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="SHA-256"):
        call_command("backup", "--verify", str(damaged))
