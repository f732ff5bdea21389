"""Password policy: complexity (letters, digits and symbols) and periodic change."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _


class ComplexityValidator:
    """At least one letter, one digit and one other character (a symbol)."""

    def validate(self, password, user=None):
        has_letter = any(ch.isalpha() for ch in password)
        has_digit = any(ch.isdigit() for ch in password)
        has_symbol = any(not ch.isalnum() for ch in password)
        if not (has_letter and has_digit and has_symbol):
            raise ValidationError(
                _("密码须同时包含字母、数字和符号（如 ! @ # 等）。"), code="password_too_simple"
            )

    def get_help_text(self):
        return _("密码须同时包含字母、数字和符号。")


def change_due(user) -> bool:
    """The user must change their password before doing anything else: a one-time password
    set by the office, or one older than PASSWORD_MAX_AGE_DAYS."""
    if not user.has_usable_password():
        return False
    if getattr(user, "must_change_password", False):
        return True
    days = settings.PASSWORD_MAX_AGE_DAYS
    if not days or user.password_changed_at is None:
        return False
    return user.password_changed_at < timezone.now() - dt.timedelta(days=days)
