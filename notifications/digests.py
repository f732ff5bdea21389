"""The daily digests, once a day after `REMINDER_DIGEST_TIME`:

* a user who chose the daily digest gets one email merging the day's held reminder emails;
* office staff get "who is late", the township's overdue open deadlines grouped by unit, as an
  in-app notification and an email.

Each digest is made once per user and day: user digests are keyed by the outbox's unique
(user, kind, digest_date); office digests by a `Reminder` row (recipient, "office_digest",
township, today, 0) in the same unique key as every reminder.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field

from django.conf import settings
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.html import escape
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _

from campaigns.models import Campaign
from dashboard import metrics
from dashboard.access import pick_campaign
from notifications import conf
from notifications.channels import describe, email_modes, enqueue_emails
from notifications.deadlines import PROVIDERS
from notifications.models import Notification, OutboundEmail, Preference, Reminder
from organisations.models import Organisation, Role, User

ITEMS_PER_UNIT = 10
OFFICE_DIGEST = "office_digest"


def send_due_digests(now: dt.datetime) -> int:
    local = timezone.localtime(now)
    if local.time() < conf.digest_time():
        return 0
    today = local.date()
    return send_user_digests(today) + send_office_digests(today, now)


# --- the user's digest of held reminder emails ----------------------------------------------


def send_user_digests(today: dt.date) -> int:
    held = set(
        OutboundEmail.objects.filter(state=OutboundEmail.State.HELD).values_list(
            "user_id", flat=True
        )
    )
    done = set(
        OutboundEmail.objects.filter(kind=OutboundEmail.Kind.DIGEST, digest_date=today).values_list(
            "user_id", flat=True
        )
    )
    made = 0
    for user_id in sorted(held - done):
        if make_user_digest(user_id, today):
            made += 1
    return made


def make_user_digest(user_id: int, today: dt.date) -> bool:
    try:
        with transaction.atomic():
            held = list(
                OutboundEmail.objects.filter(user_id=user_id, state=OutboundEmail.State.HELD)
                .select_for_update(skip_locked=True, of=("self",))
                .select_related("reminder", "user")
                .order_by("pk")
            )
            if not held:
                return False
            user = held[0].user
            items = [
                {"reminder": e.reminder, "when": describe(e.reminder)}
                for e in held
                if e.reminder is not None
            ]
            context = {
                "user": user,
                "items": items,
                "date": date_format(today, "DATE_FORMAT"),
                "site_url": settings.SITE_URL,
            }
            digest = OutboundEmail.objects.create(
                user=user,
                kind=OutboundEmail.Kind.DIGEST,
                digest_date=today,
                to=held[0].to,
                subject=_("【每日提醒汇总】%(date)s 共 %(n)s 项")
                % {"date": context["date"], "n": len(items)},
                text=render_to_string("notifications/email/digest.txt", context),
                html=render_to_string("notifications/email/digest.html", context),
            )
            OutboundEmail.objects.filter(pk__in=[e.pk for e in held]).update(
                state=OutboundEmail.State.MERGED
            )
            enqueue_emails([digest.pk])
    except IntegrityError:  # made by a concurrent sweep already
        return False
    return True


# --- the office's "who is late" ------------------------------------------------------------


@dataclass
class LateUnit:
    unit_id: int | None
    name: str = ""
    count: int = 0
    items: list = field(default_factory=list)  # the oldest few, as lines of text

    @property
    def more(self) -> bool:
        """More items are late than the digest lists."""
        return self.count > len(self.items)

    def text_items(self) -> str:
        """The items of the plain-text digest, one indented line each."""
        return "".join(f"\n  · {line}" for line in self.items)

    def html_items(self) -> str:
        """The items of the HTML digest as list entries, escaped. Both digests list thousands
        of items in a large township: joined here, not looped over in the templates."""
        return mark_safe("".join(f"<li>{escape(line)}</li>" for line in self.items))  # noqa: S308 - each line is escaped


def _late_line(deadline, today: dt.date, dates: dict | None = None) -> str:
    """One late item as the digest shows it: "title（due date截止，逾期 n 天）". Translated here
    once, not by a {% blocktranslate %} per item in both templates. `dates` remembers the dates
    already formatted (items share a few dozen due dates)."""
    dates = {} if dates is None else dates
    due = dates.get(deadline.due_date)
    if due is None:
        due = dates[deadline.due_date] = date_format(deadline.due_date)
    days = (today - deadline.due_date).days
    when = _("%(due)s截止，逾期 %(days)s 天") % {"due": due, "days": days}
    return f"{deadline.title}（{when}）"


def late_by_township(township_ids, today: dt.date) -> dict[int, list[LateUnit]]:
    """Each township's open deadlines past due, grouped by the responsible unit (the office's
    own deadlines under None), with the oldest few items of each unit, oldest first; the units
    with most items first. One pass per kind of deadline for all the townships."""
    campaign_ids = list(
        Campaign.objects.filter(township_id__in=list(township_ids)).values_list("pk", flat=True)
    )
    if not campaign_ids:
        return {}
    counts: dict[tuple[int, int | None], int] = defaultdict(int)
    oldest: dict[tuple[int, int | None], list] = defaultdict(list)
    for provider in PROVIDERS.values():
        for township_id, unit_id, count, items in provider.late(
            campaign_ids=campaign_ids, before=today, per_unit=ITEMS_PER_UNIT
        ):
            counts[(township_id, unit_id)] += count
            oldest[(township_id, unit_id)].extend(items)
    names = dict(
        Organisation.objects.filter(
            pk__in={unit_id for _t, unit_id in counts if unit_id}
        ).values_list("pk", "name")
    )
    office = _("镇创建办公室")
    dates: dict[dt.date, str] = {}
    by_township: dict[int, list[LateUnit]] = defaultdict(list)
    for (township_id, unit_id), count in counts.items():
        # the oldest few across kinds
        items = sorted(oldest[(township_id, unit_id)], key=lambda d: d.due_date)
        by_township[township_id].append(
            LateUnit(
                unit_id,
                name=names.get(unit_id, "") if unit_id else office,
                count=count,
                items=[_late_line(d, today, dates) for d in items[:ITEMS_PER_UNIT]],
            )
        )
    return {
        township_id: sorted(late, key=lambda g: (-g.count, g.name))
        for township_id, late in by_township.items()
    }


def send_office_digests(today: dt.date, now: dt.datetime) -> int:
    offices = defaultdict(list)
    for township_id, user_id in Role.objects.filter(
        kind=Role.Kind.OFFICE, user__is_active=True
    ).values_list("organisation_id", "user_id"):
        offices[township_id].append(user_id)
    done = set(
        Reminder.objects.filter(kind=OFFICE_DIGEST, deadline=today).values_list(
            "recipient_id", "object_id"
        )
    )
    waiting_by_township = {
        township_id: waiting
        for township_id, user_ids in offices.items()
        if (waiting := [u for u in user_ids if (u, township_id) not in done])
    }
    if not waiting_by_township:
        return 0
    late_by = late_by_township(waiting_by_township, today)
    townships = Organisation.objects.in_bulk(list(late_by))
    campaigns: dict[int, list[Campaign]] = defaultdict(list)
    for campaign in Campaign.objects.filter(township_id__in=list(late_by)).order_by("-year", "-pk"):
        campaigns[campaign.township_id].append(campaign)
    everyone = {user_id for waiting in waiting_by_township.values() for user_id in waiting}
    modes = email_modes(everyone)
    addresses = dict(User.objects.filter(pk__in=everyone).values_list("pk", "email"))
    made = 0
    for township_id, waiting in waiting_by_township.items():
        late = late_by.get(township_id)
        if not late:
            continue
        # the campaign the township's dashboard shows, so the headline reads as it does there
        campaign = pick_campaign(campaigns[township_id], today)
        township = townships[township_id]
        # the headline figures as every page counts them (tasks, not task periods)
        owed = metrics.owed(campaign, today) if campaign else metrics.Owed()
        context = {
            "township": township,
            "late": late,
            "total": sum(g.count for g in late),
            "owed": owed.sentence(),
            "date": date_format(today, "DATE_FORMAT"),
            "site_url": settings.SITE_URL,
        }
        title = _("【逾期日报】%(township)s %(date)s：%(owed)s") % {
            "township": township.name,
            "date": context["date"],
            "owed": context["owed"],
        }
        text = render_to_string("notifications/email/office_digest.txt", context)
        html = render_to_string("notifications/email/office_digest.html", context)
        for user_id in waiting:
            try:
                with transaction.atomic():
                    key = Reminder.objects.create(
                        recipient_id=user_id,
                        kind=OFFICE_DIGEST,
                        object_id=township_id,
                        deadline=today,
                        offset=0,
                        campaign=campaign,
                        township_id=township_id,
                        title=title[:200],
                        send_after=now,
                        status=Reminder.Status.SENT,
                        sent_at=now,
                    )
                    Notification.objects.create(
                        user_id=user_id,
                        reminder=key,
                        kind=OFFICE_DIGEST,
                        title=title[:200],
                        body=text,
                        url="",
                    )
                    mode = modes.get(user_id, Preference.EmailMode.IMMEDIATE)
                    if addresses.get(user_id) and mode != Preference.EmailMode.OFF:
                        email = OutboundEmail.objects.create(
                            user_id=user_id,
                            kind=OutboundEmail.Kind.OFFICE_DIGEST,
                            digest_date=today,
                            to=addresses[user_id],
                            subject=title[:200],
                            text=text,
                            html=html,
                        )
                        enqueue_emails([email.pk])
            except IntegrityError:
                continue
            made += 1
    return made
