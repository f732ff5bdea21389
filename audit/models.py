"""The security audit log (安全审计): one append-only row per security-relevant event.

Rows are never changed or deleted through the application: `save()` refuses an update, the
queryset refuses `update()` and `delete()`, and on PostgreSQL a trigger (migration 0002)
refuses UPDATE and DELETE outright, except the retention purge of rows older than 180 days.
Each row also carries the SHA-256 of its content chained to the previous row's hash, so
`manage.py audit_verify` shows any row altered or removed behind the application's back.
"""

from __future__ import annotations

import hashlib

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class AppendOnlyError(RuntimeError):
    pass


class AuditQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise AppendOnlyError("审计日志只能追加，不能修改。")

    def delete(self):
        raise AppendOnlyError("审计日志只能追加，不能删除；过期记录用 manage.py audit_purge 清理。")


class AuditEvent(models.Model):
    class Kind(models.TextChoices):
        LOGIN = "login", _("登录")
        LOGOUT = "logout", _("退出登录")
        LOGIN_FAILED = "login_failed", _("登录失败")
        LOCKOUT = "lockout", _("账号锁定")
        UNLOCK = "unlock", _("解除锁定")
        SESSION_EXPIRED = "session_expired", _("会话超时")
        PASSWORD_CHANGE = "password_change", _("修改密码")
        OTP_ENROLL = "otp_enroll", _("启用两步验证")
        OTP_VERIFY = "otp_verify", _("两步验证")
        OTP_RESET = "otp_reset", _("重置两步验证")
        ROLE_CHANGE = "role_change", _("角色变更")
        APPROVE = "approve", _("审核通过")
        RETURN = "return", _("退回")
        WITHDRAW = "withdraw", _("撤回")
        EXPORT = "export", _("导出")
        REPORT_DOWNLOAD = "report_download", _("下载报告")

    class Result(models.TextChoices):
        SUCCESS = "success", _("成功")
        FAILURE = "failure", _("失败")

    at = models.DateTimeField(_("时间"), default=timezone.now, db_index=True)
    kind = models.CharField(_("事件类型"), max_length=20, choices=Kind.choices, db_index=True)
    result = models.CharField(_("结果"), max_length=10, choices=Result.choices)
    # The subject: kept as an id without a database constraint (deleting a user must not
    # touch the log) and as the user name at the time.
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("操作人"),
        null=True,
        blank=True,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        related_name="+",
    )
    actor_name = models.CharField(_("操作人账号"), max_length=150, blank=True)
    object_type = models.CharField(_("对象类型"), max_length=60, blank=True)
    object_id = models.CharField(_("对象编号"), max_length=40, blank=True)
    object_repr = models.CharField(_("对象"), max_length=200, blank=True)
    ip = models.GenericIPAddressField(_("IP 地址"), null=True, blank=True)
    detail = models.TextField(_("详情"), blank=True)
    prev_hash = models.CharField(max_length=64, editable=False)
    hash = models.CharField(max_length=64, editable=False, unique=True)

    objects = AuditQuerySet.as_manager()

    class Meta:
        ordering = ["-at", "-id"]
        verbose_name = _("审计记录")
        verbose_name_plural = _("审计记录")
        indexes = [models.Index(fields=["actor_name", "at"])]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M:%S} {self.get_kind_display()} {self.actor_name}"

    def save(self, *args, **kwargs) -> None:
        if self.pk is not None:
            raise AppendOnlyError("审计日志只能追加，不能修改。")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise AppendOnlyError("审计日志只能追加，不能删除。")

    def content(self) -> str:
        """The fields the hash covers, in a fixed order and format."""
        at = self.at.astimezone(dt_utc()).strftime("%Y-%m-%dT%H:%M:%S.%fZ")
        parts = [
            at,
            self.kind,
            self.result,
            str(self.actor_id or ""),
            self.actor_name,
            self.object_type,
            str(self.object_id),
            self.object_repr,
            self.ip or "",
            self.detail,
        ]
        return "\x1f".join(parts)

    def compute_hash(self) -> str:
        return hashlib.sha256(f"{self.prev_hash}\x1e{self.content()}".encode()).hexdigest()


def dt_utc():
    import datetime as dt

    return dt.UTC
