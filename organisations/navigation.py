"""The navigation bar: which sections each role sees.

Each entry names a URL; entries whose URL does not exist (an app not installed yet) are
left out, so the menu never links to a missing page.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from django.urls import NoReverseMatch, get_script_prefix, get_urlconf, reverse
from django.utils.translation import gettext_lazy as _

from organisations.access import Scope


@dataclass(frozen=True)
class NavEntry:
    url_name: str
    label: str
    roles: frozenset[str]  # office, liaison, leader, reviewer


OFFICE, LIAISON, LEADER, REVIEWER = "office", "liaison", "leader", "reviewer"
AUDITOR = "auditor"
ALL = frozenset({OFFICE, LIAISON, LEADER, REVIEWER})

ENTRIES = [
    NavEntry("dashboard:township", _("创建工作推进情况"), frozenset({OFFICE, LEADER})),
    NavEntry("dashboard:district", _("全区推进情况"), frozenset({REVIEWER})),
    NavEntry("campaigns:campaign_list", _("创建工作"), frozenset({OFFICE, LEADER})),
    NavEntry("campaigns:task_list", _("工作任务"), frozenset({OFFICE, LEADER, LIAISON})),
    NavEntry("activities:record_create", _("填报活动"), frozenset({LIAISON})),
    NavEntry("activities:record_list", _("活动台账"), frozenset({OFFICE, LEADER, LIAISON})),
    NavEntry("activities:review_queue", _("审核"), frozenset({OFFICE})),
    NavEntry("activities:publicity_list", _("宣传报道"), frozenset({OFFICE, LEADER, LIAISON})),
    NavEntry("sites:site_list", _("示范点"), frozenset({OFFICE, LEADER, LIAISON, REVIEWER})),
    NavEntry("sites:position_list", _("宣传阵地"), frozenset({OFFICE, LEADER, LIAISON})),
    NavEntry("assessments:assessment_list", _("评审验收"), ALL),
    NavEntry("assessments:rectification_list", _("整改"), frozenset({OFFICE, LEADER, LIAISON})),
    NavEntry("assessments:spot_check_list", _("督导抽查"), frozenset({OFFICE, LEADER})),
    NavEntry("reports:report_list", _("报告材料"), frozenset({OFFICE, LEADER, REVIEWER})),
    NavEntry("organisations:unit_list", _("单位"), frozenset({OFFICE, LEADER})),
    NavEntry("organisations:person_list", _("人员"), frozenset({OFFICE})),
    NavEntry("accounts:lockouts", _("账号锁定"), frozenset({OFFICE})),
    NavEntry("audit:list", _("安全审计"), frozenset({AUDITOR})),
]


def roles_of(scope: Scope) -> set[str]:
    roles = set()
    if scope.is_office or scope.is_superuser:
        roles.add(OFFICE)
    if scope.is_liaison:
        roles.add(LIAISON)
    if scope.is_leader:
        roles.add(LEADER)
    if scope.is_reviewer or scope.leader_districts:
        roles.add(REVIEWER)
    if scope.is_auditor:
        roles.add(AUDITOR)
    return roles


@lru_cache(maxsize=128)
def _reversed(url_name: str, urlconf, prefix: str) -> str:
    try:
        return reverse(url_name, urlconf=urlconf)
    except NoReverseMatch:
        return ""


def page_url(url_name: str) -> str:
    """`reverse(url_name)` of a page without arguments, once per process ("" when it does not
    exist): every page's menu names the same dozen or so."""
    return _reversed(url_name, get_urlconf(), get_script_prefix())


def nav_items(scope: Scope, current_path: str) -> list[dict]:
    roles = roles_of(scope)
    items = []
    for entry in ENTRIES:
        if not roles & entry.roles:
            continue
        url = page_url(entry.url_name)
        if not url:
            continue
        items.append({"url": url, "label": entry.label, "active": False})
    # Only the most specific section is highlighted (/campaigns/tasks/ is not also /campaigns/).
    matches = [item for item in items if current_path.startswith(item["url"])]
    if matches:
        max(matches, key=lambda item: len(item["url"]))["active"] = True
    return items
