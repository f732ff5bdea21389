"""Rows read with plain SQL made into what the ORM gives (config.sqlrows)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.db import connection

from assessments.models import CriteriaItem, CriteriaSet
from config.sqlrows import as_date, columns
from tests.dashboard.factories import criteria_set


def test_dates_come_back_as_dates_whatever_the_driver_gave():
    day = dt.date(2026, 5, 1)
    assert as_date("2026-05-01") == day
    assert as_date("2026-05-01 00:00:00") == day
    assert as_date(dt.datetime(2026, 5, 1, 8, 30)) == day
    assert as_date(day) is day
    assert as_date(None) is None


def read_back(read, model, pk):
    """The row `pk` of `model` read with plain SQL and loaded by `read` (a `columns(...)`)."""
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT {read.sql} FROM {model._meta.db_table} x WHERE x.id = %s",  # noqa: S608
            [pk],
        )
        return read.load(cursor.fetchone())


def test_decimals_keep_the_fields_places(world):
    """A pass line of 60 reads "60.0" on either database, as the ORM reads it (SQLite's driver
    gives 60)."""
    cset, _manual, auto = criteria_set(world.district, pass_line="60")
    assert (
        str(
            read_back(
                columns(CriteriaSet, "x", ("id", "pass_line")), CriteriaSet, cset.pk
            ).pass_line
        )
        == "60.0"
    )
    assert (
        str(read_back(columns(CriteriaItem, "x", ("id", "points")), CriteriaItem, auto.pk).points)
        == "40.0"
    )


def test_some_columns_in_the_models_order_the_rest_deferred(world):
    # named in an order unlike the model's (auto_source is declared before auto_type): the SQL
    # and load() take them in the model's order, which Model.from_db needs
    _cset, _manual, auto = criteria_set(world.district)
    CriteriaItem.objects.filter(pk=auto.pk).update(auto_source="ledger")
    read = columns(
        CriteriaItem, "x", ("auto_type", "criteria_set_id", "auto_source", "id", "points")
    )
    assert read.names == ["id", "criteria_set_id", "points", "auto_source", "auto_type"]
    item = read_back(read, CriteriaItem, auto.pk)
    assert (item.pk, item.criteria_set_id, item.points) == (
        auto.pk,
        auto.criteria_set_id,
        Decimal("40.0"),
    )
    assert (item.auto_type, item.auto_source) == ("lecture", "ledger")
    assert not item._state.adding
    assert "text" in item.get_deferred_fields()
    with pytest.raises(ValueError, match="no column"):
        columns(CriteriaItem, "x", ("id", "no_such_column"))


def _fields(obj) -> dict:
    return {f.attname: getattr(obj, f.attname) for f in obj._meta.concrete_fields}


def test_columns_load_every_field_as_the_orm_does(world):
    """Dates, times, flags and text come back with the ORM's types on either database."""
    from django.db import connection

    from campaigns.models import Campaign
    from config.sqlrows import columns
    from organisations.models import Organisation

    campaign = columns(Campaign, "c")
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT {campaign.sql} FROM {Campaign._meta.db_table} c WHERE c.id = %s",
            [world.campaign_a.pk],
        )
        read = campaign.load(cursor.fetchone())
    orm = Campaign.objects.get(pk=world.campaign_a.pk)
    assert _fields(read) == _fields(orm)
    assert {k: type(v) for k, v in _fields(read).items()} == {
        k: type(v) for k, v in _fields(orm).items()
    }
    assert isinstance(read.start_date, dt.date) and isinstance(read.created_at, dt.datetime)
    assert not read._state.adding and not read.get_deferred_fields()
    assert columns(Organisation, "t") is columns(Organisation, "t")  # made once


def test_township_campaigns_match_the_orm(world):
    from campaigns.models import Campaign
    from dashboard.access import township_campaigns
    from tests.factories import CampaignFactory

    CampaignFactory(township=world.township_a, year=world.campaign_a.year - 1)
    found = township_campaigns(world.township_a.pk)
    orm = list(
        Campaign.objects.filter(township=world.township_a)
        .select_related("township")
        .order_by("-year", "-pk")
    )
    assert [c.pk for c in found] == [c.pk for c in orm] and len(found) == 2
    for read, expected in zip(found, orm, strict=True):
        assert _fields(read) == _fields(expected)
        assert _fields(read.township) == _fields(expected.township)
    assert township_campaigns(world.township_a.pk + 10_000) == []
