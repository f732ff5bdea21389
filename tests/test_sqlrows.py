"""Rows read with plain SQL made into what the ORM gives (config.sqlrows)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from assessments.models import CriteriaItem, CriteriaSet
from config.sqlrows import as_date, as_decimal, loaded


def test_dates_come_back_as_dates_whatever_the_driver_gave():
    day = dt.date(2026, 5, 1)
    assert as_date("2026-05-01") == day
    assert as_date("2026-05-01 00:00:00") == day
    assert as_date(dt.datetime(2026, 5, 1, 8, 30)) == day
    assert as_date(day) is day
    assert as_date(None) is None


def test_decimals_keep_the_fields_places():
    pass_line = CriteriaSet._meta.get_field("pass_line")
    assert str(as_decimal(60, pass_line)) == "60.0"
    assert str(as_decimal(7.5, pass_line)) == "7.5"
    assert str(as_decimal(Decimal("36.0"), pass_line)) == "36.0"
    assert as_decimal(None, pass_line) is None


def test_loaded_puts_columns_in_the_models_order_and_defers_the_rest():
    # given in an order unlike the model's (auto_source is declared before auto_type)
    item = loaded(
        CriteriaItem,
        ("auto_type", "criteria_set_id", "auto_source", "id", "points"),
        ("lecture", 3, "ledger", 9, Decimal("10.0")),
    )
    assert (item.pk, item.criteria_set_id, item.points) == (9, 3, Decimal("10.0"))
    assert (item.auto_type, item.auto_source) == ("lecture", "ledger")
    assert not item._state.adding
    assert "text" in item.get_deferred_fields()
