"""Password policy: length, letters + digits + symbols, not like the user name; changed every
PASSWORD_MAX_AGE_DAYS (a forced-change page before anything else)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from audit.models import AuditEvent

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "password, reason",
    [
        ("Ab1!x", "10"),  # too short: the message names the minimum
        ("abcdefghijk", "字母、数字和符号"),
        ("abcdefgh1234", "字母、数字和符号"),
        ("abcd!efgh#ij", "字母、数字和符号"),
        ("1234567890!!", "字母、数字和符号"),
        ("liaison_a1_2026!", "相似"),  # like the user name
    ],
)
def test_weak_passwords_are_refused(world, password, reason):
    with pytest.raises(ValidationError) as caught:
        validate_password(password, world.liaison_a1)
    assert any(reason in message for message in caught.value.messages)


def test_a_strong_password_is_accepted(world):
    validate_password("Qing-feng#2026", world.liaison_a1)


def test_set_password_stamps_the_change_time(world):
    user = world.liaison_a1
    user.password_changed_at = timezone.now() - dt.timedelta(days=400)
    user.set_password("Qing-feng#2026")
    assert timezone.now() - user.password_changed_at < dt.timedelta(minutes=1)


def test_an_old_password_forces_a_change_before_anything_else(world, login):
    user = world.liaison_a1
    type(user).objects.filter(pk=user.pk).update(
        password_changed_at=timezone.now() - dt.timedelta(days=91)
    )
    client = login(user)
    response = client.get(reverse("activities:record_list"))
    assert response.status_code == 302
    assert response.url.startswith(reverse("password_change"))
    page = client.get(response.url)
    assert "您的密码已超过 90 天未修改，请先修改密码。" in page.text
    # a weak new password is refused with the reason, the old one still has to go
    page = client.post(
        reverse("password_change"),
        {"old_password": "pass-1234", "new_password1": "abc", "new_password2": "abc"},
    )
    assert page.status_code == 200 and "字母、数字和符号" in page.text
    response = client.post(
        reverse("password_change"),
        {
            "old_password": "pass-1234",
            "new_password1": "Qing-feng#2026",
            "new_password2": "Qing-feng#2026",
        },
    )
    assert response.status_code == 302
    assert client.get(reverse("activities:record_list")).status_code == 200
    assert AuditEvent.objects.filter(kind="password_change", result="success").count() == 1


def test_a_password_within_the_period_is_left_alone(world, login, settings):
    user = world.liaison_a1
    type(user).objects.filter(pk=user.pk).update(
        password_changed_at=timezone.now() - dt.timedelta(days=89)
    )
    assert login(user).get(reverse("activities:record_list")).status_code == 200
    settings.PASSWORD_MAX_AGE_DAYS = 30
    assert login(user).get(reverse("activities:record_list")).status_code == 302


def test_a_wrong_old_password_is_audited_as_a_failure(world, login):
    login(world.liaison_a1).post(
        reverse("password_change"),
        {
            "old_password": "nope",
            "new_password1": "Qing-feng#2026",
            "new_password2": "Qing-feng#2026",
        },
    )
    assert AuditEvent.objects.filter(kind="password_change", result="failure").exists()
