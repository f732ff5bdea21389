"""Notification titles and texts in the reader's language.

A reminder's notification is stored with its parameters — the reminder's kind, object,
deadline and offset — besides the text written at sweep time in the portal's language (which
the e-mail uses). A page in another language words it again from those parameters:
`localise(notifications)` sets `title` and `body` in memory on a page's notifications, with
one query for their reminders and one per kind for the objects' names. Pages in the default
language keep the stored text (no queries). A notification whose object is gone keeps its
stored text.
"""

from __future__ import annotations

from collections import defaultdict

from django.conf import settings
from django.utils.translation import get_language
from django.utils.translation import gettext as _


def _is_default_language() -> bool:
    current = (get_language() or settings.LANGUAGE_CODE).lower()
    return current.split("-")[0] == settings.LANGUAGE_CODE.lower().split("-")[0]


def _names(kind: str, ids: set[int]) -> dict[int, str]:
    """{object id: the reminder's subject, worded in the active language} for one kind."""
    if kind == "task_period":
        from campaigns.models import TaskPeriod
        from campaigns.periods import period_label

        rows = TaskPeriod.objects.filter(pk__in=ids).values_list("pk", "task__title", "code")
        return {pk: f"{title}（{period_label(code)}）" for pk, title, code in rows}
    if kind == "creation_plan":
        from organisations.models import Organisation

        rows = Organisation.objects.filter(pk__in=ids).values_list("pk", "name")
        return {pk: _("报送创建方案：%(unit)s") % {"unit": name} for pk, name in rows}
    if kind == "rectification":
        from assessments.models import Rectification

        rows = Rectification.objects.filter(pk__in=ids).values_list("pk", "title")
        return {pk: _("整改：%(title)s") % {"title": title} for pk, title in rows}
    if kind == "site_review":
        from sites.models import Site

        rows = Site.objects.filter(pk__in=ids).values_list("pk", "name")
        return {pk: _("示范点回头看：%(name)s") % {"name": name} for pk, name in rows}
    if kind == "position_update":
        from sites.models import Position

        rows = Position.objects.filter(pk__in=ids).values_list("pk", "name", "unit__name")
        return {
            pk: _("宣传阵地待更新：%(name)s（%(unit)s）") % {"name": name, "unit": unit}
            for pk, name, unit in rows
        }
    return {}


def reminder_subject(reminder, names: dict[tuple[str, int], str]) -> str:
    """The reminder's subject in the active language, or its stored title."""
    if reminder.kind == "monthly_report":
        from notifications.deadlines import MonthlyReportProvider

        month = MonthlyReportProvider.covered_month(reminder.deadline)
        return _("%(month)s月廉政信息月报") % {"month": month.month}
    return names.get((reminder.kind, reminder.object_id), reminder.title)


def localise(notifications) -> list:
    """Word these notifications in the active language (in memory; nothing is saved)."""
    notifications = list(notifications)
    if _is_default_language():
        return notifications
    from notifications.channels import describe
    from notifications.models import Reminder

    reminder_ids = {n.reminder_id for n in notifications if n.reminder_id}
    if not reminder_ids:
        return notifications
    reminders = Reminder.objects.in_bulk(reminder_ids)
    by_kind: dict[str, set[int]] = defaultdict(set)
    for reminder in reminders.values():
        by_kind[reminder.kind].add(reminder.object_id)
    names: dict[tuple[str, int], str] = {}
    for kind, ids in by_kind.items():
        for pk, text in _names(kind, ids).items():
            names[(kind, pk)] = text
    chase, remind = _("【催办】"), _("【提醒】")
    for notification in notifications:
        reminder = reminders.get(notification.reminder_id)
        if reminder is None or reminder.kind not in _KINDS:
            continue
        subject = reminder_subject(reminder, names)
        notification.title = f"{chase if reminder.offset > 0 else remind}{subject}"[:200]
        notification.body = describe(reminder)
    return notifications


# The kinds whose notifications are worded again (the sweep's deadlines; a milestone's title
# is the office's own text, shown as stored).
_KINDS = {
    "task_period",
    "milestone",
    "creation_plan",
    "rectification",
    "site_review",
    "position_update",
    "monthly_report",
}
