"""Scale data: `ctx.records` activity records and `ctx.evidence` evidence rows across the
district's units, mostly approved, linked to the units' tasks where the campaign part made any.

Rows go in with COPY on PostgreSQL (bulk_create elsewhere, for small test runs); every
evidence row points at one of a few real photos on disk, each with its own hash.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import random
from collections import defaultdict

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import connection
from django.utils import timezone
from PIL import Image

from activities.models import ActivityRecord, Evidence
from activities.types import ActivityType
from campaigns.models import Campaign, Task
from organisations.models import User

STATUS_WEIGHTS = [
    (ActivityRecord.Status.APPROVED, 90),
    (ActivityRecord.Status.SUBMITTED, 5),
    (ActivityRecord.Status.RETURNED, 3),
    (ActivityRecord.Status.DRAFT, 2),
]
TITLES = {
    "lecture": ["廉政党课", "廉洁自律准则宣讲", "村干部廉政教育讲座"],
    "film": ["观看警示教育片", "廉政电教片放映"],
    "contest": ["廉政知识竞赛", "廉洁书法比赛", "廉政演讲比赛"],
    "exhibition": ["廉政文化展览", "家风家训展"],
    "banner": ["廉政标语张贴", "廉政宣传栏更新"],
    "forum": ["廉政座谈会", "家庭助廉座谈会"],
    "commitment": ["廉洁自律承诺书签订", "廉洁家庭承诺签名"],
    "materials": ["廉政宣传资料发放", "廉洁家庭建议书发放"],
    "visit": ["参观廉政教育基地", "参观示范点"],
    "other": ["廉政主题活动"],
    "board": ["廉政文化展板制作"],
    "books": ["廉政读本发放"],
    "article": ["廉政信息报送"],
}
BATCH = 20_000


# Types whose quantity is pieces (条、份、册、块、篇) rather than one event per record.
COUNTED_BY_PIECE = {"banner", "board", "commitment", "materials", "books", "article"}


def generate(ctx) -> None:
    if not ctx.records or not ctx.unit_ids:
        return
    rng = random.Random(ctx.seed + 4)
    units = _units(ctx)
    campaigns = {
        c["township_id"]: c
        for c in Campaign.objects.filter(pk__in=ctx.campaign_ids.values()).values(
            "id", "township_id", "start_date", "end_date"
        )
    }
    units = [u for u in units if u["township_id"] in campaigns]
    if not units:
        return
    tasks = _tasks_by_unit(list(ctx.campaign_ids.values()))
    liaisons = dict(
        User.objects.filter(username__startswith="bench-liaison-").values_list("username", "id")
    )
    office = dict(
        User.objects.filter(username__startswith="bench-office-").values_list("username", "id")
    )
    township_index = {t: i for i, t in enumerate(ctx.township_ids)}
    unit_index = {u: i for i, u in enumerate(ctx.unit_ids)}
    files = _shared_files(rng)

    statuses = [s for s, _ in STATUS_WEIGHTS]
    weights = [w for _, w in STATUS_WEIGHTS]
    types = ActivityType.values
    now = timezone.now()
    first_id = _reserve_ids(ActivityRecord, ctx.records)
    records, links = [], []
    for n in range(ctx.records):
        unit = units[n % len(units)]
        campaign = campaigns[unit["township_id"]]
        last = min(campaign["end_date"], ctx.today)
        span = max((last - campaign["start_date"]).days, 0)
        date = campaign["start_date"] + dt.timedelta(days=rng.randint(0, span))
        kind = types[rng.randrange(len(types))] if rng.random() < 0.4 else "lecture"
        status = rng.choices(statuses, weights)[0]
        at = timezone.make_aware(dt.datetime.combine(date, dt.time(18, 0)))
        at = min(at + dt.timedelta(hours=rng.randint(0, 72)), now)
        reviewed = status in ("approved", "returned")
        record_id = first_id + n
        liaison = liaisons.get(f"bench-liaison-{unit_index[unit['id']]}")
        reviewer = office.get(f"bench-office-{township_index.get(unit['township_id'], 0)}")
        records.append(
            (
                record_id,
                campaign["id"],
                unit["township_id"],
                unit["id"],
                unit["main_domain_id"],
                kind,
                rng.choice(TITLES[kind]),
                date,
                "会议室",
                "",
                rng.randint(5, 200),
                rng.randint(1, 60) if kind in COUNTED_BY_PIECE else 1,
                "",
                status,
                liaison,
                at if status != "draft" else None,
                reviewer if reviewed else None,
                at + dt.timedelta(days=1) if reviewed else None,
                "请补充签到表" if status == "returned" else "",
                at,
                at,
                1,  # version
                False,  # highlight
                "",  # withdraw_reason
            )
        )
        for task_id, task_types in tasks.get(unit["id"], [])[:1]:
            if not task_types or kind in task_types:
                links.append((record_id, task_id))
    _insert(
        ActivityRecord,
        [
            "id",
            "campaign_id",
            "township_id",
            "unit_id",
            "domain_id",
            "type",
            "title",
            "date",
            "place",
            "organiser",
            "participants",
            "quantity",
            "description",
            "status",
            "filed_by_id",
            "submitted_at",
            "reviewed_by_id",
            "reviewed_at",
            "return_reason",
            "created_at",
            "updated_at",
            "version",
            "highlight",
            "withdraw_reason",
        ],
        records,
    )
    del records
    through = ActivityRecord.tasks.through
    _insert(through, ["activityrecord_id", "task_id"], links)
    ctx.write(f"    {ctx.records} records, {len(links)} task links")

    evidence = []
    per_record = ctx.evidence / ctx.records
    n = 0
    for i in range(ctx.records):
        count = int((i + 1) * per_record) - int(i * per_record)
        for _ in range(count):
            name, thumb, width, height = files[n % len(files)]
            digest = hashlib.sha256(f"scale-evidence-{n}".encode()).hexdigest()
            evidence.append(
                (
                    first_id + i,
                    "image",
                    name,
                    thumb,
                    f"IMG_{n:07d}.jpg",
                    "image/jpeg",
                    ".jpg",
                    rng.randint(800_000, 4_000_000),
                    digest,
                    width,
                    height,
                    False,
                    now,
                )
            )
            n += 1
            if len(evidence) >= BATCH:
                _insert_evidence(evidence)
                evidence = []
    _insert_evidence(evidence)
    ctx.write(f"    {n} evidence rows ({len(files)} shared files on disk)")
    _recompute_progress(list(ctx.campaign_ids.values()))


def _insert_evidence(rows) -> None:
    if rows:
        _insert(
            Evidence,
            [
                "record_id",
                "kind",
                "file",
                "thumbnail",
                "original_name",
                "mime_type",
                "extension",
                "size",
                "sha256",
                "width",
                "height",
                "duplicate",
                "created_at",
            ],
            rows,
        )


def _units(ctx) -> list[dict]:
    from organisations.models import Organisation

    return list(
        Organisation.objects.filter(pk__in=ctx.unit_ids)
        .order_by("pk")
        .values("id", "township_id", "main_domain_id")
    )


def _tasks_by_unit(campaign_ids: list[int]) -> dict[int, list[tuple[int, list]]]:
    by_unit: dict[int, list[tuple[int, list]]] = defaultdict(list)
    tasks = Task.objects.filter(campaign_id__in=campaign_ids)
    types = dict(tasks.values_list("id", "activity_types"))
    for task_id, lead in tasks.values_list("id", "lead_unit_id"):
        by_unit[lead].append((task_id, types[task_id] or []))
    for task_id, unit_id in Task.co_units.through.objects.filter(
        task__campaign_id__in=campaign_ids
    ).values_list("task_id", "organisation_id"):
        by_unit[unit_id].append((task_id, types[task_id] or []))
    return by_unit


def _shared_files(rng) -> list[tuple[str, str, int, int]]:
    """A few real photos (and thumbnails) that all scale evidence rows point at."""
    out = []
    for i in range(6):
        color = (rng.randrange(256), rng.randrange(256), rng.randrange(256))
        image = Image.new("RGB", (1600, 1200), color)
        buffer = io.BytesIO()
        image.save(buffer, "JPEG", quality=80)
        thumb = image.copy()
        thumb.thumbnail((320, 320))
        thumb_buffer = io.BytesIO()
        thumb.save(thumb_buffer, "JPEG", quality=80)
        name = f"evidence/scale/photo-{i}.jpg"
        thumb_name = f"evidence/scale/thumb-{i}.jpg"
        for target, data in ((name, buffer), (thumb_name, thumb_buffer)):
            if not default_storage.exists(target):
                default_storage.save(target, ContentFile(data.getvalue()))
        out.append((name, thumb_name, 1600, 1200))
    return out


def _reserve_ids(model, count: int) -> int:
    """The first of `count` consecutive ids nobody else will take."""
    table = model._meta.db_table
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SELECT pg_get_serial_sequence(%s, 'id')", [table])
            sequence = cursor.fetchone()[0]
            cursor.execute(f"SELECT COALESCE(MAX(id), 0) + 1 FROM {table}")  # noqa: S608
            start = cursor.fetchone()[0]
            cursor.execute("SELECT setval(%s, %s)", [sequence, start + count])
            return start
        cursor.execute(f"SELECT COALESCE(MAX(id), 0) + 1 FROM {table}")  # noqa: S608
        return cursor.fetchone()[0]


def _text(value) -> str:
    if value is None:
        return r"\N"
    if isinstance(value, bool):
        return "t" if value else "f"
    if isinstance(value, dt.datetime | dt.date):
        return value.isoformat()
    return str(value).replace("\\", "\\\\").replace("\t", " ").replace("\n", " ")


def _insert(model, columns: list[str], rows: list[tuple]) -> None:
    if not rows:
        return
    if connection.vendor == "postgresql":
        table = model._meta.db_table
        # COPY knows nothing of Django's defaults: fill NOT NULL fields left out with theirs,
        # so a field added to the model later does not break the bulk load.
        missing = [
            f
            for f in model._meta.concrete_fields
            if f.attname not in columns and not f.null and f.has_default() and not f.primary_key
        ]
        if missing:
            columns = [*columns, *(f.column for f in missing)]
            extra = tuple(f.get_default() for f in missing)
            rows = [(*row, *extra) for row in rows]
        for start in range(0, len(rows), BATCH):
            buffer = io.StringIO()
            for row in rows[start : start + BATCH]:
                buffer.write("\t".join(_text(v) for v in row))
                buffer.write("\n")
            buffer.seek(0)
            with connection.cursor() as cursor:
                cursor.cursor.copy_expert(f"COPY {table} ({', '.join(columns)}) FROM STDIN", buffer)
        return
    fields = [model._meta.get_field(c.removesuffix("_id")).attname for c in columns]
    model.objects.bulk_create(
        [model(**dict(zip(fields, row, strict=True))) for row in rows], batch_size=2000
    )


def _recompute_progress(campaign_ids: list[int]) -> None:
    from campaigns import progress

    recompute = getattr(progress, "recompute_campaign", None)
    if recompute is None or not Task.objects.filter(campaign_id__in=campaign_ids).exists():
        return
    for campaign_id in campaign_ids:
        recompute(campaign_id)
