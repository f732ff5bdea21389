"""Activity ledger benchmarks: review queue, ledger, monthly report, filing with photos.

Targets (issue 4): queue, ledger and monthly report < 100 ms p95 with 200,000 records and
500,000 evidence rows; filing a record with five 4 MB phone photos < 3 s p95 server time and
peak worker memory < 300 MB.

The filing figure's "peak" is tracemalloc (Python allocations); Pillow's pixel buffers are
allocated in C, so the note also gives the process's peak RSS growth over the filing runs.
"""

from __future__ import annotations

import io
import os
import re
import resource
import statistics
import struct
import subprocess
import time
import urllib.error
import urllib.request
import uuid

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
    _exports(h, campaign, unit)
    _filing(h, township)
    if os.environ.get("BENCH_WORKER", "1") == "1":
        _worker_memory(h, township)


def _exports(h, campaign, unit) -> None:
    """The Excel exports' work, as the background job does it (`reports.exports.run_export`
    minus the job row, which the read-only bench database must not get): the workbook written
    to a temporary file in write-only mode, the rows read in keyset batches. Peak memory is
    Python's (tracemalloc); a flat figure from one unit's rows to the township's shows the
    export stays in constant memory."""
    import tempfile
    from pathlib import Path

    from activities import export, publicity
    from activities.models import PublicityItem
    from organisations.models import User

    folder = Path(tempfile.mkdtemp(prefix="qf-bench-export-"))
    seen: dict[str, int] = {}

    def ledger_export(label, **scope):
        def fn():
            seen[label] = export.write_ledger(folder / "ledger.xlsx", campaign, **scope)

        return fn

    for label, scope in (("township", {}), ("unit", {"unit": unit})):
        name = f"activities: ledger export xlsx ({label}), job work"
        figure = h.call(name, ledger_export(label, **scope), runs=3, warmup=1)
        size = (folder / "ledger.xlsx").stat().st_size / (1024 * 1024)
        figure.note = f"rows {seen[label]}, file {size:.1f} MiB"
        print(f"    {figure.note}", flush=True)
    office = User.objects.get(username=OFFICE)
    items, _form = publicity.listed_items(office, {})
    if PublicityItem.objects.exists():
        figure = h.call(
            "activities: publicity export xlsx (office), job work",
            lambda: seen.__setitem__(
                "publicity", export.write_publicity(folder / "publicity.xlsx", items)
            ),
            runs=3,
            warmup=1,
        )
        figure.note = f"rows {seen['publicity']}"
        print(f"    {figure.note}", flush=True)
    for path in folder.iterdir():
        path.unlink()
    folder.rmdir()


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


def _worker_memory(h, township, posts: int = 5) -> None:
    """File records over real HTTP into one gunicorn worker and read the worker's peak RSS
    (VmHWM): the memory a production worker needs for five 4 MB photos."""
    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.sessions.backends.db import SessionStore

    from bench.harness import Figure, percentile

    role = (
        Role.objects.filter(kind=Role.Kind.LIAISON, organisation__township=township)
        .select_related("organisation")
        .order_by("organisation_id")
        .first()
    )
    user = User.objects.get(pk=role.user_id)
    session = SessionStore()
    session[SESSION_KEY] = str(user.pk)
    session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
    session[HASH_SESSION_KEY] = user.get_session_auth_hash()
    session.create()
    photos = [phone_photo(i) for i in range(5)]
    port = int(os.environ.get("BENCH_WORKER_PORT", "8765"))
    env = dict(os.environ, ALLOWED_HOSTS="127.0.0.1,localhost")
    server = subprocess.Popen(  # noqa: S603
        [
            str(settings.BASE_DIR / ".venv" / "bin" / "gunicorn"),
            "config.wsgi",
            "-w",
            "1",
            "-b",
            f"127.0.0.1:{port}",
            "--timeout",
            "120",
        ],
        cwd=settings.BASE_DIR,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    base = f"http://127.0.0.1:{port}"
    cookie = f"sessionid={session.session_key}"
    try:
        html = None
        for _ in range(60):
            try:
                request = urllib.request.Request(
                    base + "/activities/new/", headers={"Cookie": cookie}
                )
                with urllib.request.urlopen(request) as response:  # noqa: S310
                    html = response.read().decode()
                    cookies = "; ".join(response.headers.get_all("Set-Cookie") or [])
                    csrf = re.search(r"csrftoken=([^;]+)", cookies)
                break
            except OSError:
                time.sleep(0.5)
        if html is None:
            raise AssertionError("gunicorn did not start")
        worker = int(subprocess.check_output(["pgrep", "-P", str(server.pid)]).split()[0])  # noqa: S603, S607
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html).group(1)
        cookie += f"; csrftoken={csrf.group(1)}"
        samples = []
        for n in range(posts):
            boundary = uuid.uuid4().hex
            body = io.BytesIO()
            fields = {
                "csrfmiddlewaretoken": token,
                "date": timezone.localdate().isoformat(),
                "domain": role.organisation.main_domain_id,
                "type": "lecture",
                "title": f"内存基准{n}",
                "participants": "30",
                "submit": "1",
            }
            for name, value in fields.items():
                body.write(
                    f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n'
                    f"{value}\r\n".encode()
                )
            for i, photo in enumerate(photos):
                body.write(
                    f'--{boundary}\r\nContent-Disposition: form-data; name="files"; '
                    f'filename="IMG_{n}_{i}.jpg"\r\nContent-Type: image/jpeg\r\n\r\n'.encode()
                )
                body.write(with_comment(photo, f"worker {uuid.uuid4()}"))
                body.write(b"\r\n")
            body.write(f"--{boundary}--\r\n".encode())
            request = urllib.request.Request(
                base + "/activities/new/",
                data=body.getvalue(),
                headers={
                    "Content-Type": f"multipart/form-data; boundary={boundary}",
                    "Cookie": cookie,
                    "Referer": base + "/activities/new/",
                },
            )
            started = time.perf_counter()
            try:
                with _no_redirects().open(request) as response:
                    status = response.status
            except urllib.error.HTTPError as exc:
                status = exc.code
            samples.append((time.perf_counter() - started) * 1000)
            if status != 302:
                raise AssertionError(f"worker filing answered {status}")
        peak_kib = next(
            int(line.split()[1])
            for line in open(f"/proc/{worker}/status")
            if line.startswith("VmHWM")
        )
    finally:
        server.terminate()
        server.wait()
    h.record(
        Figure(
            name="activities: file 5 × 4 MB photos, gunicorn worker",
            p50_ms=round(statistics.median(samples), 2),
            p95_ms=round(percentile(samples, 95), 2),
            queries=None,
            peak_mib=round(peak_kib / 1024, 2),
            note="over HTTP; peak = worker VmHWM (RSS high-water mark)",
        )
    )


def _no_redirects():
    class NoRedirect(urllib.request.HTTPRedirectHandler):
        def redirect_request(self, *args, **kwargs):
            return None

    return urllib.request.build_opener(NoRedirect)
