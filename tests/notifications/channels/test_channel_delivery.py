"""Reminders through WeChat Work, DingTalk and SMS: queued once in the sweep's batch, sent by
the dispatcher, each channel on its own, in-app always delivered."""

from __future__ import annotations

import datetime as dt

import pytest

from notifications import dispatch
from notifications.channel_models import OutboundMessage
from notifications.models import Notification, Preference
from notifications.provider_channels import GroupRobotChannel
from organisations.models import Role
from tests.factories import TODAY, UserFactory, give_role
from tests.notifications.channels.conftest import (
    dingtalk_of,
    make_channel,
    sms_of,
    wecom_app_of,
    wecom_robot_of,
)
from tests.notifications.factories import period_due

WEEK = TODAY + dt.timedelta(days=7)


@pytest.fixture(autouse=True)
def _quiet(no_digests, settings):
    settings.SITE_URL = "https://qf.example.cn"


def test_group_robot_gets_one_message_per_deadline_with_the_unit_and_link(world, wecom, sweep_at):
    second = UserFactory(username="liaison_a1b")
    give_role(second, world.unit_a1, Role.Kind.LIAISON)
    period_due(world.campaign_a, world.unit_a1, WEEK, title="一把手讲廉政党课")
    period_due(world.campaign_a, world.unit_a2, WEEK, title="家风家训征集")
    wecom_robot_of(world.township_a)
    sweep_at(TODAY)
    assert Notification.objects.count() == 3  # everyone still gets the in-app notification
    contents = sorted(m["content"] for m in wecom.delivered)
    assert len(contents) == 2  # one per deadline, not one per person
    assert "**【提醒】一把手讲廉政党课（全年）**" in contents[0]
    assert "甲一村：截止日期 2026年6月22日，还有 7 天。" in contents[0]
    assert "](https://qf.example.cn/" in contents[0]


def test_a_units_own_robot_takes_its_deadlines(world, wecom, sweep_at):
    wecom.keys.add("unit-a1-robot")
    period_due(world.campaign_a, world.unit_a1, WEEK, title="甲一的事")
    period_due(world.campaign_a, world.unit_a2, WEEK, title="甲二的事")
    period_due(world.campaign_b, world.unit_b1, WEEK, title="乙镇的事")
    wecom_robot_of(world.township_a)
    wecom_robot_of(world.township_a, key="unit-a1-robot", unit=world.unit_a1)
    sweep_at(TODAY)
    where = {m["key"]: m["content"] for m in wecom.delivered}
    assert "甲一的事" in where["unit-a1-robot"] and "甲二的事" in where["robot-key-0001"]
    assert not any("乙镇的事" in c for c in where.values())  # 乙镇 set up no robot


def test_personal_channels_follow_each_persons_choice(world, wecom, aliyun, sweep_at):
    world.liaison_a1.phone = "13800138000"
    world.liaison_a1.save()
    world.liaison_a2.phone = "13900139000"
    world.liaison_a2.save()
    Preference.objects.create(user=world.liaison_a1, wecom_userid="liaison-a1", by_sms=True)
    Preference.objects.create(user=world.liaison_a2, by_wecom=True, by_sms=False)
    period_due(world.campaign_a, world.unit_a1, WEEK, title="一把手讲廉政党课")
    period_due(world.campaign_a, world.unit_a2, WEEK, title="家风家训征集")
    wecom_app_of(world.township_a)
    sms_of(world.township_a)
    sweep_at(TODAY)
    [card] = wecom.app_delivered
    assert card["touser"] == "liaison-a1"
    assert card["textcard"]["title"] == "【提醒】一把手讲廉政党课（全年）"
    [sms] = aliyun.delivered
    assert sms["PhoneNumbers"] == "13800138000"
    assert '"when": "6月22日截止"' in sms["TemplateParam"]
    assert OutboundMessage.objects.filter(state="sent").count() == 2


def test_dingtalk_signed_robot_through_the_sweep(world, dingtalk, sweep_at):
    period_due(world.campaign_a, world.unit_a1, TODAY - dt.timedelta(days=3), title="警示教育")
    dingtalk_of(world.township_a)
    sweep_at(TODAY)
    [sent] = dingtalk.delivered
    assert sent["markdown"]["title"].startswith("【催办】警示教育")
    assert "逾期 3 天" in sent["markdown"]["text"]


def test_a_broken_channel_blocks_neither_in_app_nor_the_others(
    world, wecom, dingtalk, sweep_at, monkeypatch
):
    period_due(world.campaign_a, world.unit_a1, WEEK, title="一把手讲廉政党课")
    wecom_robot_of(world.township_a)
    # DingTalk: a signing secret that the server does not know (310000)
    dingtalk_of(world.township_a, sign_secret="SECwrong")
    sweep_at(TODAY)
    assert Notification.objects.filter(user=world.liaison_a1).count() == 1
    assert len(wecom.delivered) == 1 and not dingtalk.delivered
    failed = OutboundMessage.objects.get(channel="dingtalk_robot")
    assert failed.state == "failed" and failed.last_code == "310000"
    assert "加签校验失败" in failed.last_error


def test_a_channel_that_cannot_queue_still_lets_in_app_through(world, wecom, sweep_at, monkeypatch):
    def explode(self, reminders, now):
        raise RuntimeError("bad channel setting")

    monkeypatch.setattr(GroupRobotChannel, "write", explode)
    period_due(world.campaign_a, world.unit_a1, WEEK)
    wecom_robot_of(world.township_a)
    wecom_app_of(world.township_a)
    Preference.objects.create(user=world.liaison_a1, wecom_userid="liaison-a1")
    sweep_at(TODAY)
    assert Notification.objects.filter(user=world.liaison_a1).count() == 1
    assert len(wecom.app_delivered) == 1 and not wecom.delivered


def test_unreadable_secret_fails_with_a_reason(world, wecom, sweep_at):
    period_due(world.campaign_a, world.unit_a1, WEEK)
    config = wecom_robot_of(world.township_a)
    config.secret = "not-a-fernet-token"
    config.save()
    sweep_at(TODAY)
    message = OutboundMessage.objects.get()
    assert message.state == "failed" and "无法解密" in message.last_error
    assert Notification.objects.count() == 1


def test_a_second_sweep_and_a_second_hand_over_send_nothing_more(world, wecom, sweep_at):
    period_due(world.campaign_a, world.unit_a1, WEEK)
    wecom_robot_of(world.township_a)
    sweep_at(TODAY, 9, 0)
    sweep_at(TODAY, 9, 5)
    ids = list(OutboundMessage.objects.values_list("pk", flat=True))
    assert dispatch.send(ids) == 0  # already SENT: the claim fails
    assert len(wecom.delivered) == 1 and len(ids) == 1


def test_disabled_channel_writes_nothing(world, wecom, sweep_at):
    period_due(world.campaign_a, world.unit_a1, WEEK)
    make_channel(world.township_a, "wecom_robot", secrets={"key": "robot-key-0001"}, enabled=False)
    sweep_at(TODAY)
    assert not OutboundMessage.objects.exists() and not wecom.requests


def test_a_retry_due_in_the_quiet_hours_waits_for_the_morning(world, wecom, sweep_at):
    period_due(world.campaign_a, world.unit_a1, WEEK)
    wecom_robot_of(world.township_a)
    wecom.script({"errcode": -1, "errmsg": "system busy"})
    sweep_at(TODAY, 20, 59)
    message = OutboundMessage.objects.get()
    assert message.state == "pending" and message.attempts == 1
    sweep_at(TODAY, 21, 0)  # due for its retry, but it is night
    message.refresh_from_db()
    assert message.state == "pending" and message.attempts == 1 and len(wecom.requests) == 1
    sweep_at(TODAY + dt.timedelta(days=1), 8, 0)
    message.refresh_from_db()
    assert message.state == "sent" and len(wecom.delivered) == 1


def test_a_provider_that_stays_down_fails_the_message_with_the_reason(
    world, wecom, sweep_at, settings
):
    settings.REMINDER_CHANNEL_MAX_ATTEMPTS = 3
    period_due(world.campaign_a, world.unit_a1, WEEK)
    wecom_robot_of(world.township_a)
    wecom.script(*[{"errcode": -1, "errmsg": "system busy"}] * 10)
    for minute in range(0, 10):
        sweep_at(TODAY, 9, minute)
    message = OutboundMessage.objects.get()
    assert message.state == "failed" and message.attempts == 3
    assert message.last_error.startswith("重试 3 次仍失败：企业微信系统繁忙")
    assert len(wecom.requests) == 3 and not wecom.delivered
    assert Notification.objects.filter(user=world.liaison_a1).count() == 1
