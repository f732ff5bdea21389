"""Picking ledger records for a score-sheet item by searching title, unit and date.

With htmx the search answers with checkboxes that land inside the sheet's own form (saved with
the sheet); without JavaScript the same URL is a page with a search box and a form that links
the chosen records to the item."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from assessments import services
from assessments.access import get_assessment_for
from assessments.models import ItemScore, LinkedRecord
from assessments.services import AssessmentError


@login_required
@require_http_methods(["GET", "POST"])
def record_pick(request: HttpRequest, pk: int, score_pk: int) -> HttpResponse:
    assessment = get_assessment_for(request.user, pk, write=True)
    score = ItemScore.objects.filter(assessment=assessment, pk=score_pk).select_related("item")
    score = score.first()
    if score is None:
        raise Http404
    if request.method == "POST":
        try:
            ids = [int(v) for v in request.POST.getlist("records")]
        except ValueError:
            ids = None
        if not ids:
            messages.error(request, _("请勾选要关联的活动记录。"))
        else:
            try:
                added = services.link_records(assessment, score.pk, ids)
            except AssessmentError as exc:
                messages.error(request, exc.message)
            else:
                messages.success(request, _("已关联 %(n)d 条活动记录。") % {"n": added})
                url = reverse("assessments:assessment_detail", args=[assessment.pk])
                return redirect(f"{url}#item-{score.item_id}")
    query = request.GET.get("q", "").strip()
    linked = set(LinkedRecord.objects.filter(item_score=score).values_list("record_id", flat=True))
    found = list(services.search_linkable(assessment, query)) if query else []
    context = {
        "assessment": assessment,
        "score": score,
        "query": query,
        "found": [r for r in found if r.pk not in linked],
        "searched": bool(query),
    }
    if request.htmx:
        return render(request, "assessments/_partials/record_found.html", context)
    return render(request, "assessments/record_pick.html", context)
