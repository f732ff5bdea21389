"""The only writer of `RecordTally`: approved records per campaign, unit, domain, month, type.

* `computed(**filters)` — the tallies computed from the records (the definition);
* `refresh_units(pairs)` — rewrite the tallies of some (campaign id, unit id) pairs, inside the
  caller's transaction; the units' rows are locked first so that two changes in one unit
  cannot interleave;
* `rebuild(campaign_ids=None)` — rewrite every tally (or a campaign's), after bulk loads
  (scale data, demo data, imports that bypass the model);
* after each commit that changed tallies, the campaigns' cached dashboards are invalidated
  (dashboard.cached);
* `connect()` — from AppConfig.ready(): every save or delete of an ActivityRecord that is or
  was approved refreshes its unit's tallies in the same transaction (the ledger services change
  records only through save() and delete()).
"""

from __future__ import annotations

from collections.abc import Iterable

from django.db import transaction
from django.db.models import Count, Q, Sum
from django.db.models.functions import Coalesce, TruncMonth
from django.db.models.signals import post_delete, post_init, post_save

from activities.models import ActivityRecord
from dashboard import cached
from dashboard.models import RecordTally
from organisations.models import Organisation

KEY = ("campaign_id", "township_id", "unit_id", "domain_id", "month", "type")
BATCH = 5000


def _as_date(value):
    return value.date() if hasattr(value, "date") and callable(value.date) else value


def computed(q: Q | None = None) -> dict[tuple, tuple[int, int]]:
    """{(campaign, township, unit, domain, month, type): (records, participants)} from the rows."""
    records = ActivityRecord.objects.counted()
    if q is not None:
        records = records.filter(q)
    rows = (
        records.annotate(month=TruncMonth("date"))
        .values(*KEY)
        .annotate(n=Count("pk"), people=Coalesce(Sum("participants"), 0))
        .order_by()
    )
    return {
        tuple(_as_date(row[k]) if k == "month" else row[k] for k in KEY): (row["n"], row["people"])
        for row in rows
    }


def stored(q: Q | None = None) -> dict[tuple, tuple[int, int]]:
    tallies = RecordTally.objects.all() if q is None else RecordTally.objects.filter(q)
    return {
        tuple(row[:6]): (row[6], row[7])
        for row in tallies.values_list(*KEY, "records", "participants")
    }


def _write(figures: dict[tuple, tuple[int, int]]) -> None:
    RecordTally.objects.bulk_create(
        [
            RecordTally(**dict(zip(KEY, key, strict=True)), records=n, participants=people)
            for key, (n, people) in figures.items()
        ],
        batch_size=BATCH,
    )


def _pairs_q(pairs) -> Q:
    q = Q(pk__in=[])
    for campaign_id, unit_id in pairs:
        q |= Q(campaign_id=campaign_id, unit_id=unit_id)
    return q


@transaction.atomic
def refresh_units(pairs: Iterable[tuple[int, int]]) -> None:
    pairs = sorted({(c, u) for c, u in pairs if c and u})
    if not pairs:
        return
    # Serialise refreshes of the same unit (lock in id order: no deadlock between two).
    districts = set(
        Organisation.objects.select_for_update()
        .filter(pk__in={u for _c, u in pairs})
        .order_by("pk")
        .values_list("district_id", flat=True)
    )
    q = _pairs_q(pairs)
    RecordTally.objects.filter(q).delete()
    _write(computed(q))
    campaigns = {c for c, _u in pairs}
    transaction.on_commit(lambda: cached.records_changed(campaigns, districts))


@transaction.atomic
def rebuild(campaign_ids: Iterable[int] | None = None) -> int:
    """Rewrite the tallies of these campaigns (all when None); returns the number of rows."""
    if campaign_ids is None:
        RecordTally.objects.all().delete()
        figures = computed()
    else:
        ids = list(campaign_ids)
        RecordTally.objects.filter(campaign_id__in=ids).delete()
        figures = computed(Q(campaign_id__in=ids))
    _write(figures)
    changed = {key[0] for key in figures} | set(campaign_ids or ())
    districts = set(
        Organisation.objects.townships()
        .filter(campaigns__in=changed)
        .values_list("district_id", flat=True)
    )
    transaction.on_commit(lambda: cached.records_changed(changed, districts))
    return len(figures)


# --- keeping them current ------------------------------------------------------------------------

APPROVED = ActivityRecord.Status.APPROVED


def _remember(sender, instance, **kwargs) -> None:
    # What the row was when loaded (read from __dict__: never loads a deferred field).
    values = instance.__dict__
    instance._tally_was = (
        values.get("campaign_id"),
        values.get("unit_id"),
        values.get("status") == APPROVED,
    )


def _saved(sender, instance, raw=False, **kwargs) -> None:
    if raw:
        return
    campaign_id, unit_id, was_counted = getattr(instance, "_tally_was", (None, None, False))
    counted = instance.status == APPROVED
    if was_counted or counted:
        refresh_units({(campaign_id, unit_id), (instance.campaign_id, instance.unit_id)})
    _remember(sender, instance)


def _deleted(sender, instance, **kwargs) -> None:
    _c, _u, was_counted = getattr(instance, "_tally_was", (None, None, False))
    if was_counted or instance.status == APPROVED:
        refresh_units({(instance.campaign_id, instance.unit_id)})


def _units_merged(sender, survivor, merged, **kwargs) -> None:
    """organisations.services.merge_units moved records by UPDATE: rewrite both units' rows."""
    from campaigns.models import Campaign

    campaigns = Campaign.objects.filter(township_id=survivor.township_id).values_list(
        "pk", flat=True
    )
    refresh_units([(c, u) for c in campaigns for u in (survivor.pk, merged.pk)])


def connect() -> None:
    from organisations.services import units_merged

    units_merged.connect(_units_merged, dispatch_uid="dashboard.tallies.units_merged")
    post_init.connect(_remember, sender=ActivityRecord, dispatch_uid="dashboard_tally_init")
    post_save.connect(_saved, sender=ActivityRecord, dispatch_uid="dashboard_tally_save")
    post_delete.connect(_deleted, sender=ActivityRecord, dispatch_uid="dashboard_tally_delete")
