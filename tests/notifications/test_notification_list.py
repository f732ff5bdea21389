from __future__ import annotations

import pytest
from django.urls import reverse

from notifications.models import Notification


def make(user, n, read=False):
    from django.utils import timezone

    Notification.objects.bulk_create(
        [
            Notification(
                user=user,
                kind="task_period",
                title=f"【提醒】任务{i}",
                body="今天截止。",
                url="/campaigns/",
                read_at=timezone.now() if read else None,
            )
            for i in range(n)
        ]
    )


def test_lists_only_my_notifications(world, login):
    make(world.liaison_a1, 3)
    make(world.liaison_a2, 2)
    response = login(world.liaison_a1).get(reverse("notifications:list"))
    assert response.status_code == 200
    assert len(response.context["page"].object_list) == 3
    assert all(n.user_id == world.liaison_a1.pk for n in response.context["page"])
    assert "【提醒】任务0" in response.content.decode()


def test_unread_filter_and_badge(world, login):
    make(world.liaison_a1, 2)
    make(world.liaison_a1, 3, read=True)
    client = login(world.liaison_a1)
    response = client.get(reverse("notifications:list"), {"show": "unread"})
    assert len(response.context["page"].object_list) == 2
    assert response.context["unread_notifications"] == 2
    assert 'id="qf-unread">2<' in response.content.decode()


def test_outsider_sees_an_empty_list(world, login):
    make(world.liaison_a1, 2)
    response = login(world.outsider).get(reverse("notifications:list"))
    assert response.status_code == 200
    assert list(response.context["page"]) == []


def test_anonymous_is_sent_to_login(db, client):
    response = client.get(reverse("notifications:list"))
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


@pytest.mark.parametrize("count", [5, 40])
def test_query_count_does_not_grow_with_the_list(world, login, django_assert_num_queries, count):
    make(world.liaison_a1, count)
    client = login(world.liaison_a1)
    client.get(reverse("notifications:list"))  # warm the session
    # session, user, roles (scope), nav roles, unread count, page count, page rows
    with django_assert_num_queries(6):
        client.get(reverse("notifications:list"))


def test_office_finds_the_reminder_policy_of_its_campaigns(world, login):
    response = login(world.office_a).get(reverse("notifications:list"))
    assert list(response.context["policies"]) == [world.campaign_a]
    assert reverse("notifications:policy", args=[world.campaign_a.pk]) in response.content.decode()
    assert login(world.liaison_a1).get(reverse("notifications:list")).context["policies"] == []
