"""The verbs of the sites app. Each runs in one transaction and writes a `SiteEvent` per step.

* `create_site(campaign, unit, domain, name, by)` — a creating unit becomes a candidate.
* `submit_plan(site, upload, by)` / `review_plan(plan, approve, by, reason)` — the creation plan.
* `transition(site, action, by, note, **fields)` — any other lifecycle step (see `lifecycle`).
* `update_profile`, `add_photo`, `set_visitors` — the profile.
* `mark_reviews_due(today)` — named sites whose re-review date has come become "review due".
* `save_route(route, site_ids)` — a visiting route's ordered stops.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from activities.evidence import EvidenceError, check_file_count
from sites import lifecycle
from sites.lifecycle import IllegalTransition
from sites.models import (
    CreationPlan,
    Level,
    RouteStop,
    Site,
    SiteEvent,
    SiteNaming,
    SitePhoto,
    Status,
    Theme,
    VisitorCount,
    VisitRoute,
)

REVIEW_INTERVAL_YEARS = 2  # a named site is looked at again (回头看) two years after naming


def _event(
    site: Site, action: str, from_status: str, by, note: str = "", params: dict | None = None
) -> SiteEvent:
    return SiteEvent.objects.create(
        site=site,
        action=action,
        from_status=from_status,
        to_status=site.status,
        remark=note,
        params=params or {},
        by=by,
        at=timezone.now(),
    )


@transaction.atomic
def create_site(campaign, unit, domain, name: str, by, **profile) -> Site:
    if unit.township_id != campaign.township_id:
        raise IllegalTransition(_("该单位不属于本镇，不能作为本镇的候选示范点。"))
    if Site.objects.filter(campaign=campaign, unit=unit).exists():
        raise IllegalTransition(_("该单位在本年度创建工作中已有示范点。"))
    site = Site.objects.create(
        campaign=campaign,
        unit=unit,
        domain=domain,
        name=name,
        created_by=by,
        status=Status.CANDIDATE,
        status_changed_at=timezone.now(),
        **profile,
    )
    _event(site, "create", "", by, _("列为候选示范点"))
    return site


def _locked(site: Site) -> Site:
    """Re-read the site under a row lock so two clicks cannot both move it."""
    return Site.objects.select_for_update().get(pk=site.pk)


def _move(site: Site, action: str, by, note: str = "") -> tuple[Site, str]:
    locked = _locked(site)
    found = lifecycle.check(locked, action)
    if found.needs_reason and not note.strip():
        raise IllegalTransition(_("请填写理由。"))
    before = locked.status
    locked.status = found.target
    locked.status_changed_at = timezone.now()
    return locked, before


@transaction.atomic
def submit_plan(site: Site, prepared, by) -> CreationPlan:
    """`prepared` is an `activities.evidence.Prepared` document (PDF or DOCX)."""
    if prepared.extension not in (".pdf", ".docx"):
        raise IllegalTransition(_("创建方案须为 PDF 或 DOCX 文件。"))
    locked, before = _move(site, "submit_plan", by)
    plan = CreationPlan(
        site=locked,
        original_name=prepared.original_name,
        submitted_by=by,
        submitted_at=timezone.now(),
    )
    plan.file.save(f"plan{prepared.extension}", ContentFile(prepared.content), save=False)
    stored = plan.file.name
    try:
        plan.save()
        locked.save(update_fields=["status", "status_changed_at"])
        _event(locked, "submit_plan", before, by, prepared.original_name)
    except Exception:
        plan.file.storage.delete(stored)
        raise
    site.status = locked.status
    return plan


@transaction.atomic
def review_plan(plan: CreationPlan, *, approve: bool, by, reason: str = "") -> CreationPlan:
    if plan.status != CreationPlan.Status.SUBMITTED:
        raise IllegalTransition(_("该方案已审核，不能重复审核。"))
    action = "approve_plan" if approve else "return_plan"
    locked, before = _move(plan.site, action, by, reason)
    plan.status = CreationPlan.Status.APPROVED if approve else CreationPlan.Status.RETURNED
    plan.reviewed_by = by
    plan.reviewed_at = timezone.now()
    plan.return_reason = "" if approve else reason.strip()
    plan.save()
    locked.save(update_fields=["status", "status_changed_at"])
    _event(locked, action, before, by, plan.return_reason)
    plan.site.status = locked.status
    return plan


@transaction.atomic
def transition(
    site: Site,
    action: str,
    by,
    note: str = "",
    *,
    level: str = "",
    doc_number: str = "",
    named_on: dt.date | None = None,
    next_review_due: dt.date | None = None,
) -> Site:
    """Any lifecycle step other than the plan's; raises IllegalTransition with the reason."""
    if action in ("submit_plan", "approve_plan", "return_plan"):
        raise IllegalTransition(_("创建方案请在方案栏中报送或审核。"))
    locked, before = _move(site, action, by, note)
    fields = ["status", "status_changed_at"]
    params: dict = {}  # worded at display (SiteEvent.note), in the reader's language
    today = timezone.localdate()
    if action == "name":
        if level not in Level.values:
            raise IllegalTransition(_("请选择命名级别。"))
        if not doc_number.strip() or named_on is None:
            raise IllegalTransition(_("命名须填写命名文号和命名日期。"))
        locked.level = level
        locked.named_doc_number = doc_number.strip()
        locked.named_on = named_on
        locked.next_review_due = next_review_due or _add_years(named_on, REVIEW_INTERVAL_YEARS)
        fields += ["level", "named_doc_number", "named_on", "next_review_due"]
        params = {"level": locked.level, "doc": locked.named_doc_number}
        _record_naming(locked, by)
    elif action == "recommend":
        locked.recommended_level = locked.next_level
        fields.append("recommended_level")
        params = {"level": locked.recommended_level}
    elif action == "name_higher":
        if not doc_number.strip() or named_on is None:
            raise IllegalTransition(_("命名须填写命名文号和命名日期。"))
        if named_on < (locked.named_on or named_on):
            raise IllegalTransition(_("上级命名日期不能早于原命名日期。"))
        locked.level = locked.recommended_level
        locked.recommended_level = ""
        locked.named_doc_number = doc_number.strip()
        locked.named_on = named_on
        locked.next_review_due = next_review_due or _add_years(named_on, REVIEW_INTERVAL_YEARS)
        fields += ["level", "recommended_level", "named_doc_number", "named_on", "next_review_due"]
        params = {"level": locked.level, "doc": locked.named_doc_number}
        _record_naming(locked, by)
    elif action == "decline_higher":
        params = {"level": locked.recommended_level}
        note = note.strip()
        locked.recommended_level = ""
        fields.append("recommended_level")
    elif action == "review_pass":
        locked.next_review_due = next_review_due or _add_years(today, REVIEW_INTERVAL_YEARS)
        fields.append("next_review_due")
    elif action == "delist":
        locked.delisted_on = today
        locked.delisted_reason = note.strip()
        locked.next_review_due = None
        fields += ["delisted_on", "delisted_reason", "next_review_due"]
    locked.save(update_fields=fields)
    _event(locked, action, before, by, note, params)
    site.refresh_from_db()
    return locked


def _record_naming(site: Site, by) -> None:
    if SiteNaming.objects.filter(site=site, level=site.level).exists():
        raise IllegalTransition(_("该示范点已有这一级别的命名记录。"))
    SiteNaming.objects.create(
        site=site,
        level=site.level,
        doc_number=site.named_doc_number,
        named_on=site.named_on,
        by=by,
        at=timezone.now(),
    )


def _add_years(day: dt.date, years: int) -> dt.date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)


def advance_for_assessment(site: Site, kind: str, by) -> None:
    """Called (inside its transaction) when an assessment of the site is completed."""
    action = {"self": "self_assess", "precheck": "precheck"}.get(kind)
    if action is None:
        return
    locked = _locked(site)
    if locked.status == STEP_TARGET[action]:
        return  # a repeated self-assessment or pre-check keeps the status
    locked, before = _move(site, action, by)
    locked.save(update_fields=["status", "status_changed_at"])
    _event(locked, action, before, by)
    site.status = locked.status


STEP_TARGET = {action: s.target for action, s in lifecycle.STEPS.items()}


def mark_applied(sites: Sequence[Site], by, note: str = "") -> None:
    """Called inside the application's transaction: every site must be pre-checked."""
    for site in sites:
        locked, before = _move(site, "apply", by)
        locked.save(update_fields=["status", "status_changed_at"])
        _event(locked, "apply", before, by, note)
        site.status = locked.status


@transaction.atomic
def update_profile(site: Site, data: dict, by) -> Site:
    for name, value in data.items():
        setattr(site, name, value)
    site.save()
    return site


@transaction.atomic
def add_photo(site: Site, prepared, caption: str, by) -> SitePhoto:
    if prepared.kind != "image":
        raise IllegalTransition(_("请上传照片（JPG、PNG、WEBP）。"))
    site = Site.objects.select_for_update().get(pk=site.pk)
    try:
        check_file_count(site.photos.count(), 1)
    except EvidenceError as exc:
        raise IllegalTransition(str(exc)) from None
    photo = SitePhoto(
        site=site,
        sha256=prepared.sha256,
        caption=caption,
        uploaded_by=by,
        order=site.photos.count(),
    )
    photo.image.save(f"photo{prepared.extension}", ContentFile(prepared.content), save=False)
    photo.save()
    return photo


@transaction.atomic
def set_visitors(site: Site, month: dt.date, visitors: int, groups: int, by, note: str = ""):
    month = month.replace(day=1)
    count, _created = VisitorCount.objects.update_or_create(
        site=site,
        month=month,
        defaults={"visitors": visitors, "groups": groups, "note": note, "entered_by": by},
    )
    return count


@transaction.atomic
def mark_reviews_due(today: dt.date, by=None, batch: int = 200) -> int:
    """Named sites whose re-review date has come become "review due". Returns how many."""
    due = list(
        Site.objects.select_for_update(skip_locked=True)
        .filter(status=Status.NAMED, next_review_due__lte=today)
        .order_by("next_review_due", "pk")[:batch]
    )
    now = timezone.now()
    for site in due:
        site.status = Status.REVIEW_DUE
        site.status_changed_at = now
        site.save(update_fields=["status", "status_changed_at"])
        SiteEvent.objects.create(
            site=site,
            action="review_due",
            from_status=Status.NAMED,
            to_status=Status.REVIEW_DUE,
            remark="",  # worded at display: 已到回头看日期 (SiteEvent.note)
            by=by,
            at=now,
        )
    return len(due)


@transaction.atomic
def save_route(route: VisitRoute, site_ids: Sequence[int], by) -> VisitRoute:
    if len(set(site_ids)) != len(site_ids):
        raise IllegalTransition(_("同一示范点不能在线路中出现两次。"))
    district_id = route.district_id or route.township.district_id
    if route.theme and route.theme not in Theme.values:
        raise IllegalTransition(_("请选择线路主题。"))
    found = Site.objects.filter(pk__in=site_ids, district_id=district_id).count()
    if found != len(site_ids):
        raise IllegalTransition(_("线路只能包含本区的示范点。"))
    if route.created_by_id is None:
        route.created_by = by
    route.save()
    RouteStop.objects.filter(route=route).delete()
    RouteStop.objects.bulk_create(
        RouteStop(route=route, site_id=pk, order=index) for index, pk in enumerate(site_ids, 1)
    )
    return route
