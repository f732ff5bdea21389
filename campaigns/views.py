"""Campaign plan and task pages: access → form → service → redirect."""

from __future__ import annotations

from urllib.parse import quote

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db import transaction
from django.db.models import Exists, F, OuterRef, Prefetch, Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from activities.models import ActivityRecord
from activities.types import ActivityType
from audit.models import AuditEvent
from audit.services import record_event
from campaigns import progress, services, spreadsheets
from campaigns.access import (
    campaigns_for,
    can_manage,
    current_campaigns,
    get_campaign_for,
    get_task_for,
)
from campaigns.forms import (
    SECTIONS,
    CampaignForm,
    CopyForm,
    MilestoneFormSetFactory,
    PhaseFormSetFactory,
    TaskForm,
    TaskImportForm,
)
from campaigns.models import CampaignDomain, Phase, Task
from dashboard import metrics
from organisations import sheets
from organisations.access import scope_for
from organisations.models import Organisation, StagedImport
from organisations.params import parse_id

PAGE_SIZE = 50


# --- campaigns ---------------------------------------------------------------------------


@login_required
def campaign_list(request: HttpRequest) -> HttpResponse:
    scope = scope_for(request.user)
    campaigns = list(campaigns_for(request.user))
    return render(
        request,
        "campaigns/campaign_list.html",
        {"campaigns": campaigns, "can_create": scope.is_office or scope.is_superuser},
    )


def _office_townships(user):
    scope = scope_for(user)
    townships = Organisation.objects.townships()
    return townships if scope.is_superuser else townships.filter(pk__in=scope.office_townships)


def _save_campaign_form(request, form):
    try:
        return services.save_campaign(
            form.save(commit=False),
            form.cleaned_data["domains"],
            by=request.user,
            new_domain=form.cleaned_data.get("new_domain", ""),
        )
    except ValidationError as err:
        for field, errors in err.message_dict.items():
            form.add_error(field if field in form.fields else None, errors)
        return None


@login_required
def campaign_create(request: HttpRequest) -> HttpResponse:
    townships = _office_townships(request.user)
    if not townships.exists():
        raise PermissionDenied
    form = CampaignForm(request.POST or None, townships=townships)
    if request.method == "POST" and form.is_valid():
        campaign = _save_campaign_form(request, form)
        if campaign:
            messages.success(request, _("创建工作已建立，请继续设置实施阶段和工作任务。"))
            return redirect("campaigns:campaign_detail", campaign.pk)
    return render(request, "campaigns/campaign_form.html", {"form": form, "campaign": None})


@login_required
def campaign_edit(request: HttpRequest, pk: int) -> HttpResponse:
    campaign = get_campaign_for(request.user, pk, write=True)
    form = CampaignForm(request.POST or None, instance=campaign)
    if request.method == "POST" and form.is_valid():
        if _save_campaign_form(request, form):
            messages.success(request, _("已保存。"))
            return redirect("campaigns:campaign_detail", campaign.pk)
    return render(request, "campaigns/campaign_form.html", {"form": form, "campaign": campaign})


@login_required
def campaign_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """The overview: current phase and days left, tasks per domain done / total."""
    campaign = get_campaign_for(request.user, pk)
    today = timezone.localdate()
    phases = list(campaign.phases.all())
    current = next((p for p in phases if p.start_date <= today <= p.end_date), None)
    tasks = metrics.campaign_tasks(campaign, today)
    scope = scope_for(request.user)
    context = {
        "campaign": campaign,
        "today": today,
        "phases": phases,
        "current_phase": current,
        "phase_days_left": (current.end_date - today).days if current else None,
        "campaign_days_left": (campaign.end_date - today).days,
        "milestones": list(campaign.milestones.all()),
        "counts": tasks.domains,
        "totals": tasks.tasks,
        # liaisons read the overview but list only their unit's tasks: no links for them
        "drill_links": scope.reads_township(campaign.township_id, campaign.township.district_id),
        "documents": list(campaign.documents.all()),
        "leadership": list(campaign.leadership.all()),
        "creating_units": list(
            campaign.creating_units.select_related("unit", "domain").order_by("domain__order")
        ),
        "can_manage": can_manage(request.user, campaign),
        "can_read_year_end": scope_for(request.user).reads_township(
            campaign.township_id, campaign.township.district_id
        ),
        "copy_form": CopyForm(initial={"year": campaign.year + 1}),
    }
    return render(request, "campaigns/campaign_detail.html", context)


@login_required
def campaign_section(request: HttpRequest, pk: int, section: str) -> HttpResponse:
    """Edit one list of the plan: documents, leadership, responsibility, creating units."""
    if section not in SECTIONS:
        raise Http404
    campaign = get_campaign_for(request.user, pk, write=True)
    title, factory = SECTIONS[section]
    formset = factory(request.POST or None, request.FILES or None, instance=campaign)
    if request.method == "POST" and formset.is_valid():
        services.save_section(formset)
        messages.success(request, _("已保存。"))
        return redirect("campaigns:campaign_detail", campaign.pk)
    return render(
        request,
        "campaigns/campaign_section.html",
        {"campaign": campaign, "title": title, "formsets": [formset], "multipart": True},
    )


@login_required
def campaign_phases(request: HttpRequest, pk: int) -> HttpResponse:
    campaign = get_campaign_for(request.user, pk, write=True)
    data = request.POST or None
    phases = PhaseFormSetFactory(data, instance=campaign, prefix="phases")
    milestones = MilestoneFormSetFactory(data, instance=campaign, prefix="milestones")
    if request.method == "POST" and phases.is_valid() and milestones.is_valid():
        services.save_phases(campaign, phases, milestones)
        messages.success(request, _("已保存。"))
        return redirect("campaigns:campaign_detail", campaign.pk)
    return render(
        request,
        "campaigns/campaign_section.html",
        {
            "campaign": campaign,
            "title": _("实施阶段与时间节点"),
            "formsets": [phases, milestones],
            "multipart": False,
        },
    )


@login_required
@require_POST
def campaign_copy(request: HttpRequest, pk: int) -> HttpResponse:
    source = get_campaign_for(request.user, pk, write=True)
    form = CopyForm(request.POST)
    if form.is_valid():
        try:
            new = services.copy_campaign(source, form.cleaned_data["year"], by=request.user)
        except ValidationError as err:
            messages.error(request, "；".join(err.messages))
        else:
            messages.success(request, _("已复制为新年度的创建工作，请核对日期。"))
            return redirect("campaigns:campaign_detail", new.pk)
    else:
        messages.error(request, "；".join(e for errs in form.errors.values() for e in errs))
    return redirect("campaigns:campaign_detail", source.pk)


# --- tasks -------------------------------------------------------------------------------


class TaskFilter:
    """The task list's filters, shared by the page and the Excel export."""

    def __init__(self, request: HttpRequest, today):
        self.request = request
        self.today = today
        self.user = request.user
        self.campaigns = current_campaigns(self.user)
        self.all_campaigns = self.campaigns
        get = request.GET
        self.values = {
            k: get.get(k, "")
            for k in ("campaign", "domain", "unit", "lead_unit", "status", "phase")
        }
        self.values["overdue"] = get.get("overdue", "")
        chosen = self.values["campaign"]
        if chosen:
            picked = [c for c in campaigns_for(self.user) if str(c.pk) == chosen]
            self.campaigns = picked

    def queryset(self):
        tasks = Task.objects.visible_to(self.user).filter(
            campaign__in=[c.pk for c in self.campaigns]
        )
        v = self.values
        if parse_id(v["domain"]) is not None:
            tasks = tasks.filter(domain_id=parse_id(v["domain"]))
        if parse_id(v["unit"]) is not None:
            unit = parse_id(v["unit"])
            cohost = Task.co_units.through.objects.filter(
                task_id=OuterRef("pk"), organisation_id=unit
            )
            tasks = tasks.filter(Q(lead_unit_id=unit) | Q(Exists(cohost)))
        if parse_id(v["lead_unit"]) is not None:  # the tasks a unit leads (dashboard figures)
            tasks = tasks.filter(lead_unit_id=parse_id(v["lead_unit"]))
        if parse_id(v["phase"]) is not None:
            phase = Phase.objects.filter(
                pk=parse_id(v["phase"]), campaign__in=[c.pk for c in self.campaigns]
            ).first()
            if phase:
                tasks = tasks.filter(start_date__lte=phase.end_date, due_date__gte=phase.start_date)
        if v["status"] == metrics.OPEN:  # not done, no overdue period (dashboard.metrics)
            tasks = tasks.filter(metrics.task_q(metrics.OPEN, self.today))
        elif v["status"] in progress.Status.values:
            tasks = progress.filter_tasks_by_status(tasks, v["status"], self.today)
        if v["overdue"]:
            tasks = progress.overdue_tasks(tasks, self.today)
        return tasks

    def ordered(self):
        """Next due period first: the earliest period not done (overdue ones lead), done
        tasks last."""
        return self.queryset().order_by(F("open_due").asc(nulls_last=True), "pk")

    def options(self) -> dict:
        ids = [c.pk for c in self.campaigns]
        scope = scope_for(self.user)
        units = Organisation.objects.units().filter(
            township_id__in={c.township_id for c in self.campaigns}
        )
        if not (scope.is_superuser or scope.readable_townships or scope.leader_districts):
            units = units.filter(pk__in=scope.liaison_units)
        domains = {}
        for cd in CampaignDomain.objects.filter(campaign__in=ids).select_related("domain"):
            domains.setdefault(cd.domain_id, cd.domain)
        return {
            "campaign_options": self.all_campaigns,
            "domain_options": sorted(domains.values(), key=lambda d: (d.order, d.pk)),
            "unit_options": list(units.order_by("name").only("pk", "name")),
            "phase_options": list(
                Phase.objects.filter(campaign__in=ids).order_by("campaign", "order")
            ),
            "status_options": [
                *progress.Status.choices,
                (metrics.OPEN, _("待完成（未完成且无逾期）")),
            ],
        }


@login_required
def task_list(request: HttpRequest) -> HttpResponse:
    today = timezone.localdate()
    filters = TaskFilter(request, today)
    tasks = (
        filters.ordered()
        .select_related("domain", "lead_unit")
        .prefetch_related(Prefetch("co_units", Organisation.objects.only("pk", "name")))
    )
    page = Paginator(tasks, PAGE_SIZE).get_page(request.GET.get("page"))
    progress.summarise(page.object_list, today)
    managed = [c for c in filters.campaigns if can_manage(request.user, c)]
    context = {
        "page": page,
        "filters": filters.values,
        "today": today,
        "managed_campaigns": managed,
        **filters.options(),
    }
    context["export_url"] = reverse("campaigns:task_export") + (
        f"?{request.GET.urlencode()}" if request.GET else ""
    )
    template = "campaigns/_partials/task_table.html" if request.htmx else "campaigns/task_list.html"
    return render(request, template, context)


@login_required
def task_detail(request: HttpRequest, pk: int) -> HttpResponse:
    task = get_task_for(request.user, pk)
    today = timezone.localdate()
    periods = list(progress.annotate_progress(task.periods.all(), today))
    records = list(
        task.records.filter(status=ActivityRecord.Status.APPROVED)
        .select_related("unit")
        .order_by("-date")[:20]
    )
    return render(
        request,
        "campaigns/task_detail.html",
        {
            "task": task,
            "periods": periods,
            "co_units": list(task.co_units.all()),
            "records": records,
            "today": today,
            "can_manage": can_manage(request.user, task.campaign),
            "type_labels": [
                label for value, label in ActivityType.choices if value in task.activity_types
            ],
        },
    )


@login_required
def task_create(request: HttpRequest, pk: int) -> HttpResponse:
    campaign = get_campaign_for(request.user, pk, write=True)
    form = TaskForm(request.POST or None, campaign=campaign, instance=Task(campaign=campaign))
    if request.method == "POST" and form.is_valid():
        task = form.save(commit=False)
        services.save_task(task, form.cleaned_data["co_units"])
        messages.success(request, _("任务已添加。"))
        return redirect("campaigns:task_detail", task.pk)
    return render(
        request, "campaigns/task_form.html", {"form": form, "campaign": campaign, "task": None}
    )


@login_required
def task_edit(request: HttpRequest, pk: int) -> HttpResponse:
    task = get_task_for(request.user, pk, write=True)
    form = TaskForm(request.POST or None, campaign=task.campaign, instance=task)
    if request.method == "POST" and form.is_valid():
        services.save_task(form.save(commit=False), form.cleaned_data["co_units"])
        messages.success(request, _("已保存。"))
        return redirect("campaigns:task_detail", task.pk)
    return render(
        request,
        "campaigns/task_form.html",
        {"form": form, "campaign": task.campaign, "task": task},
    )


@login_required
@require_POST
def task_delete(request: HttpRequest, pk: int) -> HttpResponse:
    task = get_task_for(request.user, pk, write=True)
    try:
        services.delete_task(task)
    except ValidationError as err:
        messages.error(request, "；".join(err.messages))
        return redirect("campaigns:task_detail", task.pk)
    messages.success(request, _("任务已删除。"))
    return redirect(reverse("campaigns:task_list") + f"?campaign={task.campaign_id}")


# --- Excel ---------------------------------------------------------------------------------

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _xlsx(content: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type=XLSX)
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(filename)}"
    return response


@login_required
def task_export(request: HttpRequest) -> HttpResponse:
    """The task list as filtered on the page, as Excel (台账)."""
    today = timezone.localdate()
    tasks = TaskFilter(request, today).ordered()
    record_event(
        AuditEvent.Kind.EXPORT,
        request=request,
        object_repr=_("工作任务"),
        detail=_("导出工作任务 %(filters)s") % {"filters": request.GET.urlencode()},
    )
    return _xlsx(spreadsheets.export_workbook(tasks, today), f"工作任务-{today:%Y%m%d}.xlsx")


@login_required
def task_import_template(request: HttpRequest, pk: int) -> HttpResponse:
    campaign = get_campaign_for(request.user, pk, write=True)
    return _xlsx(spreadsheets.template_workbook(campaign), "工作任务导入模板.xlsx")


@login_required
def task_import(request: HttpRequest, pk: int) -> HttpResponse:
    """Upload: read the table by its headers and check every row (nothing saved), then keep
    the parsed rows and show the preview; errors of every row come back at once."""
    campaign = get_campaign_for(request.user, pk, write=True)
    form = TaskImportForm(request.POST or None, request.FILES or None)
    errors: list[str] = []
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            payload = spreadsheets.parse_workbook(upload)
            spreadsheets.apply_import(campaign, payload, commit=False)
        except spreadsheets.ImportFailed as failed:
            errors = failed.errors
        else:
            staged = sheets.stash(
                StagedImport.Kind.TASKS,
                campaign.township_id,
                request.user,
                payload,
                target_id=campaign.pk,
                filename=upload.name,
            )
            return redirect("campaigns:task_import_preview", pk=campaign.pk, token=staged.token)
    return render(
        request,
        "campaigns/task_import.html",
        {"campaign": campaign, "form": form, "errors": errors},
    )


@login_required
def task_import_preview(request: HttpRequest, pk: int, token) -> HttpResponse:
    """GET: what the table will create. POST: create it, all or nothing, once."""
    campaign = get_campaign_for(request.user, pk, write=True)
    staged = sheets.get_staged_for(
        request.user, token, kind=StagedImport.Kind.TASKS, target_id=campaign.pk
    )
    done_url = reverse("campaigns:task_list") + f"?campaign={campaign.pk}"
    errors: list[str] = []
    result = None
    if request.method == "POST":
        with transaction.atomic():
            staged = sheets.get_staged_for(
                request.user, token, kind=StagedImport.Kind.TASKS, target_id=campaign.pk, lock=True
            )
            if staged.committed_at:
                messages.info(request, _("这张表已经导入过，没有重复导入。"))
                return redirect(done_url)
            if sheets.is_expired(staged):
                errors = [_("预览已超过24小时，请重新上传。")]
            else:
                try:
                    result = spreadsheets.apply_import(campaign, staged.payload, commit=True)
                except spreadsheets.ImportFailed as failed:
                    errors = failed.errors
                else:
                    staged.committed_at = timezone.now()
                    staged.result = {"tasks": result.tasks, "units": result.units}
                    staged.save(update_fields=["committed_at", "result"])
        if not errors:
            messages.success(
                request,
                _("已导入 %(tasks)d 项任务、%(units)d 个单位。")
                % {"tasks": result.tasks, "units": result.units},
            )
            return redirect(done_url)
    elif staged.committed_at:
        messages.info(request, _("这张表已经导入过，没有重复导入。"))
        return redirect(done_url)
    else:
        try:
            result = spreadsheets.apply_import(campaign, staged.payload, commit=False)
        except spreadsheets.ImportFailed as failed:
            errors = failed.errors
    return render(
        request,
        "campaigns/task_import_preview.html",
        {"campaign": campaign, "staged": staged, "result": result, "errors": errors},
    )
