"""Account security pages: second factor (verify, enrol), password change, the lockout page,
and the office's list of locked accounts in its township."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse_lazy
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts import lockouts, passwords, twofactor
from accounts.forms import TokenForm, UnlockForm
from accounts.sessions import SECOND_FACTOR, mark_second_factor_done
from audit.models import AuditEvent
from audit.services import record_event
from organisations.access import scope_for


def _next(request: HttpRequest) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return settings.LOGIN_REDIRECT_URL


def locked_out(request: HttpRequest, response=None, credentials=None) -> HttpResponse:
    """django-axes calls this instead of logging in while an account or address is locked."""
    return render(
        request,
        "accounts/locked_out.html",
        {
            "minutes": lockouts.cooloff_minutes(),
            "limit": settings.AXES_FAILURE_LIMIT,
        },
        status=429,
    )


# --- Second factor ------------------------------------------------------------------------


@login_required
def otp_verify(request: HttpRequest) -> HttpResponse:
    if request.session.get(SECOND_FACTOR) != "verify":
        return redirect(_next(request))
    form = TokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        device = twofactor.verify(request.user, form.cleaned_data["token"])
        if device is not None:
            mark_second_factor_done(request)
            record_event(AuditEvent.Kind.OTP_VERIFY, request=request, detail=device.name or "")
            return redirect(_next(request))
        record_event(AuditEvent.Kind.OTP_VERIFY, request=request, result=AuditEvent.Result.FAILURE)
        form.add_error("token", _("验证码不正确或已过期，请重新输入。"))
    return render(request, "accounts/otp_verify.html", {"form": form, "next": _next(request)})


@login_required
def otp_enroll(request: HttpRequest) -> HttpResponse:
    state = request.session.get(SECOND_FACTOR)
    if state == "verify":
        return redirect("accounts:otp_verify")
    device = twofactor.pending_totp(request.user)
    form = TokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        codes = twofactor.confirm(device, form.cleaned_data["token"])
        if codes is not None:
            mark_second_factor_done(request)
            record_event(AuditEvent.Kind.OTP_ENROLL, request=request)
            return render(
                request, "accounts/recovery_codes.html", {"codes": codes, "next": _next(request)}
            )
        form.add_error("token", _("验证码不正确，请确认手机时间准确后重新输入。"))
    return render(
        request,
        "accounts/otp_enroll.html",
        {
            "form": form,
            "qr": twofactor.qr_svg(device),
            "secret": _grouped(device),
            "required": twofactor.required_for(request.user),
            "next": _next(request),
        },
    )


def _grouped(device) -> str:
    from base64 import b32encode

    key = b32encode(device.bin_key).decode().rstrip("=")
    return " ".join(key[i : i + 4] for i in range(0, len(key), 4))


@login_required
def security(request: HttpRequest) -> HttpResponse:
    """The user's own account security: whether two factors are on, recovery codes."""
    return render(
        request,
        "accounts/security.html",
        {
            "has_device": twofactor.has_device(request.user),
            "required": twofactor.required_for(request.user),
            "password_days": settings.PASSWORD_MAX_AGE_DAYS,
            "password_changed_at": request.user.password_changed_at,
        },
    )


@login_required
@require_POST
def recovery_codes(request: HttpRequest) -> HttpResponse:
    if not twofactor.has_device(request.user):
        return redirect("accounts:otp_enroll")
    codes = twofactor.new_recovery_codes(request.user)
    record_event(AuditEvent.Kind.OTP_ENROLL, request=request, detail=_("重新生成恢复码"))
    return render(
        request, "accounts/recovery_codes.html", {"codes": codes, "next": reverse_lazy("home")}
    )


# --- Password -----------------------------------------------------------------------------


class PasswordChange(auth_views.PasswordChangeView):
    """Django's change form (old password, new one twice, the validators), recorded in the
    audit log; also the forced-change page the middleware sends people to."""

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["change_due"] = passwords.change_due(self.request.user)
        return context

    def form_valid(self, form):
        user = form.user
        if hasattr(user, "must_change_password"):
            user.must_change_password = False
        response = super().form_valid(form)
        record_event(AuditEvent.Kind.PASSWORD_CHANGE, request=self.request, actor=user)
        return response

    def form_invalid(self, form):
        if form.errors.get("old_password"):
            record_event(
                AuditEvent.Kind.PASSWORD_CHANGE,
                request=self.request,
                result=AuditEvent.Result.FAILURE,
                detail=_("原密码不正确"),
            )
        return super().form_invalid(form)


# --- The office: locked accounts of its township ------------------------------------------


def _office_usernames(user) -> set[str]:
    from organisations.models import User

    scope = scope_for(user)
    if scope.is_superuser:  # the system administrator stands in for any township
        return set(User.objects.values_list("username", flat=True))
    if not scope.office_townships:
        raise PermissionDenied
    return lockouts.township_usernames(scope.office_townships)


@login_required
def lockout_list(request: HttpRequest) -> HttpResponse:
    usernames = _office_usernames(request.user)
    return render(
        request,
        "accounts/lockout_list.html",
        {
            "locked": lockouts.locked_usernames(usernames),
            "minutes": lockouts.cooloff_minutes(),
        },
    )


@login_required
@require_POST
def lockout_unlock(request: HttpRequest) -> HttpResponse:
    usernames = _office_usernames(request.user)
    form = UnlockForm(request.POST)
    if not form.is_valid() or form.cleaned_data["username"] not in usernames:
        raise PermissionDenied
    username = form.cleaned_data["username"]
    removed = lockouts.unlock(username)
    record_event(
        AuditEvent.Kind.UNLOCK,
        request=request,
        object_repr=username,
        result=AuditEvent.Result.SUCCESS if removed else AuditEvent.Result.FAILURE,
        detail=_("解除账号 %(name)s 的登录锁定") % {"name": username},
    )
    if removed:
        messages.success(request, _("已解除账号 %(name)s 的锁定。") % {"name": username})
    else:
        messages.info(request, _("账号 %(name)s 当前没有被锁定。") % {"name": username})
    return redirect("accounts:lockouts")


@login_required
@require_POST
def otp_reset(request: HttpRequest) -> HttpResponse:
    """A person of the township lost their phone: remove their authenticator and recovery
    codes; their next sign-in asks them to enrol a new one."""
    from organisations.models import User

    usernames = _office_usernames(request.user)
    form = UnlockForm(request.POST)
    if not form.is_valid() or form.cleaned_data["username"] not in usernames:
        raise PermissionDenied
    person = User.objects.get(username=form.cleaned_data["username"])
    twofactor.reset(person)
    record_event(
        AuditEvent.Kind.OTP_RESET,
        request=request,
        obj=person,
        detail=_("重置 %(name)s 的两步验证") % {"name": person.username},
    )
    messages.success(
        request,
        _("已重置 %(name)s 的两步验证：下次登录时需重新绑定身份验证器。")
        % {"name": person.username},
    )
    return redirect("accounts:lockouts")
