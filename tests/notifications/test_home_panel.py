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


def test_one_current_reminder_per_item(world, login, sweep_at, settings):
    """A rectification reminded 7 days before, on the day and twice while overdue shows once:
    the latest reminder; once it is closed it shows no more."""
    import datetime as dt

    from assessments.models import Rectification
    from tests.dashboard.factories import rectification

    settings.REMINDER_DIGEST_TIME = "23:59"
    deadline = dt.date(2026, 6, 10)
    rect = rectification(world.campaign_a, world.unit_a1, deadline)
    for day in (-7, 0, 3, 6):
        sweep_at(deadline + dt.timedelta(days=day))
    mine = Notification.objects.filter(user=world.liaison_a1, kind="rectification")
    assert mine.count() == 4
    client = login(world.liaison_a1)
    body = client.get(reverse("home")).content.decode()
    panel = body[body.index('id="home-unread-notifications"') :]
    panel = panel[: panel.index("</ul>")]
    assert panel.count("<li") == 1
    assert mine.order_by("-id").first().title in panel
    Rectification.objects.filter(pk=rect.pk).update(status=Rectification.Status.CLOSED)
    assert 'id="home-unread-notifications"' not in client.get(reverse("home")).content.decode()
