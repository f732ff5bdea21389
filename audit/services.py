"""Writing and checking the audit trail. Every event goes through `record_event`."""

from __future__ import annotations

import ipaddress
from collections.abc import Iterator
from dataclasses import dataclass

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone
from simple_history.models import HistoricalRecords

from audit.models import AuditEvent

GENESIS = "0" * 64
# One number for the advisory lock that orders appends on PostgreSQL.
CHAIN_LOCK = 0x51_46_41_55  # "QFAU"


def client_ip(request) -> str | None:
    """The client's address: REMOTE_ADDR, or the header a trusted proxy sets (CLIENT_IP_HEADER,
    e.g. HTTP_X_REAL_IP behind the nginx of deploy/). Used by the lockout and the audit log."""
    if request is None:
        return None
    header = settings.CLIENT_IP_HEADER
    value = (request.META.get(header) if header else None) or request.META.get("REMOTE_ADDR")
    value = (value or "").split(",")[0].strip()
    try:
        return str(ipaddress.ip_address(value))
    except ValueError:
        return None


def record_event(
    kind: str,
    *,
    request=None,
    actor=None,
    actor_name: str | None = None,
    obj=None,
    object_repr: str | None = None,
    result: str = AuditEvent.Result.SUCCESS,
    detail: str = "",
) -> AuditEvent:
    """Append one event, chained to the previous one. Runs inside the caller's transaction
    (an approval and its audit row commit or roll back together)."""
    if request is None:
        # Inside a service called from a view: the request simple_history's middleware holds.
        request = getattr(HistoricalRecords.context, "request", None)
    if actor is None and request is not None:
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            actor = user
    if actor_name is None:
        actor_name = actor.get_username() if actor is not None else ""
    event = AuditEvent(
        at=timezone.now(),
        kind=kind,
        result=result,
        actor=actor if actor is not None and actor.pk else None,
        actor_name=actor_name[:150],
        ip=client_ip(request),
        detail=detail,
    )
    if obj is not None:
        event.object_type = obj._meta.label_lower
        event.object_id = str(obj.pk)
        event.object_repr = (object_repr or str(obj))[:200]
    elif object_repr:
        event.object_repr = object_repr[:200]
    with transaction.atomic():
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_advisory_xact_lock(%s)", [CHAIN_LOCK])
        last = AuditEvent.objects.order_by("-id").values_list("hash", flat=True).first()
        event.prev_hash = last or GENESIS
        event.hash = event.compute_hash()
        event.save()
    return event


@dataclass
class Break:
    event_id: int
    reason: str


def verify_chain(batch: int = 5000) -> Iterator[Break]:
    """Walk the log in id order; yield every row whose hash does not match its content or
    whose link does not point at the previous row. The oldest remaining row (after a purge)
    is taken as the start of the chain."""
    previous = None
    last_id = 0
    while True:
        rows = list(AuditEvent.objects.filter(id__gt=last_id).order_by("id")[:batch])
        if not rows:
            return
        for event in rows:
            if previous is not None and event.prev_hash != previous:
                yield Break(event.pk, "链接断开：上一条记录被删除或修改")
            if event.compute_hash() != event.hash:
                yield Break(event.pk, "内容与哈希不符：记录被修改")
            previous = event.hash
            last_id = event.pk
