from __future__ import annotations

from django.urls import reverse

from notifications.models import Preference


def test_default_is_immediate(world, login):
    response = login(world.liaison_a1).get(reverse("notifications:preferences"))
    assert response.status_code == 200
    assert response.context["form"].initial["email_mode"] == "immediate"


def test_choose_daily_digest(world, login):
    client = login(world.liaison_a1)
    response = client.post(reverse("notifications:preferences"), {"email_mode": "digest"})
    assert response.status_code == 302
    assert Preference.objects.get(user=world.liaison_a1).email_mode == "digest"
    assert not Preference.objects.filter(user=world.liaison_a2).exists()


def test_bad_choice_is_refused(world, login):
    response = login(world.liaison_a1).post(
        reverse("notifications:preferences"), {"email_mode": "pigeon"}
    )
    assert response.status_code == 200 and response.context["form"].errors
    assert not Preference.objects.exists()


def test_anonymous_is_sent_to_login(db, client):
    assert (
        client.post(reverse("notifications:preferences"), {"email_mode": "off"}).status_code == 302
    )
    assert not Preference.objects.exists()
