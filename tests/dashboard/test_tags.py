"""The drill-down template tags."""

from __future__ import annotations

import datetime as dt

from dashboard.templatetags.dashboard_tags import (
    drill,
    drill_object,
    iso,
    month_end,
    trend_links,
)


def test_drill_links_the_number_to_the_filtered_list():
    html = drill(3, "activities:record_list", status="approved", type="", unit=None)
    assert html == '<a href="/activities/?status=approved" class="qf-drill">3</a>'


def test_zero_has_nothing_behind_it():
    assert drill(0, "activities:record_list", status="approved") == "0"


def test_trend_cells_link_each_month_and_type():
    row = {"month": dt.date(2026, 5, 1), "cells": [("film", 2), ("forum", 0)]}
    assert trend_links(row) == [
        (2, "/activities/?status=approved&type=film&date_from=2026-05-01&date_to=2026-05-31"),
        (0, ""),
    ]


def test_drill_without_such_list_shows_the_plain_number():
    assert drill(3, "nowhere:list", status="x") == "3"
    assert drill_object("<b>", "nowhere:detail", 1) == "&lt;b&gt;"


def test_dates():
    assert iso(dt.date(2026, 5, 1)) == "2026-05-01"
    assert month_end(dt.date(2026, 2, 1)) == "2026-02-28"
    assert month_end(dt.date(2026, 12, 1)) == "2026-12-31"
    assert (iso(None), month_end(None)) == ("", "")
