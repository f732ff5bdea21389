"""Who may see and change activity records and their evidence files.

* `get_record_for(user, pk, write=False)`: the unit's liaisons, the township's office staff and
  leaders (and district leaders) read; with `write=True` only the unit's liaisons, and only
  while the record is a draft, returned, or approved (an edit then opens a pending revision);
* `get_record_for_review(user, pk)`: office staff of the record's township;
* `get_evidence_for(user, pk)`: anyone who may read the record;
* `get_upload_for(user, pk, write=False)`: a file still being processed, like its record.

* `ledger_campaign_for(user, pk)` and `ledger_scope_for(user, campaign, query)`: the campaign
  and the (unit, domain) a ledger page or its Excel export is narrowed to; a liaison only
  ever gets their own unit, the township's readers the whole township.

Everyone else gets 404; someone who may read but not do the thing asked gets 403.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import Http404

from activities.models import ActivityRecord, Evidence, EvidenceUpload
from campaigns.models import Campaign
from organisations.access import Scope, get_object_for, scope_for
from organisations.models import Domain, Organisation
from organisations.params import parse_id


def can_edit(scope: Scope, record: ActivityRecord) -> bool:
    return scope.files_for_unit(record.unit_id) and (
        record.is_editable or record.status == ActivityRecord.Status.APPROVED
    )


def can_review(scope: Scope, record: ActivityRecord) -> bool:
    return scope.manages_township(record.township_id)


def get_record_for(user, pk, *, write: bool = False) -> ActivityRecord:
    queryset = ActivityRecord.objects.select_related(
        "unit", "domain", "campaign", "filed_by", "reviewed_by"
    )
    return get_object_for(user, queryset, pk, write=write, can_write=can_edit)


def get_record_for_review(user, pk) -> ActivityRecord:
    queryset = ActivityRecord.objects.select_related("unit", "domain", "campaign")
    return get_object_for(user, queryset, pk, write=True, can_write=can_review)


def get_evidence_for(user, pk, *, write: bool = False) -> Evidence:
    def can_write(scope: Scope, item: Evidence) -> bool:
        return scope.files_for_unit(item.record.unit_id) and item.record.is_editable

    return get_object_for(
        user, Evidence.objects.select_related("record"), pk, write=write, can_write=can_write
    )


def get_upload_for(user, pk, *, write: bool = False) -> EvidenceUpload:
    """A file still being processed (or failed): read like its record; removed by the unit's
    liaisons while the record is editable."""

    def can_write(scope: Scope, item: EvidenceUpload) -> bool:
        return scope.files_for_unit(item.record.unit_id) and item.record.is_editable

    return get_object_for(
        user, EvidenceUpload.objects.select_related("record"), pk, write=write, can_write=can_write
    )


def get_evidence_for_review(user, pk) -> Evidence:
    """A photo whose record the office of its township reviews (to mark it representative)."""

    def can_write(scope: Scope, item: Evidence) -> bool:
        return scope.manages_township(item.record.township_id)

    return get_object_for(
        user, Evidence.objects.select_related("record"), pk, write=True, can_write=can_write
    )


def require_filer(user) -> Scope:
    """403 unless the user files records for at least one unit."""
    scope = scope_for(user)
    if not scope.is_liaison:
        raise PermissionDenied
    return scope


def ledger_campaign_for(user, pk) -> Campaign:
    """The campaign a ledger shows: the one asked for, else the user's latest; 404 if none."""
    campaigns = Campaign.objects.visible_to(user).select_related("township")
    if pk:
        campaign = campaigns.filter(pk=parse_id(pk)).first() if parse_id(pk) else None
    else:
        campaign = campaigns.order_by("-year", "township__name").first()
    if campaign is None:
        raise Http404
    return campaign


def ledger_scope_for(user, campaign: Campaign, query) -> tuple[Organisation | None, Domain | None]:
    """(unit, domain) the ledger is narrowed to by `query` ("unit" id, "domain" code);
    liaisons only ever see their own unit."""
    scope = scope_for(user)
    reads = scope.reads_township(campaign.township_id, campaign.township.district_id)
    unit = None
    unit_id = query.get("unit", "")
    if unit_id:
        unit = (
            Organisation.objects.visible_to(user)
            .units()
            .filter(pk=parse_id(unit_id) or 0, township_id=campaign.township_id)
            .first()
        )
        if unit is None:
            raise Http404
        if not reads and not scope.files_for_unit(unit.pk):
            raise Http404
    elif not reads:
        mine = [u for u, t in scope.unit_townships.items() if t == campaign.township_id]
        if not mine:
            raise Http404
        unit = Organisation.objects.get(pk=sorted(mine)[0])
    domain = None
    code = query.get("domain", "")
    if code:
        domain = Domain.objects.filter(code=code).first()
        if domain is None:
            raise Http404
    return unit, domain
