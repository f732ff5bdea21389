"""The email channel: text + HTML in Chinese, retried with backoff, never blocking in-app."""

from __future__ import annotations

import datetime as dt
import smtplib

import pytest
import time_machine
from django.core import mail

from campaigns.models import Milestone
from notifications import outbox
from notifications.models import Notification, OutboundEmail, Preference
from tests.factories import TODAY, CampaignFactory
from tests.notifications.conftest import at
from tests.notifications.factories import milestone_due, period_due


class BrokenBackend:
    def __init__(self, *args, **kwargs):
        pass

    def open(self):
        raise smtplib.SMTPConnectError(421, "service not available")

    def close(self):
        pass

    def send_messages(self, messages):
        self.open()


@pytest.fixture
def broken_smtp(settings):
    settings.EMAIL_BACKEND = "tests.notifications.test_email.BrokenBackend"


def test_reminder_email_is_chinese_text_and_html(world, sweep_at, no_digests):
    period_due(
        world.campaign_a, world.unit_a1, TODAY + dt.timedelta(days=7), title="一把手讲廉政党课"
    )
    sweep_at(TODAY)
    [message] = mail.outbox
    assert message.to == [world.liaison_a1.email]
    assert message.subject == "【提醒】一把手讲廉政党课（全年）"
    assert "截止日期 2026年6月22日，还有 7 天。" in message.body
    html, mime = message.alternatives[0]
    assert mime == "text/html" and "一把手讲廉政党课" in html


def test_overdue_email_is_a_chase(world, sweep_at, no_digests):
    period_due(world.campaign_a, world.unit_a1, TODAY - dt.timedelta(days=3), title="警示教育")
    sweep_at(TODAY)
    [message] = mail.outbox
    assert message.subject.startswith("【催办】")
    assert "逾期 3 天" in message.body


def test_failing_smtp_is_retried_with_backoff_and_in_app_still_arrives(
    world, sweep_at, broken_smtp, settings, no_digests
):
    period_due(world.campaign_a, world.unit_a1, TODAY)
    sweep_at(TODAY, 9, 0)
    assert Notification.objects.filter(user=world.liaison_a1, kind="task_period").count() == 1
    email = OutboundEmail.objects.get(kind="reminder")
    assert email.state == "pending" and email.attempts == 1 and "421" in email.last_error
    assert email.next_attempt_at == at(TODAY, 9, 1)  # 1 minute, then 2, 4, 8…
    sweep_at(TODAY, 9, 1)  # the sweep's outbox flush hands it back to the worker
    email.refresh_from_db()
    assert email.attempts == 2 and email.next_attempt_at == at(TODAY, 9, 3)
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    sweep_at(TODAY, 9, 2)  # not yet due: nothing happens
    email.refresh_from_db()
    assert email.state == "pending" and not mail.outbox
    sweep_at(TODAY, 9, 3)
    email.refresh_from_db()
    assert email.state == "sent" and len(mail.outbox) == 1
    assert Notification.objects.filter(kind="task_period").count() == 1


def test_gives_up_after_the_last_attempt(world, broken_smtp, settings):
    settings.REMINDER_EMAIL_MAX_ATTEMPTS = 2
    email = OutboundEmail.objects.create(
        user=world.liaison_a1, kind="digest", to="x@example.test", subject="s", text="t"
    )
    with time_machine.travel(at(TODAY), tick=False):
        outbox.send([email.pk])
    with time_machine.travel(at(TODAY, 10), tick=False):
        outbox.send([email.pk])
        outbox.send([email.pk])
    email.refresh_from_db()
    assert email.state == "failed" and email.attempts == 2


def test_an_email_is_sent_once_even_if_handed_over_twice(world):
    email = OutboundEmail.objects.create(
        user=world.liaison_a1, kind="digest", to="x@example.test", subject="s", text="t"
    )
    assert outbox.send([email.pk, email.pk]) == 1
    assert outbox.send([email.pk]) == 0
    assert len(mail.outbox) == 1


def test_a_worker_that_died_while_sending_is_recovered(world, django_capture_on_commit_callbacks):
    email = OutboundEmail.objects.create(
        user=world.liaison_a1, kind="digest", to="x@example.test", subject="s", text="t"
    )
    with time_machine.travel(at(TODAY), tick=False):
        assert outbox.claim(email.pk, at(TODAY))  # …and the worker is killed here
    with time_machine.travel(at(TODAY, 9, 11), tick=False):
        with django_capture_on_commit_callbacks(execute=True):
            outbox.flush(at(TODAY, 9, 11))
    email.refresh_from_db()
    assert email.state == "sent" and len(mail.outbox) == 1


def test_daily_digest_merges_the_days_reminders(world, sweep_at):
    Preference.objects.create(user=world.liaison_a1, email_mode="digest")
    period_due(world.campaign_a, world.unit_a1, TODAY, title="任务甲")
    period_due(world.campaign_a, world.unit_a1, TODAY + dt.timedelta(days=1), title="任务乙")
    sweep_at(TODAY, 8, 30)
    assert mail.outbox == []  # held for the digest
    assert Notification.objects.filter(user=world.liaison_a1, kind="task_period").count() == 2
    sweep_at(TODAY, 8, 45)
    sweep_at(TODAY, 9, 0)
    [digest] = [m for m in mail.outbox if m.to == [world.liaison_a1.email]]
    assert "每日提醒汇总" in digest.subject
    assert "任务甲" in digest.body and "任务乙" in digest.body
    assert OutboundEmail.objects.filter(state="merged").count() == 2


def test_email_off_means_in_app_only(world, sweep_at, no_digests):
    Preference.objects.create(user=world.liaison_a1, email_mode="off")
    period_due(world.campaign_a, world.unit_a1, TODAY)
    sweep_at(TODAY)
    assert mail.outbox == []
    assert Notification.objects.filter(user=world.liaison_a1, kind="task_period").count() == 1


def test_office_gets_a_daily_digest_of_who_is_late_by_unit(world, sweep_at):
    period_due(world.campaign_a, world.unit_a1, TODAY - dt.timedelta(days=2), title="迟交甲")
    period_due(world.campaign_a, world.unit_a1, TODAY - dt.timedelta(days=5), title="迟交乙")
    period_due(world.campaign_a, world.unit_a2, TODAY - dt.timedelta(days=1), title="迟交丙")
    period_due(world.campaign_a, world.unit_a2, TODAY + dt.timedelta(days=5), title="未到期")
    sweep_at(TODAY, 9, 0)
    sweep_at(TODAY, 9, 30)
    [note] = Notification.objects.filter(user=world.office_a, kind="office_digest")
    assert "甲一村" in note.body and "迟交乙" in note.body and "未到期" not in note.body
    assert note.body.index("甲一村") < note.body.index("迟交甲")
    [email] = [m for m in mail.outbox if m.to == [world.office_a.email]]
    assert "逾期日报" in email.subject and "甲二村" in email.body
    # office_b's township has only its monthly report overdue, not township A's work
    note_b = Notification.objects.get(user=world.office_b, kind="office_digest")
    assert "迟交" not in note_b.body
    assert not Notification.objects.filter(user=world.liaison_a1, kind="office_digest").exists()


def test_each_office_digest_holds_only_its_own_township(world, sweep_at):
    """The digests of every township are read in one pass: the office's own late work (its
    milestones, no unit) and each unit's stay with their township, counted apart."""

    def office_due(campaign, days_ago, title):
        milestone = milestone_due(campaign, TODAY - dt.timedelta(days=days_ago))
        Milestone.objects.filter(pk=milestone.pk).update(title=title)

    office_due(world.campaign_a, 3, "甲镇自办")
    office_due(world.campaign_b, 4, "乙镇自办一")
    office_due(world.campaign_b, 2, "乙镇自办二")
    period_due(world.campaign_b, world.unit_b1, TODAY - dt.timedelta(days=1), title="乙一村迟交")
    sweep_at(TODAY, 9, 0)
    sweep_at(TODAY, 9, 30)
    note_a = Notification.objects.get(user=world.office_a, kind="office_digest")
    note_b = Notification.objects.get(user=world.office_b, kind="office_digest")
    assert "甲镇自办" in note_a.body
    assert "乙镇自办" not in note_a.body and "乙一村" not in note_a.body
    assert (
        "乙镇自办一" in note_b.body and "乙镇自办二" in note_b.body and "乙一村迟交" in note_b.body
    )
    assert "甲镇自办" not in note_b.body
    # the office's own group in B counts its two items, oldest first
    office_b_group = note_b.body[note_b.body.index("镇创建办公室") :]
    assert "逾期 2 项" in office_b_group.splitlines()[0]
    assert office_b_group.index("乙镇自办一") < office_b_group.index("乙镇自办二")
    [email_b] = [m for m in mail.outbox if m.to == [world.office_b.email]]
    html = email_b.alternatives[0][0]
    assert "<li>乙镇自办一（" in html and "甲镇自办" not in html


def test_the_digest_headline_counts_the_campaign_the_dashboard_shows(world, sweep_at):
    """Next year's campaign, already set up, is not this year's work: the headline counts this
    year's overdue task, as the township's dashboard does."""
    CampaignFactory(
        township=world.township_a,
        year=world.campaign_a.year + 1,
        start_date=dt.date(2027, 3, 1),
        end_date=dt.date(2027, 11, 30),
    )
    period_due(world.campaign_a, world.unit_a1, TODAY - dt.timedelta(days=2), title="迟交甲")
    sweep_at(TODAY, 9, 0)
    sweep_at(TODAY, 9, 30)
    note = Notification.objects.get(user=world.office_a, kind="office_digest")
    assert "有逾期期次的任务 1 项" in note.title


def test_broker_down_at_commit_loses_no_email(world, sweep_at, monkeypatch, no_digests):
    """Redis restarting mid-sweep: the enqueue after commit fails, the in-app notification is
    already committed, and the outbox flush of a later sweep hands the email over again."""
    from notifications.tasks import send_emails

    def down(*args, **kwargs):
        raise ConnectionError("Redis is restarting")

    monkeypatch.setattr(send_emails, "delay", down)
    period_due(world.campaign_a, world.unit_a1, TODAY)
    sweep_at(TODAY, 9, 0)
    assert Notification.objects.filter(user=world.liaison_a1, kind="task_period").count() == 1
    assert OutboundEmail.objects.get(kind="reminder").state == "pending"
    assert mail.outbox == []
    monkeypatch.undo()
    sweep_at(TODAY, 9, 2)  # too soon: the original enqueue may still be on its way
    assert mail.outbox == []
    sweep_at(TODAY, 9, 5)
    assert OutboundEmail.objects.get(kind="reminder").state == "sent"
    assert len(mail.outbox) == 1
