"""Creation plans (创建方案) of units: who owes one, submitting, reviewing, the board.

Seed 000: every lead unit (牵头单位) and every creating unit (创建单位) draws up its creation
plan and sends it to the township's creation office by the plan-due milestone — whether or not
it has a demonstration site. A plan uploaded on a candidate site's page (`sites.CreationPlan`)
is that unit's plan too, so it answers the obligation as well.

* `owed_units(campaign)` — the units that owe a plan, with why (creating / lead of a domain);
* `board(campaign, unit_ids=None)` — per owed unit: its latest plan, whether it is answered;
* `submit_plan(campaign, unit, prepared, by)` / `review_plan(plan, approve, by, reason)`.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from campaigns.models import Campaign, CampaignDomain, CreatingUnit, UnitPlan
from organisations.models import Organisation

PLAN_EXTENSIONS = (".pdf", ".docx")


class PlanError(Exception):
    """A plan step that cannot be taken; str(exc) is the Chinese reason shown."""


@dataclass
class PlanRow:
    unit: Organisation
    reasons: list[str] = field(default_factory=list)
    plans: list[UnitPlan] = field(default_factory=list)  # newest first
    site_plan_status: str = ""  # a live plan on the unit's site, if any

    @property
    def latest(self) -> UnitPlan | None:
        return self.plans[0] if self.plans else None

    @property
    def state(self) -> str:
        """approved / submitted / returned / missing — what the board shows."""
        for plan in self.plans:
            if plan.status != UnitPlan.Status.RETURNED:
                return plan.status
        if self.site_plan_status:
            return self.site_plan_status
        return UnitPlan.Status.RETURNED if self.plans else "missing"

    @property
    def answered(self) -> bool:
        return self.state in (UnitPlan.Status.SUBMITTED, UnitPlan.Status.APPROVED)


STATE_LABELS = {
    "approved": gettext_lazy("已批准"),
    "submitted": gettext_lazy("待审核"),
    "returned": gettext_lazy("已退回，待重报"),
    "missing": gettext_lazy("未报送"),
}


def owed_units(campaign: Campaign) -> dict[int, list[str]]:
    """unit id -> why it owes a plan (创建单位 / X领域牵头单位), creating units first."""
    owed: dict[int, list[str]] = {}
    for unit_id, domain in CreatingUnit.objects.filter(campaign=campaign).values_list(
        "unit_id", "domain__name"
    ):
        owed.setdefault(unit_id, []).append(_("创建单位（%(d)s）") % {"d": domain})
    for unit_id, domain in (
        CampaignDomain.objects.filter(campaign=campaign, lead_unit__isnull=False)
        .order_by("order", "domain__order")
        .values_list("lead_unit_id", "domain__name")
    ):
        owed.setdefault(unit_id, []).append(_("%(d)s牵头单位") % {"d": domain})
    return owed


def site_plan_units(campaign_ids) -> set[tuple[int, int]]:
    """(campaign id, unit id) whose candidate site has a plan waiting or approved."""
    from sites.models import CreationPlan

    return set(
        CreationPlan.objects.filter(
            site__campaign_id__in=list(campaign_ids),
            status__in=[CreationPlan.Status.SUBMITTED, CreationPlan.Status.APPROVED],
        ).values_list("site__campaign_id", "site__unit_id")
    )


def board(campaign: Campaign, unit_ids=None) -> list[PlanRow]:
    """Every owed unit (or those of `unit_ids`) with its plans: four queries, any size."""
    owed = owed_units(campaign)
    if unit_ids is not None:
        owed = {k: v for k, v in owed.items() if k in set(unit_ids)}
    units = Organisation.objects.in_bulk(list(owed))
    rows = {pk: PlanRow(unit=units[pk], reasons=reasons) for pk, reasons in owed.items()}
    for plan in (
        UnitPlan.objects.filter(campaign=campaign, unit_id__in=list(rows))
        .select_related("submitted_by", "reviewed_by")
        .order_by("unit_id", "-submitted_at", "-id")
    ):
        rows[plan.unit_id].plans.append(plan)
    from sites.models import CreationPlan

    for unit_id, status in (
        CreationPlan.objects.filter(site__campaign=campaign, site__unit_id__in=list(rows))
        .exclude(status=CreationPlan.Status.RETURNED)
        .values_list("site__unit_id", "status")
    ):
        rows[unit_id].site_plan_status = status
    return sorted(rows.values(), key=lambda r: (r.answered, r.unit.name))


def owes_plan(campaign: Campaign, unit: Organisation) -> bool:
    return unit.pk in owed_units(campaign)


@transaction.atomic
def submit_plan(campaign: Campaign, unit: Organisation, prepared, by, note: str = "") -> UnitPlan:
    """`prepared` is an `activities.evidence.Prepared` document (PDF or DOCX)."""
    if prepared.extension not in PLAN_EXTENSIONS:
        raise PlanError(_("创建方案须为 PDF 或 DOCX 文件。"))
    if unit.township_id != campaign.township_id:
        raise PlanError(_("该单位不属于本镇的创建工作。"))
    if not owes_plan(campaign, unit):
        raise PlanError(_("该单位不是本年度的创建单位或牵头单位，无须报送创建方案。"))
    # Lock the unit's plans so two taps (or two liaisons) cannot both submit.
    live = list(UnitPlan.objects.select_for_update().filter(campaign=campaign, unit=unit).live())
    if any(p.status == UnitPlan.Status.APPROVED for p in live):
        raise PlanError(_("该单位的创建方案已批准，无须再报送。"))
    if live:
        raise PlanError(_("该单位已有一份创建方案待审核，请等待审核结果。"))
    plan = UnitPlan(
        campaign=campaign,
        unit=unit,
        original_name=prepared.original_name,
        sha256=prepared.sha256,
        note=note.strip(),
        submitted_by=by,
        submitted_at=timezone.now(),
    )
    plan.file.save(f"plan{prepared.extension}", ContentFile(prepared.content), save=False)
    stored = plan.file.name
    try:
        with transaction.atomic():
            plan.save()
    except IntegrityError:
        plan.file.storage.delete(stored)
        raise PlanError(_("该单位已有一份创建方案待审核，请等待审核结果。")) from None
    except Exception:
        plan.file.storage.delete(stored)
        raise
    return plan


@transaction.atomic
def review_plan(plan: UnitPlan, *, approve: bool, by, reason: str = "") -> UnitPlan:
    locked = UnitPlan.objects.select_for_update().get(pk=plan.pk)
    if locked.status != UnitPlan.Status.SUBMITTED:
        raise PlanError(
            _("该方案当前状态为“%(s)s”，不能重复审核。") % {"s": locked.get_status_display()}
        )
    if not approve and not reason.strip():
        raise PlanError(_("退回须写明原因。"))
    locked.status = UnitPlan.Status.APPROVED if approve else UnitPlan.Status.RETURNED
    locked.reviewed_by = by
    locked.reviewed_at = timezone.now()
    locked.return_reason = "" if approve else reason.strip()
    locked.save(update_fields=["status", "reviewed_by", "reviewed_at", "return_reason"])
    plan.status = locked.status
    return locked
