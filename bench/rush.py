"""The month-end rush: 20 liaisons filing records with photos while 20 readers load dashboards.

    DATABASE_URL=postgres://…/qingfeng_bench REDIS_URL=redis://127.0.0.1:6379/<n> \\
        .venv/bin/python bench/rush.py [--keep]

Starts, on loopback, gunicorn (2 × cores + 1 plain workers; RUSH_THREADS gives each that many
threads) and a Celery worker (prefork, one process per core, at nice RUSH_WORKER_NICE (15)), as
the systemd units in deploy/ run them, against the bench database, then for RUSH_SECONDS (60) runs

* RUSH_FILERS (20) filing clients, each a liaison of the bench data in its own unit: open the
  filing form, send it with 3 photos of ~3 MB (12-megapixel JPEGs, 4000×3000, quality 92,
  generated once from seeded noise and gradients and cached in bench/.data-rush/photos; each
  upload gets a few unique trailing bytes so every photo is a new file, not a duplicate), open
  the record page, think for ~RUSH_FILER_THINK seconds, again;
* RUSH_READERS (20) dashboard readers, office staff of the bench townships, each loading their
  township dashboard and thinking ~RUSH_READER_THINK seconds between loads.

Everything is bounded: a fixed duration, 30 s per request, then at most RUSH_DRAIN_SECONDS for
the worker to finish the photos; the servers are stopped whatever happens. It records p50/p95
per request kind, errors (anything but the expected answer), photo processed p50/p95 (upload
row created → processed), peak RSS of the web and worker processes (the largest single
process, VmHWM, and the largest sampled sum), and checks that nothing was lost: every photo of
every accepted record has its row, its processed file and its thumbnail on disk. Figures go to
bench/results.json under names starting "rush:". The records it filed are removed at the end
(through the stored-figure hook, so tallies are as before) unless --keep is given.

The broker is REDIS_URL: give the bench its own Redis database, as the worker takes whatever
task is in that queue.
"""

from __future__ import annotations

import io
import json
import os
import random
import re
import secrets
import shutil
import signal
import statistics
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
import uuid
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
DATA = ROOT / "bench" / ".data-rush"  # ignored by git (bench/.data*)
PHOTOS = DATA / "photos"
MEDIA = DATA / "media"

SECONDS = float(os.environ.get("RUSH_SECONDS", "60"))
FILERS = int(os.environ.get("RUSH_FILERS", "20"))
READERS = int(os.environ.get("RUSH_READERS", "20"))
FILER_THINK = float(os.environ.get("RUSH_FILER_THINK", "5"))
READER_THINK = float(os.environ.get("RUSH_READER_THINK", "1"))
DRAIN_SECONDS = float(os.environ.get("RUSH_DRAIN_SECONDS", "180"))
PORT = int(os.environ.get("RUSH_PORT", "18791"))
# As deploy/systemd/qingfeng-worker.service: background work yields the CPU to page requests.
WORKER_NICE = int(os.environ.get("RUSH_WORKER_NICE", "15"))
THREADS = int(os.environ.get("RUSH_THREADS", "1"))
PHOTO_COUNT = 6
PHOTO_SIZE = (4000, 3000)
TIMEOUT = 30

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
os.environ.update(
    DEBUG="false",
    HTTPS="false",
    ALLOWED_HOSTS="127.0.0.1,localhost",
    TWO_FACTOR_REQUIRED="false",
    CELERY_TASK_ALWAYS_EAGER="false",
    MEDIA_ROOT=str(MEDIA),
    QF_TESTING="false",
)
os.environ.setdefault("SECRET_KEY", "bench-only-" + "x" * 60)

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.utils import timezone  # noqa: E402

from bench.harness import percentile  # noqa: E402

# --- the photos ------------------------------------------------------------------------------------


def make_photo(seed: int) -> bytes:
    """A 12-megapixel JPEG of ~3 MB: smooth gradients under coarse seeded noise (a phone photo
    of a meeting room compresses about as well), with the EXIF a camera writes."""
    from PIL import Image

    rng = random.Random(seed)
    width, height = PHOTO_SIZE
    noise_w, noise_h = 1000, 750
    channels = []
    for _channel in range(3):
        noise = Image.frombytes("L", (noise_w, noise_h), rng.randbytes(noise_w * noise_h))
        noise = noise.resize(PHOTO_SIZE, Image.Resampling.BICUBIC)
        gradient = Image.linear_gradient("L").rotate(rng.choice([0, 90, 180, 270]))
        channels.append(Image.blend(gradient.resize(PHOTO_SIZE), noise, 60 / 255))
    exif = Image.Exif()
    exif[0x010F] = "BenchCam"
    exif[0x0132] = f"2026:06:{1 + seed:02d} 09:30:00"
    exif.get_ifd(0x8769)[0x9003] = f"2026:06:{1 + seed:02d} 09:30:00"
    out = io.BytesIO()
    Image.merge("RGB", channels).save(out, "JPEG", quality=92, exif=exif)
    return out.getvalue()


def photo_set() -> list[bytes]:
    PHOTOS.mkdir(parents=True, exist_ok=True)
    photos = []
    for seed in range(PHOTO_COUNT):
        path = PHOTOS / f"rush-{seed}.jpg"
        if not path.exists():
            path.write_bytes(make_photo(seed))
        photos.append(path.read_bytes())
    return photos


# --- servers -----------------------------------------------------------------------------------------


def start_servers(log_dir: Path) -> tuple[subprocess.Popen, subprocess.Popen, int]:
    cores = os.cpu_count() or 1
    workers = 2 * cores + 1
    env = dict(os.environ)
    bin_dir = Path(sys.executable).parent
    web = subprocess.Popen(  # noqa: S603 - our own gunicorn and arguments
        [
            str(bin_dir / "gunicorn"),
            "config.wsgi:application",
            "--bind",
            f"127.0.0.1:{PORT}",
            "--workers",
            str(workers),
            "--threads",
            str(THREADS),
            "--timeout",
            "120",
            "--access-logfile",
            "/dev/null",
            "--error-logfile",
            str(log_dir / "gunicorn.log"),
        ],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    worker = subprocess.Popen(  # noqa: S603 - our own celery and arguments
        [
            "nice",
            "-n",
            str(WORKER_NICE),
            str(bin_dir / "celery"),
            "-A",
            "config",
            "worker",
            "--pool=prefork",
            f"--concurrency={cores}",
            "--without-gossip",
            "--without-mingle",
            "--without-heartbeat",
            "-n",
            f"rush-{os.getpid()}@%h",
            "-l",
            "warning",
        ],
        cwd=ROOT,
        env=env,
        stdout=(log_dir / "worker.log").open("wb"),
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    return web, worker, workers


def stop(process: subprocess.Popen | None) -> None:
    if process is None or process.poll() is not None:
        return
    os.killpg(process.pid, signal.SIGTERM)
    try:
        process.wait(timeout=30)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=10)


def family(pid: int) -> list[int]:
    """A process and its children (gunicorn's workers, celery's pool)."""
    out = subprocess.run(  # noqa: S603, S607
        ["ps", "-o", "pid=", "--ppid", str(pid)], capture_output=True, text=True
    ).stdout
    return [pid, *(int(p) for p in out.split())]


def status_kib(pid: int, field: str) -> int:
    try:
        with open(f"/proc/{pid}/status") as handle:
            for line in handle:
                if line.startswith(field + ":"):
                    return int(line.split()[1])
    except OSError:
        pass
    return 0


def cpu_seconds(pid: int) -> float | None:
    """User + system CPU time of one process so far."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return None
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


class MemoryWatch(threading.Thread):
    """Samples the RSS of both process families; keeps each process's high-water mark."""

    def __init__(self, groups: dict[str, int]):
        super().__init__(daemon=True)
        self.groups = groups
        self.stopped = threading.Event()
        self.total_peak = defaultdict(int)  # KiB, largest sampled sum per group
        self.single_peak = defaultdict(int)  # KiB, largest VmHWM of one process per group
        self.cpu = defaultdict(dict)  # group → pid → CPU seconds (user + system) last seen
        self.sample()
        self.base = {name: dict(seen) for name, seen in self.cpu.items()}  # before the rush

    def sample(self) -> None:
        for name, pid in self.groups.items():
            pids = family(pid)
            total = sum(status_kib(p, "VmRSS") for p in pids)
            self.total_peak[name] = max(self.total_peak[name], total)
            for p in pids:
                self.single_peak[name] = max(self.single_peak[name], status_kib(p, "VmHWM"))
                seconds = cpu_seconds(p)
                if seconds is not None:
                    self.cpu[name][p] = seconds

    def cpu_total(self, name: str) -> float:
        """CPU seconds the group used since the watch started (after the warm-up)."""
        base = self.base.get(name, {})
        return sum(seconds - base.get(pid, 0.0) for pid, seconds in self.cpu[name].items())

    def run(self) -> None:
        while not self.stopped.wait(0.5):
            self.sample()


# --- clients -----------------------------------------------------------------------------------------


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


OPENER = urllib.request.build_opener(NoRedirect)
BASE = f"http://127.0.0.1:{PORT}"


class Stats:
    def __init__(self):
        self.lock = threading.Lock()
        self.times: dict[str, list[float]] = defaultdict(list)
        self.errors: dict[str, list[str]] = defaultdict(list)
        self.accepted: list[int] = []  # record ids the filing answered with
        self.tokens: list[str] = []  # every filing form sent (to find what it created)

    def add(self, kind: str, ms: float, error: str | None = None) -> None:
        with self.lock:
            self.times[kind].append(ms)
            if error:
                self.errors[kind].append(error)


def request(stats: Stats, kind: str, url: str, cookie: str, *, data=None, headers=None, expect):
    """One timed request; returns (status, headers, body) or None on a transport error."""
    req = urllib.request.Request(
        BASE + url, data=data, headers={"Cookie": cookie, **(headers or {})}
    )
    started = time.perf_counter()
    try:
        try:
            with OPENER.open(req, timeout=TIMEOUT) as response:
                status, head, body = response.status, response.headers, response.read()
        except urllib.error.HTTPError as exc:
            status, head, body = exc.code, exc.headers, exc.read()
    except OSError as exc:
        stats.add(kind, (time.perf_counter() - started) * 1000, f"{type(exc).__name__}: {exc}")
        return None
    elapsed = (time.perf_counter() - started) * 1000
    stats.add(kind, elapsed, None if status == expect else f"HTTP {status}")
    return status, head, body


def session_cookie(user) -> str:
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.sessions.backends.db import SessionStore

    session = SessionStore()
    session[SESSION_KEY] = str(user.pk)
    session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
    session[HASH_SESSION_KEY] = user.get_session_auth_hash()
    session.create()
    return f"{settings.SESSION_COOKIE_NAME}={session.session_key}"


def multipart(fields: dict, files: list[tuple[str, bytes]]) -> tuple[bytes, str]:
    boundary = uuid.uuid4().hex
    body = io.BytesIO()
    for name, value in fields.items():
        body.write(
            f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'.encode()
        )
    for filename, content in files:
        body.write(
            f'--{boundary}\r\nContent-Disposition: form-data; name="files"; '
            f'filename="{filename}"\r\nContent-Type: image/jpeg\r\n\r\n'.encode()
        )
        body.write(content)
        body.write(b"\r\n")
    body.write(f"--{boundary}--\r\n".encode())
    return body.getvalue(), f"multipart/form-data; boundary={boundary}"


def filer(n: int, spec: dict, photos: list[bytes], stats: Stats, deadline: float) -> None:
    rng = random.Random(n)
    cookie = spec["cookie"]
    k = 0
    while time.monotonic() < deadline:
        got = request(stats, "form", "/activities/new/", cookie, expect=200)
        if got is None or got[0] != 200:
            time.sleep(1)
            continue
        _status, head, body = got
        html = body.decode()
        csrf = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html)
        token = re.search(r'name="token" value="([^"]+)"', html)
        set_cookie = "; ".join(head.get_all("Set-Cookie") or [])
        csrf_cookie = re.search(r"csrftoken=([^;]+)", set_cookie)
        if not (csrf and token):
            stats.add("filing", 0.0, "form without csrf or token")
            continue
        post_cookie = cookie + (f"; csrftoken={csrf_cookie.group(1)}" if csrf_cookie else "")
        fields = {
            "csrfmiddlewaretoken": csrf.group(1),
            "token": token.group(1),
            "date": spec["date"],
            "domain": spec["domain"],
            "type": "lecture",
            "title": f"月底集中填报{n}-{k}",
            "place": "村委会会议室",
            "participants": "30",
            "description": "基准测试：月底集中填报。",
            "submit": "1",
        }
        chosen = rng.sample(range(len(photos)), 3)
        # A few unique bytes after the end-of-image marker: a new file each time, the picture
        # itself unchanged (decoders stop at the marker).
        files = [
            (f"IMG_{n}_{k}_{i}.jpg", photos[i] + b"rush" + secrets.token_bytes(12)) for i in chosen
        ]
        data, content_type = multipart(fields, files)
        with stats.lock:
            stats.tokens.append(token.group(1))
        got = request(
            stats,
            "filing",
            "/activities/new/",
            post_cookie,
            data=data,
            headers={"Content-Type": content_type, "Referer": BASE + "/activities/new/"},
            expect=302,
        )
        if got is not None and got[0] == 302:
            location = got[1].get("Location", "")
            found = re.search(r"/activities/(\d+)/", location)
            if found:
                with stats.lock:
                    stats.accepted.append(int(found.group(1)))
                request(stats, "record page", location.replace(BASE, ""), cookie, expect=200)
        k += 1
        pause = FILER_THINK * rng.uniform(0.5, 1.5)
        time.sleep(max(0.0, min(pause, deadline - time.monotonic())))


def reader(n: int, cookie: str, stats: Stats, deadline: float) -> None:
    rng = random.Random(1000 + n)
    while time.monotonic() < deadline:
        request(stats, "dashboard", "/dashboard/township/", cookie, expect=200)
        pause = READER_THINK * rng.uniform(0.5, 1.5)
        time.sleep(max(0.0, min(pause, deadline - time.monotonic())))


# --- the run -----------------------------------------------------------------------------------------


def filer_specs() -> list[dict]:
    from activities.services import current_campaign
    from organisations.models import Role, User

    roles = list(
        Role.objects.filter(kind=Role.Kind.LIAISON, user__username__startswith="bench-liaison-")
        .select_related("organisation")
        .order_by("user_id")
    )
    seen_units, specs = set(), []
    today = timezone.localdate()
    for role in roles:
        unit = role.organisation
        if unit.pk in seen_units:
            continue
        campaign = current_campaign(unit.township_id)
        if campaign is None or campaign.start_date > today:
            continue
        seen_units.add(unit.pk)
        user = User.objects.get(pk=role.user_id)
        specs.append(
            {
                "cookie": session_cookie(user),
                "date": min(today, campaign.end_date).isoformat(),
                "domain": unit.main_domain_id,
                "user": user.username,
            }
        )
        if len(specs) == FILERS:
            break
    if len(specs) < FILERS:
        raise SystemExit(f"rush: only {len(specs)} liaisons with a running campaign")
    return specs


def reader_cookies() -> list[str]:
    from organisations.models import User

    offices = list(User.objects.filter(username__startswith="bench-office-").order_by("pk"))
    cookies = [session_cookie(u) for u in offices]
    return [cookies[i % len(cookies)] for i in range(READERS)]


def wait_until_up(web: subprocess.Popen, cookie: str) -> None:
    last = ""
    for _ in range(240):
        if web.poll() is not None:
            raise SystemExit("rush: gunicorn exited at start (see bench/.data-rush/gunicorn.log)")
        try:
            req = urllib.request.Request(BASE + "/dashboard/township/", headers={"Cookie": cookie})
            with OPENER.open(req, timeout=10) as response:
                if response.status == 200:
                    return
        except urllib.error.HTTPError as exc:
            last = f"HTTP {exc.code}"
        except OSError as exc:
            last = str(exc)
        time.sleep(0.5)
    raise SystemExit(f"rush: gunicorn did not answer the dashboard ({last})")


def created_records(stats: Stats) -> list[int]:
    from activities.models import ActivityRecord

    return list(
        ActivityRecord.objects.filter(submission_token__in=stats.tokens).values_list(
            "pk", flat=True
        )
    )


def pending_count(ids: list[int]) -> int:
    from activities.models import EvidenceUpload

    return EvidenceUpload.objects.filter(record_id__in=ids, state="pending").count()


def check_nothing_lost(stats: Stats, ids: list[int]) -> dict:
    """Every photo of every record the run created: its row, its file and its thumbnail."""
    from activities.models import ActivityRecord, Evidence, EvidenceUpload

    problems = []
    uploads = list(EvidenceUpload.objects.filter(record_id__in=ids))
    by_record = defaultdict(list)
    for item in uploads:
        by_record[item.record_id].append(item)
    for pk in stats.accepted:
        if len(by_record[pk]) != 3:
            problems.append(f"record {pk}: {len(by_record[pk])} uploads, not 3")
    evidence = {e.pk: e for e in Evidence.objects.filter(record_id__in=ids)}
    for item in uploads:
        if item.state != "done":
            problems.append(f"upload {item.pk}: {item.state} {item.reason}")
            continue
        ev = evidence.get(item.evidence_id)
        if ev is None:
            problems.append(f"upload {item.pk}: no evidence row")
            continue
        for name in (ev.file.name, ev.thumbnail.name):
            if not name or not (MEDIA / name).is_file():
                problems.append(f"evidence {ev.pk}: {name!r} missing on disk")
    extra = len(evidence) - sum(1 for u in uploads if u.evidence_id)
    if extra:
        problems.append(f"{extra} evidence rows without an upload (duplicated?)")
    records = ActivityRecord.objects.filter(pk__in=ids).count()
    return {
        "records": records,
        "accepted_records": len(stats.accepted),
        "photos": len(uploads),
        "evidence": len(evidence),
        "problems": problems,
    }


def processed_times(ids: list[int]) -> list[float]:
    from activities.models import EvidenceUpload

    rows = EvidenceUpload.objects.filter(record_id__in=ids, state="done").values_list(
        "created_at", "finished_at"
    )
    return [(done - created).total_seconds() * 1000 for created, done in rows]


def remove_records(ids: list[int]) -> None:
    """Take the bench's records out again through the one stored-figure hook."""
    from activities import recount
    from activities.models import ActivityRecord, Evidence

    if not ids:
        return
    with transaction.atomic():
        before = recount.footprints(ids)
        evidence_ids = list(Evidence.objects.filter(record_id__in=ids).values_list("pk", flat=True))
        ActivityRecord.objects.filter(pk__in=ids).delete()
        Evidence.history.filter(id__in=evidence_ids).delete()
        ActivityRecord.history.filter(id__in=ids).delete()
        recount.records_changed(before=before.values())


def load() -> str:
    return " ".join(Path("/proc/loadavg").read_text().split()[:3])


def figure(name: str, samples: list[float], errors: int, **extra) -> dict:
    return {
        "name": name,
        "p50_ms": round(statistics.median(samples), 1) if samples else None,
        "p95_ms": round(percentile(samples, 95), 1) if samples else None,
        "queries": None,
        "peak_mib": None,
        "n": len(samples),
        "errors": errors,
        **extra,
    }


def main(argv: list[str]) -> int:
    if connection.vendor != "postgresql":
        print("rush: DATABASE_URL must point at the bench database (PostgreSQL)", file=sys.stderr)
        return 2
    if not settings.REDIS_URL:
        print("rush: REDIS_URL must name a Redis database for the broker", file=sys.stderr)
        return 2
    from activities.models import ActivityRecord
    from config.celery import app

    keep = "--keep" in argv
    if not (Path(settings.STATIC_ROOT) / "staticfiles.json").exists():
        from django.core.management import call_command

        call_command("collectstatic", "--noinput", verbosity=0)  # pages need the manifest
    photos = photo_set()
    print(f"rush: photos {', '.join(f'{len(p) / 1e6:.1f}' for p in photos)} MB", flush=True)
    if MEDIA.exists():
        shutil.rmtree(MEDIA)
    MEDIA.mkdir(parents=True)
    data_records = ActivityRecord.objects.count()
    specs = filer_specs()
    readers = reader_cookies()
    connection.close()
    app.control.purge()  # nothing left over in this broker database
    stats = Stats()
    web = worker = watch = None
    load_before = load_during = load()
    client_cpu = time.process_time()
    try:
        web, worker, web_workers = start_servers(DATA)
        wait_until_up(web, readers[0])
        for cookie in set(readers):  # every gunicorn worker imports and renders once
            for _ in range(web_workers):
                request(Stats(), "warm", "/dashboard/township/", cookie, expect=200)
        watch = MemoryWatch({"web": web.pid, "worker": worker.pid})
        watch.start()
        print(
            f"rush: {FILERS} filers, {READERS} readers, {SECONDS:.0f} s, gunicorn {web_workers} "
            f"workers × {THREADS} threads, celery {os.cpu_count()} processes at nice {WORKER_NICE}, "
            f"load {load_before}",
            flush=True,
        )
        deadline = time.monotonic() + SECONDS
        threads = [
            threading.Thread(target=filer, args=(n, spec, photos, stats, deadline))
            for n, spec in enumerate(specs)
        ] + [
            threading.Thread(target=reader, args=(n, cookie, stats, deadline))
            for n, cookie in enumerate(readers)
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=SECONDS + 2 * TIMEOUT + 10)
        load_during = load()
        ids = created_records(stats)
        drain_deadline = time.monotonic() + DRAIN_SECONDS
        while pending_count(ids) and time.monotonic() < drain_deadline:
            time.sleep(0.5)
        watch.sample()
    finally:
        if watch is not None:
            watch.stopped.set()
        stop(web)
        stop(worker)
    ids = created_records(stats)
    lost = check_nothing_lost(stats, ids)
    processed = processed_times(ids)
    errors = {kind: len(v) for kind, v in stats.errors.items()}
    common = {"data_records": data_records, "load": load_during}
    rows = [
        figure(
            "rush: dashboard (township)",
            stats.times["dashboard"],
            errors.get("dashboard", 0),
            **common,
        ),
        figure("rush: filing form (GET)", stats.times["form"], errors.get("form", 0), **common),
        figure(
            "rush: filing with 3 × 3 MB photos (POST)",
            stats.times["filing"],
            errors.get("filing", 0),
            **common,
        ),
        figure(
            "rush: record page after filing",
            stats.times["record page"],
            errors.get("record page", 0),
            **common,
        ),
        figure(
            "rush: photo processed (upload → done)",
            processed,
            len(lost["problems"]),
            photos=lost["photos"],
            evidence=lost["evidence"],
            **common,
        ),
    ]
    for name in ("web", "worker"):
        rows.append(
            {
                "name": f"rush: {name} peak RSS",
                "p50_ms": None,
                "p95_ms": None,
                "queries": None,
                "peak_mib": round(watch.single_peak[name] / 1024, 1) if watch else None,
                "total_peak_mib": round(watch.total_peak[name] / 1024, 1) if watch else None,
                "cpu_seconds": round(watch.cpu_total(name), 1) if watch else None,
                **common,
            }
        )
    rows.append(
        {
            "name": "rush: nothing lost",
            "p50_ms": None,
            "p95_ms": None,
            "queries": None,
            "peak_mib": None,
            "records": lost["records"],
            "accepted_records": lost["accepted_records"],
            "photos": lost["photos"],
            "evidence": lost["evidence"],
            "lost": len(lost["problems"]),
            **common,
        }
    )
    for row in rows:
        p50, p95 = row["p50_ms"], row["p95_ms"]
        extra = {k: v for k, v in row.items() if k not in ("name", "p50_ms", "p95_ms", "queries")}
        print(f"{row['name']:<44} p50 {p50} ms  p95 {p95} ms  {extra}")
    for kind, messages in stats.errors.items():
        print(f"rush: {len(messages)} errors in {kind}, e.g. {messages[:3]}")
    for problem in lost["problems"][:20]:
        print(f"rush: LOST {problem}")
    print(
        f"rush: load before {load_before}, during {load_during}, after {load()}; "
        f"this client process used {time.process_time() - client_cpu:.1f} s CPU"
    )

    out = ROOT / "bench" / "results.json"
    existing = json.loads(out.read_text()) if out.exists() else []
    names = {row["name"] for row in rows}
    out.write_text(
        json.dumps(
            [r for r in existing if r["name"] not in names] + rows, ensure_ascii=False, indent=2
        )
    )
    print(f"wrote {out}")
    if not keep:
        remove_records(ids)
        shutil.rmtree(MEDIA, ignore_errors=True)
        print(f"rush: removed the {len(ids)} records it filed (--keep to keep them)")
    targets_met = (
        rows[0]["p95_ms"] is not None
        and rows[0]["p95_ms"] < 300
        and (rows[2]["p95_ms"] or 0) < 3000
        and (rows[4]["p95_ms"] or 0) < 30000
        and not any(errors.values())
        and not lost["problems"]
    )
    print("rush: targets met" if targets_met else "rush: TARGETS MISSED")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv))
