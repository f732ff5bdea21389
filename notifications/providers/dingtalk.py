"""DingTalk (钉钉) custom group robot.

POST {base}/robot/send?access_token=TOKEN with {"msgtype": "markdown", "markdown": {"title",
"text"}}; answer {"errcode": 0, "errmsg": "ok"}. In the signed-secret mode ("加签") the URL
also carries `timestamp` (milliseconds) and `sign` = urlencode(base64(HmacSHA256(key=secret,
msg=timestamp + "\\n" + secret))); the server refuses a sign that does not match, or a
timestamp more than an hour away, with errcode 310000 (the same code answers a missing
keyword or an address outside the IP list, told apart by errmsg). A robot may send 20
messages a minute; beyond that it answers 130101 and is held back for 10 minutes.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import time
from urllib.parse import quote, urlencode

from django.utils.translation import gettext as _

from notifications.providers import Limit, Message, Outcome, Settings, base_url, clip, fingerprint
from notifications.providers.http import NoAnswer, NotSent, post_json

BASE_SETTING = "CHANNEL_DINGTALK_API_BASE"
DEFAULT_BASE = "https://oapi.dingtalk.com"
HOLD_AFTER_TOO_FAST = 600  # DingTalk holds a robot that sent too fast for 10 minutes


def sign(secret: str, timestamp_ms: int) -> str:
    to_sign = f"{timestamp_ms}\n{secret}".encode()
    digest = hmac.new(secret.encode(), to_sign, hashlib.sha256).digest()
    return base64.b64encode(digest).decode()


def _reason_310000(errmsg: str) -> str:
    text = (errmsg or "").lower()
    if "keyword" in text:
        return _("消息不含机器人安全设置中的自定义关键词")
    if "ip" in text and "whitelist" in text:
        return _("服务器 IP 不在机器人安全设置的 IP 地址段内")
    return _("加签校验失败：签名密钥（SEC 开头）不正确，或服务器时间偏差超过 1 小时")


def read(answer: dict | None, status: int) -> Outcome:
    if answer is None or "errcode" not in answer:
        return Outcome(
            Outcome.RETRY, str(status), _("钉钉返回了无法识别的应答（HTTP %(s)s）") % {"s": status}
        )
    code = int(answer.get("errcode") or 0)
    errmsg = str(answer.get("errmsg", ""))
    if code == 0:
        return Outcome(Outcome.SENT, "0", _("发送成功"))
    if code == 130101:
        return Outcome(
            Outcome.THROTTLED,
            str(code),
            _("发送太频繁（每个机器人每分钟最多 20 条），钉钉限流 10 分钟后自动重试")
            + f"（errcode {code}）",
            retry_after=HOLD_AFTER_TOO_FAST,
        )
    known = {
        310000: _reason_310000(errmsg),
        300001: _("机器人 access_token 不存在（机器人可能已被删除）"),
        400101: _("机器人 access_token 不存在"),
        400102: _("机器人已停用"),
        300005: _("机器人 access_token 不存在"),
        400105: _("不支持的消息类型"),
    }
    if code in known:
        return Outcome(Outcome.FAILED, str(code), f"{known[code]}（errcode {code}）")
    if code == -1:
        return Outcome(Outcome.RETRY, str(code), _("钉钉系统繁忙，稍后自动重试") + "（errcode -1）")
    return Outcome(
        Outcome.RETRY,
        str(code),
        _("钉钉返回错误：%(msg)s") % {"msg": errmsg} + f"（errcode {code}）",
    )


class Robot:
    kind = "dingtalk_robot"
    secret_fields = ("access_token", "sign_secret")
    option_fields = ()

    def limits(self, config: Settings, message: Message) -> list[Limit]:
        return [Limit(f"dingtalk:{fingerprint(config.secrets.get('access_token', ''))}", 20, 60)]

    def payload(self, message: Message) -> dict:
        parts = [f"### {message.title}"]
        if message.body:
            parts.append(message.body)
        if message.url:
            parts.append(_("[打开清风平台查看](%(url)s)") % {"url": message.url})
        return {
            "msgtype": "markdown",
            "markdown": {"title": clip(message.title, 200), "text": clip("\n\n".join(parts), 5000)},
        }

    def url(self, config: Settings, now_ms: int | None = None) -> str:
        query = {"access_token": config.secrets.get("access_token", "")}
        secret = config.secrets.get("sign_secret", "")
        if secret:
            timestamp = now_ms if now_ms is not None else int(time.time() * 1000)
            query["timestamp"] = str(timestamp)
            query["sign"] = sign(secret, timestamp)
        return (
            f"{base_url(BASE_SETTING, DEFAULT_BASE)}/robot/send?{urlencode(query, quote_via=quote)}"
        )

    def send(self, config: Settings, message: Message, *, timeout: float = 10) -> Outcome:
        try:
            status, answer = post_json(self.url(config), self.payload(message), timeout=timeout)
        except NotSent as exc:
            return Outcome(Outcome.RETRY, "connect", _("无法连接钉钉服务器：%(e)s") % {"e": exc})
        except NoAnswer as exc:
            return Outcome(
                Outcome.UNKNOWN, "timeout", _("请求已发出但未收到钉钉的应答：%(e)s") % {"e": exc}
            )
        return read(answer, status)


ROBOT = Robot()
