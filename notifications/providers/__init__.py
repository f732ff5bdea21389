"""Provider adapters: WeChat Work (group robot, application message), DingTalk (group robot)
and SMS (Aliyun). Each turns one `Message` into one request in the provider's documented
format and reads the documented answer back into an `Outcome` with the reason in Chinese.

An adapter knows nothing of the outbox: `notifications.dispatch` claims a row, asks the
shared rate limiter for a slot under the adapter's `limits`, calls `send`, and records the
outcome. The same `send` serves the office's "发送测试消息" button.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from typing import Protocol


@dataclass(frozen=True)
class Message:
    title: str
    body: str = ""
    url: str = ""  # absolute link to the portal page
    to: str = ""  # WeChat Work userid or phone number; empty for a group robot


@dataclass(frozen=True)
class Outcome:
    SENT = "sent"
    RETRY = "retry"  # transient (system busy, 5xx, connection refused): back off and retry
    THROTTLED = "throttled"  # the provider's rate limit: wait `retry_after`, not an attempt
    FAILED = "failed"  # will not get better by retrying (bad key, bad signature, no such user)
    UNKNOWN = "unknown"  # sent, no answer: retrying could deliver twice

    status: str
    code: str = ""
    reason: str = ""  # in Chinese, for the office
    retry_after: float = 0

    @property
    def ok(self) -> bool:
        return self.status == self.SENT


@dataclass(frozen=True)
class Limit:
    key: str
    count: int
    seconds: int


@dataclass
class Settings:
    """What an adapter needs of a ChannelConfig: its options and its decrypted secrets."""

    pk: int | None
    options: dict = field(default_factory=dict)
    secrets: dict = field(default_factory=dict)


class Provider(Protocol):
    kind: str
    secret_fields: tuple[str, ...]
    option_fields: tuple[str, ...]

    def limits(self, config: Settings, message: Message) -> list[Limit]: ...

    def send(self, config: Settings, message: Message, *, timeout: float) -> Outcome: ...


def fingerprint(*parts: str) -> str:
    """A short, stable, non-reversible name for a secret (rate-limit and cache keys)."""
    return hashlib.sha256("\x1f".join(parts).encode()).hexdigest()[:16]


def base_url(name: str, default: str) -> str:
    """The provider's address: a setting or environment variable of that name (an intranet
    gateway, or a test's fake server), else the provider's public address."""
    from notifications.conf import _env

    return (_env(name, "") or default).rstrip("/")


def clip(text: str, max_bytes: int) -> str:
    """Cut `text` to at most `max_bytes` of UTF-8 (the providers count bytes), marking the cut."""
    raw = text.encode()
    if len(raw) <= max_bytes:
        return text
    return raw[: max_bytes - 3].decode("utf-8", "ignore") + "…"


def get(kind: str) -> Provider:
    from notifications.providers import aliyun_sms, dingtalk, wecom

    return {
        "wecom_robot": wecom.ROBOT,
        "wecom_app": wecom.APP,
        "dingtalk_robot": dingtalk.ROBOT,
        "sms": aliyun_sms.SMS,
    }[kind]
