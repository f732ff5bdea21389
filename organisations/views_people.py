"""The office's own pages for units and people (no /admin/ needed), scoped to its townships."""

from __future__ import annotations

from urllib.parse import quote

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Prefetch
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from organisations import people_import, services, sheets
from organisations.access import (
    get_person_for,
    get_unit_for,
    office_townships_of,
    people_visible_to,
    scope_for,
)
from organisations.forms import (
    MergeForm,
    MoveLiaisonForm,
    PeopleImportForm,
    PersonForm,
    RoleFields,
    UnitForm,
)
from organisations.models import Organisation, Role, StagedImport

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _office_townships(request):
    townships = office_townships_of(request.user)
    if not townships.exists():
        scope = scope_for(request.user)
        if scope.readable_townships or scope.leader_districts:
            raise PermissionDenied
        raise Http404
    return townships


def _form_errors(form, err: ValidationError) -> None:
    if hasattr(err, "error_dict"):
        for name, errors in err.message_dict.items():
            form.add_error(name if name in form.fields else None, errors)
    else:
        form.add_error(None, err.messages)


# --- units ---------------------------------------------------------------------------------


@login_required
def unit_create(request: HttpRequest) -> HttpResponse:
    townships = _office_townships(request)
    form = UnitForm(request.POST or None, townships=townships)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        township = data.pop("parent")
        try:
            unit = services.create_unit(township, **data)
        except ValidationError as err:
            _form_errors(form, err)
        else:
            messages.success(request, _("已新增单位“%(name)s”。") % {"name": unit.name})
            return redirect("organisations:unit_detail", pk=unit.pk)
    return render(request, "organisations/unit_form.html", {"form": form, "unit": None})


@login_required
def unit_edit(request: HttpRequest, pk: int) -> HttpResponse:
    unit = get_unit_for(request.user, pk, write=True)
    form = UnitForm(request.POST or None, instance=unit, townships=_office_townships(request))
    if request.method == "POST" and form.is_valid():
        try:
            services.update_unit(unit.pk, form.cleaned_data)
        except ValidationError as err:
            _form_errors(form, err)
        else:
            messages.success(request, _("单位信息已保存。"))
            return redirect("organisations:unit_detail", pk=unit.pk)
    return render(request, "organisations/unit_form.html", {"form": form, "unit": unit})


@login_required
@require_POST
def unit_set_active(request: HttpRequest, pk: int, active: int) -> HttpResponse:
    unit = get_unit_for(request.user, pk, write=True)
    try:
        services.set_unit_active(unit.pk, bool(active))
    except ValidationError as err:
        messages.error(request, " ".join(err.messages))
    else:
        messages.success(request, _("单位已启用。") if active else _("单位已停用。"))
    return redirect("organisations:unit_detail", pk=unit.pk)


@login_required
def unit_merge(request: HttpRequest, pk: int) -> HttpResponse:
    unit = get_unit_for(request.user, pk, write=True)
    form = MergeForm(request.POST or None, unit=unit)
    if request.method == "POST" and form.is_valid():
        survivor = form.cleaned_data["survivor"]
        try:
            moved = services.merge_units(unit.pk, survivor.pk)
        except ValidationError as err:
            form.add_error(None, err.messages)
        else:
            summary = "，".join(f"{label}{n}条" for label, n in moved.items()) or _("无")
            messages.success(
                request,
                _("“%(merged)s”已并入“%(survivor)s”，转移：%(summary)s。")
                % {"merged": unit.name, "survivor": survivor.name, "summary": summary},
            )
            return redirect("organisations:unit_detail", pk=survivor.pk)
    return render(request, "organisations/unit_merge.html", {"form": form, "unit": unit})


# --- people --------------------------------------------------------------------------------


@login_required
def person_list(request: HttpRequest) -> HttpResponse:
    townships = _office_townships(request)
    roles = Role.objects.filter(organisation__in=townships) | Role.objects.filter(
        organisation__township__in=townships
    )
    people = (
        people_visible_to(request.user)
        .prefetch_related(
            Prefetch(
                "roles",
                queryset=roles.select_related("organisation").order_by("kind"),
                to_attr="township_roles",
            )
        )
        .order_by("full_name", "username")
    )
    query = request.GET.get("q", "").strip()
    if query:
        people = people.filter(full_name__icontains=query) | people.filter(
            username__icontains=query
        )
    return render(request, "organisations/person_list.html", {"people": people[:500], "q": query})


@login_required
def person_create(request: HttpRequest) -> HttpResponse:
    townships = _office_townships(request)
    form = PersonForm(request.POST or None, townships=townships)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            person, password = services.add_person(
                username=data["username"],
                full_name=data["full_name"],
                phone=data["phone"],
                organisation=data["organisation"],
                kind=data["kind"],
                title=data["title"],
            )
        except ValidationError as err:
            _form_errors(form, err)
        else:
            # Shown in this response only: never stored, never sent again.
            return render(
                request,
                "organisations/one_time_password.html",
                {"person": person, "password": password, "new": True},
            )
    return render(request, "organisations/person_form.html", {"form": form})


@login_required
def person_detail(request: HttpRequest, pk: int) -> HttpResponse:
    person = get_person_for(request.user, pk)
    townships = _office_townships(request)
    roles = list(
        (
            Role.objects.filter(user=person, organisation__in=townships)
            | Role.objects.filter(user=person, organisation__township__in=townships)
        ).select_related("organisation")
    )
    for role in roles:
        role.move_form = (
            MoveLiaisonForm(role=role, prefix=f"move{role.pk}")
            if role.kind == Role.Kind.LIAISON
            else None
        )
    return render(
        request,
        "organisations/person_detail.html",
        {"person": person, "roles": roles, "role_form": RoleFields(townships=townships)},
    )


@login_required
@require_POST
def role_add(request: HttpRequest, pk: int) -> HttpResponse:
    person = get_person_for(request.user, pk)
    form = RoleFields(request.POST, townships=_office_townships(request))
    if form.is_valid():
        data = form.cleaned_data
        try:
            services.give_role(person, data["organisation"], data["kind"], data["title"])
        except ValidationError as err:
            messages.error(request, " ".join(err.messages))
        else:
            messages.success(request, _("已添加角色。"))
    else:
        messages.error(request, " ".join(m for ms in form.errors.values() for m in ms))
    return redirect("organisations:person_detail", pk=person.pk)


def _role_for(request, pk: int) -> Role:
    townships = _office_townships(request)
    role = (
        Role.objects.filter(pk=pk, organisation__in=townships)
        | Role.objects.filter(pk=pk, organisation__township__in=townships)
    ).first()
    if role is None:
        raise Http404
    return role


@login_required
@require_POST
def role_remove(request: HttpRequest, pk: int) -> HttpResponse:
    role = _role_for(request, pk)
    try:
        services.take_role(role.pk)
    except ValidationError as err:
        messages.error(request, " ".join(err.messages))
    else:
        messages.success(request, _("已取消该角色。"))
    return redirect("organisations:person_detail", pk=role.user_id)


@login_required
@require_POST
def role_move(request: HttpRequest, pk: int) -> HttpResponse:
    role = _role_for(request, pk)
    if role.kind != Role.Kind.LIAISON:
        raise Http404
    form = MoveLiaisonForm(request.POST, role=role, prefix=f"move{role.pk}")
    if form.is_valid():
        try:
            services.move_liaison(role.pk, form.cleaned_data["unit"])
        except ValidationError as err:
            messages.error(request, " ".join(err.messages))
        else:
            messages.success(
                request,
                _("联络员已调整到“%(unit)s”。") % {"unit": form.cleaned_data["unit"].name},
            )
    else:
        messages.error(request, _("请选择本镇一个启用中的单位。"))
    return redirect("organisations:person_detail", pk=role.user_id)


@login_required
@require_POST
def password_reset(request: HttpRequest, pk: int) -> HttpResponse:
    person = get_person_for(request.user, pk)
    if person.pk == request.user.pk:
        messages.error(request, _("请在“修改密码”中修改自己的密码。"))
        return redirect("organisations:person_detail", pk=person.pk)
    try:
        password = services.reset_password(person.pk)
    except ValidationError as err:
        messages.error(request, " ".join(err.messages))
        return redirect("organisations:person_detail", pk=person.pk)
    return render(
        request,
        "organisations/one_time_password.html",
        {"person": person, "password": password, "new": False},
    )


# --- import --------------------------------------------------------------------------------


@login_required
def people_template(request: HttpRequest) -> HttpResponse:
    _office_townships(request)
    response = HttpResponse(people_import.template_workbook(), content_type=XLSX)
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote('联络员导入模板.xlsx')}"
    return response


@login_required
def people_import_view(request: HttpRequest) -> HttpResponse:
    townships = _office_townships(request)
    form = PeopleImportForm(request.POST or None, request.FILES or None)
    chosen = townships.filter(pk=request.POST.get("township") or 0).first() or townships.first()
    errors: list[str] = []
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            payload = people_import.parse_workbook(upload)
            people_import.apply_import(chosen, payload, commit=False)
        except sheets.ImportFailed as failed:
            errors = failed.errors
        else:
            staged = sheets.stash(
                StagedImport.Kind.PEOPLE, chosen.pk, request.user, payload, filename=upload.name
            )
            return redirect("organisations:people_import_preview", token=staged.token)
    return render(
        request,
        "organisations/people_import.html",
        {"form": form, "errors": errors, "townships": townships, "chosen": chosen},
    )


@login_required
def people_import_preview(request: HttpRequest, token) -> HttpResponse:
    staged = sheets.get_staged_for(request.user, token, kind=StagedImport.Kind.PEOPLE)
    township = Organisation.objects.get(pk=staged.township_id)
    errors: list[str] = []
    result = None
    if request.method == "POST":
        with transaction.atomic():
            staged = sheets.get_staged_for(
                request.user, token, kind=StagedImport.Kind.PEOPLE, lock=True
            )
            if staged.committed_at:
                messages.info(request, _("这张表已经导入过，没有重复导入。"))
                return redirect("organisations:person_list")
            if sheets.is_expired(staged):
                errors = [_("预览已超过24小时，请重新上传。")]
            else:
                try:
                    result = people_import.apply_import(township, staged.payload, commit=True)
                except sheets.ImportFailed as failed:
                    errors = failed.errors
                else:
                    staged.committed_at = timezone.now()
                    staged.result = {"people": result.people, "roles": result.roles}
                    staged.save(update_fields=["committed_at", "result"])
        if not errors:
            return render(
                request,
                "organisations/people_import_done.html",
                {"result": result, "township": township},
            )
    elif staged.committed_at:
        messages.info(request, _("这张表已经导入过，没有重复导入。"))
        return redirect("organisations:person_list")
    else:
        try:
            result = people_import.apply_import(township, staged.payload, commit=False)
        except sheets.ImportFailed as failed:
            errors = failed.errors
    return render(
        request,
        "organisations/people_import_preview.html",
        {"staged": staged, "result": result, "errors": errors, "township": township},
    )
