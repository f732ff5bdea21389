"""Activity ledger benchmarks: review queue, ledger, monthly report, filing with photos.

Targets (issue 4): queue, ledger and monthly report < 100 ms p95 with 200,000 records and
500,000 evidence rows; filing a record with five 4 MB phone photos < 3 s p95 server time and
peak worker memory < 300 MB.

The filing figure's "peak" is tracemalloc (Python allocations); Pillow's pixel buffers are
allocated in C, so the note also gives the process's peak RSS growth over the filing runs.
"""

from __future__ import annotations

import io
import resource
import statistics
import struct
import time

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from PIL import Image

from activities import ledger
from campaigns.models import Campaign
from organisations.models import Organisation, Role, User

OFFICE = "bench-office-0"
LEADER = "bench-leader-0"


def phone_photo(seed: int) -> bytes:
    """A 12-megapixel JPEG of about 4 MB (noise keeps it from compressing away)."""
    size = (4032, 3024)
    red = Image.effect_noise(size, 60 + seed)
    green = Image.linear_gradient("L").resize(size)
    blue = Image.effect_noise(size, 30)
    out = io.BytesIO()
    Image.merge("RGB", (red, green, blue)).save(out, "JPEG", quality=75)
    return out.getvalue()


def with_comment(jpeg: bytes, text: str) -> bytes:
    """The same photo with a JPEG comment segment: different bytes, so a new hash and file."""
    payload = text.encode()
    return jpeg[:2] + b"\xff\xfe" + struct.pack(">H", len(payload) + 2) + payload + jpeg[2:]


def run(h) -> None:
    township = Organisation.objects.get(code="bench-t0")
    campaign = Campaign.objects.filter(township=township).order_by("-year").first()
    unit = Organisation.objects.units().filter(township=township).order_by("pk").first()
    base = f"?campaign={campaign.pk}"

    pages = [
        ("activities: review queue (office)", OFFICE, "/activities/review/"),
        (
            "activities: review queue, filtered",
            OFFICE,
            f"/activities/review/?status=submitted&type=lecture&domain=&unit={unit.pk}",
        ),
        ("activities: record list (office)", OFFICE, "/activities/"),
        ("activities: ledger, township", OFFICE, f"/activities/ledger/{base}"),
        ("activities: ledger, domain", LEADER, f"/activities/ledger/{base}&domain=villages"),
        ("activities: ledger, unit", OFFICE, f"/activities/ledger/{base}&unit={unit.pk}"),
        ("activities: monthly report", OFFICE, f"/activities/monthly/{base}"),
    ]
    for name, username, url in pages:
        figure = h.page(name, username, url)
        figure.note = _cpu_note(h, username, url)
        print(f"    {figure.note}", flush=True)
    h.call("activities: ledger.township_ledger()", lambda: ledger.township_ledger(campaign))
    h.call("activities: ledger.monthly_report()", lambda: ledger.monthly_report(campaign))
    h.page(
        "activities: ledger export xlsx (township)",
        OFFICE,
        f"/activities/ledger/export/{base}",
        runs=3,
        warmup=1,
    )
    _filing(h, township)


def _cpu_note(h, username: str, url: str, runs: int = 10) -> str:
    """The machine is shared: besides wall time, give the web process's own CPU time and the
    database's time (from the captured queries), which do not count waiting for a core."""
    from django.db import connection, reset_queries
    from django.test.utils import CaptureQueriesContext

    client = h.client_for(username)
    cpu, sql = [], []
    for _ in range(runs):
        with CaptureQueriesContext(connection) as ctx:
            started = time.process_time()
            client.get(url)
            cpu.append((time.process_time() - started) * 1000)
        sql.append(sum(float(q["time"]) for q in ctx.captured_queries) * 1000)
        reset_queries()
    return (
        f"python CPU p50 {statistics.median(cpu):.0f} ms, SQL p50 {statistics.median(sql):.0f} ms"
    )


def _filing(h, township) -> None:
    liaison_role = (
        Role.objects.filter(kind=Role.Kind.LIAISON, organisation__township=township)
        .select_related("user", "organisation")
        .order_by("organisation_id")
        .first()
    )
    user = User.objects.get(pk=liaison_role.user_id)
    photos = [phone_photo(i) for i in range(5)]
    sizes = ", ".join(f"{len(p) / 1e6:.1f}" for p in photos)
    counter = iter(range(1_000_000))
    client = h.client_for(user.username)
    today = timezone.localdate().isoformat()

    def file_one():
        n = next(counter)
        files = [
            SimpleUploadedFile(
                f"IMG_{n}_{i}.jpg", with_comment(p, f"bench {n} {i}"), content_type="image/jpeg"
            )
            for i, p in enumerate(photos)
        ]
        response = client.post(
            "/activities/new/",
            {
                "date": today,
                "domain": liaison_role.organisation.main_domain_id,
                "type": "lecture",
                "title": f"基准测试党课{n}",
                "participants": "30",
                "files": files,
                "submit": "1",
            },
        )
        if response.status_code != 302:
            raise AssertionError(
                f"filing answered {response.status_code}: {response.content[:500]!r}"
            )

    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    figure = h.call(
        "activities: file record with 5 × 4 MB photos",
        file_one,
        runs=int(getattr(h, "filing_runs", 12)),
        warmup=1,
        note=f"photos MB: {sizes}",
    )
    after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    figure.note += f"; process peak RSS {after / 1024:.0f} MiB (+{(after - before) / 1024:.0f} MiB)"
    print(f"    {figure.note}", flush=True)
