"""Signing in the way a person does: the login page, then the second factor when asked."""

from __future__ import annotations

import pytest
from django.urls import reverse
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

PASSWORD = "pass-1234"  # tests.factories.UserFactory


def totp_now(device: TOTPDevice) -> str:
    """The code an authenticator app shows now, computed from the device's own key."""
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    return f"{totp.token():0{device.digits}d}"


@pytest.fixture
def sign_in(client):
    """sign_in(user, password=PASSWORD, ip=...) -> the response of the login form."""

    def _sign_in(user, password=PASSWORD, ip="10.0.0.5", **extra):
        return client.post(
            reverse("login"),
            {"username": getattr(user, "username", user), "password": password},
            REMOTE_ADDR=ip,
            **extra,
        )

    return _sign_in
