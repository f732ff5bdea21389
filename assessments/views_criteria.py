"""Criteria sets: list, detail, Excel import, copy into a new version."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from assessments import services
from assessments.access import (
    can_edit_criteria,
    criteria_districts,
    get_criteria_set_for,
    require_any_role,
)
from assessments.criteria_import import ImportErrors, import_criteria
from assessments.forms import CriteriaImportForm
from assessments.models import CriteriaSet
from organisations.access import scope_for
from organisations.models import Organisation


@login_required
@require_GET
def criteria_list(request: HttpRequest) -> HttpResponse:
    scope = require_any_role(request.user)
    sets = CriteriaSet.objects.visible_to(request.user).select_related("district")
    return render(
        request,
        "assessments/criteria_list.html",
        {"sets": sets, "can_import": bool(criteria_districts(scope))},
    )


@login_required
@require_GET
def criteria_detail(request: HttpRequest, pk: int) -> HttpResponse:
    cs = get_criteria_set_for(request.user, pk)
    groups = list(cs.groups.all())
    items = list(cs.items.select_related("auto_domain").order_by("order", "id"))
    for group in groups:
        group.rows = [i for i in items if i.group_id == group.pk]
        group.points = sum(i.points for i in group.rows)
    return render(
        request,
        "assessments/criteria_detail.html",
        {
            "cs": cs,
            "groups": groups,
            "total": sum(i.points for i in items),
            "can_edit": can_edit_criteria(scope_for(request.user), cs),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def criteria_import(request: HttpRequest) -> HttpResponse:
    districts = criteria_districts(scope_for(request.user))
    if not districts:
        raise PermissionDenied
    form = CriteriaImportForm(
        request.POST or None,
        request.FILES or None,
        districts=Organisation.objects.filter(pk__in=districts),
    )
    row_errors = []
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            cs = import_criteria(
                data["file"],
                district=data["district"],
                name=data["name"],
                pass_line=data["pass_line"],
                doc_number=data["doc_number"],
                by=request.user,
            )
        except ImportErrors as exc:
            row_errors = exc.rows
        else:
            messages.success(request, _("评审标准已导入。"))
            return redirect("assessments:criteria_detail", cs.pk)
    return render(
        request, "assessments/criteria_import.html", {"form": form, "row_errors": row_errors}
    )


@login_required
@require_POST
def criteria_copy(request: HttpRequest, pk: int) -> HttpResponse:
    cs = get_criteria_set_for(request.user, pk, write=True)
    copy = services.copy_criteria_set(cs, request.user)
    messages.success(request, _("已复制为第 %(v)s 版，可以修改。") % {"v": copy.version})
    return redirect("assessments:criteria_detail", copy.pk)
