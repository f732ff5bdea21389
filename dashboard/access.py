"""Who may open which dashboard.

* the township dashboard: office staff and leaders of that township, and the reviewers and
  leaders of its district;
* the district dashboard: the district's reviewers and leaders.

Liaisons get no dashboard (they see their unit's own page). Anybody else gets 404, as the
access layer does for outsiders.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db import connection
from django.http import Http404
from django.utils import timezone

from campaigns.models import Campaign
from config.sqlrows import columns
from organisations.access import Scope, scope_for
from organisations.models import Organisation
from organisations.params import parse_id


def district_ids_of(scope: Scope) -> frozenset[int]:
    return scope.reviewer_districts | scope.leader_districts


def reads_township_dashboard(scope: Scope, township: Organisation) -> bool:
    if scope.is_superuser:
        return True
    if township.pk in scope.readable_townships:
        return True
    return township.district_id in district_ids_of(scope)


@dataclass
class TownshipView:
    township: Organisation
    campaign: Campaign | None


def get_township_for(user, pk=None, *, today=None) -> TownshipView:
    """The township whose dashboard the user asked for (their own when pk is None), with its
    current campaign (this year's, else the latest): one query, the township's campaigns with
    the township (the campaign's domains are read with its figures, dashboard.figures)."""
    scope = scope_for(user)
    today = today or timezone.localdate()
    if pk is None:
        own = sorted(scope.readable_townships)
        if not own:
            raise Http404
        pk = own[0]
    pk = parse_id(str(pk))
    if pk is None:
        raise Http404
    campaigns = township_campaigns(pk)
    if campaigns:
        township = campaigns[0].township
    else:
        township = Organisation.objects.townships().filter(pk=pk).first()
    if township is None or township.level != Organisation.Level.TOWNSHIP:
        raise Http404
    if not reads_township_dashboard(scope, township):
        raise Http404
    return TownshipView(township, pick_campaign(campaigns, today))


def township_campaigns(township_id: int) -> list[Campaign]:
    """The township's campaigns, newest first, each with its township: what
    `Campaign.objects.filter(township_id=…).select_related("township")` gives, read with plain
    SQL (every dashboard request asks; building that query cost more than running it)."""
    campaign = columns(Campaign, "c")
    township = columns(Organisation, "t")
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT {campaign.sql}, {township.sql} FROM {Campaign._meta.db_table} c"  # noqa: S608 - names from model meta
            f" JOIN {Organisation._meta.db_table} t ON t.id = c.township_id"
            f" WHERE c.township_id = %s ORDER BY c.year DESC, c.id DESC",
            [township_id],
        )
        rows = cursor.fetchall()
    found = []
    for row in rows:
        item = campaign.load(row[: len(campaign)])
        # one township for them all
        item._state.fields_cache["township"] = (
            found[0].township if found else township.load(row[len(campaign) :])
        )
        found.append(item)
    return found


def pick_campaign(campaigns: list[Campaign], today) -> Campaign | None:
    """This year's campaign, else the latest (campaigns ordered by year, newest first)."""
    for campaign in campaigns:
        if campaign.year == today.year:
            return campaign
    return campaigns[0] if campaigns else None


def get_district_for(user, pk=None) -> Organisation:
    """The district whose dashboard the user asked for (or their own when pk is None)."""
    scope = scope_for(user)
    districts = Organisation.objects.filter(level=Organisation.Level.DISTRICT)
    if pk is None:
        own = sorted(district_ids_of(scope))
        if not own:
            raise Http404
        pk = own[0]
    try:
        district = districts.get(pk=parse_id(str(pk)))
    except Organisation.DoesNotExist:
        raise Http404 from None
    if not (scope.is_superuser or district.pk in district_ids_of(scope)):
        raise Http404
    return district
