"""SMS through Aliyun (阿里云短信服务) SendSms, API version 2017-05-25, RPC style.

The request is a form POST to the endpoint (https://dysmsapi.aliyuncs.com/) carrying the
common parameters (AccessKeyId, Action, Format=JSON, RegionId, SignatureMethod=HMAC-SHA1,
SignatureNonce, SignatureVersion=1.0, Timestamp in UTC, Version) and SendSms's own
(PhoneNumbers, SignName, TemplateCode, TemplateParam as a JSON string, OutId), signed:
sort the parameters, percent-encode names and values (RFC 3986), join them with "&",
StringToSign = "POST&%2F&" + percent-encoded(that string), Signature =
base64(HMAC-SHA1(key=AccessKeySecret + "&", StringToSign)).

Answer: {"Code": "OK", "Message": "OK", "BizId": …, "RequestId": …}, or another Code such as
isv.BUSINESS_LIMIT_CONTROL (the per-number flow control: for notification templates 50 a day
per number, signature and template), isv.MOBILE_NUMBER_ILLEGAL, isv.SMS_SIGNATURE_ILLEGAL,
isv.SMS_TEMPLATE_ILLEGAL, isv.AMOUNT_NOT_ENOUGH, isp.SYSTEM_ERROR; a bad signature or key is
refused with HTTP 400/404 and Code SignatureDoesNotMatch / InvalidAccessKeyId.NotFound.

SendSms is not idempotent (the documentation asks callers to check the delivery receipt
before retrying a timed-out request), so a request that went out without an answer is not
retried automatically: it is failed with that reason and the office may send it again.
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import hmac
import json
import re
import uuid
from urllib.parse import quote, urlencode

from django.utils.translation import gettext as _

from notifications.providers import Limit, Message, Outcome, Settings, base_url
from notifications.providers.http import NoAnswer, NotSent, request

ENDPOINT_SETTING = "CHANNEL_ALIYUN_SMS_ENDPOINT"
DEFAULT_ENDPOINT = "https://dysmsapi.aliyuncs.com"
MOBILE = re.compile(r"^1[3-9]\d{9}$")
PARAM_MAX = 35  # characters a template variable may carry


def mainland_mobile(phone: str) -> str:
    """The 11-digit mainland mobile number in `phone`, or "" when it is not one."""
    digits = re.sub(r"[\s\-()]", "", phone or "")
    for prefix in ("+86", "0086", "86"):
        if digits.startswith(prefix) and len(digits) == len(prefix) + 11:
            digits = digits[len(prefix) :]
            break
    return digits if MOBILE.match(digits) else ""


def percent(value: str) -> str:
    return quote(str(value), safe="~")


def signature(params: dict[str, str], secret: str, method: str = "POST") -> str:
    canonical = "&".join(f"{percent(k)}={percent(params[k])}" for k in sorted(params))
    to_sign = f"{method}&{percent('/')}&{percent(canonical)}"
    digest = hmac.new(f"{secret}&".encode(), to_sign.encode(), hashlib.sha1).digest()
    return base64.b64encode(digest).decode()


def template_params(message: Message) -> dict[str, str]:
    def short(text: str) -> str:
        return text if len(text) <= PARAM_MAX else text[: PARAM_MAX - 1] + "…"

    return {"title": short(message.title), "when": short(message.body)}


LIMIT_WAIT = {"分钟": 60, "小时": 3600, "天": 86400}


def read(answer: dict | None, status: int) -> Outcome:
    if answer is None or "Code" not in answer:
        kind = Outcome.RETRY if status >= 500 or status == 200 else Outcome.FAILED
        return Outcome(
            kind, str(status), _("短信平台返回了无法识别的应答（HTTP %(s)s）") % {"s": status}
        )
    code = str(answer["Code"])
    message = str(answer.get("Message", ""))
    if code == "OK":
        return Outcome(Outcome.SENT, code, _("发送成功"))
    if code == "isv.BUSINESS_LIMIT_CONTROL":
        wait = next((s for word, s in LIMIT_WAIT.items() if word in message), 3600)
        return Outcome(
            Outcome.THROTTLED,
            code,
            _("触发短信平台对同一手机号的发送频率限制：%(m)s") % {"m": message},
            retry_after=wait,
        )
    if code in ("isp.SYSTEM_ERROR", "Throttling.User", "ServiceUnavailable"):
        return Outcome(Outcome.RETRY, code, _("短信平台繁忙，稍后自动重试（%(c)s）") % {"c": code})
    known = {
        "SignatureDoesNotMatch": _("AccessKey Secret 不正确，签名校验失败"),
        "InvalidAccessKeyId.NotFound": _("AccessKey ID 不存在"),
        "isv.SMS_SIGNATURE_ILLEGAL": _("短信签名不存在或未通过审核"),
        "isv.SMS_TEMPLATE_ILLEGAL": _("短信模板不存在或未通过审核"),
        "isv.TEMPLATE_MISSING_PARAMETERS": _(
            "短信模板的变量与本平台不符（须为 ${title} 和 ${when}）"
        ),
        "isv.MOBILE_NUMBER_ILLEGAL": _("手机号不正确"),
        "isv.AMOUNT_NOT_ENOUGH": _("短信账户余额不足"),
        "isv.OUT_OF_SERVICE": _("短信业务已停机（余额不足）"),
        "isv.DAY_LIMIT_CONTROL": _("已达到控制台设置的日发送量上限"),
        "isp.RAM_PERMISSION_DENY": _("AccessKey 没有发送短信的权限（RAM）"),
        "isv.PARAM_NOT_SUPPORT_URL": _("模板变量中不能含有网址"),
    }
    reason = known.get(code, _("短信平台返回错误：%(m)s") % {"m": message})
    return Outcome(Outcome.FAILED, code, f"{reason}（{code}）")


class Sms:
    kind = "sms"
    secret_fields = ("access_key_secret",)
    option_fields = ("access_key_id", "sign_name", "template_code", "region")

    def limits(self, config: Settings, message: Message) -> list[Limit]:
        sender = f"{config.options.get('sign_name', '')}:{config.options.get('template_code', '')}"
        return [Limit(f"sms:{sender}:{message.to}", 50, 86400)]

    def params(self, config: Settings, message: Message, out_id: str = "") -> dict[str, str]:
        options = config.options
        params = {
            "AccessKeyId": options.get("access_key_id", ""),
            "Action": "SendSms",
            "Format": "JSON",
            "RegionId": options.get("region") or "cn-hangzhou",
            "SignatureMethod": "HMAC-SHA1",
            "SignatureNonce": uuid.uuid4().hex,
            "SignatureVersion": "1.0",
            "Timestamp": dt.datetime.now(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
            "Version": "2017-05-25",
            "PhoneNumbers": message.to,
            "SignName": options.get("sign_name", ""),
            "TemplateCode": options.get("template_code", ""),
            "TemplateParam": json.dumps(template_params(message), ensure_ascii=False),
        }
        if out_id:
            params["OutId"] = out_id
        params["Signature"] = signature(params, config.secrets.get("access_key_secret", ""))
        return params

    def send(
        self, config: Settings, message: Message, *, timeout: float = 10, out_id: str = ""
    ) -> Outcome:
        if not mainland_mobile(message.to):
            return Outcome(Outcome.FAILED, "no-phone", _("接收人没有正确的手机号"))
        body = urlencode(self.params(config, message, out_id)).encode()
        try:
            status, raw = request(
                "POST",
                f"{base_url(ENDPOINT_SETTING, DEFAULT_ENDPOINT)}/",
                body=body,
                headers={"Content-Type": "application/x-www-form-urlencoded"},
                timeout=timeout,
            )
        except NotSent as exc:
            return Outcome(Outcome.RETRY, "connect", _("无法连接短信平台：%(e)s") % {"e": exc})
        except NoAnswer as exc:
            return Outcome(
                Outcome.UNKNOWN,
                "timeout",
                _("请求已发出但未收到短信平台的应答，为免重复不自动重发：%(e)s") % {"e": exc},
            )
        try:
            answer = json.loads(raw.decode("utf-8"))
        except (UnicodeDecodeError, ValueError):
            answer = None
        return read(answer if isinstance(answer, dict) else None, status)


SMS = Sms()
