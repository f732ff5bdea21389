"""The site lifecycle as a state machine: which step may follow which, and who may take it.

    candidate → plan_submitted → plan_approved → creating → self_assessed → prechecked
    → applied → named (at a level, with the naming document) | not_accepted (→ creating)
    named → review_due → named (passed) | rectifying → named | delisted (摘牌)
    named (区级 or 市级) → recommended → named at the level above | named (not accepted there)

`check(site, action)` raises `IllegalTransition` with a Chinese reason when the site's status
does not allow the step; `sites.services.transition` is the only writer of `Site.status`.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

from sites.models import Status


class IllegalTransition(Exception):
    """A step the site's current status does not allow; str(exc) is the reason shown."""


# Who may take a step: "editor" = the unit's liaison or office staff, "office" = office staff
# of the township, "decider" = office staff or a reviewer of the district, "system" = only as
# the effect of another service (completing an assessment, submitting an application).
@dataclass(frozen=True)
class Step:
    action: str
    label: str
    sources: frozenset[str]
    target: str
    actor: str
    needs_reason: bool = False


STEPS = {
    step.action: step
    for step in [
        Step("submit_plan", _("报送创建方案"), frozenset({Status.CANDIDATE}), Status.PLAN_SUBMITTED, "editor"),
        Step("approve_plan", _("批准创建方案"), frozenset({Status.PLAN_SUBMITTED}), Status.PLAN_APPROVED, "office"),
        Step("return_plan", _("退回创建方案"), frozenset({Status.PLAN_SUBMITTED}), Status.CANDIDATE, "office", True),
        Step("start_creating", _("开始创建"), frozenset({Status.PLAN_APPROVED}), Status.CREATING, "office"),
        Step("self_assess", _("完成自评"), frozenset({Status.CREATING, Status.SELF_ASSESSED}), Status.SELF_ASSESSED, "system"),
        Step("precheck", _("完成预验收"), frozenset({Status.SELF_ASSESSED, Status.PRECHECKED}), Status.PRECHECKED, "system"),
        Step("apply", _("申报验收"), frozenset({Status.PRECHECKED}), Status.APPLIED, "system"),
        Step("name", _("命名授牌"), frozenset({Status.APPLIED}), Status.NAMED, "decider"),
        Step("reject", _("验收未通过"), frozenset({Status.APPLIED}), Status.NOT_ACCEPTED, "decider", True),
        Step("resume", _("重新创建"), frozenset({Status.NOT_ACCEPTED}), Status.CREATING, "office"),
        Step("recommend", _("推荐上级命名"), frozenset({Status.NAMED}), Status.RECOMMENDED, "decider"),
        Step("name_higher", _("上级命名"), frozenset({Status.RECOMMENDED}), Status.NAMED, "decider"),
        Step("decline_higher", _("上级未予命名"), frozenset({Status.RECOMMENDED}), Status.NAMED, "decider", True),
        Step("review_due", _("启动回头看"), frozenset({Status.NAMED}), Status.REVIEW_DUE, "decider"),
        Step("review_pass", _("回头看通过"), frozenset({Status.REVIEW_DUE, Status.RECTIFYING}), Status.NAMED, "decider"),
        Step("review_rectify", _("回头看限期整改"), frozenset({Status.REVIEW_DUE}), Status.RECTIFYING, "decider", True),
        Step("delist", _("摘牌"), frozenset({Status.REVIEW_DUE, Status.RECTIFYING}), Status.DELISTED, "decider", True),
    ]
}  # fmt: skip


def step(action: str) -> Step:
    try:
        return STEPS[action]
    except KeyError:
        raise IllegalTransition(_("未知的操作。")) from None


def check(site, action: str) -> Step:
    found = step(action)
    if site.status not in found.sources:
        allowed = "、".join(str(Status(s).label) for s in sorted(found.sources))
        raise IllegalTransition(
            _("示范点当前状态为“%(current)s”，不能%(action)s（须处于：%(allowed)s）。")
            % {"current": site.get_status_display(), "action": found.label, "allowed": allowed}
        )
    if action == "recommend" and not site.next_level:
        raise IllegalTransition(
            _("%(level)s示范点不能再向上推荐（区级可推荐市级，市级可推荐省级）。")
            % {"level": site.get_level_display() or _("未定级")}
        )
    return found


def may_take(scope, site, found: Step) -> bool:
    office = scope.manages_township(site.township_id)
    if found.actor == "office":
        return office
    if found.actor == "editor":
        return office or scope.files_for_unit(site.unit_id)
    if found.actor == "decider":
        return office or site.district_id in scope.reviewer_districts
    return False


def available(scope, site) -> list[Step]:
    """The manual steps this user may take on the site now (for the buttons on its page)."""
    return [
        s
        for s in STEPS.values()
        if s.actor != "system"
        and s.action != "submit_plan"
        and site.status in s.sources
        and (s.action != "recommend" or site.next_level)
        and may_take(scope, site, s)
    ]
