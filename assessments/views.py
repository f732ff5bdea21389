"""Views of assessments: the score sheet, applications and rectification items.

Supervision (spot checks, the notice, year-end scores) and criteria sets are in
`views_supervision.py` and `views_criteria.py`.
"""

from __future__ import annotations

from collections import defaultdict
from html import escape

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from activities.models import ActivityRecord, Evidence
from assessments import scoring, services
from assessments.access import (
    can_answer,
    can_recheck,
    can_score,
    get_application_for,
    get_assessment_for,
    get_rectification_for,
    require_any_role,
)
from assessments.forms import (
    AnswerForm,
    ApplicationForm,
    CompleteForm,
    RecheckForm,
    RectificationOpenForm,
    StartForm,
    parse_sheet,
)
from assessments.models import (
    Application,
    Assessment,
    CriteriaSet,
    ItemScore,
    LinkedEvidence,
    LinkedRecord,
    Rectification,
)
from assessments.services import AssessmentError
from campaigns.access import get_campaign_for
from organisations.access import scope_for
from organisations.params import parse_id
from sites.access import get_site_for
from sites.files import send_file
from sites.models import Site
from sites.models import Status as SiteStatus

SHOWN_LINKS = 8  # linked records shown per item; "show all" loads the rest (htmx)


# ---------------------------------------------------------------------------- assessments


@login_required
@require_GET
def assessment_list(request: HttpRequest) -> HttpResponse:
    scope = require_any_role(request.user)
    assessments = (
        Assessment.objects.visible_to(request.user)
        .select_related("site", "township", "criteria_set", "assessor", "unit")
        .order_by("-assessed_on", "-id")
    )
    kind = request.GET.get("kind", "")
    if kind in Assessment.Kind.values:
        assessments = assessments.filter(kind=kind)
    page = Paginator(assessments, 50).get_page(request.GET.get("page"))
    applications = (
        Application.objects.visible_to(request.user)
        .select_related("township")
        .annotate(site_count=Count("sites", distinct=True))
        .order_by("-submitted_at")[:20]
    )
    template = (
        "assessments/_partials/assessment_rows.html"
        if request.htmx
        else "assessments/assessment_list.html"
    )
    return render(
        request,
        template,
        {
            "page": page,
            "kinds": Assessment.Kind.choices,
            "kind": kind,
            "applications": applications,
            "is_office": bool(scope.office_townships),
            "is_reviewer": bool(scope.reviewer_districts),
        },
    )


def _criteria_for(district_id: int):
    return CriteriaSet.objects.filter(district_id=district_id).order_by("-created_at", "-version")


@login_required
@require_http_methods(["GET", "POST"])
def assessment_start(request: HttpRequest, site_pk: int, kind: str) -> HttpResponse:
    """Start a self-assessment (the unit's liaison) or a pre-check (office staff) of a site."""
    if kind not in (Assessment.Kind.SELF, Assessment.Kind.PRECHECK):
        raise Http404
    site = get_site_for(request.user, site_pk)
    scope = scope_for(request.user)
    allowed = scope.manages_township(site.township_id) or (
        kind == Assessment.Kind.SELF and scope.files_for_unit(site.unit_id)
    )
    if not allowed:
        raise PermissionDenied
    form = StartForm(request.POST or None, criteria_sets=_criteria_for(site.district_id))
    if request.method == "POST" and form.is_valid():
        try:
            assessment = services.start_assessment(
                kind, form.cleaned_data["criteria_set"], request.user, site=site
            )
        except AssessmentError as exc:
            form.add_error(None, exc.message)
        else:
            return redirect("assessments:assessment_detail", assessment.pk)
    return render(
        request,
        "assessments/assessment_start.html",
        {"form": form, "site": site, "kind_label": Assessment.Kind(kind).label},
    )


@login_required
@require_http_methods(["GET", "POST"])
def acceptance_start(request: HttpRequest, pk: int) -> HttpResponse:
    """A district reviewer starts the acceptance of a township's application."""
    application = get_application_for(request.user, pk, write=True)
    form = StartForm(request.POST or None, criteria_sets=_criteria_for(application.district_id))
    if request.method == "POST" and form.is_valid():
        try:
            assessment = services.start_assessment(
                Assessment.Kind.ACCEPTANCE,
                form.cleaned_data["criteria_set"],
                request.user,
                application=application,
            )
        except AssessmentError as exc:
            form.add_error(None, exc.message)
        else:
            return redirect("assessments:assessment_detail", assessment.pk)
    return render(
        request,
        "assessments/assessment_start.html",
        {"form": form, "application": application, "kind_label": Assessment.Kind.ACCEPTANCE.label},
    )


def sheet_context(request, assessment: Assessment, errors=None, posted=None) -> dict:
    """Everything the sheet shows, in a fixed number of queries."""
    scope = scope_for(request.user)
    scores = list(
        ItemScore.objects.filter(assessment=assessment)
        .select_related("item", "item__group")
        .order_by("item__group__order", "item__order", "item_id")
    )
    # The links are read as tuples and rendered to HTML here, not in the template: a sheet
    # can hold thousands of them and template loops cost ~0.5 ms per record.
    linked = defaultdict(list)
    for score_id, pk, title, day in (
        LinkedRecord.objects.filter(item_score__assessment=assessment)
        .order_by("record__date", "record_id")
        .values_list("item_score_id", "record_id", "record__title", "record__date")
    ):
        linked[score_id].append((pk, title, day))
    # Only the evidence already linked is read and shown; the other files of the linked
    # records load on demand per item (`evidence_candidates`), a sheet can have thousands.
    linked_evidence = defaultdict(list)
    for score_id, pk, name in LinkedEvidence.objects.filter(
        item_score__assessment=assessment
    ).values_list("item_score_id", "evidence_id", "evidence__original_name"):
        linked_evidence[score_id].append((pk, name))
    rects = defaultdict(list)
    for rect in Rectification.objects.filter(item_score__assessment=assessment).only(
        "pk", "item_score_id", "status", "deadline", "title"
    ):
        rects[rect.item_score_id].append(rect)
    editable = not assessment.is_completed and can_score(scope, assessment)
    dates = DateLabels()
    evidence_prefix = reverse("assessments:assessment_save", args=[assessment.pk])
    rows = []
    for s in scores:
        rows.append(
            {
                "score": s,
                "record_count": len(linked[s.pk]),
                "records_html": links_html(s.item_id, linked[s.pk][:SHOWN_LINKS], editable, dates),
                "shown": ",".join(str(pk) for pk, _t, _d in linked[s.pk][:SHOWN_LINKS]),
                "more": max(0, len(linked[s.pk]) - SHOWN_LINKS),
                "records_url": f"{evidence_prefix}{s.pk}/records/",
                "evidence_html": evidence_html(s.item_id, linked_evidence[s.pk], editable),
                "evidence_url": f"{evidence_prefix}{s.pk}/evidence/",
                "pick_url": f"{evidence_prefix}{s.pk}/pick/",
                "rectifications": rects[s.pk],
                "error": (errors or {}).get(s.item_id, ""),
            }
        )
    groups, total, points = scoring.totals(scores)
    return {
        "assessment": assessment,
        "rows": rows,
        "groups": groups,
        "total": total,
        "points": points,
        "editable": editable,
        "can_rectify": assessment.is_completed and scope.manages_township(assessment.township_id),
        "complete_form": CompleteForm(),
        "rect_form": RectificationOpenForm(),
        "posted": posted,
    }


class DateLabels(dict):
    """Escaped Chinese date labels ("2026年5月20日") and titles, each built once per sheet."""

    def __init__(self):
        super().__init__()
        self.titles: dict[str, str] = {}
        self.record_prefix = reverse("activities:record_detail", args=[0])[: -len("0/")]

    def __missing__(self, day):
        self[day] = label = escape(date_format(day, "DATE_FORMAT"))
        return label

    def text(self, title: str) -> str:
        escaped = self.titles.get(title)
        if escaped is None:
            escaped = self.titles[title] = escape(title)
        return escaped


def links_html(item_id: int, records, editable: bool, dates: DateLabels) -> str:
    """The linked records of one item, with a checkbox each when the sheet is editable.

    Built with plain string formatting (titles escaped with `html.escape`): format_html costs
    ~0.1 ms a call, too much for thousands of links."""
    if not records:
        return ""
    prefix = dates.record_prefix
    box = (
        f'<input type="checkbox" name="records-{item_id}" value="%d" checked> ' if editable else ""
    )
    parts = []
    for pk, title, day in records:
        check = box % pk if editable else ""
        parts.append(
            f'<label class="me-3">{check}#{pk} <a href="{prefix}{pk}/">{dates.text(title)}</a> '
            f'<span class="qf-muted">{dates[day]}</span></label>'
        )
    return mark_safe("".join(parts))  # noqa: S308 - every value above is escaped or an int


def evidence_html(item_id: int, evidence, editable: bool, checked: bool = True) -> str:
    """Evidence files as (checked) checkboxes when editable, as a list otherwise."""
    parts = []
    for pk, name in evidence:
        box = ""
        if editable:
            mark = " checked" if checked else ""
            box = f'<input type="checkbox" name="evidence-{item_id}" value="{pk}"{mark}> '
        parts.append(
            f'<label class="me-3">{box}<i class="bi bi-paperclip"></i> {escape(name)}</label>'
        )
    return mark_safe("".join(parts))  # noqa: S308 - names escaped, the rest are ints


@login_required
@require_GET
def assessment_detail(request: HttpRequest, pk: int) -> HttpResponse:
    assessment = get_assessment_for(request.user, pk)
    return render(request, "assessments/assessment_detail.html", sheet_context(request, assessment))


@login_required
@require_GET
def linked_records(request: HttpRequest, pk: int, score_pk: int) -> HttpResponse:
    """All linked records of one item, replacing the first few on the sheet (htmx)."""
    assessment = get_assessment_for(request.user, pk)
    score = (
        ItemScore.objects.filter(assessment=assessment, pk=score_pk).only("pk", "item_id").first()
    )
    if score is None:
        raise Http404
    editable = not assessment.is_completed and can_score(scope_for(request.user), assessment)
    records = list(
        LinkedRecord.objects.filter(item_score=score)
        .order_by("record__date", "record_id")
        .values_list("record_id", "record__title", "record__date")
    )
    return render(
        request,
        "assessments/_partials/linked_records.html",
        {
            "records_html": links_html(score.item_id, records, editable, DateLabels()),
            "shown": ",".join(str(r[0]) for r in records),
            "score": score,
            "editable": editable,
        },
    )


@login_required
@require_GET
def evidence_candidates(request: HttpRequest, pk: int, score_pk: int) -> HttpResponse:
    """The not-yet-linked evidence files of an item's linked records (htmx, into the sheet)."""
    assessment = get_assessment_for(request.user, pk, write=True)
    score = (
        ItemScore.objects.filter(assessment=assessment, pk=score_pk).only("pk", "item_id").first()
    )
    if score is None:
        raise Http404
    linked = LinkedEvidence.objects.filter(item_score=score).values("evidence_id")
    files = (
        Evidence.objects.filter(
            record_id__in=LinkedRecord.objects.filter(item_score=score).values("record_id")
        )
        .exclude(pk__in=linked)
        .order_by("record_id", "pk")
        .values_list("pk", "original_name")
    )
    html = evidence_html(score.item_id, files, editable=True, checked=False)
    return HttpResponse(html or _("已关联台账中没有其他佐证文件。"))


@login_required
@require_POST
def assessment_save(request: HttpRequest, pk: int) -> HttpResponse:
    assessment = get_assessment_for(request.user, pk, write=True)
    scores = list(ItemScore.objects.filter(assessment=assessment).only("pk", "item_id"))
    rows, errors = parse_sheet(request.POST, scores)
    if not errors:
        try:
            services.save_scores(assessment, rows, request.user)
        except AssessmentError as exc:
            errors = exc.errors or {0: exc.message}
            if not exc.errors:
                messages.error(request, exc.message)
    if errors:
        if not request.htmx:
            messages.error(request, _("有条目填写有误，未保存任何得分，请改正后再保存。"))
        context = sheet_context(request, assessment, errors=errors)
        template = (
            "assessments/_partials/sheet.html"
            if request.htmx
            else "assessments/assessment_detail.html"
        )
        return render(request, template, context, status=422 if request.htmx else 200)
    if request.htmx:
        context = sheet_context(request, assessment)
        context["saved"] = True
        return render(request, "assessments/_partials/sheet.html", context)
    messages.success(request, _("得分已保存。"))
    return redirect("assessments:assessment_detail", assessment.pk)


@login_required
@require_POST
def assessment_complete(request: HttpRequest, pk: int) -> HttpResponse:
    assessment = get_assessment_for(request.user, pk, write=True)
    form = CompleteForm(request.POST)
    form.is_valid()
    try:
        services.complete_assessment(
            assessment, request.user, form.cleaned_data.get("conclusion", "")
        )
    except AssessmentError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("评审已完成。"))
    return redirect("assessments:assessment_detail", assessment.pk)


@login_required
@require_POST
def rectification_open(request: HttpRequest, pk: int, score_pk: int) -> HttpResponse:
    assessment = get_assessment_for(request.user, pk)
    if not scope_for(request.user).manages_township(assessment.township_id):
        raise PermissionDenied
    item_score = (
        ItemScore.objects.filter(assessment=assessment, pk=score_pk)
        .select_related("item", "assessment__unit")
        .first()
    )
    if item_score is None:
        raise Http404
    form = RectificationOpenForm(request.POST, today=timezone.localdate())
    if form.is_valid():
        try:
            services.open_rectification(
                by=request.user,
                item_score=item_score,
                requirement=form.cleaned_data["requirement"],
                deadline=form.cleaned_data["deadline"],
            )
        except AssessmentError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, _("已列为整改事项。"))
    else:
        messages.error(request, " ".join(e for errs in form.errors.values() for e in errs))
    return redirect("assessments:assessment_detail", assessment.pk)


# ---------------------------------------------------------------------------- applications


@login_required
@require_http_methods(["GET", "POST"])
def application_create(request: HttpRequest, campaign_pk: int) -> HttpResponse:
    campaign = get_campaign_for(request.user, campaign_pk, write=True)
    sites = Site.objects.filter(campaign=campaign, status=SiteStatus.PRECHECKED).order_by("name")
    form = ApplicationForm(
        request.POST or None,
        sites=sites,
        initial={"title": _("%(c)s验收申报") % {"c": campaign.name}},
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            application = services.submit_application(
                campaign, data["sites"], data["title"], data["summary"], request.user
            )
        except AssessmentError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, _("已向区里申报验收。"))
            return redirect("assessments:application_detail", application.pk)
    return render(
        request, "assessments/application_form.html", {"form": form, "campaign": campaign}
    )


@login_required
@require_GET
def application_detail(request: HttpRequest, pk: int) -> HttpResponse:
    application = get_application_for(request.user, pk)
    scope = scope_for(request.user)
    return render(
        request,
        "assessments/application_detail.html",
        {
            "application": application,
            "sites": application.sites.select_related("unit").order_by("name"),
            "assessments": application.assessments.select_related("site", "assessor"),
            "can_accept": application.district_id in scope.reviewer_districts
            and application.status == Application.Status.SUBMITTED,
        },
    )


# ---------------------------------------------------------------------------- rectification


@login_required
@require_GET
def rectification_list(request: HttpRequest) -> HttpResponse:
    require_any_role(request.user)
    today = timezone.localdate()
    rects = (
        Rectification.objects.visible_to(request.user)
        .select_related("unit", "township")
        .order_by("status", "deadline", "id")
    )
    status = request.GET.get("status", "")
    if status in Rectification.Status.values:
        rects = rects.filter(status=status)
    elif status == "unclosed":  # open or answered: what dashboard.metrics counts as open
        rects = rects.open()
    elif status == "overdue":
        rects = rects.overdue(today)
    campaign_id = request.GET.get("campaign", "")
    if parse_id(campaign_id) is not None:
        rects = rects.filter(campaign_id=parse_id(campaign_id))
    unit_filter = None
    unit_id = request.GET.get("unit", "")
    if parse_id(unit_id) is not None:
        rects = rects.filter(unit_id=parse_id(unit_id))
        unit_filter = next(iter(rects[:1]), None)
    counts = Rectification.objects.visible_to(request.user).aggregate(
        open=Count("pk", filter=~Q(status=Rectification.Status.CLOSED)),
        overdue=Count("pk", filter=~Q(status=Rectification.Status.CLOSED) & Q(deadline__lt=today)),
    )
    page = Paginator(rects, 50).get_page(request.GET.get("page"))
    return render(
        request,
        "assessments/rectification_list.html",
        {
            "page": page,
            "statuses": Rectification.Status.choices,
            "status": status,
            "today": today,
            "counts": counts,
            "unit_id": unit_id if parse_id(unit_id) is not None else "",
            "unit_name": unit_filter.unit.name if unit_filter else "",
            "campaign_id": campaign_id if parse_id(campaign_id) is not None else "",
        },
    )


def _answer_records(rect: Rectification):
    return (
        ActivityRecord.objects.counted()
        .filter(unit_id=rect.unit_id)
        .only("pk", "title", "date")
        .order_by("-date", "-id")[:100]
    )


@login_required
@require_GET
def rectification_detail(request: HttpRequest, pk: int) -> HttpResponse:
    rect = get_rectification_for(request.user, pk)
    scope = scope_for(request.user)
    answerable = rect.status == Rectification.Status.OPEN and can_answer(scope, rect)
    return render(
        request,
        "assessments/rectification_detail.html",
        {
            "rect": rect,
            "today": timezone.localdate(),
            "records": rect.answer_records.only("pk", "title", "date"),
            "files": rect.files.all(),
            "answer_form": AnswerForm(records=_answer_records(rect)) if answerable else None,
            "recheck_form": RecheckForm(
                initial={"score": rect.item_score.item.points if rect.item_score else None}
            )
            if rect.status == Rectification.Status.ANSWERED and can_recheck(scope, rect)
            else None,
            "can_manage": scope.manages_township(rect.township_id),
        },
    )


@login_required
@require_POST
def rectification_answer(request: HttpRequest, pk: int) -> HttpResponse:
    rect = get_rectification_for(request.user, pk, answer=True)
    form = AnswerForm(request.POST, request.FILES, records=_answer_records(rect))
    if form.is_valid():
        data = form.cleaned_data
        try:
            services.answer_rectification(
                rect,
                answer=data["answer"],
                record_ids=[r.pk for r in data["records"]],
                uploads=[data["file"]] if data.get("file") else [],
                by=request.user,
            )
        except AssessmentError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, _("整改情况已报送，等待复查。"))
            return redirect("assessments:rectification_detail", rect.pk)
    return render(
        request,
        "assessments/rectification_detail.html",
        {
            "rect": rect,
            "today": timezone.localdate(),
            "records": rect.answer_records.only("pk", "title", "date"),
            "files": rect.files.all(),
            "answer_form": form,
        },
    )


@login_required
@require_POST
def rectification_recheck(request: HttpRequest, pk: int) -> HttpResponse:
    rect = get_rectification_for(request.user, pk, recheck=True)
    form = RecheckForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        try:
            services.recheck_rectification(
                rect,
                close=data["decision"] == "close",
                note=data["note"],
                by=request.user,
                score=data["score"],
            )
        except AssessmentError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(
                request,
                _("已复查销号。") if data["decision"] == "close" else _("已退回重新整改。"),
            )
    else:
        messages.error(request, " ".join(e for errs in form.errors.values() for e in errs))
    return redirect("assessments:rectification_detail", rect.pk)


@login_required
@require_GET
def rectification_file(request: HttpRequest, pk: int, file_pk: int) -> HttpResponse:
    rect = get_rectification_for(request.user, pk)
    item = rect.files.filter(pk=file_pk).first()
    if item is None:
        raise Http404
    return send_file(item.file.name, item.original_name)
