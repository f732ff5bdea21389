"""Two-factor authentication with django-otp: a TOTP authenticator app, plus single-use
recovery codes kept as a static device. Required for office staff, district roles, auditors
and administrators; a liaison may opt in (once they have a device, it is asked for)."""

from __future__ import annotations

import secrets

import segno
from django.conf import settings
from django_otp import devices_for_user, match_token
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from organisations.access import scope_for

RECOVERY_CODES = 10
TOTP_NAME = "身份验证器"
RECOVERY_NAME = "恢复码"


def required_for(user) -> bool:
    if not settings.TWO_FACTOR_REQUIRED:
        return False
    if user.is_superuser or user.is_staff:
        return True
    scope = scope_for(user)
    return bool(
        scope.office_townships
        or scope.leader_districts
        or scope.reviewer_districts
        or scope.auditor_districts
    )


def has_device(user) -> bool:
    return any(True for _ in devices_for_user(user, confirmed=True))


def pending_totp(user) -> TOTPDevice:
    """The user's unconfirmed authenticator (made on first visit to the enrolment page)."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).first()
    return device or TOTPDevice.objects.create(user=user, name=TOTP_NAME, confirmed=False)


def qr_svg(device: TOTPDevice) -> str:
    """The otpauth:// URL as an inline SVG QR code (no external service, no JavaScript)."""
    return segno.make(device.config_url, error="m").svg_inline(scale=4, border=2)


def confirm(device: TOTPDevice, token: str) -> list[str] | None:
    """Confirm the authenticator with a code from it; return fresh recovery codes (or None
    for a wrong code)."""
    if not device.verify_token(token.strip()):
        return None
    TOTPDevice.objects.filter(user=device.user, confirmed=True).exclude(pk=device.pk).delete()
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    return new_recovery_codes(device.user)


def new_recovery_codes(user) -> list[str]:
    StaticDevice.objects.filter(user=user).delete()
    static = StaticDevice.objects.create(user=user, name=RECOVERY_NAME, confirmed=True)
    codes = [f"{secrets.randbelow(10**8):08d}" for _ in range(RECOVERY_CODES)]
    StaticToken.objects.bulk_create([StaticToken(device=static, token=c) for c in codes])
    return codes


def verify(user, token: str):
    """The device that accepts `token` (a TOTP code or an unused recovery code), else None."""
    token = "".join(token.split())
    if not token.isascii() or not token.isalnum() or len(token) > 16:
        return None
    return match_token(user, token)


def reset(user) -> None:
    """Remove every device (a lost phone); the next login asks for a new enrolment."""
    TOTPDevice.objects.filter(user=user).delete()
    StaticDevice.objects.filter(user=user).delete()
