"""Each adapter against its fake provider: the documented request is accepted, the documented
error codes come back as the right outcome with the reason in Chinese."""

from __future__ import annotations

import json
from urllib.parse import parse_qs

import pytest
import time_machine

from notifications.providers import Message, Outcome, Settings, aliyun_sms
from notifications.providers.dingtalk import ROBOT as DING_ROBOT
from notifications.providers.dingtalk import sign
from notifications.providers.wecom import APP as WECOM_APP
from notifications.providers.wecom import ROBOT as WECOM_ROBOT

pytestmark = pytest.mark.django_db

ROBOT = Settings(1, {}, {"key": "robot-key-0001"})
APP = Settings(2, {"corp_id": "ww-corp-1", "agent_id": "1000002"}, {"secret": "app-secret-1"})
DING = Settings(3, {}, {"access_token": "ding-token-1", "sign_secret": "SECtest-secret"})
SMS = Settings(
    4,
    {"access_key_id": "LTAI-test-id", "sign_name": "清风镇纪委", "template_code": "SMS_10001"},
    {"access_key_secret": "test-secret"},
)
HELLO = Message("【提醒】廉政党课", "截止日期 2026年6月22日，还有 7 天。", "http://portal/x/")


def test_wecom_robot_sends_markdown_with_the_link(wecom):
    outcome = _robot(ROBOT, HELLO)
    assert outcome.ok and outcome.reason == "发送成功"
    [sent] = wecom.delivered
    assert "**【提醒】廉政党课**" in sent["content"]
    assert "[打开清风平台查看](http://portal/x/)" in sent["content"]


def _robot(config, message):
    return WECOM_ROBOT.send(config, message)


def test_wecom_robot_invalid_key_is_a_permanent_failure(wecom):
    outcome = _robot(Settings(1, {}, {"key": "removed-robot"}), HELLO)
    assert outcome.status == Outcome.FAILED and outcome.code == "93000"
    assert "Webhook 地址无效" in outcome.reason
    assert not wecom.delivered


def test_wecom_robot_rate_limit_answer_is_throttled(wecom):
    with time_machine.travel("2026-06-15 09:00 +0800", tick=False):
        outcomes = [_robot(ROBOT, HELLO) for _ in range(21)]
    assert [o.status for o in outcomes].count(Outcome.SENT) == 20
    assert outcomes[-1].status == Outcome.THROTTLED and outcomes[-1].code == "45009"
    assert outcomes[-1].retry_after == 60 and "频率限制" in outcomes[-1].reason


def test_wecom_robot_busy_and_bad_gateway_are_transient(wecom):
    wecom.script({"errcode": -1, "errmsg": "system busy"}, 502)
    assert _robot(ROBOT, HELLO).status == Outcome.RETRY
    assert _robot(ROBOT, HELLO).status == Outcome.RETRY
    assert _robot(ROBOT, HELLO).ok and len(wecom.delivered) == 1


def test_connection_refused_is_not_sent_and_retried(settings):
    settings.CHANNEL_WECOM_API_BASE = "http://127.0.0.1:9"  # nothing listens on discard
    outcome = _robot(ROBOT, HELLO)
    assert outcome.status == Outcome.RETRY and outcome.code == "connect"


def test_wecom_app_caches_the_token_and_sends_a_textcard(wecom):
    to = Message(HELLO.title, HELLO.body, HELLO.url, "liaison-a1")
    assert WECOM_APP.send(APP, to).ok
    assert WECOM_APP.send(APP, Message("其他", "x", "http://portal/y/", "liaison-a1")).ok
    assert wecom.token_calls == 1  # the cached access_token served both
    card = wecom.app_delivered[0]
    assert card["msgtype"] == "textcard" and card["agentid"] == 1000002
    assert card["textcard"]["url"] == "http://portal/x/" and card["enable_duplicate_check"] == 1


def test_wecom_app_refreshes_an_expired_token(wecom):
    to = Message(HELLO.title, HELLO.body, HELLO.url, "liaison-a1")
    assert WECOM_APP.send(APP, to).ok
    wecom.expire_tokens()  # the next call answers 42001
    assert WECOM_APP.send(APP, Message("第二条", "", "", "liaison-a1")).ok
    assert wecom.token_calls == 2 and len(wecom.app_delivered) == 2
    codes = [json.loads(r["body"] or b"{}") for r in wecom.requests]
    assert len(codes) == 5  # token, send, send (42001), token, send


def test_wecom_app_wrong_secret_and_unknown_user(wecom):
    bad = Settings(2, APP.options, {"secret": "wrong"})
    outcome = WECOM_APP.send(bad, Message("x", "", "", "liaison-a1"))
    assert outcome.status == Outcome.FAILED and "Secret 不正确" in outcome.reason
    outcome = WECOM_APP.send(APP, Message("x", "", "", "nobody"))
    assert outcome.status == Outcome.FAILED and outcome.code == "81013"
    assert "可见范围" in outcome.reason


def test_wecom_app_retry_after_lost_answer_is_shown_once(wecom):
    to = Message(HELLO.title, HELLO.body, HELLO.url, "liaison-a1")
    assert WECOM_APP.send(APP, to).ok
    assert WECOM_APP.send(APP, to).ok  # the same request again (a retry): duplicate check
    assert len(wecom.app_delivered) == 1


def test_dingtalk_signed_request_is_accepted(dingtalk):
    assert _ding(DING, HELLO).ok
    [request] = dingtalk.requests
    assert {"access_token", "timestamp", "sign"} <= set(request["query"])
    [sent] = dingtalk.delivered
    assert (
        sent["msgtype"] == "markdown"
        and "[打开清风平台查看](http://portal/x/)" in sent["markdown"]["text"]
    )


def _ding(config, message):
    return DING_ROBOT.send(config, message)


def test_dingtalk_wrong_sign_secret_is_310000(dingtalk):
    outcome = _ding(
        Settings(3, {}, {"access_token": "ding-token-1", "sign_secret": "SECwrong"}), HELLO
    )
    assert outcome.status == Outcome.FAILED and outcome.code == "310000"
    assert "加签校验失败" in outcome.reason


def test_dingtalk_sign_matches_the_documented_algorithm():
    # timestamp + "\n" + secret, HmacSHA256 keyed with the secret, base64
    assert sign("SECabc", 1700000000000) == "jcUpW0QmtKduN03n4JqQ0PBosVjqnM8gU7fIIvsDmCM="


def test_dingtalk_too_fast_and_unknown_token(dingtalk):
    with time_machine.travel("2026-06-15 09:00 +0800", tick=False):
        outcomes = [_ding(DING, HELLO) for _ in range(21)]
    assert outcomes[-1].status == Outcome.THROTTLED and outcomes[-1].code == "130101"
    assert outcomes[-1].retry_after == 600
    outcome = _ding(Settings(3, {}, {"access_token": "gone"}), HELLO)
    assert outcome.status == Outcome.FAILED and outcome.code == "300001"


def test_aliyun_signed_send_sms(aliyun):
    to = Message("一把手讲廉政党课", "6月22日截止", "", "138 0013 8000")
    outcome = aliyun_sms.SMS.send(
        SMS, Message(to.title, to.body, "", aliyun_sms.mainland_mobile(to.to))
    )
    assert outcome.ok and outcome.code == "OK"
    [params] = aliyun.delivered
    assert params["PhoneNumbers"] == "13800138000" and params["SignName"] == "清风镇纪委"
    assert json.loads(params["TemplateParam"]) == {
        "title": "一把手讲廉政党课",
        "when": "6月22日截止",
    }
    assert params["SignatureMethod"] == "HMAC-SHA1" and params["Format"] == "JSON"


def test_aliyun_wrong_secret_and_limits(aliyun):
    bad = Settings(4, SMS.options, {"access_key_secret": "nope"})
    outcome = aliyun_sms.SMS.send(bad, Message("x", "y", "", "13800138000"))
    assert outcome.status == Outcome.FAILED and outcome.code == "SignatureDoesNotMatch"
    aliyun.script({"Code": "isv.BUSINESS_LIMIT_CONTROL", "Message": "触发小时级流控Permits:5"})
    outcome = aliyun_sms.SMS.send(SMS, Message("x", "y", "", "13800138000"))
    assert outcome.status == Outcome.THROTTLED and outcome.retry_after == 3600
    outcome = aliyun_sms.SMS.send(SMS, Message("x", "y", "", "12345"))
    assert outcome.status == Outcome.FAILED and outcome.code == "no-phone"


def test_mainland_mobile():
    assert aliyun_sms.mainland_mobile("+86 138-0013-8000") == "13800138000"
    assert aliyun_sms.mainland_mobile("0571-8888888") == ""


def test_form_body_is_what_the_server_signed(aliyun):
    aliyun_sms.SMS.send(SMS, Message("x", "y", "", "13800138000"))
    body = parse_qs(aliyun.requests[0]["body"].decode())
    assert body["Action"] == ["SendSms"] and body["Version"] == ["2017-05-25"]
