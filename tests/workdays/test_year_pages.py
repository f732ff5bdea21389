"""The office's pages for the working calendar: read, paste the notice, check, save."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.urls import reverse

from tests.notifications.conftest import at
from workdays import days
from workdays.models import CalendarDay, CalendarYear

NOTICE_2027 = """一、元旦：1月1日（周五）至3日（周日）放假，共3天。
七、国庆节：10月1日（周五）至7日（周四）放假调休，共7天。9月26日（周日）、10月9日（周六）上班。"""


def test_everyone_with_a_role_reads_the_calendar(world, login):
    for user in (world.liaison_a1, world.leader_a, world.reviewer):
        response = login(user).get(reverse("workdays:year_detail", args=[2026]))
        assert response.status_code == 200
        assert "国庆节" in response.content.decode()
        assert response.context["can_edit"] == (user == world.reviewer)


def test_outsiders_are_refused(world, login, client):
    assert client.get(reverse("workdays:year_list")).status_code == 302  # to the login page
    outsider = login(world.outsider)
    assert outsider.get(reverse("workdays:year_list")).status_code == 403
    assert outsider.get(reverse("workdays:year_detail", args=[2026])).status_code == 403
    assert outsider.get(reverse("workdays:year_edit", args=[2027])).status_code == 403


def test_a_liaison_may_not_change_it(world, login):
    liaison = login(world.liaison_a1)
    assert liaison.get(reverse("workdays:year_edit", args=[2027])).status_code == 403
    response = liaison.post(
        reverse("workdays:year_edit", args=[2027]), {"text": NOTICE_2027, "action": "save"}
    )
    assert response.status_code == 403
    assert not CalendarYear.objects.filter(year=2027).exists()


def test_the_list_marks_next_year_missing(world, login):
    with time_machine.travel(at(dt.date(2026, 11, 2)), tick=False):
        response = login(world.office_a).get(reverse("workdays:year_list"))
    page = response.content.decode()
    assert response.context["missing_year"] == 2027
    assert "2027年节假日安排尚未录入" in page


def test_office_pastes_the_notice_checks_and_saves(
    world, login, django_capture_on_commit_callbacks
):
    office = login(world.office_a)
    url = reverse("workdays:year_edit", args=[2027])
    response = office.post(
        url, {"text": NOTICE_2027, "notice": "国办发明电〔2026〕7号", "action": "preview"}
    )
    assert response.status_code == 200
    assert len(response.context["preview"].rows()) == 3 + 7 + 2
    assert "确认保存" in response.content.decode()
    assert not CalendarYear.objects.filter(year=2027).exists()  # nothing stored yet
    with django_capture_on_commit_callbacks(execute=True):
        response = office.post(
            url,
            {
                "text": NOTICE_2027,
                "notice": "国办发明电〔2026〕7号",
                "reason": "按通知录入",
                "action": "save",
            },
        )
    assert response.status_code == 302
    entry = CalendarYear.objects.get(year=2027)
    assert entry.updated_by == world.office_a and entry.notice == "国办发明电〔2026〕7号"
    assert not days.is_workday(dt.date(2027, 10, 1)) and days.is_workday(dt.date(2027, 10, 9))
    detail = office.get(reverse("workdays:year_detail", args=[2027])).content.decode()
    assert "按通知录入" in detail and world.office_a.display_name in detail
    # the edit box starts from what is stored, written the notice's way
    again = office.get(url)
    assert "10月1日至10月7日放假" in again.context["form"].initial["text"]


def test_a_bad_paste_is_refused_in_chinese(world, login):
    response = login(world.office_a).post(
        reverse("workdays:year_edit", args=[2027]),
        {"text": "国庆节：10月32日放假", "action": "save"},
    )
    assert response.status_code == 200
    assert "不是有效日期" in response.content.decode()
    assert not CalendarDay.objects.filter(date__year=2027).exists()


def test_a_year_out_of_range_is_not_found(world, login):
    assert (
        login(world.office_a).get(reverse("workdays:year_detail", args=[1900])).status_code == 404
    )


@pytest.mark.parametrize(
    ("day", "shown"), [(dt.date(2026, 10, 20), False), (dt.date(2026, 11, 2), True)]
)
def test_office_home_warns_from_november(world, login, day, shown):
    with time_machine.travel(at(day), tick=False):
        page = login(world.office_a).get(reverse("home")).content.decode()
    assert ("2027年节假日安排尚未录入" in page) is shown


def test_the_warning_goes_once_the_year_is_entered(world, login):
    from workdays.services import save_year

    save_year(2027, [(dt.date(2027, 10, 1), "holiday", "国庆节")], by=world.office_a)
    days.forget()
    with time_machine.travel(at(dt.date(2026, 11, 2)), tick=False):
        page = login(world.office_b).get(reverse("home")).content.decode()
    assert "节假日安排尚未录入" not in page


def test_the_calendar_reads_in_english(world, login):
    from django.conf import settings
    from django.utils import translation

    client = login(world.office_a)
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    try:
        body = client.get(reverse("workdays:year_detail", args=[2026])).content.decode()
        assert "Holidays 2026" in body and "Make-up working day" in body
    finally:
        translation.activate(settings.LANGUAGE_CODE)


def test_a_reader_is_warned_without_an_edit_link(world, login):
    """The district leader sees the reviewers' home panels but may only read the calendar."""
    edit = reverse("workdays:year_edit", args=[2027])
    with time_machine.travel(at(dt.date(2026, 11, 2)), tick=False):
        leader = login(world.district_leader).get(reverse("home")).content.decode()
        reviewer = login(world.reviewer).get(reverse("home")).content.decode()
    assert edit in reviewer
    assert "2027年节假日安排尚未录入" in leader
    assert edit not in leader
    assert reverse("workdays:year_list") in leader
    assert login(world.district_leader).get(edit).status_code == 403
