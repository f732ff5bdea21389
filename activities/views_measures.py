"""The office's page for what each activity type counts (verb, object, measure word)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from activities import measures
from activities.forms import MeasureForm
from activities.models import ActivityMeasure
from organisations.access import scope_for
from organisations.models import Organisation
from organisations.params import parse_id


def _township(request) -> Organisation:
    scope = scope_for(request.user)
    if not (scope.is_office or scope.is_superuser):
        if scope.is_liaison or scope.is_leader or scope.is_reviewer:
            raise PermissionDenied
        raise Http404
    townships = Organisation.objects.townships()
    if not scope.is_superuser:
        townships = townships.filter(pk__in=scope.office_townships)
    pk = request.GET.get("township", "")
    township = (
        townships.filter(pk=parse_id(pk)).first()
        if parse_id(pk)
        else townships.order_by("name").first()
    )
    if township is None:
        raise Http404
    return township


@login_required
def measure_settings(request: HttpRequest) -> HttpResponse:
    township = _township(request)
    current = measures.measures_for(township.pk)
    form = MeasureForm(request.POST or None, measures=current)
    if request.method == "POST" and form.is_valid():
        changed = measures.save_measures(township, form.rows(), request.user)
        messages.success(request, _("已保存，修改了 %(n)s 个活动类型的计量。") % {"n": changed})
        return redirect(f"{request.path}?township={township.pk}")
    history = (
        ActivityMeasure.history.filter(township_id=township.pk)
        .select_related("history_user")
        .order_by("-history_date")[:20]
    )
    return render(
        request,
        "activities/measure_settings.html",
        {"township": township, "form": form, "rows": form.grouped(), "history": history},
    )
