"""WeChat Work (企业微信): the group robot webhook and the application message.

Robot: POST {base}/cgi-bin/webhook/send?key=KEY with {"msgtype": "markdown", "markdown":
{"content": …}} (content at most 4096 bytes); answer {"errcode": 0, "errmsg": "ok"}. Each
robot may send 20 messages a minute; beyond that it answers 45009.

Application message: GET {base}/cgi-bin/gettoken?corpid=…&corpsecret=… answers
{"errcode": 0, "access_token": …, "expires_in": 7200}; the token is cached (shared through
the Django cache) until shortly before it expires, and fetched again when a call answers
42001 (expired) or 40014 (invalid). POST {base}/cgi-bin/message/send?access_token=… with a
`textcard` to one `touser`, with `enable_duplicate_check` so a retried request within the
interval is not shown twice; a member not in the app's visible range comes back in
`invaliduser` (or errcode 81013 when nobody is left). An app may message one member at most
30 times a minute.
"""

from __future__ import annotations

from urllib.parse import quote, urlencode

from django.core.cache import cache
from django.utils.translation import gettext as _

from notifications.providers import Limit, Message, Outcome, Settings, base_url, clip, fingerprint
from notifications.providers.http import NoAnswer, NotSent, get_json, post_json

BASE_SETTING = "CHANNEL_WECOM_API_BASE"
DEFAULT_BASE = "https://qyapi.weixin.qq.com"
TOKEN_EXPIRED = {42001, 40014}
DUPLICATE_CHECK_SECONDS = 14400  # the documented maximum (4 hours)


def _reasons() -> dict[int, tuple[str, str]]:
    """errcode -> (status, Chinese reason) for the codes this portal can meet."""
    return {
        -1: (Outcome.RETRY, _("企业微信系统繁忙，稍后自动重试")),
        45009: (Outcome.THROTTLED, _("发送太频繁，超过企业微信的接口频率限制，稍后自动重试")),
        45033: (Outcome.THROTTLED, _("接口并发调用超过限制，稍后自动重试")),
        93000: (Outcome.FAILED, _("机器人 Webhook 地址无效（机器人可能已被移出群或删除）")),
        93004: (Outcome.FAILED, _("机器人已被停用")),
        40008: (Outcome.FAILED, _("消息类型无效")),
        44004: (Outcome.FAILED, _("消息内容为空")),
        40058: (Outcome.FAILED, _("消息参数不合法")),
        40013: (Outcome.FAILED, _("企业ID（CorpID）不正确")),
        40001: (Outcome.FAILED, _("应用 Secret 不正确")),
        40056: (Outcome.FAILED, _("应用 AgentId 不正确")),
        60020: (Outcome.FAILED, _("服务器 IP 不在企业微信应用的可信 IP 名单中")),
        81013: (Outcome.FAILED, _("接收人账号无效，或不在该应用的可见范围内")),
        42001: (Outcome.RETRY, _("access_token 已过期")),
        40014: (Outcome.RETRY, _("access_token 无效")),
    }


def read(answer: dict | None, status: int) -> Outcome:
    if answer is None or "errcode" not in answer:
        return Outcome(
            Outcome.RETRY,
            str(status),
            _("企业微信返回了无法识别的应答（HTTP %(s)s）") % {"s": status},
        )
    code = int(answer.get("errcode") or 0)
    if code == 0:
        return Outcome(Outcome.SENT, "0", _("发送成功"))
    kind, reason = _reasons().get(
        code, (Outcome.RETRY, _("企业微信返回错误：%(msg)s") % {"msg": answer.get("errmsg", "")})
    )
    return Outcome(
        kind,
        str(code),
        f"{reason}（errcode {code}）",
        retry_after=60 if kind == Outcome.THROTTLED else 0,
    )


def not_sent(exc: Exception) -> Outcome:
    return Outcome(Outcome.RETRY, "connect", _("无法连接企业微信服务器：%(e)s") % {"e": exc})


def no_answer(exc: Exception) -> Outcome:
    return Outcome(
        Outcome.UNKNOWN, "timeout", _("请求已发出但未收到企业微信的应答：%(e)s") % {"e": exc}
    )


class Robot:
    kind = "wecom_robot"
    secret_fields = ("key",)
    option_fields = ()

    def limits(self, config: Settings, message: Message) -> list[Limit]:
        return [Limit(f"wecom_robot:{fingerprint(config.secrets.get('key', ''))}", 20, 60)]

    def content(self, message: Message) -> str:
        lines = [f"**{message.title}**"]
        if message.body:
            lines.append(f"> {message.body}")
        if message.url:
            lines.append(_("[打开清风平台查看](%(url)s)") % {"url": message.url})
        return clip("\n".join(lines), 4096)

    def send(self, config: Settings, message: Message, *, timeout: float = 10) -> Outcome:
        key = config.secrets.get("key", "")
        url = f"{base_url(BASE_SETTING, DEFAULT_BASE)}/cgi-bin/webhook/send?key={quote(key)}"
        payload = {"msgtype": "markdown", "markdown": {"content": self.content(message)}}
        try:
            status, answer = post_json(url, payload, timeout=timeout)
        except NotSent as exc:
            return not_sent(exc)
        except NoAnswer as exc:
            return no_answer(exc)
        return read(answer, status)


class App:
    kind = "wecom_app"
    secret_fields = ("secret",)
    option_fields = ("corp_id", "agent_id")

    def limits(self, config: Settings, message: Message) -> list[Limit]:
        app = fingerprint(config.options.get("corp_id", ""), str(config.options.get("agent_id")))
        return [Limit(f"wecom_app:{app}:{message.to}", 30, 60)]

    def token_key(self, config: Settings) -> str:
        corp, agent = config.options.get("corp_id", ""), config.options.get("agent_id", "")
        return f"wecom-token:{fingerprint(corp, str(agent), config.secrets.get('secret', ''))}"

    def token(self, config: Settings, *, timeout: float, fresh: bool = False) -> str | Outcome:
        """The cached access_token, or a fresh one; an Outcome when none can be had."""
        key = self.token_key(config)
        if not fresh:
            cached = cache.get(key)
            if cached:
                return cached
        query = urlencode(
            {
                "corpid": config.options.get("corp_id", ""),
                "corpsecret": config.secrets.get("secret", ""),
            }
        )
        try:
            status, answer = get_json(
                f"{base_url(BASE_SETTING, DEFAULT_BASE)}/cgi-bin/gettoken?{query}", timeout=timeout
            )
        except (NotSent, NoAnswer) as exc:  # fetching a token sends nothing: safe to retry
            return not_sent(exc)
        outcome = read(answer, status)
        if not outcome.ok:
            return outcome
        token = str(answer.get("access_token", ""))
        expires = int(answer.get("expires_in") or 7200)
        cache.set(key, token, timeout=max(60, expires - 300))
        return token

    def payload(self, config: Settings, message: Message) -> dict:
        return {
            "touser": message.to,
            "msgtype": "textcard",
            "agentid": int(config.options.get("agent_id") or 0),
            "textcard": {
                "title": clip(message.title, 128),
                "description": clip(message.body, 512),
                "url": message.url,
                "btntxt": _("详情"),
            },
            "enable_duplicate_check": 1,
            "duplicate_check_interval": DUPLICATE_CHECK_SECONDS,
        }

    def send(self, config: Settings, message: Message, *, timeout: float = 10) -> Outcome:
        if not message.to:
            return Outcome(Outcome.FAILED, "no-user", _("接收人没有填写企业微信账号"))
        payload = self.payload(config, message)
        outcome = Outcome(Outcome.RETRY)
        for fresh in (False, True):  # a second go only after an expired or invalid token
            token = self.token(config, timeout=timeout, fresh=fresh)
            if isinstance(token, Outcome):
                return token
            url = f"{base_url(BASE_SETTING, DEFAULT_BASE)}/cgi-bin/message/send?access_token={quote(token)}"
            try:
                status, answer = post_json(url, payload, timeout=timeout)
            except NotSent as exc:
                return not_sent(exc)
            except NoAnswer as exc:
                # enable_duplicate_check makes the same request within 4 hours show once
                return Outcome(Outcome.RETRY, "timeout", no_answer(exc).reason)
            outcome = read(answer, status)
            if outcome.code and outcome.code.lstrip("-").isdigit():
                if int(outcome.code) in TOKEN_EXPIRED:
                    cache.delete(self.token_key(config))
                    continue
            break
        if outcome.ok and answer and answer.get("invaliduser"):
            return Outcome(
                Outcome.FAILED,
                "invaliduser",
                _("企业微信账号“%(u)s”不存在或不在应用的可见范围内") % {"u": answer["invaliduser"]},
            )
        return outcome


ROBOT = Robot()
APP = App()
