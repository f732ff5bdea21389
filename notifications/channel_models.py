"""Reminders by WeChat Work, DingTalk and SMS: the office's channel settings per township (or
unit, for group robots), the outbox of messages to those providers, and the shared rate windows.

Imported by `notifications.models` so that Django finds the models.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from organisations.access import ScopedQuerySet
from organisations.models import Organisation


class ChannelKind(models.TextChoices):
    WECOM_ROBOT = "wecom_robot", _("企业微信群机器人")
    WECOM_APP = "wecom_app", _("企业微信应用消息")
    DINGTALK_ROBOT = "dingtalk_robot", _("钉钉群机器人")
    SMS = "sms", _("短信（阿里云）")


GROUP_KINDS = (ChannelKind.WECOM_ROBOT, ChannelKind.DINGTALK_ROBOT)
PERSONAL_KINDS = (ChannelKind.WECOM_APP, ChannelKind.SMS)


class ChannelConfigQuerySet(ScopedQuerySet):
    township_lookup = "township"
    unit_lookup = None  # liaisons see nothing of the office's channel settings

    def enabled(self):
        return self.filter(enabled=True)


class ChannelConfig(models.Model):
    """One way out of the portal, set up by a township's office: a group robot of the township
    (or of one unit), the township's WeChat Work application, or its SMS account.

    `options` holds what may be shown (corp id, agent id, SMS signature…); `secret` holds the
    Fernet token of what may not (robot key, app secret, signing secret, AccessKey secret),
    written and read only through `notifications.secrets`.
    """

    township = models.ForeignKey(
        Organisation, verbose_name=_("镇（街道）"), on_delete=models.CASCADE, related_name="+"
    )
    unit = models.ForeignKey(
        Organisation,
        verbose_name=_("单位"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
        help_text=_("留空表示全镇；群机器人可以单独设置到某个单位的工作群"),
    )
    kind = models.CharField(_("渠道"), max_length=20, choices=ChannelKind.choices)
    name = models.CharField(_("名称"), max_length=60, blank=True)
    enabled = models.BooleanField(_("启用"), default=True)
    options = models.JSONField(default=dict, blank=True)
    secret = models.TextField(blank=True)
    version = models.PositiveIntegerField(default=1)
    last_test_at = models.DateTimeField(_("最近测试时间"), null=True, blank=True)
    last_test_result = models.CharField(_("最近测试结果"), max_length=300, blank=True)
    updated_at = models.DateTimeField(auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    objects = ChannelConfigQuerySet.as_manager()

    class Meta:
        verbose_name = _("消息渠道")
        verbose_name_plural = _("消息渠道")
        ordering = ["township", "kind", "unit"]
        constraints = [
            models.UniqueConstraint(
                fields=["township", "kind"],
                condition=Q(unit__isnull=True),
                name="channel_once_per_township",
            ),
            models.UniqueConstraint(
                fields=["unit", "kind"],
                condition=Q(unit__isnull=False),
                name="channel_once_per_unit",
            ),
        ]

    def __str__(self) -> str:
        where = self.unit or self.township
        return f"{where} · {self.get_kind_display()}"

    @property
    def is_group(self) -> bool:
        return self.kind in GROUP_KINDS

    @property
    def has_secret(self) -> bool:
        return bool(self.secret)


class OutboundMessageQuerySet(ScopedQuerySet):
    township_lookup = "config__township"
    unit_lookup = None


class OutboundMessage(models.Model):
    """The outbox of messages to WeChat Work, DingTalk and SMS, written in the sweep's batch
    transaction (unique per channel setting and key, so a message is queued once) and sent by
    `notifications.dispatch` after commit."""

    class State(models.TextChoices):
        PENDING = "pending", _("待发送")
        SENDING = "sending", _("发送中")
        SENT = "sent", _("已发送")
        FAILED = "failed", _("发送失败")

    config = models.ForeignKey(ChannelConfig, on_delete=models.CASCADE, related_name="messages")
    channel = models.CharField(_("渠道"), max_length=20, choices=ChannelKind.choices)
    # "r:<reminder id>" for a person, "d:<kind>:<object>:<deadline>:<offset>" for a group
    # (one message per deadline, however many of the group's people it concerns), "t:…" a test.
    key = models.CharField(max_length=120)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="outbound_messages",
    )
    reminder = models.ForeignKey(
        "notifications.Reminder",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="messages",
    )
    to = models.CharField(_("接收人"), max_length=64, blank=True)
    title = models.CharField(_("标题"), max_length=200)
    body = models.TextField(_("内容"), blank=True)
    url = models.CharField(max_length=300, blank=True)
    state = models.CharField(_("状态"), max_length=10, choices=State.choices, default=State.PENDING)
    attempts = models.PositiveSmallIntegerField(_("尝试次数"), default=0)
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    last_code = models.CharField(_("服务商返回码"), max_length=60, blank=True)
    last_error = models.CharField(_("原因"), max_length=500, blank=True)
    created_at = models.DateTimeField(_("时间"))
    sent_at = models.DateTimeField(_("发送时间"), null=True, blank=True)

    objects = OutboundMessageQuerySet.as_manager()

    class Meta:
        verbose_name = _("渠道消息")
        verbose_name_plural = _("渠道消息")
        constraints = [
            models.UniqueConstraint(fields=["config", "key"], name="channel_message_once")
        ]
        indexes = [
            models.Index(fields=["state", "next_attempt_at"]),
            models.Index(fields=["config", "state", "-id"]),
        ]

    def __str__(self) -> str:
        return f"{self.get_channel_display()} · {self.title}"


class RateWindow(models.Model):
    """The sends of the last window through one provider limit (one robot, one app member, one
    phone number), shared by every worker: a sender locks the row, drops stamps older than the
    window and takes a slot if one is free. `blocked_until` is set when the provider itself
    says "too fast", so no worker knocks again before then."""

    key = models.CharField(max_length=150, unique=True)
    stamps = models.JSONField(default=list)
    blocked_until = models.FloatField(default=0)

    def __str__(self) -> str:
        return self.key
