"""The register of publicity positions (宣传阵地): list with last-updated dates, register,
detail with every update, record an update (on a phone), change, photos."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from organisations.access import Scope, get_object_for, scope_for
from organisations.models import Organisation
from sites import positions
from sites.files import send_file
from sites.forms import PositionChangeForm, PositionForm, PositionUpdateForm
from sites.models import Position, PositionKind, PositionUpdate


def can_change(scope: Scope, position: Position) -> bool:
    """The unit's liaisons and the township's office keep the register."""
    return scope.files_for_unit(position.unit_id) or scope.manages_township(position.township_id)


def get_position_for(user, pk, *, write: bool = False) -> Position:
    return get_object_for(
        user,
        Position.objects.select_related("unit", "township", "created_by"),
        pk,
        write=write,
        can_write=can_change,
    )


def _require_reader(user) -> Scope:
    scope = scope_for(user)
    if not (
        scope.is_superuser
        or scope.readable_townships
        or scope.liaison_units
        or scope.leader_districts
    ):
        raise PermissionDenied
    return scope


def _stale_days(user) -> int:
    from campaigns.access import campaigns_for

    return positions.stale_after(campaigns_for(user).first())


def _errors(form) -> str:
    return " ".join(str(e) for errs in form.errors.values() for e in errs)


@login_required
@require_GET
def position_list(request: HttpRequest) -> HttpResponse:
    scope = _require_reader(request.user)
    today = timezone.localdate()
    days = _stale_days(request.user)
    limit = today - dt.timedelta(days=days)
    rows = (
        Position.objects.visible_to(request.user)
        .with_last_update()
        .select_related("unit")
        .order_by("last_updated_on", "unit__name", "name")
    )
    kind = request.GET.get("kind", "")
    if kind in PositionKind.values:
        rows = rows.filter(kind=kind)
    stale = request.GET.get("stale") == "1"
    if stale:
        rows = rows.filter(is_active=True, last_updated_on__lt=limit)
    page = Paginator(rows, 50).get_page(request.GET.get("page"))
    for row in page:
        row.days_since = (today - row.last_updated_on).days
        row.is_stale = row.is_active and row.last_updated_on < limit
    return render(
        request,
        "sites/position_list.html",
        {
            "page": page,
            "kinds": PositionKind.choices,
            "kind": kind,
            "stale": stale,
            "days": days,
            "can_create": scope.is_liaison or scope.is_office,
        },
    )


def _register_units(scope: Scope):
    ids = set(scope.liaison_units)
    query = Organisation.objects.units().filter(is_active=True)
    if scope.office_townships:
        return query.filter(pk__in=ids) | query.filter(township__in=scope.office_townships)
    return query.filter(pk__in=ids)


@login_required
@require_http_methods(["GET", "POST"])
def position_create(request: HttpRequest) -> HttpResponse:
    scope = scope_for(request.user)
    if not (scope.is_liaison or scope.is_office):
        raise PermissionDenied
    units = _register_units(scope).order_by("name")
    form = PositionForm(request.POST or None, request.FILES or None, units=units)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            position = positions.create_position(data["unit"], data, data["photo"], request.user)
        except positions.PositionError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, _("宣传阵地已登记。"))
            return redirect("sites:position_detail", position.pk)
    return render(request, "sites/position_form.html", {"form": form})


@login_required
@require_GET
def position_detail(request: HttpRequest, pk: int) -> HttpResponse:
    position = get_position_for(request.user, pk)
    scope = scope_for(request.user)
    updates = list(position.updates.select_related("by"))
    last = updates[0].updated_on if updates else position.set_up_on
    days = _stale_days(request.user)
    today = timezone.localdate()
    return render(
        request,
        "sites/position_detail.html",
        {
            "position": position,
            "updates": updates,
            "last_updated_on": last,
            "days_since": (today - last).days,
            "is_stale": position.is_active and (today - last).days > days,
            "days": days,
            "can_change": can_change(scope, position),
            "update_form": PositionUpdateForm(initial={"updated_on": today}),
        },
    )


@login_required
@require_POST
def position_update(request: HttpRequest, pk: int) -> HttpResponse:
    position = get_position_for(request.user, pk, write=True)
    form = PositionUpdateForm(request.POST, request.FILES)
    if form.is_valid():
        data = form.cleaned_data
        try:
            positions.add_update(
                position, data["updated_on"], data["content"], data["photo"], request.user
            )
        except positions.PositionError as exc:
            messages.error(request, str(exc))
        else:
            messages.success(request, _("更新已登记。"))
    else:
        messages.error(request, _errors(form))
    return redirect("sites:position_detail", position.pk)


@login_required
@require_http_methods(["GET", "POST"])
def position_edit(request: HttpRequest, pk: int) -> HttpResponse:
    position = get_position_for(request.user, pk, write=True)
    form = PositionChangeForm(request.POST or None, instance=position)
    if request.method == "POST" and form.is_valid():
        try:
            positions.change_position(position, form.cleaned_data, request.user)
        except positions.PositionError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, _("已保存。"))
            return redirect("sites:position_detail", position.pk)
    return render(request, "sites/position_form.html", {"form": form, "position": position})


@login_required
@require_GET
def position_photo(request: HttpRequest, pk: int) -> HttpResponse:
    position = get_position_for(request.user, pk)
    return send_file(position.photo.name, position.photo.name.rsplit("/", 1)[-1], inline=True)


@login_required
@require_GET
def position_update_photo(request: HttpRequest, pk: int) -> HttpResponse:
    try:
        update = (
            PositionUpdate.objects.select_related("position")
            .filter(position__in=Position.objects.visible_to(request.user))
            .get(pk=pk)
        )
    except (PositionUpdate.DoesNotExist, ValueError, TypeError):
        raise Http404 from None
    return send_file(update.photo.name, update.photo.name.rsplit("/", 1)[-1], inline=True)
