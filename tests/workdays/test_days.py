"""The working calendar as seeded from chinesecalendar, and the API every deadline asks."""

from __future__ import annotations

import datetime as dt

import chinese_calendar
import pytest
from django.core.management import call_command

from workdays import days
from workdays.models import CalendarDay, CalendarYear, Source
from workdays.services import missing_next_year, save_year

pytestmark = pytest.mark.django_db

D = dt.date
NATIONAL_DAY_OFF = [D(2026, 10, d) for d in range(1, 8)]
SPRING_FESTIVAL_OFF = [D(2026, 2, d) for d in range(15, 24)]
MAKE_UP_DAYS = [D(2026, 9, 20), D(2026, 10, 10), D(2026, 2, 14), D(2026, 2, 28)]


def test_2026_as_the_issue_states_it_matches_the_package_and_the_database():
    for day in NATIONAL_DAY_OFF + SPRING_FESTIVAL_OFF:
        assert not chinese_calendar.is_workday(day), day
        assert not days.is_workday(day), day
    for day in MAKE_UP_DAYS:  # weekends worked in lieu
        assert day.weekday() >= 5
        assert chinese_calendar.is_workday(day), day
        assert days.is_workday(day), day
    assert days.is_workday(D(2026, 10, 8)) and days.is_workday(D(2026, 2, 24))
    assert CalendarDay.objects.get(date=D(2026, 10, 1)).name == "国庆节"
    assert CalendarDay.objects.get(date=D(2026, 2, 14)).name == "春节"


def test_the_whole_package_is_seeded_and_agrees_day_by_day():
    years = set(CalendarYear.objects.values_list("year", flat=True))
    assert years == set(range(2004, 2027))
    day = D(2025, 1, 1)
    while day <= D(2026, 12, 31):
        assert days.is_workday(day) == chinese_calendar.is_workday(day), day
        day += dt.timedelta(days=1)


def test_adding_working_days_across_national_day():
    assert days.add_workdays(D(2026, 9, 30), 1) == D(2026, 10, 8)
    assert days.add_workdays(D(2026, 10, 8), -1) == D(2026, 9, 30)
    assert days.add_workdays(D(2026, 10, 8), -3) == D(2026, 9, 28)
    assert days.add_workdays(D(2026, 10, 9), 1) == D(2026, 10, 10)  # a Saturday worked
    assert days.add_workdays(D(2026, 9, 18), 1) == D(2026, 9, 20)  # a Sunday worked
    assert days.add_workdays(D(2026, 10, 3), 0) == D(2026, 10, 3)
    assert days.next_workday(D(2026, 10, 3)) == D(2026, 10, 8)
    assert days.next_workday(D(2026, 10, 8)) == D(2026, 10, 8)


def test_adding_working_days_across_spring_festival():
    assert days.add_workdays(D(2026, 2, 13), 1) == D(2026, 2, 14)
    assert days.add_workdays(D(2026, 2, 14), 1) == D(2026, 2, 24)
    assert days.add_workdays(D(2026, 2, 24), -1) == D(2026, 2, 14)
    assert days.add_workdays(D(2026, 2, 27), 1) == D(2026, 2, 28)


def test_a_year_nobody_entered_is_weekends_only_and_says_so():
    assert not days.is_known_year(2027)
    assert days.is_workday(D(2027, 10, 1))  # a Friday: nobody knows yet
    assert days.assumption_note(D(2026, 12, 20), D(2027, 1, 10)) == (
        "2027年节假日安排未录入，按周末推算"
    )
    assert days.assumption_note(D(2026, 3, 1), D(2026, 12, 31)) == ""
    assert days.unknown_years(D(2027, 5, 1), D(2028, 2, 1)) == [2027, 2028]


def test_entering_a_year_changes_answers_at_once_with_history(
    world, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        save_year(
            2027,
            [
                (D(2027, 10, 1), "holiday", "国庆节"),
                (D(2027, 10, 4), "holiday", "国庆节"),
                (D(2027, 9, 26), "workday", "国庆节"),
            ],
            by=world.office_a,
            notice="国办发明电〔2026〕1号",
            reason="按通知录入",
        )
    assert days.is_known_year(2027) and days.assumption_note(D(2027, 1, 5)) == ""
    assert not days.is_workday(D(2027, 10, 1)) and days.is_workday(D(2027, 9, 26))
    entry = CalendarYear.objects.get(year=2027)
    assert entry.source == Source.OFFICE and entry.updated_by == world.office_a
    # a correction: 4 October was a mistake, 5 October is off instead
    with django_capture_on_commit_callbacks(execute=True):
        save_year(
            2027,
            [
                (D(2027, 10, 1), "holiday", "国庆节"),
                (D(2027, 10, 5), "holiday", "国庆节"),
                (D(2027, 9, 26), "workday", "国庆节"),
            ],
            by=world.office_b,
            reason="更正",
        )
    assert days.is_workday(D(2027, 10, 4)) and not days.is_workday(D(2027, 10, 5))
    history = CalendarDay.history.filter(date=D(2027, 10, 4)).order_by("history_date")
    assert [h.history_type for h in history] == ["+", "-"]
    assert history.last().history_user == world.office_b
    assert history.last().history_change_reason == "更正"


def test_from_november_next_year_must_be_entered():
    assert missing_next_year(D(2026, 10, 31)) is None
    assert missing_next_year(D(2026, 11, 1)) == 2027
    assert missing_next_year(D(2027, 3, 1)) == 2027  # the year itself, even more so


def test_seeding_again_keeps_what_the_office_entered(world):
    save_year(2026, [(D(2026, 10, 1), "holiday", "国庆节")], by=world.office_a)
    call_command("seed_workdays")
    assert CalendarDay.objects.filter(date__year=2026).count() == 1
    call_command("seed_workdays", "--replace", "--year", "2026")
    assert CalendarDay.objects.filter(date__year=2026).count() > 30
    assert CalendarYear.objects.get(year=2026).source == Source.PACKAGE
