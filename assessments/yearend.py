"""Year-end integrity-responsibility assessment (年终党风廉政责任制考核) per unit.

Seed 003's indicators: organisation (组织领导), integrity education (廉政教育), news publicity
(新闻宣传), culture construction (文化建设), online opinion handling (网络舆情处置), innovation
(创新创优). Education and culture are computed from the approved ledger of the campaign —
`EDUCATION_TARGET` education activities (lectures, films, forums, contests) give full points,
`CULTURE_TARGET` culture activities (exhibitions, banners, materials, commitments, visits)
likewise, proportionally below; news publicity from the approved publicity ledger by the
channel weights of `activities.publicity.year_end_points` (the office may override it, giving
a reason); the other three are entered by office staff.
`compute_year_end(campaign)` writes every unit's computed part in a fixed number of queries.

Being named in a published notice (通报) counts too (seed 000: units criticised in a notice are
"纳入年终党风廉政责任制考核"): `refresh_notice_points(campaign)` gives each unit
`NOTICE_CRITICISM` points per published notice that criticises it and `NOTICE_PRAISE` per one
that praises it, within [`NOTICE_FLOOR`, `NOTICE_CAP`]; publishing a notice calls it.
"""

from __future__ import annotations

from collections import defaultdict
from decimal import Decimal

from django.db import transaction
from django.db.models import Count
from django.utils import timezone
from django.utils.translation import gettext as _

from activities.models import ActivityRecord
from activities.types import ActivityType
from assessments.models import YearEndScore
from assessments.services import AssessmentError
from organisations.models import Organisation

EDUCATION_TYPES = {
    ActivityType.LECTURE,
    ActivityType.FILM,
    ActivityType.FORUM,
    ActivityType.CONTEST,
}
CULTURE_TYPES = {
    ActivityType.EXHIBITION,
    ActivityType.BANNER,
    ActivityType.MATERIALS,
    ActivityType.COMMITMENT,
    ActivityType.VISIT,
}
NOTICE_CRITICISM = Decimal(-2)
NOTICE_PRAISE = Decimal(1)
NOTICE_FLOOR, NOTICE_CAP = Decimal(-10), Decimal(5)
EDUCATION_TARGET = 8
CULTURE_TARGET = 6
ENTERED = ("organisation", "opinion", "innovation")


def _share(points: Decimal, n: int, target: int) -> Decimal:
    return (points * min(Decimal(n) / Decimal(target), Decimal(1))).quantize(Decimal("0.1"))


@transaction.atomic
def compute_year_end(campaign, by=None) -> int:
    units = list(
        Organisation.objects.units()
        .filter(township_id=campaign.township_id, is_active=True)
        .values_list("pk", flat=True)
    )
    counts: dict[int, dict[str, int]] = defaultdict(lambda: {"education": 0, "culture": 0})
    for unit_id, type_, n in (
        ActivityRecord.objects.counted()
        .filter(campaign=campaign)
        .order_by()
        .values_list("unit_id", "type")
        .annotate(n=Count("pk"))
    ):
        if type_ in EDUCATION_TYPES:
            counts[unit_id]["education"] += n
        elif type_ in CULTURE_TYPES:
            counts[unit_id]["culture"] += n
    from activities.publicity import unit_channel_counts, year_end_points

    published = unit_channel_counts(campaign)
    existing = {s.unit_id: s for s in YearEndScore.objects.filter(campaign=campaign)}
    now = timezone.now()
    new, changed = [], []
    for unit_id in units:
        row = existing.get(unit_id) or YearEndScore(
            campaign=campaign, township_id=campaign.township_id, unit_id=unit_id
        )
        row.education = _share(
            YearEndScore.MAX_POINTS["education"], counts[unit_id]["education"], EDUCATION_TARGET
        )
        row.culture = _share(
            YearEndScore.MAX_POINTS["culture"], counts[unit_id]["culture"], CULTURE_TARGET
        )
        row.publicity_auto = year_end_points(published.get(unit_id, {}))
        if not row.publicity_reason:
            row.publicity = row.publicity_auto
        row.computed_at = now
        (changed if row.pk else new).append(row)
    YearEndScore.objects.bulk_create(new)
    YearEndScore.objects.bulk_update(
        changed, ["education", "culture", "publicity_auto", "publicity", "computed_at"]
    )
    refresh_notice_points(campaign)
    return len(new) + len(changed)


def notice_points(campaign) -> dict[int, Decimal]:
    """{unit id: points} from the campaign's published notices (one query)."""
    from assessments.models import Notice, NoticeEntry

    named = set(
        NoticeEntry.objects.filter(
            notice__campaign=campaign,
            notice__status=Notice.Status.PUBLISHED,
            included=True,
        ).values_list("notice_id", "unit_id", "category")
    )
    per_notice = {(n, u, c in NoticeEntry.PRAISE) for n, u, c in named}
    points: dict[int, Decimal] = defaultdict(Decimal)
    for _notice, unit_id, praise in per_notice:
        points[unit_id] += NOTICE_PRAISE if praise else NOTICE_CRITICISM
    return {u: min(max(p, NOTICE_FLOOR), NOTICE_CAP) for u, p in points.items()}


@transaction.atomic
def refresh_notice_points(campaign) -> None:
    """Write every unit's notice points into its year-end row (created when missing)."""
    points = notice_points(campaign)
    rows = {
        s.unit_id: s for s in YearEndScore.objects.select_for_update().filter(campaign=campaign)
    }
    new, changed = [], []
    for unit_id in set(rows) | set(points):
        value = points.get(unit_id, Decimal(0))
        row = rows.get(unit_id)
        if row is None:
            new.append(
                YearEndScore(
                    campaign=campaign,
                    township_id=campaign.township_id,
                    unit_id=unit_id,
                    notices=value,
                )
            )
        elif row.notices != value:
            row.notices = value
            changed.append(row)
    YearEndScore.objects.bulk_create(new)
    YearEndScore.objects.bulk_update(changed, ["notices"])


@transaction.atomic
def enter_year_end(score: YearEndScore, data: dict, by) -> YearEndScore:
    for name in ENTERED:
        value = data.get(name)
        if value is not None and (value < 0 or value > YearEndScore.MAX_POINTS[name]):
            raise AssessmentError(
                _("%(field)s 须在 0 到 %(max)s 分之间。")
                % {
                    "field": YearEndScore._meta.get_field(name).verbose_name,
                    "max": YearEndScore.MAX_POINTS[name],
                }
            )
        setattr(score, name, value)
    _publicity(score, data.get("publicity"), (data.get("publicity_reason") or "").strip())
    score.note = data.get("note", score.note)
    score.save()
    return score


def _publicity(score: YearEndScore, value: Decimal | None, reason: str) -> None:
    """Blank or equal to the computed figure: the computed figure counts. Anything else is an
    override and needs its reason."""
    limit = YearEndScore.MAX_POINTS["publicity"]
    if value is not None and (value < 0 or value > limit):
        raise AssessmentError(_("新闻宣传须在 0 到 %(max)s 分之间。") % {"max": limit})
    if value is None or (score.publicity_auto is not None and value == score.publicity_auto):
        score.publicity, score.publicity_reason = score.publicity_auto, ""
        return
    if not reason:
        raise AssessmentError(
            _("新闻宣传按已审核的宣传报道计算为 %(auto)s 分；改为其他分数须写明理由。")
            % {"auto": score.publicity_auto if score.publicity_auto is not None else "—"}
        )
    score.publicity, score.publicity_reason = value, reason
