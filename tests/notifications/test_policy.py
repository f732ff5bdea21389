from __future__ import annotations

import datetime as dt

from django.urls import reverse

from notifications.models import ReminderPolicy


def url(campaign):
    return reverse("notifications:policy", args=[campaign.pk])


VALID = {
    "enabled": "on",
    "before_days": "10，3",
    "on_the_day": "on",
    "overdue_every": "2",
    "overdue_max": "4",
    "send_time": "09:00",
}


def test_defaults_shown_to_office(world, login):
    response = login(world.office_a).get(url(world.campaign_a))
    assert response.status_code == 200
    assert response.context["can_edit"]
    assert [s["offset"] for s in response.context["schedule"]] == [-7, -1, 0, 3, 6, 9, 12, 15]
    assert not ReminderPolicy.objects.exists()


def test_office_saves_a_policy(world, login):
    response = login(world.office_a).post(url(world.campaign_a), VALID)
    assert response.status_code == 302
    policy = ReminderPolicy.objects.get(campaign=world.campaign_a)
    assert policy.before_days == [10, 3]
    assert policy.offsets() == [-10, -3, 0, 2, 4, 6, 8]
    assert policy.send_time == dt.time(9, 0)
    assert policy.history.first().history_user == world.office_a


def test_bad_input_is_refused_at_the_field(world, login):
    client = login(world.office_a)
    response = client.post(url(world.campaign_a), {**VALID, "before_days": "七天"})
    assert response.status_code == 200
    assert "请填写 1 到 60 之间的整数天数" in response.content.decode()
    response = client.post(url(world.campaign_a), {**VALID, "send_time": "23:00"})
    assert "夜间不发送提醒" in response.content.decode()
    assert not ReminderPolicy.objects.exists()


def test_leader_reads_but_may_not_write(world, login):
    client = login(world.leader_a)
    response = client.get(url(world.campaign_a))
    assert response.status_code == 200 and not response.context["can_edit"]
    assert client.post(url(world.campaign_a), VALID).status_code == 403
    assert not ReminderPolicy.objects.exists()


def test_liaison_of_the_township_may_not_write(world, login):
    assert login(world.liaison_a1).post(url(world.campaign_a), VALID).status_code == 403


def test_outsiders_get_404(world, login):
    for user in (world.outsider, world.liaison_b1, world.office_b, world.other_reviewer):
        client = login(user)
        assert client.get(url(world.campaign_a)).status_code == 404
        assert client.post(url(world.campaign_a), VALID).status_code == 404
    assert not ReminderPolicy.objects.exists()


def test_policy_history_page_for_office(world, login):
    login(world.office_a).post(url(world.campaign_a), VALID)
    policy = ReminderPolicy.objects.get()
    history = reverse("organisations:history", args=["notifications.reminderpolicy", policy.pk])
    assert login(world.office_a).get(history).status_code == 200
    assert login(world.office_b).get(history).status_code == 404
