"""Fake provider servers on 127.0.0.1, started per test, and a township with its channels."""

from __future__ import annotations

import pytest

from notifications.channel_models import ChannelConfig
from notifications.secrets import seal
from tests.notifications.fake_providers import FakeAliyunSms, FakeDingTalkRobot, FakeWeCom


@pytest.fixture
def wecom(settings):
    server = FakeWeCom(users={"liaison-a1", "office-a"}).start()
    settings.CHANNEL_WECOM_API_BASE = server.base
    yield server
    server.stop()


@pytest.fixture
def dingtalk(settings):
    server = FakeDingTalkRobot({"ding-token-1": "SECtest-secret", "ding-plain": ""}).start()
    settings.CHANNEL_DINGTALK_API_BASE = server.base
    yield server
    server.stop()


@pytest.fixture
def aliyun(settings):
    server = FakeAliyunSms().start()
    settings.CHANNEL_ALIYUN_SMS_ENDPOINT = server.base
    yield server
    server.stop()


def make_channel(township, kind, *, unit=None, options=None, secrets=None, enabled=True):
    return ChannelConfig.objects.create(
        township=township,
        unit=unit,
        kind=kind,
        options=options or {},
        secret=seal(secrets or {}),
        enabled=enabled,
    )


def wecom_robot_of(township, key="robot-key-0001", unit=None):
    return make_channel(township, "wecom_robot", unit=unit, secrets={"key": key})


def wecom_app_of(township, secret="app-secret-1"):
    return make_channel(
        township,
        "wecom_app",
        options={"corp_id": "ww-corp-1", "agent_id": "1000002"},
        secrets={"secret": secret},
    )


def dingtalk_of(township, token="ding-token-1", sign_secret="SECtest-secret", unit=None):
    return make_channel(
        township,
        "dingtalk_robot",
        unit=unit,
        secrets={"access_token": token, "sign_secret": sign_secret},
    )


def sms_of(township, key_secret="test-secret"):
    return make_channel(
        township,
        "sms",
        options={
            "access_key_id": "LTAI-test-id",
            "sign_name": "清风镇纪委",
            "template_code": "SMS_10001",
            "region": "cn-hangzhou",
        },
        secrets={"access_key_secret": key_secret},
    )
