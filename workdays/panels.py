"""The office's home page says when next year's holidays are still missing (from November)."""

from __future__ import annotations

from django.utils import timezone

from organisations.home import home_panel
from workdays.access import may_edit_calendar
from workdays.services import missing_next_year


def _missing(request, scope):
    year = missing_next_year(timezone.localdate())
    if year is None:
        return None
    return {
        "template": "workdays/_partials/home_missing.html",
        "missing_year": year,
        # a district leader sees the reviewers' panels too, but may only read the calendar
        "can_edit": may_edit_calendar(request.user),
    }


home_panel("office", order=1)(_missing)
home_panel("reviewer", order=1)(_missing)
