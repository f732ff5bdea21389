"""The one hook that keeps every figure stored from the ledger equal to the records behind it.

Two stored figures are derived from approved activity records:

* `dashboard.models.RecordTally` (records and participants per campaign, unit, domain, month,
  type), written only by `dashboard.tallies`;
* `campaigns.models.TaskPeriod.achieved` and the task aggregates `Task.open_due` /
  `Task.has_progress`, written only by `campaigns.progress`.

Whatever changes a record's contribution (filing, approval, bulk approval, an approved edit,
a withdrawal or restore, a deletion, an admin correction) calls `records_changed` inside its
transaction, after the change and before commit:

    before = recount.footprints([record.pk])   # after taking the record's row lock
    ... change the record ...
    recount.records_changed([record.pk], before=before.values())

`records_changed` refreshes the tallies of every (campaign, unit) the records counted in
before or count in now, and the progress of every task they were or are linked to. Each
refresh first locks the rows it rewrites, in a fixed order (units by id, then task periods by
id), and only then recounts in a new statement: under READ COMMITTED that statement sees every
change committed by a transaction that held the lock before, so no interleaving of concurrent
changes loses a count. After commit the cached dashboards of the campaigns are invalidated, when an approved record
was involved (the dashboards count approved records only).

There are no signals: code that writes records behind the services' back (bulk loads with
COPY, data migrations) calls `dashboard.tallies.rebuild` and `campaigns.progress
.recompute_campaign` afterwards.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from django.db import transaction


@dataclass(frozen=True)
class Footprint:
    """What one record contributes to the stored figures."""

    record_id: int
    campaign_id: int
    unit_id: int
    task_ids: frozenset[int]
    counted: bool


def footprints(record_ids: Iterable[int]) -> dict[int, Footprint]:
    """{record id: Footprint} of these records as the database holds them now (two queries)."""
    from activities.models import ActivityRecord

    ids = list(set(record_ids))
    if not ids:
        return {}
    links = defaultdict(set)
    through = ActivityRecord.tasks.through
    for record_id, task_id in through.objects.filter(activityrecord_id__in=ids).values_list(
        "activityrecord_id", "task_id"
    ):
        links[record_id].add(task_id)
    return {
        pk: Footprint(pk, campaign_id, unit_id, frozenset(links[pk]), status == "approved")
        for pk, campaign_id, unit_id, status in ActivityRecord.objects.filter(
            pk__in=ids
        ).values_list("pk", "campaign_id", "unit_id", "status")
    }


@transaction.atomic
def records_changed(record_ids: Iterable[int] = (), *, before: Iterable[Footprint] = ()) -> None:
    """Refresh every stored figure these records touched (see the module docstring).

    `record_ids`: the records as they are now (deleted ones simply are not found);
    `before`: their footprints taken before the change (under the record's row lock).
    """
    from campaigns import progress
    from dashboard import cached, tallies
    from organisations.models import Organisation

    everything = [*before, *footprints(record_ids).values()]
    if not everything:
        return
    counted = [f for f in everything if f.counted]
    tallies.refresh_units({(f.campaign_id, f.unit_id) for f in counted})
    progress.tasks_changed(set().union(*(f.task_ids for f in counted)))
    if not counted:
        # drafts, submissions, returns and withdrawals of records never approved change no
        # figure the dashboards show (they read the approved records' tallies), so the cached
        # dashboards stay valid: in the month-end rush filing does not empty them
        return
    campaigns = {f.campaign_id for f in counted}
    districts = set(
        Organisation.objects.filter(pk__in={f.unit_id for f in counted}).values_list(
            "district_id", flat=True
        )
    )
    transaction.on_commit(lambda: cached.records_changed(campaigns, districts))
