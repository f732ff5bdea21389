"""The working calendar's pages: the years (known or not) and one year's schedule with its edit
form (paste the notice, check what was read, confirm) and history."""

from __future__ import annotations

import calendar as month_calendar
import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from workdays import days as workdays_api
from workdays.access import may_edit_calendar, require_calendar_editor, require_calendar_reader
from workdays.forms import YearForm
from workdays.models import COUNTRY, CalendarDay, CalendarYear
from workdays.notice import as_text
from workdays.services import missing_next_year, rows_of_year, save_year

FIRST_YEAR, LAST_YEAR = 2004, 2100


def _year_or_404(year: int) -> int:
    if not FIRST_YEAR <= year <= LAST_YEAR:
        raise Http404
    return year


@login_required
def year_list(request: HttpRequest) -> HttpResponse:
    require_calendar_reader(request.user)
    today = timezone.localdate()
    entries = {
        y.year: y for y in CalendarYear.objects.filter(country=COUNTRY).select_related("updated_by")
    }
    years = [
        {"year": y, "entry": entries.get(y)} for y in range(today.year + 1, today.year - 4, -1)
    ]
    return render(
        request,
        "workdays/year_list.html",
        {
            "years": years,
            "missing_year": missing_next_year(today),
            "can_edit": may_edit_calendar(request.user),
            "older": sorted((y for y in entries if y < today.year - 3), reverse=True),
        },
    )


def _months(year: int, rows) -> list[dict]:
    """A small month grid per month that has anything off or on (for the year page)."""
    snap = workdays_api.snapshot()
    marked = {day: kind for day, kind, _name in rows}
    months = []
    for month in sorted({d.month for d in marked if d.year == year}):
        weeks = []
        for week in month_calendar.Calendar().monthdatescalendar(year, month):
            weeks.append(
                [
                    {
                        "day": d,
                        "in_month": d.month == month,
                        "kind": marked.get(d, ""),
                        "off": not snap.is_workday(d),
                    }
                    for d in week
                ]
            )
        months.append({"month": month, "weeks": weeks})
    return months


@login_required
def year_detail(request: HttpRequest, year: int) -> HttpResponse:
    year = _year_or_404(year)
    require_calendar_reader(request.user)
    entry = (
        CalendarYear.objects.filter(country=COUNTRY, year=year).select_related("updated_by").first()
    )
    rows = rows_of_year(year)
    start, end = dt.date(year - 1, 12, 20), dt.date(year, 12, 31)
    day_history = (
        CalendarDay.history.filter(country=COUNTRY, date__gte=start, date__lte=end)
        .select_related("history_user")
        .order_by("-history_date")[:100]
    )
    year_history = (
        CalendarYear.history.filter(country=COUNTRY, year=year)
        .select_related("history_user")
        .order_by("-history_date")[:20]
    )
    return render(
        request,
        "workdays/year_detail.html",
        {
            "year": year,
            "entry": entry,
            "rows": rows,
            "months": _months(year, rows),
            "day_history": day_history,
            "year_history": year_history,
            "can_edit": may_edit_calendar(request.user),
            "note": workdays_api.assumption_note(dt.date(year, 1, 1)),
        },
    )


@login_required
def year_edit(request: HttpRequest, year: int) -> HttpResponse:
    year = _year_or_404(year)
    require_calendar_editor(request.user)
    entry = CalendarYear.objects.filter(country=COUNTRY, year=year).first()
    preview = None
    if request.method == "POST":
        form = YearForm(request.POST, year=year)
        if form.is_valid():
            parsed = form.parsed
            if request.POST.get("action") == "save":
                save_year(
                    year,
                    parsed.rows(),
                    by=request.user,
                    notice=form.cleaned_data["notice"],
                    reason=form.cleaned_data["reason"] or _("录入节假日安排"),
                )
                messages.success(
                    request,
                    _("%(year)s年节假日安排已保存：放假 %(off)s 天，调休上班 %(on)s 天。")
                    % {
                        "year": year,
                        "off": sum(1 for r in parsed.rows() if r[1] == CalendarDay.Kind.HOLIDAY),
                        "on": sum(1 for r in parsed.rows() if r[1] == CalendarDay.Kind.WORKDAY),
                    },
                )
                return redirect("workdays:year_detail", year=year)
            preview = parsed
    else:
        rows = rows_of_year(year)
        form = YearForm(
            initial={"text": as_text(rows, year), "notice": entry.notice if entry else ""},
            year=year,
        )
    return render(
        request,
        "workdays/year_edit.html",
        {"year": year, "entry": entry, "form": form, "preview": preview},
    )
