"""What a signed-in session must satisfy on every request, in one middleware:

1. an idle timeout (SESSION_IDLE_MINUTES) and an absolute lifetime (SESSION_MAX_HOURS);
2. the second factor, for the roles that require it (or any user who enrolled one);
3. a password change when one is due (a one-time password from the office, or too old).

The login receiver stamps the session; the middleware reads only the session and the user
row Django has already loaded, so it adds no query to an ordinary page.
"""

from __future__ import annotations

import time
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.signals import user_logged_in
from django.dispatch import receiver
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _

from accounts import passwords, twofactor

LOGIN_AT = "qf_login_at"
SEEN_AT = "qf_seen_at"
SECOND_FACTOR = "qf_2fa"  # "verify", "enroll", "done" or "none"
# Write the last-seen stamp at most this often (a session write per request would cost a query).
SEEN_RESOLUTION = 60


@receiver(user_logged_in, dispatch_uid="accounts_stamp_session")
def stamp_session(sender, request, user, **kwargs):
    now = int(time.time())
    request.session[LOGIN_AT] = now
    request.session[SEEN_AT] = now
    if twofactor.has_device(user):
        state = "verify"
    elif twofactor.required_for(user):
        state = "enroll"
    else:
        state = "none"
    request.session[SECOND_FACTOR] = state


def mark_second_factor_done(request) -> None:
    request.session[SECOND_FACTOR] = "done"


class AccountSecurityMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response
        self._exempt: set[str] | None = None

    def exempt(self) -> set[str]:
        """Pages a session may open while a second factor or a password change is pending."""
        if self._exempt is None:
            names = [
                "logout",
                "password_change",
                "password_change_done",
                "accounts:otp_verify",
                "accounts:otp_enroll",
                "set_language",
                "health",
            ]
            self._exempt = {reverse(name) for name in names}
        return self._exempt

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated:
            return self.get_response(request)
        session = request.session
        now = int(time.time())
        login_at = session.get(LOGIN_AT)
        seen_at = session.get(SEEN_AT)
        if login_at is None or seen_at is None:
            # A session from before these checks: start its clocks now.
            session[LOGIN_AT] = session[SEEN_AT] = now
        elif (
            now - seen_at > settings.SESSION_IDLE_MINUTES * 60
            or now - login_at > settings.SESSION_MAX_HOURS * 3600
        ):
            return self.expire(request, idle=now - seen_at > settings.SESSION_IDLE_MINUTES * 60)
        elif now - seen_at >= SEEN_RESOLUTION:
            session[SEEN_AT] = now

        if request.path not in self.exempt() and not request.path.startswith(settings.STATIC_URL):
            state = session.get(SECOND_FACTOR)
            if state is None:  # signed in before two factors were enforced
                state = "enroll" if twofactor.required_for(user) else "none"
                if state != "none" and twofactor.has_device(user):
                    state = "verify"
                session[SECOND_FACTOR] = state
            if state == "verify":
                return self.send_to("accounts:otp_verify", request)
            if state == "enroll":
                return self.send_to("accounts:otp_enroll", request)
            if passwords.change_due(user):
                messages.warning(request, self.password_reason(user))
                return self.send_to("password_change", request)
        return self.get_response(request)

    def send_to(self, name: str, request):
        target = reverse(name)
        if request.method == "GET":
            target += "?" + urlencode({"next": request.get_full_path()})
        return redirect(target)

    def password_reason(self, user) -> str:
        if getattr(user, "must_change_password", False):
            return _("您正在使用创建办设置的初始密码，请先修改密码。")
        return _("您的密码已超过 %(days)s 天未修改，请先修改密码。") % {
            "days": settings.PASSWORD_MAX_AGE_DAYS
        }

    def expire(self, request, *, idle: bool):
        from audit.models import AuditEvent
        from audit.services import record_event

        user = request.user
        record_event(
            AuditEvent.Kind.SESSION_EXPIRED,
            request=request,
            actor=user,
            detail=_("长时间未操作") if idle else _("超过会话最长时限"),
        )
        logout(request)
        messages.info(
            request,
            _("您已 %(minutes)s 分钟未操作，请重新登录。")
            % {"minutes": settings.SESSION_IDLE_MINUTES}
            if idle
            else _("登录已超过 %(hours)s 小时，请重新登录。")
            % {"hours": settings.SESSION_MAX_HOURS},
        )
        target = reverse("login")
        if request.method == "GET":
            target += "?" + urlencode({"next": request.get_full_path()})
        return redirect(target)
