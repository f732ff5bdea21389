"""The campaign verbs: set up a campaign, its sections and tasks, copy a year, sync periods.

Every function that touches several rows runs in one transaction; forms have already turned
the input into domain values and reported bad input at the field.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Iterable, Sequence

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from campaigns.models import (
    Campaign,
    CampaignDocument,
    CampaignDomain,
    CreatingUnit,
    LeadershipMember,
    Milestone,
    Phase,
    Task,
    TaskPeriod,
)
from campaigns.periods import period_windows
from campaigns.progress import tasks_changed
from organisations.models import Domain, Organisation

# --- periods -----------------------------------------------------------------------------


def sync_periods(task: Task) -> bool:
    """Make the task's periods match its recurrence and dates; True when they changed."""
    wanted = [
        (w.code, w.start_date, w.due_date)
        for w in period_windows(
            task.recurrence, task.start_date, task.due_date, roll_to_workday=task.roll_to_workday
        )
    ]
    have = list(task.periods.order_by("index").values_list("code", "start_date", "due_date"))
    if have == wanted:
        return False
    task.periods.all().delete()
    TaskPeriod.objects.bulk_create(
        TaskPeriod(task=task, index=i, code=code, start_date=start, due_date=due)
        for i, (code, start, due) in enumerate(wanted, start=1)
    )
    return True


# --- campaigns ---------------------------------------------------------------------------


@transaction.atomic
def save_campaign(
    campaign: Campaign, domains: Iterable[Domain], by=None, new_domain: str = ""
) -> Campaign:
    """Create or update a campaign and the set of domains it covers (plus `new_domain`, a
    domain beyond the eight-into, made if needed). A domain that has tasks cannot be removed.
    """
    if campaign.pk is None:
        campaign.created_by = by
    campaign.save()
    domains = list(domains)
    if new_domain:
        domains.append(add_domain(new_domain))
    wanted = {d.pk: d for d in domains}
    existing = {cd.domain_id: cd for cd in campaign.campaign_domains.all()}
    dropped = [cd for domain_id, cd in existing.items() if domain_id not in wanted]
    busy = set(
        Task.objects.filter(
            campaign=campaign, domain_id__in=[cd.domain_id for cd in dropped]
        ).values_list("domain__name", flat=True)
    )
    if busy:
        raise ValidationError(
            {"domains": _("领域“%(names)s”下已有任务，不能取消。") % {"names": "、".join(busy)}}
        )
    for cd in dropped:
        cd.delete()
    for order, domain in enumerate(sorted(wanted.values(), key=lambda d: (d.order, d.pk))):
        if domain.pk not in existing:
            CampaignDomain.objects.create(campaign=campaign, domain=domain, order=order)
    return campaign


def add_domain(name: str) -> Domain:
    """A domain beyond the eight-into (e.g. 进网络); reuses one with the same name."""
    domain = Domain.objects.filter(name=name).first()
    if domain is None:
        domain = Domain.objects.create(name=name, code=f"custom-{uuid.uuid4().hex[:10]}")
    return domain


@transaction.atomic
def save_section(formset) -> None:
    """Save an inline formset (documents, leadership, responsibility, creating units)."""
    formset.save()


@transaction.atomic
def save_phases(campaign: Campaign, phase_formset, milestone_formset) -> None:
    """Save phases (numbered by start date) and milestones (placed in the phase holding them)."""
    phases = phase_formset.save(commit=False)
    for obj in phase_formset.deleted_objects:
        obj.delete()
    # Free the order numbers first: the unique (campaign, order) must hold at every step.
    kept = list(Phase.objects.filter(campaign=campaign))
    for offset, phase in enumerate(kept, start=1):
        Phase.objects.filter(pk=phase.pk).update(order=1000 + offset)
    for offset, phase in enumerate(phases, start=1):
        phase.campaign = campaign
        phase.order = 2000 + offset
        phase.save()
    ordered = sorted(Phase.objects.filter(campaign=campaign), key=lambda p: (p.start_date, p.pk))
    for order, phase in enumerate(ordered, start=1):
        if phase.order != order:
            phase.order = order
            phase.save(update_fields=["order"])
    milestones = milestone_formset.save(commit=False)
    for obj in milestone_formset.deleted_objects:
        obj.delete()
    for milestone in milestones:
        milestone.campaign = campaign
        milestone.save()
    for milestone in Milestone.objects.filter(campaign=campaign):
        phase = next((p for p in ordered if p.start_date <= milestone.due_date <= p.end_date), None)
        if milestone.phase_id != (phase.pk if phase else None):
            milestone.phase = phase
            milestone.save(update_fields=["phase"])


def _shift(day: dt.date, years: int) -> dt.date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)


@transaction.atomic
def copy_campaign(source: Campaign, year: int, by=None) -> Campaign:
    """Last year's campaign into a new year: dates shifted, tasks and responsibilities kept,
    no records."""
    years = year - source.year
    if Campaign.objects.filter(township_id=source.township_id, year=year).exists():
        raise ValidationError({"year": _("本镇%(year)d年度的创建工作已存在。") % {"year": year}})
    name = source.name.replace(str(source.year), str(year))
    if name == source.name:
        name = f"{source.name}（{year}）"
    new = Campaign.objects.create(
        township_id=source.township_id,
        year=year,
        name=name,
        guiding_ideology=source.guiding_ideology,
        overall_goal=source.overall_goal,
        start_date=_shift(source.start_date, years),
        end_date=_shift(source.end_date, years),
        monthly_report_day=source.monthly_report_day,
        created_by=by,
    )
    for doc in source.documents.all():
        CampaignDocument.objects.create(
            campaign=new,
            doc_number=doc.doc_number,
            title=doc.title,
            issuer=doc.issuer,
            file=doc.file.name if doc.file else "",
        )
    for member in source.leadership.all():
        LeadershipMember.objects.create(
            campaign=new,
            user_id=member.user_id,
            name=member.name,
            job_title=member.job_title,
            position=member.position,
            order=member.order,
        )
    for cd in source.campaign_domains.prefetch_related("co_units"):
        copy = CampaignDomain.objects.create(
            campaign=new, domain_id=cd.domain_id, lead_unit_id=cd.lead_unit_id, order=cd.order
        )
        copy.co_units.set(cd.co_units.all())
    for cu in source.creating_units.all():
        CreatingUnit.objects.create(campaign=new, unit_id=cu.unit_id, domain_id=cu.domain_id)
    phase_map = {}
    for phase in source.phases.all():
        phase_map[phase.pk] = Phase.objects.create(
            campaign=new,
            kind=phase.kind,
            name=phase.name,
            order=phase.order,
            start_date=_shift(phase.start_date, years),
            end_date=_shift(phase.end_date, years),
        )
    for milestone in source.milestones.all():
        Milestone.objects.create(
            campaign=new,
            phase=phase_map.get(milestone.phase_id),
            kind=milestone.kind,
            title=milestone.title,
            due_date=_shift(milestone.due_date, years),
            description=milestone.description,
        )
    new_ids = []
    for task in source.tasks.prefetch_related("co_units"):
        co_units = list(task.co_units.all())
        task.pk = task.id = None
        task._state.adding = True
        task._prefetched_objects_cache = {}
        task.campaign = new
        task.start_date = _shift(task.start_date, years)
        task.due_date = _shift(task.due_date, years)
        task.save()
        task.co_units.set(co_units)
        sync_periods(task)
        new_ids.append(task.pk)
    tasks_changed(new_ids)
    return new


# --- tasks -------------------------------------------------------------------------------


@transaction.atomic
def save_task(task: Task, co_units: Sequence[Organisation] = ()) -> Task:
    """Create or update a task, its co-hosts and periods, and refresh its progress. A task
    counted in working days gets its due date from the working calendar; one that rolls off
    holidays has its due date moved to the next working day."""
    from workdays.days import add_workdays, next_workday

    if task.due_workdays:
        task.due_date = add_workdays(task.start_date, task.due_workdays)
    if task.roll_to_workday:
        task.due_date = next_workday(task.due_date)
    task.save()
    task.co_units.set(co_units)
    sync_periods(task)
    tasks_changed([task.pk])
    return task


@transaction.atomic
def delete_task(task: Task) -> None:
    if task.records.exists():
        raise ValidationError(_("该任务已有活动记录计入，不能删除。"))
    task.delete()
