from __future__ import annotations

from django.urls import reverse

from notifications.models import Notification


def note(user, url="/campaigns/"):
    return Notification.objects.create(user=user, kind="task_period", title="【提醒】x", url=url)


def test_open_marks_read_and_goes_to_the_thing_to_do(world, login):
    n = note(world.liaison_a1)
    response = login(world.liaison_a1).post(reverse("notifications:open", args=[n.pk]))
    assert response.status_code == 302 and response["Location"] == "/campaigns/"
    n.refresh_from_db()
    assert n.read_at is not None


def test_open_refuses_an_offsite_link(world, login):
    n = note(world.liaison_a1, url="https://evil.example/")
    response = login(world.liaison_a1).post(reverse("notifications:open", args=[n.pk]))
    assert response["Location"] == reverse("notifications:list")


def test_read_plain_and_htmx(world, login):
    first, second = note(world.liaison_a1), note(world.liaison_a1)
    client = login(world.liaison_a1)
    response = client.post(reverse("notifications:read", args=[first.pk]))
    assert response.status_code == 302
    response = client.post(reverse("notifications:read", args=[second.pk]), HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    assert response.templates[0].name == "notifications/_partials/row.html"
    assert response["HX-Trigger"] == "qf-unread-changed"
    body = response.content.decode()
    assert "标为已读" not in body
    assert 'id="qf-unread" hx-swap-oob="true">0<' in body  # the nav badge follows
    assert Notification.objects.filter(read_at__isnull=True).count() == 0


def test_read_all_only_mine(world, login):
    note(world.liaison_a1)
    note(world.liaison_a1)
    other = note(world.liaison_a2)
    response = login(world.liaison_a1).post(reverse("notifications:read_all"))
    assert response.status_code == 302
    assert Notification.objects.filter(user=world.liaison_a1, read_at__isnull=True).count() == 0
    other.refresh_from_db()
    assert other.read_at is None


def test_someone_elses_notification_is_404(world, login):
    n = note(world.liaison_a1)
    for user in (world.liaison_a2, world.liaison_b1, world.outsider, world.office_a):
        client = login(user)
        assert client.post(reverse("notifications:read", args=[n.pk])).status_code == 404
        assert client.post(reverse("notifications:open", args=[n.pk])).status_code == 404
    n.refresh_from_db()
    assert n.read_at is None


def test_state_changes_are_post_only(world, login):
    n = note(world.liaison_a1)
    client = login(world.liaison_a1)
    assert client.get(reverse("notifications:read", args=[n.pk])).status_code == 405
    assert client.get(reverse("notifications:open", args=[n.pk])).status_code == 405
    assert client.get(reverse("notifications:read_all")).status_code == 405
    n.refresh_from_db()
    assert n.read_at is None
