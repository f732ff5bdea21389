"""Reminders and notifications: the per-campaign policy, the ledger of reminders (one row per
recipient, object, deadline and offset, unique), in-app notifications, the email outbox and the
sweep's heartbeat."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from campaigns.models import Campaign
from organisations.access import ScopedQuerySet
from organisations.models import Organisation

# Nothing is sent between these hours (local time): a sweep at night holds its rows until morning.
NIGHT_STARTS = dt.time(21, 0)
NIGHT_ENDS = dt.time(8, 0)


def default_before_days() -> list[int]:
    return [7, 1]


class PolicyQuerySet(ScopedQuerySet):
    township_lookup = "campaign__township"
    unit_lookup = None


class ReminderPolicy(models.Model):
    """When a campaign's deadlines are reminded: before, on the day, and chased while overdue.

    The days count calendar days or working days (`day_unit`, the workdays calendar): "3 个工作日前"
    of a deadline right after National Day falls before the holiday, not in it."""

    class DayUnit(models.TextChoices):
        CALENDAR = "calendar", _("自然日")
        WORKDAY = "workday", _("工作日")

    campaign = models.OneToOneField(
        Campaign, on_delete=models.CASCADE, related_name="reminder_policy"
    )
    enabled = models.BooleanField(_("启用提醒"), default=True)
    before_days = models.JSONField(
        _("提前提醒（天）"), default=default_before_days, help_text=_("截止前几天提醒，如 7,1")
    )
    on_the_day = models.BooleanField(_("截止当天提醒"), default=True)
    day_unit = models.CharField(
        _("天数按"),
        max_length=10,
        choices=DayUnit.choices,
        default=DayUnit.CALENDAR,
        db_default=DayUnit.CALENDAR,
        help_text=_(
            "按工作日时，提前和催办的天数都只数工作日（跳过周末和法定节假日，含调休上班日）。"
        ),
    )
    overdue_every = models.PositiveSmallIntegerField(_("逾期后每隔几天催办"), default=3)
    overdue_max = models.PositiveSmallIntegerField(_("最多催办次数"), default=5)
    send_time = models.TimeField(_("发送时间"), default=dt.time(8, 30))
    position_update_days = models.PositiveSmallIntegerField(
        _("宣传阵地更新周期（天）"),
        default=90,
        help_text=_("宣传阵地超过这么多天没有更新，提醒其单位联络员"),
    )

    history = HistoricalRecords()
    objects = PolicyQuerySet.as_manager()

    class Meta:
        verbose_name = _("提醒规则")
        verbose_name_plural = _("提醒规则")

    def __str__(self) -> str:
        return str(self.campaign)

    def offsets(self) -> list[int]:
        """Days relative to the deadline on which a reminder goes out (negative = before)."""
        if not self.enabled:
            return []
        days = {-int(d) for d in self.before_days}
        if self.on_the_day:
            days.add(0)
        if self.overdue_every:
            days.update(self.overdue_every * n for n in range(1, self.overdue_max + 1))
        return sorted(days)

    def signature(self) -> tuple:
        """Two policies with the same signature schedule identically (the sweep groups by it)."""
        return (tuple(self.offsets()), self.send_time, self.day_unit)


def policy_for(campaign_id: int, policies: dict[int, ReminderPolicy]) -> ReminderPolicy:
    return policies.get(campaign_id) or ReminderPolicy(campaign_id=campaign_id)


class Preference(models.Model):
    class EmailMode(models.TextChoices):
        IMMEDIATE = "immediate", _("立即发送邮件")
        DIGEST = "digest", _("每日汇总一封邮件")
        OFF = "off", _("不发送邮件（仅站内通知）")

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notification_preference"
    )
    email_mode = models.CharField(
        _("邮件提醒方式"), max_length=10, choices=EmailMode.choices, default=EmailMode.IMMEDIATE
    )
    by_wecom = models.BooleanField(
        _("企业微信消息"),
        default=True,
        help_text=_("镇里开通了企业微信应用消息、并填写了企业微信账号时，提醒也发到企业微信"),
    )
    by_sms = models.BooleanField(
        _("手机短信"), default=False, help_text=_("镇里开通了短信时，提醒也发短信到手机号")
    )
    wecom_userid = models.CharField(
        _("企业微信账号（UserID）"),
        max_length=64,
        blank=True,
        help_text=_("企业微信管理后台“通讯录”中成员的账号，不是姓名或手机号"),
    )

    class Meta:
        verbose_name = _("通知偏好")
        verbose_name_plural = _("通知偏好")

    def __str__(self) -> str:
        return f"{self.user} · {self.get_email_mode_display()}"


class ReminderQuerySet(ScopedQuerySet):
    township_lookup = "township"
    unit_lookup = "unit"

    def due(self, now):
        return self.filter(status=Reminder.Status.PENDING, send_after__lte=now)


class Reminder(models.Model):
    """One reminder for one recipient about one deadline at one offset: planned, then sent once.

    The unique key (recipient, kind, object_id, deadline, offset) is what makes a reminder go out
    at most once; a moved deadline has a new key, so it gets a fresh schedule.
    """

    class Status(models.TextChoices):
        PENDING = "pending", _("待发送")
        SENT = "sent", _("已发送")
        CANCELLED = "cancelled", _("已取消")

    # no index of its own: the unique key (recipient, kind, …) leads with it
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="reminders",
        db_index=False,
    )
    kind = models.CharField(_("类型"), max_length=30)
    object_id = models.PositiveBigIntegerField()
    deadline = models.DateField(_("截止日期"))
    offset = models.SmallIntegerField(_("相对截止日（天）"))
    in_workdays = models.BooleanField(
        _("按工作日计"), default=False, db_default=False
    )  # the offset's unit
    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="+")
    township = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="+")
    unit = models.ForeignKey(
        Organisation, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    title = models.CharField(_("事项"), max_length=200)
    url = models.CharField(max_length=300, blank=True)
    send_after = models.DateTimeField(_("计划发送时间"))
    status = models.CharField(
        _("状态"), max_length=10, choices=Status.choices, default=Status.PENDING
    )
    created_at = models.DateTimeField(auto_now_add=True)
    sent_at = models.DateTimeField(_("发送时间"), null=True, blank=True)

    objects = ReminderQuerySet.as_manager()

    class Meta:
        verbose_name = _("提醒")
        verbose_name_plural = _("提醒")
        constraints = [
            models.UniqueConstraint(
                fields=["recipient", "kind", "object_id", "deadline", "offset"],
                name="reminder_once",
            )
        ]
        indexes = [
            models.Index(
                fields=["send_after", "id"],
                condition=Q(status="pending"),
                name="reminder_due_idx",
            )
        ]

    def __str__(self) -> str:
        return f"{self.recipient} · {self.title} · {self.offset:+d}"

    @property
    def is_overdue(self) -> bool:
        return self.offset > 0


class Notification(models.Model):
    """An in-app notification: what the bell in the navigation counts."""

    # no index of its own: (user, read_at) and (user, -id) lead with it
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="notifications",
        db_index=False,
    )
    reminder = models.OneToOneField(
        Reminder, null=True, blank=True, on_delete=models.SET_NULL, related_name="notification"
    )
    kind = models.CharField(max_length=30)
    title = models.CharField(_("标题"), max_length=200)
    body = models.TextField(_("内容"), blank=True)
    url = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(_("时间"), auto_now_add=True)
    read_at = models.DateTimeField(_("阅读时间"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("站内通知")
        verbose_name_plural = _("站内通知")
        indexes = [models.Index(fields=["user", "read_at"]), models.Index(fields=["user", "-id"])]

    def __str__(self) -> str:
        return self.title


class OutboundEmail(models.Model):
    """The email outbox: written in the same transaction as what it reports, sent by a task.

    HELD rows wait for the user's daily digest; a digest merges them into one PENDING row.
    """

    class State(models.TextChoices):
        HELD = "held", _("等待汇总")
        MERGED = "merged", _("已并入汇总")
        PENDING = "pending", _("待发送")
        SENDING = "sending", _("发送中")
        SENT = "sent", _("已发送")
        FAILED = "failed", _("发送失败")

    class Kind(models.TextChoices):
        REMINDER = "reminder", _("提醒")
        DIGEST = "digest", _("每日汇总")
        OFFICE_DIGEST = "office_digest", _("逾期情况日报")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="outbound_emails"
    )
    kind = models.CharField(max_length=20, choices=Kind.choices, default=Kind.REMINDER)
    reminder = models.OneToOneField(
        Reminder, null=True, blank=True, on_delete=models.SET_NULL, related_name="email"
    )
    digest_date = models.DateField(null=True, blank=True)
    to = models.EmailField()
    subject = models.CharField(max_length=200)
    text = models.TextField()
    html = models.TextField(blank=True)
    state = models.CharField(max_length=10, choices=State.choices, default=State.PENDING)
    attempts = models.PositiveSmallIntegerField(default=0)
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    last_error = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("邮件")
        verbose_name_plural = _("邮件")
        constraints = [
            models.UniqueConstraint(
                fields=["user", "kind", "digest_date"],
                condition=Q(digest_date__isnull=False),
                name="email_digest_once_a_day",
            )
        ]
        indexes = [models.Index(fields=["state", "next_attempt_at"])]

    def __str__(self) -> str:
        return f"{self.to} · {self.subject}"


class SweepRun(models.Model):
    """One completed (or failed) sweep: the health endpoint reports the latest."""

    started_at = models.DateTimeField(_("开始时间"))
    finished_at = models.DateTimeField(_("完成时间"), null=True, blank=True)
    planned = models.PositiveIntegerField(_("新排提醒"), default=0)
    sent = models.PositiveIntegerField(_("已发送"), default=0)
    cancelled = models.PositiveIntegerField(_("已取消"), default=0)
    digests = models.PositiveIntegerField(_("摘要"), default=0)
    held_for_night = models.BooleanField(_("夜间暂缓"), default=False)
    error = models.TextField(_("错误"), blank=True)

    class Meta:
        ordering = ["-started_at"]
        verbose_name = _("提醒扫描记录")
        verbose_name_plural = _("提醒扫描记录")
        indexes = [models.Index(fields=["-finished_at"])]

    def __str__(self) -> str:
        return _("提醒扫描 %(time)s") % {"time": f"{self.started_at:%Y-%m-%d %H:%M}"}


from notifications.channel_models import (  # noqa: E402, F401 - Django finds them through here
    ChannelConfig,
    OutboundMessage,
    RateWindow,
)
