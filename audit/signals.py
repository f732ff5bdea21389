"""Audit receivers for what Django and django-axes announce: logins, logouts, failures,
lockouts, and role changes (from any path: office pages, admin, commands)."""

from __future__ import annotations

from axes.signals import user_locked_out
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver
from simple_history.models import HistoricalRecords

from audit.models import AuditEvent
from audit.services import record_event
from organisations.models import Role

Kind, Result = AuditEvent.Kind, AuditEvent.Result


@receiver(user_logged_in, dispatch_uid="audit_login")
def on_login(sender, request, user, **kwargs):
    record_event(Kind.LOGIN, request=request, actor=user)


@receiver(user_logged_out, dispatch_uid="audit_logout")
def on_logout(sender, request, user, **kwargs):
    if user is not None:
        record_event(Kind.LOGOUT, request=request, actor=user)


@receiver(user_login_failed, dispatch_uid="audit_login_failed")
def on_login_failed(sender, credentials, request=None, **kwargs):
    record_event(
        Kind.LOGIN_FAILED,
        request=request,
        actor_name=str(credentials.get("username", ""))[:150],
        result=Result.FAILURE,
    )


@receiver(user_locked_out, dispatch_uid="audit_lockout")
def on_locked_out(sender, request, username, ip_address, **kwargs):
    record_event(
        Kind.LOCKOUT,
        request=request,
        actor_name=str(username or "")[:150],
        result=Result.FAILURE,
        detail=f"连续登录失败，账号或来源地址 {ip_address} 已被锁定",
    )


def _current_request():
    return getattr(HistoricalRecords.context, "request", None)


@receiver(post_save, sender=Role, dispatch_uid="audit_role_saved")
def on_role_saved(sender, instance, created, raw=False, **kwargs):
    if raw:
        return
    request = _current_request()
    action = "授予" if created else "修改"
    record_event(
        Kind.ROLE_CHANGE,
        request=request,
        obj=instance.user,
        detail=f"{action}角色：{instance.get_kind_display()} · {instance.organisation}",
    )


@receiver(post_delete, sender=Role, dispatch_uid="audit_role_deleted")
def on_role_deleted(sender, instance, **kwargs):
    record_event(
        Kind.ROLE_CHANGE,
        request=_current_request(),
        obj=instance.user,
        detail=f"撤销角色：{instance.get_kind_display()} · {instance.organisation_id}",
    )
