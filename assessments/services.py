"""The verbs of assessments: criteria versions, item-by-item scoring, applications, rectification.

Every function runs in one transaction and raises `AssessmentError` (message in Chinese, or a
dict of per-item messages) when the input is refused; nothing is written then.

* `copy_criteria_set(cs, by)` — a frozen set is changed by copying it into a new version.
* `start_assessment(kind, criteria_set, site|application, by, on)` — creates the sheet with one
  `ItemScore` per item, automatic items pre-filled from the ledger; freezes the set.
* `save_scores(assessment, rows, by)` — validates and writes the whole sheet in a fixed number
  of queries (bulk writes of scores and links), whatever the number of items and records.
* `complete_assessment(assessment, by, conclusion)` — totals against the pass line; moves the
  site's lifecycle (self-assessed, pre-checked) or decides the application.
* `submit_application(campaign, sites, title, summary, by)` — the township applies.
* `open_rectification`, `answer_rectification`, `recheck_rectification` — 整改 and 复查销号.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal

from django.core.files.base import ContentFile
from django.db import connection, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from simple_history.utils import bulk_create_with_history

from activities.evidence import EvidenceError, check_file_count
from activities.models import ActivityRecord, Evidence
from assessments import scoring
from assessments.models import (
    Application,
    Assessment,
    CriteriaGroup,
    CriteriaItem,
    CriteriaSet,
    Finding,
    ItemScore,
    LinkedEvidence,
    LinkedRecord,
    Rectification,
    RectificationFile,
)
from sites import services as site_services
from sites.lifecycle import IllegalTransition
from sites.models import Site
from sites.models import Status as SiteStatus


class AssessmentError(Exception):
    """Refused input. `message` for the page, `errors` {item id: message} for the sheet."""

    def __init__(self, message: str = "", errors: dict | None = None):
        self.message = message or _("请改正标出的错误。")
        self.errors = errors or {}
        super().__init__(self.message)


# ---------------------------------------------------------------------------- criteria


@transaction.atomic
def copy_criteria_set(cs: CriteriaSet, by) -> CriteriaSet:
    """A new, editable version of the set with the same groups and items."""
    latest = (
        CriteriaSet.objects.filter(district_id=cs.district_id, name=cs.name)
        .order_by("-version")
        .values_list("version", flat=True)
        .first()
    )
    copy = CriteriaSet.objects.create(
        district_id=cs.district_id,
        name=cs.name,
        version=(latest or 0) + 1,
        doc_number=cs.doc_number,
        pass_line=cs.pass_line,
        copied_from=cs,
        created_by=by,
    )
    groups = {g.pk: g for g in cs.groups.all()}
    new_groups = {
        pk: CriteriaGroup(criteria_set=copy, kind=g.kind, name=g.name, order=g.order)
        for pk, g in groups.items()
    }
    bulk_create_with_history(list(new_groups.values()), CriteriaGroup, default_user=by)
    # bulk_create_with_history returns without pks on some backends: re-read them by name
    by_name = {g.name: g for g in copy.groups.all()}
    items = [
        CriteriaItem(
            criteria_set=copy,
            group=by_name[groups[i.group_id].name],
            code=i.code,
            text=i.text,
            points=i.points,
            evidence_wanted=i.evidence_wanted,
            order=i.order,
            auto_target=i.auto_target,
            auto_type=i.auto_type,
            auto_source=i.auto_source,
            auto_domain_id=i.auto_domain_id,
        )
        for i in cs.items.all()
    ]
    bulk_create_with_history(items, CriteriaItem, default_user=by)
    return copy


def require_editable(cs: CriteriaSet) -> None:
    if cs.frozen:
        raise AssessmentError(_("该评审标准已被评审使用并锁定，如需修改请复制为新版本。"))


@transaction.atomic
def save_item(cs: CriteriaSet, item: CriteriaItem, by) -> CriteriaItem:
    locked = CriteriaSet.objects.select_for_update().get(pk=cs.pk)
    require_editable(locked)
    item.criteria_set = locked
    item.save()
    return item


def _freeze(cs: CriteriaSet) -> None:
    if not cs.frozen:
        CriteriaSet.objects.filter(pk=cs.pk, frozen=False).update(
            frozen=True, frozen_at=timezone.now()
        )
        cs.frozen = True


# ---------------------------------------------------------------------------- assessments


@transaction.atomic
def start_assessment(
    kind: str,
    criteria_set: CriteriaSet,
    by,
    *,
    site: Site | None = None,
    application: Application | None = None,
    on: dt.date | None = None,
) -> Assessment:
    on = on or timezone.localdate()
    if kind == Assessment.Kind.ACCEPTANCE:
        if application is None:
            raise AssessmentError(_("区级验收须针对镇的验收申报。"))
        application = Application.objects.select_for_update().get(pk=application.pk)
        if application.status != Application.Status.SUBMITTED:
            raise AssessmentError(_("该申报已验收完毕，不能再次验收。"))
        if site is not None and not application.sites.filter(pk=site.pk).exists():
            raise AssessmentError(_("该示范点不在此次申报之中。"))
        twice = Assessment.objects.filter(
            kind=Assessment.Kind.ACCEPTANCE, application=application
        ).filter(Q(site=site) if site else Q(site__isnull=True))
        if twice.exists():
            raise AssessmentError(_("该申报已有验收评审，不能重复验收。"))
        campaign_id = application.campaign_id
    else:
        if site is None:
            raise AssessmentError(_("自评和预验收须针对一个示范点。"))
        allowed = {
            Assessment.Kind.SELF: {SiteStatus.CREATING, SiteStatus.SELF_ASSESSED},
            Assessment.Kind.PRECHECK: {SiteStatus.SELF_ASSESSED, SiteStatus.PRECHECKED},
        }[kind]
        if site.status not in allowed:
            raise AssessmentError(
                _("示范点当前状态为“%(status)s”，不能开始%(kind)s。")
                % {"status": site.get_status_display(), "kind": Assessment.Kind(kind).label}
            )
        if Assessment.objects.filter(site=site, kind=kind, status=Assessment.Status.DRAFT).exists():
            raise AssessmentError(_("该示范点已有一份未完成的同类评审，请先完成它。"))
        campaign_id = site.campaign_id
        if campaign_id is None:
            raise AssessmentError(_("该示范点不属于任何创建工作。"))
    assessment = Assessment.objects.create(
        kind=kind,
        criteria_set=criteria_set,
        campaign_id=campaign_id,
        site=site,
        application=application,
        assessor=by,
        assessed_on=on,
    )
    items = list(criteria_set.items.all())
    if not items:
        raise AssessmentError(_("该评审标准还没有评审条目。"))
    counts = scoring.counts_for(assessment, positions=scoring.uses_positions(items))
    target = scoring.target_of(assessment)
    rows = []
    for item in items:
        row = ItemScore(assessment=assessment, item=item)
        if item.is_automatic:
            row.auto_score, row.auto_count = counts.score(item, **target)
            row.score = row.auto_score
        rows.append(row)
    bulk_create_with_history(rows, ItemScore, default_user=by)
    _freeze(criteria_set)
    return assessment


@dataclass
class ScoreRow:
    """One item's input from the sheet."""

    item_id: int
    score: Decimal | None
    # None: 达标 follows from the score and the item's pass line; True/False: the reviewer's
    # own decision, which needs `pass_reason` when it differs from what the score gives.
    passed: bool | None
    finding: str = ""
    override_reason: str = ""
    pass_reason: str = ""
    record_ids: list[int] = field(default_factory=list)
    evidence_ids: list[int] = field(default_factory=list)
    # The linked records the sheet showed for this item (it may show only the first few):
    # links not shown are kept. None: the sheet showed them all, `record_ids` is the whole set.
    shown_record_ids: list[int] | None = None


def linkable_records(assessment: Assessment):
    """Approved records an item may link: the unit's (or the township's) in that year."""
    year = assessment.assessed_on.year
    records = ActivityRecord.objects.counted().filter(
        date__gte=dt.date(year, 1, 1), date__lte=dt.date(year, 12, 31)
    )
    if assessment.unit_id:
        return records.filter(unit_id=assessment.unit_id)
    return records.filter(township_id=assessment.township_id)


@transaction.atomic
def save_scores(assessment: Assessment, rows: Sequence[ScoreRow], by) -> list[ItemScore]:
    """Validate every row, then write them all. Queries: a fixed number, whatever the size."""
    assessment = Assessment.objects.select_for_update().get(pk=assessment.pk)
    if assessment.is_completed:
        raise AssessmentError(_("评审已完成，不能再修改得分。"))
    scores = {
        s.item_id: s for s in ItemScore.objects.filter(assessment=assessment).select_related("item")
    }
    record_ids = {pk for row in rows for pk in row.record_ids}
    evidence_ids = {pk for row in rows for pk in row.evidence_ids}
    allowed_records = set(
        linkable_records(assessment).filter(pk__in=record_ids).values_list("pk", flat=True)
    )
    evidence_owner = dict(
        Evidence.objects.filter(pk__in=evidence_ids).values_list("pk", "record_id")
    )
    existing = _links(LinkedRecord, "record_id", [s.pk for s in scores.values()])
    wanted: dict[int, set[int]] = {}
    errors: dict[int, str] = {}
    for row in rows:
        score = scores.get(row.item_id)
        if score is None:
            errors[row.item_id] = _("条目不属于本次评审。")
            continue
        wanted[score.pk] = set(row.record_ids)
        if row.shown_record_ids is not None:
            wanted[score.pk] |= existing[score.pk] - set(row.shown_record_ids)
        problem = _row_problem(score, row, allowed_records, evidence_owner, wanted[score.pk])
        if problem:
            errors[row.item_id] = problem
    if errors:
        raise AssessmentError(errors=errors)

    changed = []
    for row in rows:
        score = scores[row.item_id]
        before = (
            score.score,
            score.passed,
            score.finding,
            score.override_reason,
            score.pass_reason,
        )
        derived = score.item.passes(row.score)
        score.score = row.score
        score.passed = derived if row.passed is None else row.passed
        score.pass_reason = row.pass_reason.strip() if _judged_against_score(score, row) else ""
        score.finding = row.finding.strip()
        score.override_reason = row.override_reason.strip() if _overrides(score, row) else ""
        after = (score.score, score.passed, score.finding, score.override_reason, score.pass_reason)
        if after != before:
            changed.append(score)  # only changed rows are written and get a history entry
    if changed:
        _update_scores(changed)
        ItemScore.history.bulk_history_create(changed, update=True, default_user=by)
    ids = [scores[row.item_id].pk for row in rows]
    _replace_links(LinkedRecord, "record_id", ids, wanted, existing)
    _replace_links(
        LinkedEvidence,
        "evidence_id",
        ids,
        {scores[r.item_id].pk: set(r.evidence_ids) for r in rows},
    )
    return [scores[row.item_id] for row in rows]


def _update_scores(changed: list[ItemScore]) -> None:
    """One UPDATE … FROM (VALUES …) for all changed rows (PostgreSQL and SQLite ≥ 3.33).

    Django's bulk_update builds a CASE per field per row, which costs ~5 ms of Python for a
    60-item sheet; this statement is built in microseconds."""
    table = connection.ops.quote_name(ItemScore._meta.db_table)
    rows = ", ".join(
        ["(CAST(%s AS integer), CAST(%s AS numeric), CAST(%s AS boolean), %s, %s, %s)"]
        * len(changed)
    )
    params = []
    for s in changed:
        params += [s.pk, s.score, s.passed, s.finding, s.override_reason, s.pass_reason]
    sql = (
        f"WITH v(id, score, passed, finding, reason, pass_reason) AS (VALUES {rows}) "  # noqa: S608 - only placeholders
        f"UPDATE {table} SET score = v.score, passed = v.passed, finding = v.finding, "
        f"override_reason = v.reason, pass_reason = v.pass_reason FROM v WHERE {table}.id = v.id"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, params)


def _judged_against_score(score: ItemScore, row: ScoreRow) -> bool:
    """The reviewer chose 达标/不达标 against what the score and the pass line give."""
    derived = score.item.passes(row.score)
    return row.passed is not None and derived is not None and row.passed != derived


def _overrides(score: ItemScore, row: ScoreRow) -> bool:
    return score.auto_score is not None and row.score is not None and row.score != score.auto_score


def _row_problem(score: ItemScore, row: ScoreRow, allowed_records, evidence_owner, linked) -> str:
    points = score.item.points
    if row.score is not None and (row.score < 0 or row.score > points):
        return _("得分须在 0 到 %(points)s 分之间。") % {"points": points}
    if _overrides(score, row) and not row.override_reason.strip():
        return _("调整台账自动得分须写明理由。")
    if row.passed is True and row.score is None:
        return _("判定达标须先打分。")
    if _judged_against_score(score, row) and not row.pass_reason.strip():
        return _(
            "得分 %(score)s 分（达标线 %(line)s 分）应判定为“%(derived)s”；改判须写明理由。"
        ) % {
            "score": row.score,
            "line": score.item.pass_line,
            "derived": _("达标") if score.item.passes(row.score) else _("不达标"),
        }
    if any(pk not in allowed_records for pk in row.record_ids):
        return _("只能关联被评单位本年度已审核通过的活动记录。")
    for pk in row.evidence_ids:
        owner = evidence_owner.get(pk)
        if owner is None or (owner not in allowed_records and owner not in linked):
            return _("佐证文件须来自已关联或可关联的活动记录。")
    return ""


def _links(model, column: str, score_ids: list[int]) -> dict[int, set[int]]:
    existing: dict[int, set[int]] = {pk: set() for pk in score_ids}
    for score_id, target in model.objects.filter(item_score_id__in=score_ids).values_list(
        "item_score_id", column
    ):
        existing[score_id].add(target)
    return existing


def _replace_links(model, column: str, score_ids, wanted: dict[int, set[int]], existing=None):
    """Make the link table hold exactly `wanted`: (one read,) one delete, one bulk insert."""
    if existing is None:
        existing = _links(model, column, score_ids)
    remove = Q()
    add = []
    for score_id in score_ids:
        have, want = existing[score_id], wanted.get(score_id, set())
        gone = have - want
        if gone:
            remove |= Q(item_score_id=score_id, **{f"{column}__in": gone})
        add.extend(model(item_score_id=score_id, **{column: t}) for t in sorted(want - have))
    if remove:
        model.objects.filter(remove).delete()
    if add:
        model.objects.bulk_create(add, batch_size=1000)


@transaction.atomic
def complete_assessment(assessment: Assessment, by, conclusion: str = "") -> Assessment:
    assessment = Assessment.objects.select_for_update().get(pk=assessment.pk)
    if assessment.is_completed:
        raise AssessmentError(_("评审已完成。"))
    scores = list(
        ItemScore.objects.filter(assessment=assessment).select_related("item", "item__group")
    )
    missing = {
        s.item_id: _("尚未打分或判定是否达标。")
        for s in scores
        if s.score is None or s.passed is None
    }
    if missing:
        raise AssessmentError(
            _("还有 %(n)s 个条目未打分或未判定，不能完成评审。") % {"n": len(missing)}, missing
        )
    _groups, total, _points = scoring.totals(scores)
    cs = assessment.criteria_set
    assessment.passed = total >= cs.pass_line and all(s.passed for s in scores)
    assessment.status = Assessment.Status.COMPLETED
    assessment.completed_at = timezone.now()
    assessment.conclusion = conclusion.strip()
    assessment.save()
    if assessment.site_id and assessment.kind != Assessment.Kind.ACCEPTANCE:
        try:
            site_services.advance_for_assessment(assessment.site, assessment.kind, by)
        except IllegalTransition as exc:
            raise AssessmentError(str(exc)) from exc
    if assessment.kind == Assessment.Kind.ACCEPTANCE and assessment.site_id is None:
        application = assessment.application
        application.status = (
            Application.Status.ACCEPTED if assessment.passed else Application.Status.REJECTED
        )
        application.decided_at = timezone.now()
        application.save()
    return assessment


# ---------------------------------------------------------------------------- applications


@transaction.atomic
def submit_application(campaign, sites: Iterable[Site], title: str, summary: str, by):
    sites = list(Site.objects.select_for_update().filter(pk__in=[s.pk for s in sites]))
    if not sites:
        raise AssessmentError(_("请至少选择一个示范点。"))
    problems = []
    latest = _latest_prechecks([s.pk for s in sites])
    open_units = set(
        Rectification.objects.open()
        .filter(campaign=campaign, unit_id__in=[s.unit_id for s in sites])
        .values_list("unit_id", flat=True)
    )
    for site in sites:
        if site.campaign_id != campaign.pk:
            problems.append(_("%(site)s 不属于本年度创建工作。") % {"site": site})
        elif site.status != SiteStatus.PRECHECKED:
            problems.append(
                _("%(site)s 尚未完成预验收（当前：%(status)s）。")
                % {"site": site, "status": site.get_status_display()}
            )
        elif not latest.get(site.pk):
            problems.append(_("%(site)s 的预验收未达标。") % {"site": site})
        elif site.unit_id in open_units:
            problems.append(_("%(site)s 还有未销号的整改事项。") % {"site": site})
    if problems:
        raise AssessmentError(" ".join(problems))
    application = Application.objects.create(
        campaign=campaign,
        title=title,
        summary=summary,
        submitted_by=by,
        submitted_at=timezone.now(),
    )
    application.sites.set(sites)
    site_services.mark_applied(sites, by, title)
    return application


def _latest_prechecks(site_ids: list[int]) -> dict[int, bool]:
    latest: dict[int, bool] = {}
    for site_id, passed in (
        Assessment.objects.filter(
            site_id__in=site_ids,
            kind=Assessment.Kind.PRECHECK,
            status=Assessment.Status.COMPLETED,
        )
        .order_by("site_id", "-completed_at", "-id")
        .values_list("site_id", "passed")
    ):
        latest.setdefault(site_id, bool(passed))
    return latest


# ---------------------------------------------------------------------------- rectification


@transaction.atomic
def open_rectification(
    *,
    by,
    deadline: dt.date,
    requirement: str,
    title: str = "",
    item_score: ItemScore | None = None,
    finding: Finding | None = None,
    unit=None,
    today: dt.date | None = None,
) -> Rectification:
    today = today or timezone.localdate()
    if (item_score is None) == (finding is None):
        raise AssessmentError(_("整改事项须来自一个未达标条目或一项检查发现。"))
    if deadline < today:
        raise AssessmentError(_("整改期限不能早于今天。"))
    if not requirement.strip():
        raise AssessmentError(_("请写明整改要求（需提供什么）。"))
    if item_score is not None:
        assessment = item_score.assessment
        if item_score.passed is not False:
            raise AssessmentError(_("只有判定为不达标的条目才能列为整改事项。"))
        if Rectification.objects.filter(item_score=item_score).open().exists():
            raise AssessmentError(_("该条目已有未销号的整改事项。"))
        unit = unit or assessment.unit
        if unit is None:
            raise AssessmentError(_("请指定责任单位。"))
        campaign_id = assessment.campaign_id
        title = title or f"{item_score.item.code} {item_score.item.text[:80]}"
    else:
        unit = finding.unit
        campaign_id = finding.spot_check.campaign_id if finding.spot_check_id else None
        if campaign_id is None:
            raise AssessmentError(_("检查发现不属于任何创建工作。"))
        title = title or finding.text[:120]
    return Rectification.objects.create(
        campaign_id=campaign_id,
        unit=unit,
        item_score=item_score,
        finding=finding,
        title=title,
        requirement=requirement.strip(),
        deadline=deadline,
        created_by=by,
    )


@transaction.atomic
def answer_rectification(
    rect: Rectification, *, answer: str, record_ids: Sequence[int], uploads: Sequence, by
) -> Rectification:
    """`uploads` are `activities.evidence.Prepared` files."""
    rect = Rectification.objects.select_for_update().get(pk=rect.pk)
    if rect.status != Rectification.Status.OPEN:
        raise AssessmentError(_("该整改事项当前不需要报送整改情况。"))
    if not answer.strip():
        raise AssessmentError(_("请填写整改情况。"))
    records = list(ActivityRecord.objects.counted().filter(pk__in=record_ids, unit_id=rect.unit_id))
    if len(records) != len(set(record_ids)):
        raise AssessmentError(_("只能关联本单位已审核通过的活动记录。"))
    if not records and not uploads and not rect.files.exists():
        raise AssessmentError(_("请提供整改佐证：关联活动记录或上传文件。"))
    try:
        check_file_count(rect.files.count(), len(uploads))
    except EvidenceError as exc:
        raise AssessmentError(str(exc)) from None
    stored = []
    try:
        for prepared in uploads:
            item = RectificationFile(
                rectification=rect,
                original_name=prepared.original_name,
                sha256=prepared.sha256,
                uploaded_by=by,
            )
            item.file.save(f"answer{prepared.extension}", ContentFile(prepared.content), save=False)
            stored.append(item.file.name)
            item.save()
        rect.answer = answer.strip()
        rect.answered_by = by
        rect.answered_at = timezone.now()
        rect.status = Rectification.Status.ANSWERED
        rect.save()
        rect.answer_records.set(records)
    except Exception:
        for name in stored:
            RectificationFile.file.field.storage.delete(name)
        raise
    return rect


@transaction.atomic
def recheck_rectification(
    rect: Rectification, *, close: bool, note: str, by, score: Decimal | None = None
) -> Rectification:
    """Close (复查销号) — the source item's score changes now — or send back with a reason."""
    rect = (
        Rectification.objects.select_for_update(of=("self",))
        .select_related("item_score__item")
        .get(pk=rect.pk)
    )
    if rect.status != Rectification.Status.ANSWERED:
        raise AssessmentError(_("该整改事项尚未报送整改情况，不能复查。"))
    if not close:
        if not note.strip():
            raise AssessmentError(_("退回须写明理由。"))
        rect.status = Rectification.Status.OPEN
        rect.returned_count += 1
        rect.return_reason = note.strip()
        rect.recheck_note = note.strip()
        rect.rechecked_by = by
        rect.save()
        return rect
    if not rect.answer_records.exists() and not rect.files.exists():
        raise AssessmentError(_("没有整改佐证材料，不能销号。"))
    item_score = rect.item_score
    if item_score is not None:
        if score is None:
            raise AssessmentError(_("请填写复查后的得分。"))
        if score < 0 or score > item_score.item.points:
            raise AssessmentError(
                _("得分须在 0 到 %(points)s 分之间。") % {"points": item_score.item.points}
            )
        item_score.score = score
        item_score.passed = True
        item_score.rechecked_at = timezone.now()
        item_score.save(update_fields=["score", "passed", "rechecked_at"])
    rect.status = Rectification.Status.CLOSED
    rect.recheck_note = note.strip()
    rect.recheck_score = score
    rect.rechecked_by = by
    rect.closed_at = timezone.now()
    rect.save()
    return rect


DATE_TOKEN = re.compile(r"^(\d{4})(?:[-/.年](\d{1,2})月?(?:[-/.](\d{1,2})日?)?)?$")


def search_linkable(assessment: Assessment, query: str, limit: int = 30):
    """Records an item may link, matching every word of `query` in the title, the unit's name
    or the date (2026, 2026-05, 2026-05-20, 2026年5月)."""
    records = linkable_records(assessment).select_related("unit").order_by("-date", "-id")
    for word in query.split():
        match = DATE_TOKEN.match(word)
        if match:
            year, month, day = (int(g) if g else None for g in match.groups())
            q = Q(date__year=year)
            if month:
                q &= Q(date__month=month)
            if day:
                q &= Q(date__day=day)
            records = records.filter(q)
        else:
            records = records.filter(Q(title__icontains=word) | Q(unit__name__icontains=word))
    return records[:limit]


@transaction.atomic
def link_records(assessment: Assessment, item_score_pk: int, record_ids: Sequence[int]) -> int:
    """Add records to one item's evidence (the picker page without JavaScript); returns how
    many were new. Only records the item may link are accepted."""
    assessment = Assessment.objects.select_for_update().get(pk=assessment.pk)
    if assessment.is_completed:
        raise AssessmentError(_("评审已完成，不能再修改得分。"))
    score = ItemScore.objects.filter(assessment=assessment, pk=item_score_pk).first()
    if score is None:
        raise AssessmentError(_("条目不属于本次评审。"))
    wanted = set(record_ids)
    allowed = set(linkable_records(assessment).filter(pk__in=wanted).values_list("pk", flat=True))
    if wanted - allowed:
        raise AssessmentError(_("只能关联被评单位本年度已审核通过的活动记录。"))
    have = set(
        LinkedRecord.objects.filter(item_score=score, record_id__in=wanted).values_list(
            "record_id", flat=True
        )
    )
    new = [LinkedRecord(item_score=score, record_id=pk) for pk in sorted(wanted - have)]
    LinkedRecord.objects.bulk_create(new)
    return len(new)
