"""The drill-down template tags."""

from __future__ import annotations

import datetime as dt

from dashboard.templatetags.dashboard_tags import (
    drill,
    drill_object,
    figure,
    iso,
    month_end,
    trend_links,
)

LINKS, NO_LINKS = {}, {"drill_links": False}


def test_drill_links_the_number_to_the_filtered_list():
    html = drill(LINKS, 3, "activities:record_list", status="approved", type="", unit=None)
    assert html == '<a href="/activities/?status=approved" class="qf-drill">3</a>'


def test_figure_links_to_exactly_its_rows():
    html = figure(LINKS, "tasks_overdue", 2, campaign=7, lead_unit=3)
    assert html == (
        '<a href="/campaigns/tasks/?campaign=7&amp;lead_unit=3&amp;status=overdue" '
        'class="qf-drill" data-qf-figure="tasks_overdue">2</a>'
    )


def test_zero_has_nothing_behind_it():
    assert drill(LINKS, 0, "activities:record_list", status="approved") == "0"
    assert figure(LINKS, "records", 0, campaign=1) == "0"


def test_no_links_for_a_viewer_who_may_not_open_the_lists():
    assert figure(NO_LINKS, "records", 5, campaign=1) == "5"
    assert drill(NO_LINKS, 5, "activities:record_list") == "5"
    assert drill_object(NO_LINKS, "甲一村", "organisations:unit_detail", 1) == "甲一村"


def test_trend_cells_link_each_month_and_type():
    row = {"month": dt.date(2026, 5, 1), "cells": [("film", 2), ("forum", 0)]}
    assert trend_links(LINKS, row, 4) == [
        (
            2,
            "/activities/?campaign=4&type=film&date_from=2026-05-01&date_to=2026-05-31"
            "&status=approved",
        ),
        (0, ""),
    ]
    assert trend_links(NO_LINKS, row, 4) == [(2, ""), (0, "")]


def test_drill_without_such_list_shows_the_plain_number():
    assert drill(LINKS, 3, "nowhere:list", status="x") == "3"
    assert drill_object(LINKS, "<b>", "nowhere:detail", 1) == "&lt;b&gt;"


def test_dates():
    assert iso(dt.date(2026, 5, 1)) == "2026-05-01"
    assert month_end(dt.date(2026, 2, 1)) == "2026-02-28"
    assert month_end(dt.date(2026, 12, 1)) == "2026-12-31"
    assert (iso(None), month_end(None)) == ("", "")
