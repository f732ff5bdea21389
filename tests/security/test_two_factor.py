"""Two factors: office staff, district roles, auditors and administrators must enrol a TOTP
authenticator and pass it at every sign-in; liaisons may opt in. Codes are computed from the
device's real key, as an authenticator app would."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.urls import reverse
from django_otp.plugins.otp_static.models import StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from audit.models import AuditEvent
from tests.factories import give_role
from tests.security.conftest import totp_now

pytestmark = pytest.mark.django_db
HOME = reverse("home")
PAGE = reverse("activities:ledger")


def enrol(client, user) -> list[str]:
    """Walk the enrolment page: read the QR page, type the code. Returns the recovery codes."""
    page = client.get(reverse("accounts:otp_enroll"))
    assert page.status_code == 200 and "<svg" in page.text
    device = TOTPDevice.objects.get(user=user, confirmed=False)
    response = client.post(reverse("accounts:otp_enroll"), {"token": totp_now(device)})
    assert response.status_code == 200
    codes = response.context["codes"]
    assert len(codes) == 10 and all(code in response.text for code in codes)
    return codes


@pytest.mark.parametrize("who", ["office_a", "reviewer", "district_leader"])
def test_required_roles_must_enrol_before_anything_else(world, sign_in, client, who):
    user = getattr(world, who)
    assert sign_in(user).status_code == 302
    response = client.get(PAGE)
    assert response.status_code == 302 and response.url.startswith(reverse("accounts:otp_enroll"))
    assert "须使用两步验证" in client.get(response.url).text
    enrol(client, user)
    assert client.get(HOME).status_code == 200
    assert AuditEvent.objects.filter(kind="otp_enroll", actor=user).exists()


def test_superuser_and_auditor_must_enrol_too(world, sign_in, client):
    from organisations.models import Role

    give_role(world.outsider, world.district, Role.Kind.AUDITOR)
    sign_in(world.outsider)
    assert client.get(HOME).url.startswith(reverse("accounts:otp_enroll"))


def test_a_liaison_is_not_asked_but_may_opt_in(world, sign_in, client):
    user = world.liaison_a1
    sign_in(user)
    assert client.get(PAGE).status_code == 200
    assert "尚未启用" in client.get(reverse("accounts:security")).text
    enrol(client, user)
    client.post(reverse("logout"))
    sign_in(user)
    response = client.get(PAGE)
    assert response.url.startswith(reverse("accounts:otp_verify"))


def test_enrolled_user_passes_the_second_step_with_a_current_code(world, sign_in, client):
    user = world.office_a
    with time_machine.travel(dt.datetime(2026, 6, 1, 1, 0, tzinfo=dt.UTC), tick=False) as clock:
        sign_in(user)
        enrol(client, user)
        client.post(reverse("logout"))
        assert sign_in(user).status_code == 302
        assert client.get(PAGE).url.startswith(reverse("accounts:otp_verify"))
        device = TOTPDevice.objects.get(user=user, confirmed=True)
        # the code used to enrol cannot be replayed within its 30-second step
        replay = client.post(reverse("accounts:otp_verify"), {"token": totp_now(device)})
        assert "验证码不正确" in replay.text
        clock.shift(dt.timedelta(seconds=40))  # the next step (and past django-otp's throttle)
        device.refresh_from_db()
        response = client.post(
            reverse("accounts:otp_verify"), {"token": totp_now(device), "next": PAGE}
        )
        assert response.status_code == 302 and response.url == PAGE
        assert client.get(PAGE).status_code == 200
    results = list(
        AuditEvent.objects.filter(kind="otp_verify", actor=user).values_list("result", flat=True)
    )
    assert sorted(results) == ["failure", "success"]


def test_a_recovery_code_works_once(world, sign_in, client):
    user = world.office_a
    sign_in(user)
    codes = enrol(client, user)
    for attempt in ("first", "second"):
        client.post(reverse("logout"))
        sign_in(user)
        response = client.post(reverse("accounts:otp_verify"), {"token": codes[0]})
        if attempt == "first":
            assert response.status_code == 302
        else:
            assert response.status_code == 200 and "验证码不正确" in response.text
    assert StaticToken.objects.filter(device__user=user).count() == 9


def test_a_wrong_enrolment_code_does_not_confirm(world, sign_in, client):
    sign_in(world.office_a)
    client.get(reverse("accounts:otp_enroll"))
    response = client.post(reverse("accounts:otp_enroll"), {"token": "123"})
    assert "验证码不正确" in response.text
    assert not TOTPDevice.objects.filter(user=world.office_a, confirmed=True).exists()
    assert client.get(PAGE).status_code == 302


def test_pages_refuse_a_session_that_skipped_the_second_step(world, sign_in, client):
    """POSTs too: the half-signed-in session cannot change anything."""
    sign_in(world.office_a)
    response = client.post(reverse("activities:bulk_approve"), {"records": ["1"]})
    assert response.status_code == 302
    assert response.url == reverse("accounts:otp_enroll")
