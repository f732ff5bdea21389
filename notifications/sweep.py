"""The reminder sweep: plan today's reminders, send the ones due now, deliver held ones.

1. *Plan and send*: for each group of campaigns that share a policy, ask every provider for the
   open deadlines that fall on one of today's reminder dates (7 and 1 days ahead, today, every 3
   days overdue…, in calendar or working days) and insert one `Reminder` per recipient with
   `ON CONFLICT DO NOTHING` on the unique key (recipient, kind, object, deadline, offset), a
   batch per transaction. Rows due now are inserted SENT and every channel writes its rows in the
   same transaction, for exactly the rows the insert reports as new: planning twice changes
   nothing and sends nothing twice, and a crash rolls back the reminder with what it sent.
   Rows not due yet (before the send time, at night, on a rest day) are inserted PENDING.
2. *Deliver held rows*: in a transaction, take a bounded batch of due PENDING rows with
   `SELECT … FOR UPDATE SKIP LOCKED`, ask the providers again whether each deadline is still
   open and unchanged (a met or moved deadline is cancelled: it goes quiet), let every channel
   write its rows, mark the batch SENT, commit. A crash rolls the batch back; a second sweep
   skips the locked rows. Either way no reminder is delivered twice and none is lost.
3. *Digests* once a day (on working days), then the email outbox is flushed (retries with
   backoff).

Working calendar (workdays app): on a weekend or statutory holiday nothing is sent but the
overdue reminders of urgent tasks; the rest are planned for the next working day at the policy's
send time (`REMINDER_REST_DAYS=send` turns this off). Quiet hours apply as on any day.

Only one sweep runs at a time (a PostgreSQL advisory lock, released by the server if the
worker dies; a cache lock with expiry elsewhere). Each completed sweep is a `SweepRun` row,
which the health endpoint reports.
"""

from __future__ import annotations

import datetime as dt
import gc
import logging
import time
import uuid
from collections import defaultdict
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from django.core.cache import cache
from django.db import connection, transaction
from django.utils import timezone

from campaigns.models import Campaign
from config.sqlrows import as_date
from notifications import channels, conf
from notifications.deadlines import PROVIDERS, Deadline
from notifications.models import Reminder, ReminderPolicy, SweepRun
from notifications.rows import insert_rows
from organisations.models import Role
from workdays import days as workdays

log = logging.getLogger(__name__)

LOCK_KEY = 74_110_626  # arbitrary, the same in every process
CACHE_LOCK = "notifications:sweep-lock"


@contextmanager
def sweep_lock() -> Iterator[bool]:
    """Yield True if this process holds the one sweep lock, False if another sweep runs."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_try_advisory_lock(%s)", [LOCK_KEY])
            held = cursor.fetchone()[0]
        try:
            yield held
        finally:
            if held:
                with connection.cursor() as cursor:
                    cursor.execute("SELECT pg_advisory_unlock(%s)", [LOCK_KEY])
        return
    token = uuid.uuid4().hex
    held = cache.add(CACHE_LOCK, token, timeout=conf.lock_ttl())
    try:
        yield held
    finally:
        if held and cache.get(CACHE_LOCK) == token:
            cache.delete(CACHE_LOCK)


def is_quiet(now: dt.datetime) -> bool:
    hours = conf.quiet_hours()
    if hours is None:
        return False
    start, end = hours
    local = timezone.localtime(now).time()
    if start <= end:
        return start <= local < end
    return local >= start or local < end


# --- planning -----------------------------------------------------------------------------


@dataclass(frozen=True)
class Planned:
    deadline: Deadline
    offset: int
    recipient_id: int
    send_after: dt.datetime
    in_workdays: bool = False

    def key(self) -> tuple:
        d = self.deadline
        return (self.recipient_id, d.kind, d.object_id, d.due_date, self.offset)

    def row(self, now: dt.datetime, sent: bool = False) -> tuple:
        d = self.deadline
        return (
            self.recipient_id,
            d.kind,
            d.object_id,
            d.due_date,
            self.offset,
            self.in_workdays,
            d.campaign_id,
            d.township_id,
            d.unit_id,
            d.title[:200],
            d.url,
            self.send_after,
            Reminder.Status.SENT if sent else Reminder.Status.PENDING,
            now,
            now if sent else None,
        )


ROW_FIELDS = [
    "recipient",
    "kind",
    "object_id",
    "deadline",
    "offset",
    "in_workdays",
    "campaign",
    "township",
    "unit",
    "title",
    "url",
    "send_after",
    "status",
    "created_at",
    "sent_at",
]
KEY_FIELDS = ["id", "recipient", "kind", "object_id", "deadline", "offset"]


def recipients_by_org(township_ids) -> tuple[dict[int, list[int]], dict[int, list[int]]]:
    """({unit id: liaison user ids}, {township id: office user ids}) with one query."""
    liaisons, offices = defaultdict(list), defaultdict(list)
    rows = Role.objects.filter(
        organisation__township_id__in=township_ids,
        kind__in=[Role.Kind.LIAISON, Role.Kind.OFFICE],
        user__is_active=True,
    ).values_list("kind", "organisation_id", "user_id")
    for kind, org_id, user_id in rows:
        (liaisons if kind == Role.Kind.LIAISON else offices)[org_id].append(user_id)
    return liaisons, offices


def remind_on(due: dt.date, offset: int, in_workdays: bool, snap=None) -> dt.date:
    """The day a deadline's reminder at `offset` belongs to: `offset` calendar days from the
    deadline, or `offset` working days (a deadline's own day is its day either way)."""
    if not in_workdays or offset == 0:
        return due + dt.timedelta(days=offset)
    return (snap or workdays.snapshot()).add_workdays(due, offset)


def reminder_dates(today: dt.date, offsets, in_workdays: bool, snap=None) -> dict[dt.date, int]:
    """{due date: offset} of the deadlines reminded today under these offsets."""
    if not in_workdays:
        return {today - dt.timedelta(days=o): o for o in offsets}
    snap = snap or workdays.snapshot()
    # a working day is at most a few calendar days: look far enough either side
    reach = 3 * max((abs(o) for o in offsets), default=0) + 20
    found: dict[dt.date, int] = {}
    for n in range(-reach, reach + 1):
        due = today + dt.timedelta(days=n)
        for o in offsets:
            if remind_on(due, o, True, snap) == today:
                found.setdefault(due, o)
    return found


def candidates(now: dt.datetime) -> Iterator[Planned]:
    """Every reminder that today's policies call for, deadline by deadline (a generator)."""
    today = timezone.localdate(now)
    campaigns = list(Campaign.objects.values_list("pk", "township_id"))
    if not campaigns:
        return
    policies = {p.campaign_id: p for p in ReminderPolicy.objects.all()}
    groups: dict[tuple, list[int]] = defaultdict(list)
    for campaign_id, _township in campaigns:
        policy = policies.get(campaign_id) or ReminderPolicy(campaign_id=campaign_id)
        if policy.offsets():
            groups[policy.signature()].append(campaign_id)
    liaisons, offices = recipients_by_org({t for _c, t in campaigns})
    tz = timezone.get_current_timezone()
    snap = workdays.snapshot()
    rest_day = conf.rest_days() == "hold" and not snap.is_workday(today)
    next_workday = snap.next_workday(today)
    for (offsets, send_time, unit), campaign_ids in groups.items():
        in_workdays = unit == ReminderPolicy.DayUnit.WORKDAY
        by_date = reminder_dates(today, offsets, in_workdays, snap)
        send_after = dt.datetime.combine(today, send_time, tzinfo=tz)
        held_until = dt.datetime.combine(next_workday, send_time, tzinfo=tz)
        for provider in PROVIDERS.values():
            for deadline in provider.open(campaign_ids=campaign_ids, dates=list(by_date)):
                offset = by_date[deadline.due_date]
                # a rest day holds all but the overdue reminders of urgent tasks
                when = (
                    held_until if rest_day and not (offset > 0 and deadline.urgent) else send_after
                )
                people = (
                    liaisons.get(deadline.unit_id, [])
                    if deadline.unit_id
                    else offices.get(deadline.township_id, [])
                )
                for user_id in people:
                    yield Planned(deadline, offset, user_id, when, in_workdays)


def plan(now: dt.datetime, batch_size: int, send: bool = True) -> tuple[int, int]:
    """Insert today's reminders (ON CONFLICT DO NOTHING: rows already there, whatever their
    status, are left alone) and, with `send`, deliver the new ones due now in the same
    transaction; returns (rows new, rows sent)."""
    written = sent = 0
    buffer: list[Planned] = []
    for planned in candidates(now):
        buffer.append(planned)
        if len(buffer) >= batch_size:
            new, out = _write(buffer, now, send)
            written, sent, buffer = written + new, sent + out, []
    if buffer:
        new, out = _write(buffer, now, send)
        written, sent = written + new, sent + out
    return written, sent


@dataclass(frozen=True, slots=True)
class SentReminder:
    """A reminder row just inserted SENT, as the channels read it (the fields of `Reminder`
    they use, `pk` included): a plain object, not a model instance per row."""

    id: int
    recipient_id: int
    kind: str
    object_id: int
    deadline: dt.date
    offset: int
    in_workdays: bool
    campaign_id: int
    township_id: int
    unit_id: int | None
    title: str
    url: str
    send_after: dt.datetime
    status: str
    created_at: dt.datetime
    sent_at: dt.datetime

    @property
    def pk(self) -> int:
        return self.id


def _write(batch: list[Planned], now: dt.datetime, send: bool) -> tuple[int, int]:
    """One transaction: the batch's new rows, and the channels' rows for those sent now."""
    due_now = [p for p in batch if send and p.send_after <= now]
    later = [p for p in batch if not (send and p.send_after <= now)]
    with transaction.atomic():
        written = 0
        if later:
            written += len(
                insert_rows(
                    Reminder,
                    ROW_FIELDS,
                    [p.row(now) for p in later],
                    ignore_conflicts=True,
                    returning=True,
                )
            )
        if not due_now:
            return written, 0
        new = insert_rows(
            Reminder,
            ROW_FIELDS,
            [p.row(now, sent=True) for p in due_now],
            ignore_conflicts=True,
            returning=KEY_FIELDS,
        )
        by_key = {p.key(): p for p in due_now}
        reminders = []
        for pk, recipient_id, kind, object_id, deadline, offset in new:
            planned = by_key[(recipient_id, kind, object_id, as_date(deadline), offset)]
            d = planned.deadline
            reminders.append(
                SentReminder(
                    id=pk,
                    recipient_id=recipient_id,
                    kind=kind,
                    object_id=object_id,
                    deadline=d.due_date,
                    offset=offset,
                    in_workdays=planned.in_workdays,
                    campaign_id=d.campaign_id,
                    township_id=d.township_id,
                    unit_id=d.unit_id,
                    title=d.title[:200],
                    url=d.url,
                    send_after=planned.send_after,
                    status=Reminder.Status.SENT,
                    created_at=now,
                    sent_at=now,
                )
            )
        channels.deliver(reminders, now)
    return written + len(reminders), len(reminders)


# --- delivery -----------------------------------------------------------------------------


def still_open(batch: list[Reminder]) -> set[tuple[str, int, dt.date]]:
    """(kind, object id, due date) of the batch's deadlines that are open as of now."""
    ids_by_kind: dict[str, set[int]] = defaultdict(set)
    for r in batch:
        ids_by_kind[r.kind].add(r.object_id)
    live = set()
    for kind, ids in ids_by_kind.items():
        provider = PROVIDERS.get(kind)
        if provider is None:
            continue
        live |= provider.open_keys(ids)
    return live


def deliver_batch(now: dt.datetime, batch_size: int) -> tuple[int, int] | None:
    """Claim, check and deliver one batch; None when nothing is due."""
    with transaction.atomic():
        batch = list(
            Reminder.objects.due(now)
            .select_for_update(skip_locked=True)
            .order_by("send_after", "id")[:batch_size]
        )
        if not batch:
            return None
        live = still_open(batch)
        sent = [r for r in batch if (r.kind, r.object_id, r.deadline) in live]
        gone = [r.pk for r in batch if (r.kind, r.object_id, r.deadline) not in live]
        if gone:
            Reminder.objects.filter(pk__in=gone).update(status=Reminder.Status.CANCELLED)
        if sent:
            channels.deliver(sent, now)
            Reminder.objects.filter(pk__in=[r.pk for r in sent]).update(
                status=Reminder.Status.SENT, sent_at=now
            )
    return len(sent), len(gone)


def deliver_due(now: dt.datetime, batch_size: int) -> tuple[int, int]:
    sent = cancelled = 0
    pause = conf.batch_pause()
    while True:
        result = deliver_batch(now, batch_size)
        if result is None:
            return sent, cancelled
        sent += result[0]
        cancelled += result[1]
        if pause:
            time.sleep(pause)


# --- the whole sweep ----------------------------------------------------------------------


@contextmanager
def collector_paused() -> Iterator[None]:
    """Python's cycle collector paused for one sweep. A sweep makes some hundred thousand
    short-lived objects (deadlines, planned reminders, rows) that reference counting frees.
    They set off two hundred collections that find nothing to free, and the oldest
    generation's among them walk every object the process holds (in a worker, every module and
    template loaded). Memory stays bounded by the batch: the bench's peak is no higher paused
    (3.5-3.7 MiB, against 3.8-4.5 MiB with the collector on). The few cycles a sweep leaves
    (query compilers) are collected once the collector is back."""
    was_on = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_on:
            gc.enable()


def run_sweep(now: dt.datetime | None = None, batch_size: int | None = None) -> SweepRun | None:
    """One sweep; returns its SweepRun, or None when another sweep holds the lock."""
    from notifications import digests, outbox

    now = now or timezone.now()
    batch_size = batch_size or conf.batch_size()
    with sweep_lock() as held, collector_paused():
        if not held:
            log.info("reminder sweep skipped: another sweep is running")
            return None
        run = SweepRun.objects.create(started_at=now)
        try:
            quiet = is_quiet(now)
            run.planned, fresh = plan(now, batch_size, send=not quiet)
            rest_day = conf.rest_days() == "hold" and not workdays.is_workday(
                timezone.localdate(now)
            )
            if quiet:
                run.held_for_night = True
                run.sent = fresh
            elif rest_day:  # held rows wait for the next working day; no digests either
                run.sent = fresh
            else:
                sent, run.cancelled = deliver_due(now, batch_size)
                run.sent = fresh + sent
                run.digests = digests.send_due_digests(now)
            outbox.flush(now)
        except Exception as exc:
            run.error = repr(exc)[:2000]
            run.save()
            raise
        run.finished_at = timezone.now()
        run.save()
        log.info(
            "reminder sweep: planned %s sent %s cancelled %s digests %s",
            run.planned,
            run.sent,
            run.cancelled,
            run.digests,
        )
        return run


def dry_run(now: dt.datetime | None = None) -> list[Planned | Reminder]:
    """What a sweep would deliver now, without writing: new candidates and pending rows."""
    now = now or timezone.now()
    pending = list(
        Reminder.objects.due(now).select_related("recipient").order_by("send_after", "id")
    )
    seen = {(r.recipient_id, r.kind, r.object_id, r.deadline, r.offset) for r in pending}
    fresh = []
    chunk: list[Planned] = []

    def drain(chunk):
        keys = Reminder.objects.filter(
            recipient_id__in={p.recipient_id for p in chunk},
            deadline__in={p.deadline.due_date for p in chunk},
        ).values_list("recipient_id", "kind", "object_id", "deadline", "offset")
        existing = set(keys)
        return [p for p in chunk if p.key() not in existing and p.key() not in seen]

    for planned in candidates(now):
        if planned.send_after > now:
            continue
        chunk.append(planned)
        if len(chunk) >= 1000:
            fresh += drain(chunk)
            chunk = []
    if chunk:
        fresh += drain(chunk)
    return pending + fresh
