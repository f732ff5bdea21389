"""Login failures: django-axes locks the account (and the address) after LOGIN_FAILURE_LIMIT
wrong passwords for LOGIN_LOCKOUT_MINUTES; the office unlocks people of its own township."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.urls import reverse

from audit.models import AuditEvent

pytestmark = pytest.mark.django_db


def test_the_right_password_is_refused_after_five_wrong_ones(world, sign_in, client):
    for _ in range(5):
        response = sign_in(world.liaison_a1, "wrong-password")
    assert response.status_code == 429
    response = sign_in(world.liaison_a1)  # the right password, too late
    assert response.status_code == 429
    assert "登录已暂时锁定" in response.text and "30 分钟" in response.text
    assert "_auth_user_id" not in client.session
    kinds = list(AuditEvent.objects.order_by("id").values_list("kind", flat=True))
    assert kinds.count("login_failed") >= 5 and "lockout" in kinds and "login" not in kinds


def test_four_failures_then_the_right_password_signs_in(world, sign_in, client):
    for _ in range(4):
        assert sign_in(world.liaison_a1, "wrong-password").status_code == 200
    assert sign_in(world.liaison_a1).status_code == 302
    assert client.session["_auth_user_id"] == str(world.liaison_a1.pk)


def test_the_lock_ends_after_the_cooloff(world, sign_in, settings):
    with time_machine.travel(dt.datetime(2026, 6, 1, 9, 0, tzinfo=dt.UTC), tick=False) as clock:
        for _ in range(5):
            sign_in(world.liaison_a1, "wrong-password")
        assert sign_in(world.liaison_a1).status_code == 429
        clock.shift(dt.timedelta(minutes=31))
        assert sign_in(world.liaison_a1).status_code == 302


def test_an_address_spraying_many_accounts_is_locked(world, sign_in):
    names = ["liaison_a1", "liaison_a2", "liaison_b1", "leader_a", "office_b"]
    for name in names:
        sign_in(getattr(world, name), "wrong-password", ip="203.0.113.9")
    assert sign_in(world.reviewer, ip="203.0.113.9").status_code == 429
    # the same account from another address is not refused by the address lock
    assert sign_in(world.outsider, ip="198.51.100.1").status_code == 302


def test_limits_come_from_settings(world, sign_in, settings):
    settings.AXES_FAILURE_LIMIT = 2
    sign_in(world.liaison_a1, "wrong")
    assert sign_in(world.liaison_a1, "wrong").status_code == 429


def test_office_sees_and_unlocks_a_locked_person_of_its_township(world, sign_in, login):
    for _ in range(5):
        sign_in(world.liaison_a1, "wrong-password")
    office = login(world.office_a)
    page = office.get(reverse("accounts:lockouts"))
    assert page.status_code == 200 and "liaison_a1" in page.text
    response = office.post(reverse("accounts:lockout_unlock"), {"username": "liaison_a1"})
    assert response.status_code == 302
    assert AuditEvent.objects.filter(kind="unlock", object_repr="liaison_a1").exists()
    office.logout()
    assert sign_in(world.liaison_a1, ip="10.0.0.6").status_code == 302


def test_unlock_refused_outside_the_township_and_to_non_office(world, sign_in, login):
    for _ in range(5):
        sign_in(world.liaison_b1, "wrong-password")
    url = reverse("accounts:lockout_unlock")
    other = login(world.office_a)
    assert "liaison_b1" not in other.get(reverse("accounts:lockouts")).text
    assert other.post(url, {"username": "liaison_b1"}).status_code == 403
    assert login(world.liaison_a1).post(url, {"username": "liaison_b1"}).status_code == 403
    assert login(world.liaison_a1).get(reverse("accounts:lockouts")).status_code == 403
    assert login(world.office_b).get(url).status_code == 405
    assert sign_in(world.liaison_b1, ip="10.0.0.7").status_code == 429


def test_office_resets_the_second_factor_of_its_own_people_only(world, login):
    from django_otp.plugins.otp_totp.models import TOTPDevice

    target = world.liaison_a1
    TOTPDevice.objects.create(user=target, name="phone", confirmed=True)
    url = reverse("accounts:otp_reset")
    assert login(world.office_b).post(url, {"username": target.username}).status_code == 403
    assert login(world.liaison_a2).post(url, {"username": target.username}).status_code == 403
    assert TOTPDevice.objects.filter(user=target).exists()
    response = login(world.office_a).post(url, {"username": target.username})
    assert response.status_code == 302
    assert not TOTPDevice.objects.filter(user=target).exists()
    assert AuditEvent.objects.filter(kind="otp_reset", object_id=str(target.pk)).exists()
    assert login(world.office_a).get(url).status_code == 405
