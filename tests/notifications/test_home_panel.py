from __future__ import annotations

from django.urls import reverse

from notifications.models import Notification


def test_liaison_home_shows_unread_reminders(world, login):
    Notification.objects.create(user=world.liaison_a1, kind="task_period", title="【提醒】党课")
    Notification.objects.create(
        user=world.liaison_a1,
        kind="task_period",
        title="【提醒】已读的",
        read_at="2026-06-01T00:00Z",
    )
    body = login(world.liaison_a1).get(reverse("home")).content.decode()
    assert "待办提醒" in body and "【提醒】党课" in body and "已读的" not in body


def test_no_panel_without_unread(world, login):
    Notification.objects.create(user=world.liaison_a2, kind="task_period", title="【提醒】别人的")
    body = login(world.liaison_a1).get(reverse("home")).content.decode()
    assert "待办提醒" not in body and "别人的" not in body
