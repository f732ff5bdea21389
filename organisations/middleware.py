"""A user whose password was reset by the office must choose their own before anything else."""

from __future__ import annotations

from django.contrib import messages
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _

ALLOWED_NAMES = ("password_change", "password_change_done", "logout")


class MustChangePasswordMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and user.must_change_password:
            allowed = [reverse(name) for name in ALLOWED_NAMES]
            if request.path not in allowed and not request.path.startswith(("/static/", "/i18n/")):
                messages.warning(request, _("您的密码由创建办重置，请先设置自己的新密码。"))
                return redirect("password_change")
        return self.get_response(request)
