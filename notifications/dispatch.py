"""Sending the channel outbox (WeChat Work, DingTalk, SMS): claim, rate-limit, send, record.

The same exactly-once discipline as the email outbox (`notifications.outbox`):

* a row is *claimed* with a conditional UPDATE (PENDING and due -> SENDING, with a lease), so
  two workers, a retry and the sweep's flush never send the same row twice;
* before calling the provider the worker takes a slot from the shared limiter
  (`notifications.ratelimit`, per robot / app member / phone number, at the provider's
  documented rate); no slot means the row goes back to PENDING until one is free, which is
  not counted as an attempt;
* the provider's answer decides: sent; "too fast" (the limiter is held for the time the
  provider asks, not counted); transient (backoff 1, 2, 4… minutes, then FAILED after
  REMINDER_CHANNEL_MAX_ATTEMPTS); permanent (FAILED with the reason, in Chinese, for the
  office); sent without an answer (FAILED, not retried: the message may have arrived, and
  these providers cannot recognise a repeat — except the WeChat Work application message,
  whose duplicate check makes a retry safe);
* a worker that dies mid-send leaves the row SENDING; after the lease `flush` makes it
  PENDING again. A row older than REMINDER_CHANNEL_MAX_AGE_HOURS is failed, not sent late;
  a retry that falls in the quiet hours waits until they end.
"""

from __future__ import annotations

import datetime as dt
import logging

from django.conf import settings
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from notifications import conf, providers, ratelimit
from notifications.channel_models import ChannelConfig, OutboundMessage
from notifications.outbox import backoff
from notifications.providers import Message, Outcome, Settings
from notifications.secrets import SecretUnreadable, unseal

log = logging.getLogger(__name__)
State = OutboundMessage.State
QUIET_RECHECK = dt.timedelta(minutes=15)
HAND_BACK_WITHIN = 300  # seconds: rows due again sooner go back to the worker with a countdown


def _int(name: str, default: int) -> int:
    return int(conf._env(name, str(default)) or default)


def max_attempts() -> int:
    return _int("REMINDER_CHANNEL_MAX_ATTEMPTS", 8)


def max_age() -> dt.timedelta:
    return dt.timedelta(hours=_int("REMINDER_CHANNEL_MAX_AGE_HOURS", 24))


def timeout() -> float:
    return float(_int("REMINDER_CHANNEL_TIMEOUT_SECONDS", 10))


def enqueue(ids: list[int], countdown: float = 0) -> None:
    """Hand rows to the worker once the current transaction commits (now if there is none)."""
    if not ids:
        return

    def hand_over():
        from notifications.tasks import send_channel_messages

        try:
            if countdown > 0:
                send_channel_messages.apply_async((ids,), countdown=countdown)
            else:
                send_channel_messages.delay(ids)
        except Exception:  # noqa: BLE001 - broker down: the sweep's flush hands them over later
            log.warning("could not enqueue %d channel messages", len(ids))

    transaction.on_commit(hand_over)


def claim(pk: int, now: dt.datetime) -> bool:
    return bool(
        OutboundMessage.objects.filter(pk=pk, state=State.PENDING)
        .filter(Q(next_attempt_at__isnull=True) | Q(next_attempt_at__lte=now))
        .update(
            state=State.SENDING,
            attempts=F("attempts") + 1,
            next_attempt_at=now + conf.email_lease(),
        )
    )


def settings_of(config: ChannelConfig) -> Settings:
    return Settings(config.pk, dict(config.options or {}), unseal(config.secret))


def _finish(pk: int, **fields) -> None:
    OutboundMessage.objects.filter(pk=pk, state=State.SENDING).update(**fields)


def _fail(pk: int, code: str, reason: str) -> None:
    _finish(pk, state=State.FAILED, last_code=code[:60], last_error=reason[:500])


def _later(pk: int, when: dt.datetime, *, counted: bool, code: str = "", reason: str = "") -> None:
    fields = {"state": State.PENDING, "next_attempt_at": when}
    if not counted:
        fields["attempts"] = F("attempts") - 1
    if code or reason:
        fields.update(last_code=code[:60], last_error=reason[:500])
    _finish(pk, **fields)


def send_one(pk: int) -> float | None:
    """Try to send one row: None when done with it (sent or failed), the seconds after which
    to try again, or -1 when it was not ours to send (not due, or claimed elsewhere)."""
    now = timezone.now()
    if not claim(pk, now):
        return -1
    row = OutboundMessage.objects.select_related("config").get(pk=pk)
    config = row.config
    if not config.enabled:
        _fail(pk, "disabled", _("该渠道已停用，消息未发送"))
        return None
    if now - row.created_at > max_age():
        _fail(
            pk,
            "expired",
            _("超过 %(h)s 小时仍未能送出，已放弃（%(why)s）")
            % {"h": int(max_age().total_seconds() // 3600), "why": row.last_error or "-"},
        )
        return None
    from notifications.sweep import is_quiet

    if is_quiet(now):  # a retry that falls in the night waits for the morning, like reminders
        _later(pk, now + QUIET_RECHECK, counted=False)
        return QUIET_RECHECK.total_seconds()
    try:
        config_settings = settings_of(config)
    except SecretUnreadable:
        _fail(pk, "secret", _("渠道密钥无法解密（密钥已更换），请在渠道设置中重新填写"))
        return None
    provider = providers.get(config.kind)
    message = Message(row.title, row.body, row.url, row.to)
    limits = provider.limits(config_settings, message)
    wait = ratelimit.acquire(limits)
    if wait > 0:
        _later(pk, now + dt.timedelta(seconds=wait), counted=False)
        return wait
    kwargs = {"out_id": str(pk)} if config.kind == "sms" else {}
    try:
        outcome = provider.send(config_settings, message, timeout=timeout(), **kwargs)
    except Exception as exc:  # noqa: BLE001 - an adapter bug is a failed attempt, not a stuck row
        log.exception("channel message %s", pk)
        outcome = Outcome(Outcome.RETRY, "error", repr(exc)[:300])
    return record(pk, row.attempts, outcome, limits, now)


def record(pk: int, attempts: int, outcome: Outcome, limits, now: dt.datetime) -> float | None:
    if outcome.ok:
        _finish(pk, state=State.SENT, sent_at=timezone.now(), last_code=outcome.code, last_error="")
        return None
    if outcome.status == Outcome.THROTTLED:
        ratelimit.hold(limits, outcome.retry_after)
        _later(
            pk,
            now + dt.timedelta(seconds=outcome.retry_after),
            counted=False,
            code=outcome.code,
            reason=outcome.reason,
        )
        return outcome.retry_after
    if outcome.status == Outcome.RETRY and attempts < max_attempts():
        delay = backoff(attempts)
        _later(pk, now + delay, counted=True, code=outcome.code, reason=outcome.reason)
        return delay.total_seconds()
    reason = outcome.reason
    if outcome.status == Outcome.RETRY:
        reason = _("重试 %(n)s 次仍失败：%(why)s") % {"n": attempts, "why": reason}
    _fail(pk, outcome.code, reason)
    return None


def send(ids) -> int:
    """Send these rows (those PENDING and due); rows to try later are handed over again with
    a countdown. Returns how many went out."""
    sent = 0
    later: dict[int, float] = {}
    for pk in ids:
        wait = send_one(pk)
        if wait is None:
            sent += OutboundMessage.objects.filter(pk=pk, state=State.SENT).exists()
        elif wait >= 0:
            later[pk] = wait
    soon = min(later.values(), default=None)
    if soon is not None and soon <= HAND_BACK_WITHIN:
        enqueue(sorted(later), countdown=max(1.0, soon))
    # later than that, the sweep's flush hands them over (no far-off ETAs in the broker)
    return sent


def flush(now: dt.datetime, chunk: int = 500) -> int:
    """Hand over every row that is due and not on its way (retries, lost hand-overs, rows
    left SENDING by a dead worker)."""
    OutboundMessage.objects.filter(state=State.SENDING, next_attempt_at__lte=now).update(
        state=State.PENDING
    )
    due = (
        OutboundMessage.objects.filter(state=State.PENDING)
        .filter(
            Q(next_attempt_at__lte=now)
            | Q(next_attempt_at__isnull=True, created_at__lte=now - conf.outbox_flush_after())
        )
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    ids = list(due[: chunk * 20])
    for start in range(0, len(ids), chunk):
        enqueue(ids[start : start + chunk])
    return len(ids)


@transaction.atomic
def resend(message: OutboundMessage) -> bool:
    """The office sends a failed message again (a fresh set of attempts)."""
    done = OutboundMessage.objects.filter(pk=message.pk, state=State.FAILED).update(
        state=State.PENDING,
        attempts=0,
        next_attempt_at=None,
        created_at=timezone.now(),
        last_error="",
        last_code="",
    )
    if done:
        enqueue([message.pk])
    return bool(done)


def send_test(config: ChannelConfig, user) -> Outcome:
    """Send a test message now through `config` (to the group, or to `user` themselves) and
    remember the answer on the setting."""
    from notifications.providers.aliyun_sms import mainland_mobile

    try:
        config_settings = settings_of(config)
    except SecretUnreadable:
        outcome = Outcome(Outcome.FAILED, "secret", _("渠道密钥无法解密，请重新填写"))
    else:
        to = ""
        if config.kind == "wecom_app":
            to = getattr(getattr(user, "notification_preference", None), "wecom_userid", "")
        elif config.kind == "sms":
            to = mainland_mobile(user.phone)
        message = Message(
            _("【测试】清风平台消息测试"),
            _("这是一条测试消息，收到即说明“%(c)s”设置正确。") % {"c": config.get_kind_display()},
            f"{settings.SITE_URL}/",
            to,
        )
        provider = providers.get(config.kind)
        if config.kind in ("wecom_app", "sms") and not to:
            outcome = Outcome(
                Outcome.FAILED,
                "no-address",
                _("请先在“通知偏好”中填写您自己的企业微信账号")
                if config.kind == "wecom_app"
                else _("您的账号没有正确的手机号，无法发送测试短信"),
            )
        elif (wait := ratelimit.acquire(provider.limits(config_settings, message))) > 0:
            outcome = Outcome(
                Outcome.THROTTLED,
                "local-limit",
                _("已达到服务商的发送频率上限，请 %(s)s 秒后再试") % {"s": int(wait) + 1},
            )
        else:
            outcome = provider.send(config_settings, message, timeout=timeout())
    ChannelConfig.objects.filter(pk=config.pk).update(
        last_test_at=timezone.now(),
        last_test_result=(outcome.reason or outcome.code)[:300],
    )
    return outcome
