"""The only writer of `RecordTally`: approved records per campaign, unit, domain, month, type.

* `computed(**filters)` — the tallies computed from the records (the definition);
* `refresh_units(pairs)` — rewrite the tallies of some (campaign id, unit id) pairs, inside the
  caller's transaction; the units' rows are locked first so that two changes in one unit
  cannot interleave;
* `rebuild(campaign_ids=None)` — rewrite every tally (or a campaign's), after bulk loads
  (scale data, demo data, imports that bypass the model);
* `refresh_units` is called only by `activities.recount.records_changed`, the one hook every
  change of a record goes through (it also refreshes task progress and, after commit,
  invalidates the cached dashboards); `rebuild` invalidates them itself.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.db import transaction
from django.db.models import Count, Q, Sum
from django.db.models.functions import Coalesce, TruncMonth

from activities.models import ActivityRecord
from config.sqlrows import as_date
from dashboard import cached
from dashboard.models import RecordTally
from organisations.models import Organisation

KEY = ("campaign_id", "township_id", "unit_id", "domain_id", "month", "type")
BATCH = 5000


def computed(q: Q | None = None) -> dict[tuple, tuple[int, int, int]]:
    """{(campaign, township, unit, domain, month, type): (records, participants, quantity)}
    from the rows."""
    records = ActivityRecord.objects.counted()
    if q is not None:
        records = records.filter(q)
    rows = (
        records.annotate(month=TruncMonth("date"))
        .values(*KEY)
        .annotate(
            n=Count("pk"),
            people=Coalesce(Sum("participants"), 0),
            amount=Coalesce(Sum("quantity"), 0),
        )
        .order_by()
    )
    return {
        tuple(as_date(row[k]) if k == "month" else row[k] for k in KEY): (
            row["n"],
            row["people"],
            row["amount"],
        )
        for row in rows
    }


def stored(q: Q | None = None) -> dict[tuple, tuple[int, int, int]]:
    tallies = RecordTally.objects.all() if q is None else RecordTally.objects.filter(q)
    return {
        tuple(row[:6]): (row[6], row[7], row[8])
        for row in tallies.values_list(*KEY, "records", "participants", "quantity")
    }


def _write(figures: dict[tuple, tuple[int, int, int]]) -> None:
    RecordTally.objects.bulk_create(
        [
            RecordTally(
                **dict(zip(KEY, key, strict=True)),
                records=n,
                participants=people,
                quantity=amount,
            )
            for key, (n, people, amount) in figures.items()
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
    # Serialise refreshes of the same unit (lock in id order: no deadlock between two); the
    # recount below is a new statement, so it sees whatever the previous holder committed.
    list(
        Organisation.objects.select_for_update(no_key=True)
        .filter(pk__in={u for _c, u in pairs})
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    q = _pairs_q(pairs)
    RecordTally.objects.filter(q).delete()
    _write(computed(q))


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


# --- units merged --------------------------------------------------------------------------------


def _units_merged(sender, survivor, merged, **kwargs) -> None:
    """organisations.services.merge_units moved records by UPDATE (organisations cannot call
    into the ledger): rewrite both units' rows, inside the merge's transaction."""
    from campaigns.models import Campaign

    campaigns = Campaign.objects.filter(township_id=survivor.township_id).values_list(
        "pk", flat=True
    )
    refresh_units([(c, u) for c in campaigns for u in (survivor.pk, merged.pk)])


def connect() -> None:
    from organisations.services import units_merged

    units_merged.connect(_units_merged, dispatch_uid="dashboard.tallies.units_merged")
