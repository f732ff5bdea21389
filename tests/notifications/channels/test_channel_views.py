"""The office's channel pages: set up, secrets never shown back, test button with the
provider's answer in Chinese, failed messages with the reason, and who may not come in."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.urls import reverse

from notifications.channel_models import ChannelConfig, OutboundMessage
from notifications.models import Preference
from notifications.secrets import unseal
from tests.notifications.channels.conftest import sms_of, wecom_robot_of
from tests.notifications.conftest import at

ROBOT_URL = "https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=robot-key-0001"


def _text(response) -> str:
    return response.content.decode()


def test_office_sets_up_a_robot_from_the_pasted_address(world, login, wecom):
    client = login(world.office_a)
    url = reverse("notifications:channel_create", args=[world.township_a.pk, "wecom_robot"])
    assert client.get(url).status_code == 200
    response = client.post(url, {"name": "镇联络员群", "enabled": "on", "key": ROBOT_URL})
    assert response.status_code == 302
    config = ChannelConfig.objects.get()
    assert config.township == world.township_a and config.unit is None
    assert "robot-key-0001" not in config.secret  # encrypted at rest
    assert unseal(config.secret) == {"key": "robot-key-0001"}


def test_the_secret_is_never_shown_back_and_empty_keeps_it(world, login, wecom):
    config = wecom_robot_of(world.township_a)
    client = login(world.office_a)
    url = reverse("notifications:channel_edit", args=[config.pk])
    page = _text(client.get(url))
    assert "robot-key-0001" not in page and "已设置" in page
    response = client.post(url, {"name": "改名", "enabled": "on", "key": "", "version": 1})
    assert response.status_code == 302
    config.refresh_from_db()
    assert config.name == "改名" and unseal(config.secret) == {"key": "robot-key-0001"}
    assert config.version == 2
    client.post(url, {"enabled": "on", "key": "new-robot-key-02", "version": 2})
    config.refresh_from_db()
    assert unseal(config.secret) == {"key": "new-robot-key-02"}


def test_a_stale_form_changes_nothing(world, login):
    config = wecom_robot_of(world.township_a)
    url = reverse("notifications:channel_edit", args=[config.pk])
    response = login(world.office_a).post(url, {"name": "旧表单", "enabled": "on", "version": 0})
    assert response.status_code == 200
    assert "已被他人修改" in _text(response)
    config.refresh_from_db()
    assert config.name == "" and config.version == 1


def test_a_bad_address_is_refused_in_chinese(world, login):
    url = reverse("notifications:channel_create", args=[world.township_a.pk, "wecom_robot"])
    response = login(world.office_a).post(url, {"enabled": "on", "key": "http://x/?key=<script>"})
    assert response.status_code == 200 and "无法识别" in _text(response)
    assert not ChannelConfig.objects.exists()


def test_a_second_township_robot_is_refused(world, login):
    wecom_robot_of(world.township_a)
    url = reverse("notifications:channel_create", args=[world.township_a.pk, "wecom_robot"])
    response = login(world.office_a).post(url, {"enabled": "on", "key": "another-key-123"})
    assert response.status_code == 200 and "已经设置过" in _text(response)


def test_test_button_shows_the_providers_answer(world, login, wecom):
    good = wecom_robot_of(world.township_a)
    bad = wecom_robot_of(world.township_a, key="deleted-robot-1", unit=world.unit_a1)
    client = login(world.office_a)
    response = client.post(reverse("notifications:channel_test", args=[good.pk]), follow=True)
    assert "测试消息已发出，服务商答复：发送成功" in _text(response)
    assert "【测试】清风平台消息测试" in wecom.delivered[0]["content"]
    response = client.post(reverse("notifications:channel_test", args=[bad.pk]), follow=True)
    assert "测试消息未能发出" in _text(response) and "errcode 93000" in _text(response)
    bad.refresh_from_db()
    assert "Webhook 地址无效" in bad.last_test_result


def test_sms_test_goes_to_the_office_persons_own_phone(world, login, aliyun):
    config = sms_of(world.township_a)
    client = login(world.office_a)
    response = client.post(reverse("notifications:channel_test", args=[config.pk]), follow=True)
    assert "没有正确的手机号" in _text(response) and not aliyun.requests
    world.office_a.phone = "13700137000"
    world.office_a.save()
    response = client.post(reverse("notifications:channel_test", args=[config.pk]), follow=True)
    assert "发送成功" in _text(response)
    assert aliyun.delivered[0]["PhoneNumbers"] == "13700137000"


def failed_message(world, key: str, title: str, **fields) -> OutboundMessage:
    """A robot message of township A that failed after 8 attempts."""
    return OutboundMessage.objects.create(
        config=wecom_robot_of(world.township_a),
        channel="wecom_robot",
        key=key,
        title=title,
        state="failed",
        attempts=8,
        created_at="2026-06-15T09:00:00+08:00",
        **fields,
    )


def test_failed_messages_are_listed_with_the_reason_and_can_be_resent(
    world, login, wecom, django_capture_on_commit_callbacks
):
    message = failed_message(
        world,
        "d:x",
        "【提醒】某事",
        last_code="-1",
        last_error="重试 8 次仍失败：企业微信系统繁忙",
    )
    client = login(world.office_a)
    page = _text(client.get(reverse("notifications:channel_messages", args=[world.township_a.pk])))
    assert "【提醒】某事" in page and "重试 8 次仍失败" in page
    listing = _text(client.get(reverse("notifications:channels", args=[world.township_a.pk])))
    assert "1 条发送失败" in listing
    url = reverse("notifications:channel_message_resend", args=[message.pk])
    assert client.get(url).status_code == 405
    # a working day's office hours: at night or on a rest day the resend waits like any reminder
    with time_machine.travel(at(dt.date(2026, 6, 15), 10), tick=False):
        with django_capture_on_commit_callbacks(execute=True):
            client.post(url)
    message.refresh_from_db()
    assert message.state == "sent" and len(wecom.delivered) == 1


def test_a_resend_at_night_says_when_it_will_go(
    world, login, wecom, django_capture_on_commit_callbacks
):
    message = failed_message(world, "d:night", "【提醒】夜间重发")
    client = login(world.office_a)
    url = reverse("notifications:channel_message_resend", args=[message.pk])
    with time_machine.travel(at(dt.date(2026, 6, 15), 21, 15), tick=False):
        with django_capture_on_commit_callbacks(execute=True):
            response = client.post(url, follow=True)
    page = _text(response)
    assert "现在是免打扰时段（21:00–08:00），将在 08:00 后发送" in page
    message.refresh_from_db()
    assert message.state == "pending" and wecom.delivered == []


@pytest.mark.parametrize("who", ["outsider", "office_b", "liaison_a1", "reviewer"])
def test_outsiders_are_refused_everywhere(world, login, who):
    config = wecom_robot_of(world.township_a)
    message = OutboundMessage.objects.create(
        config=config,
        channel="wecom_robot",
        key="k",
        title="t",
        state="failed",
        created_at="2026-06-15T09:00:00+08:00",
    )
    client = login(getattr(world, who))
    township = world.township_a.pk
    for url in [
        reverse("notifications:channels", args=[township]),
        reverse("notifications:channel_create", args=[township, "sms"]),
        reverse("notifications:channel_messages", args=[township]),
        reverse("notifications:channel_edit", args=[config.pk]),
    ]:
        assert client.get(url).status_code == 404, url
    for url in [
        reverse("notifications:channel_test", args=[config.pk]),
        reverse("notifications:channel_delete", args=[config.pk]),
        reverse("notifications:channel_message_resend", args=[message.pk]),
        reverse("notifications:channel_edit", args=[config.pk]),
    ]:
        assert client.post(url, {"key": "evil-key-0001", "version": 1}).status_code == 404, url
    assert ChannelConfig.objects.get().last_test_at is None
    assert unseal(ChannelConfig.objects.get().secret) == {"key": "robot-key-0001"}


def test_a_leader_who_reads_the_township_gets_403(world, login):
    config = wecom_robot_of(world.township_a)
    client = login(world.leader_a)
    assert (
        client.get(reverse("notifications:channels", args=[world.township_a.pk])).status_code == 403
    )
    assert client.get(reverse("notifications:channel_edit", args=[config.pk])).status_code == 403


def test_channel_home_goes_to_the_office_township(world, login):
    response = login(world.office_a).get(reverse("notifications:channel_home"))
    assert response.url == reverse("notifications:channels", args=[world.township_a.pk])
    assert login(world.liaison_a1).get(reverse("notifications:channel_home")).status_code == 404


def test_a_person_chooses_channels_on_their_own_page(world, login):
    client = login(world.liaison_a1)
    page = _text(client.get(reverse("notifications:preferences")))
    assert "企业微信账号（UserID）" in page
    url = reverse("notifications:channel_preferences")
    assert client.get(url).status_code == 405
    response = client.post(url, {"by_wecom": "on", "wecom_userid": "liaison-a1", "by_sms": "on"})
    assert response.status_code == 302
    preference = Preference.objects.get(user=world.liaison_a1)
    assert preference.wecom_userid == "liaison-a1" and preference.by_sms
    assert preference.email_mode == "immediate"  # the email choice is untouched
    response = client.post(url, {"wecom_userid": "张 三"})
    assert response.status_code == 200 and "只含字母" in _text(response)


def test_channel_pages_in_english(world, login):
    wecom_robot_of(world.township_a)
    client = login(world.office_a)
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    page = _text(client.get(reverse("notifications:channels", args=[world.township_a.pk])))
    assert "Message channels" in page and "Send a test message" in page
    assert "WeChat Work group robot" in page
    form = _text(
        client.get(reverse("notifications:channel_create", args=[world.township_a.pk, "sms"]))
    )
    assert "Template code" in form


@pytest.mark.parametrize("count", [3, 40])
def test_channel_pages_query_count_does_not_grow(world, login, django_assert_num_queries, count):
    robot = wecom_robot_of(world.township_a)
    unit_robot = wecom_robot_of(world.township_a, key="unit-robot-001", unit=world.unit_a1)
    for n in range(count):
        OutboundMessage.objects.create(
            config=robot if n % 2 else unit_robot,
            channel="wecom_robot",
            key=f"d:{n}",
            user=world.liaison_a1,
            title=f"事项{n}",
            state="failed",
            last_error="原因",
            created_at="2026-06-15T09:00:00+08:00",
        )
    client = login(world.office_a)
    client.get("/")  # settle the session
    with django_assert_num_queries(7):
        response = client.get(reverse("notifications:channel_messages", args=[world.township_a.pk]))
    assert response.status_code == 200 and f"事项{count - 1}" in _text(response)
    with django_assert_num_queries(7):
        client.get(reverse("notifications:channels", args=[world.township_a.pk]))


def test_office_fills_in_wecom_accounts_of_its_people_only(world, login):
    client = login(world.office_a)
    url = reverse("notifications:channel_accounts", args=[world.township_a.pk])
    page = _text(client.get(url))
    assert f'name="userid-{world.liaison_a1.pk}"' in page
    assert f'name="userid-{world.liaison_b1.pk}"' not in page
    response = client.post(
        url,
        {
            f"userid-{world.liaison_a1.pk}": "liaison-a1",
            f"userid-{world.liaison_a2.pk}": "张三",
            f"userid-{world.liaison_b1.pk}": "smuggled",  # another township's person
        },
        follow=True,
    )
    assert "已更新 1 人" in _text(response) and "格式不对" in _text(response)
    assert Preference.objects.get(user=world.liaison_a1).wecom_userid == "liaison-a1"
    assert not Preference.objects.filter(user__in=[world.liaison_a2, world.liaison_b1]).exists()
    for who in (world.office_b, world.outsider, world.liaison_a1):
        assert login(who).get(url).status_code == 404
        assert login(who).post(url, {f"userid-{world.liaison_a1.pk}": "x"}).status_code == 404
    assert login(world.leader_a).get(url).status_code == 403
    assert Preference.objects.get(user=world.liaison_a1).wecom_userid == "liaison-a1"
