"""Units and liaisons from the office's Excel list (姓名 / 单位 / 角色 / 手机号), all or nothing.

A row names a person and where they work; a unit not yet in the township is created when the
row gives its type. New people get a one-time password, shown once on the result page and
changed at their first login. Like the task import: parse (no writes), a dry-run preview,
commit on confirm.
"""

from __future__ import annotations

import io
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Font, PatternFill

from organisations import services
from organisations.models import Organisation, Role, User
from organisations.sheets import Column, ImportFailed, open_workbook, read_table

COLUMNS = [
    Column("full_name", "姓名", ("联络员", "联络员姓名", "人员"), True),
    Column("unit", "单位", ("单位名称", "所在单位", "工作单位"), True),
    Column("role", "角色", ("身份", "职责")),
    Column("phone", "手机号", ("手机", "电话", "联系电话", "手机号码")),
    Column("username", "登录名", ("账号", "用户名")),
    Column("title", "职务", ()),
    Column("unit_type", "单位类型", ("类型",)),
]
ROLE_WORDS = {
    "": Role.Kind.LIAISON,
    "联络员": Role.Kind.LIAISON,
    "创建办工作人员": Role.Kind.OFFICE,
    "创建办": Role.Kind.OFFICE,
    "工作人员": Role.Kind.OFFICE,
    "领导": Role.Kind.LEADER,
}


@dataclass
class PeopleResult:
    people: int = 0
    roles: int = 0
    units: int = 0
    errors: list[str] = field(default_factory=list)
    preview: list[dict] = field(default_factory=list)
    passwords: list[dict] = field(default_factory=list)  # only on commit, shown once


class _DryRun(Exception):
    pass


def template_workbook() -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.title = "联络员"
    sheet.append([c.label for c in COLUMNS])
    for i in range(1, len(COLUMNS) + 1):
        cell = sheet.cell(row=1, column=i)
        cell.font = Font(bold=True)
        cell.fill = PatternFill("solid", fgColor="F2DCDB")
    sheet.append(["张三", "东风村委会", "联络员", "13800000000", "", "村支部委员", ""])
    sheet.append(["李四", "新建的单位", "联络员", "13900000000", "lisi", "", "企业"])
    notes = book.create_sheet("说明")
    notes.append([_("角色可填：联络员、创建办工作人员、领导（空为联络员）。")])
    notes.append(
        [
            _("单位类型只在单位尚未建立时填写，可填：")
            + "、".join(str(label) for _v, label in Organisation.UnitType.choices)
        ]
    )
    notes.append([_("登录名不填时用手机号。创建办工作人员和领导的“单位”填镇名。")])
    notes.append([_("任一行有误，整张表都不导入，所有错误一次列出。")])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def parse_workbook(upload) -> dict:
    book = open_workbook(upload)
    try:
        table = read_table(book[book.sheetnames[0]], COLUMNS, book.sheetnames[0])
    finally:
        book.close()
    return {"rows": table.rows}


def apply_import(township: Organisation, payload: dict, *, commit: bool) -> PeopleResult:
    result = PeopleResult()
    try:
        with transaction.atomic():
            _apply(township, payload.get("rows") or [], result, commit=commit)
            if result.errors:
                raise ImportFailed(result.errors)
            if not result.roles and not result.units:
                raise ImportFailed([_("表中没有可导入的人员。")])
            if not commit:
                raise _DryRun
    except _DryRun:
        result.passwords = []
    return result


def _apply(township: Organisation, rows: list[dict], result: PeopleResult, *, commit: bool) -> None:
    types = {}
    for value, label in Organisation.UnitType.choices:
        types[str(label)] = value
        types[value] = value
    units = {
        u.name: u for u in Organisation.objects.units().filter(township=township, is_active=True)
    }
    for u in list(units.values()):
        if u.short_name:
            units.setdefault(u.short_name, u)
    made_users: dict[str, User] = {}
    for row in rows:
        values = row["values"]
        prefix = _("第%(row)d行：") % {"row": row["row"]}
        problems = []
        name = values.get("full_name", "")
        if not name:
            problems.append(_("姓名不能为空。"))
        kind = ROLE_WORDS.get(values.get("role", "").strip())
        if kind is None:
            problems.append(
                _("角色“%(v)s”无效，可填：联络员、创建办工作人员、领导。") % {"v": values["role"]}
            )
        unit_name = values.get("unit", "")
        organisation = None
        if kind in (Role.Kind.OFFICE, Role.Kind.LEADER):
            if unit_name not in (township.name, ""):
                problems.append(
                    _("创建办工作人员和领导的“单位”应填本镇“%(t)s”。") % {"t": township.name}
                )
            organisation = township
        elif kind == Role.Kind.LIAISON:
            organisation = units.get(unit_name)
            if not unit_name:
                problems.append(_("单位不能为空。"))
            elif organisation is None:
                unit_type = types.get(values.get("unit_type", ""))
                if not values.get("unit_type"):
                    problems.append(
                        _("单位“%(v)s”不是本镇的单位（如需新建，请填写“单位类型”）。")
                        % {"v": unit_name}
                    )
                elif unit_type is None:
                    problems.append(_("单位类型“%(v)s”无效。") % {"v": values["unit_type"]})
                elif not problems:
                    try:
                        organisation = services.create_unit(
                            township, name=unit_name, unit_type=unit_type
                        )
                    except ValidationError as err:
                        problems += err.messages
                    else:
                        units[unit_name] = organisation
                        result.units += 1
        phone = values.get("phone", "")
        if phone and not all(c.isdigit() or c in "+- " for c in phone):
            problems.append(_("手机号“%(v)s”格式不正确。") % {"v": phone})
        username = values.get("username", "") or phone
        if not username:
            problems.append(_("请填写登录名或手机号（不填登录名时用手机号登录）。"))
        if problems:
            result.errors += [prefix + p for p in problems]
            continue
        user = made_users.get(username.lower())
        password = None
        if user is None:
            existing = User.objects.filter(username__iexact=username).first()
            if existing is not None:
                here = Role.objects.filter(user=existing).filter(
                    organisation__township=township
                ) | Role.objects.filter(user=existing, organisation=township)
                if not here.exists():
                    result.errors.append(
                        prefix + _("登录名“%(v)s”已被其他镇的人员使用。") % {"v": username}
                    )
                    continue
                user = existing
            else:
                try:
                    user, password = services.add_person(
                        username=username,
                        full_name=name,
                        phone=phone,
                        organisation=organisation,
                        kind=kind,
                        title=values.get("title", ""),
                        usable=commit,
                    )
                except ValidationError as err:
                    result.errors += [prefix + m for m in err.messages]
                    continue
                made_users[username.lower()] = user
                result.people += 1
                result.roles += 1
                result.passwords.append(
                    {"full_name": name, "username": username, "password": password}
                )
        if password is None:
            try:
                services.give_role(user, organisation, kind, values.get("title", ""))
            except ValidationError as err:
                result.errors += [prefix + m for m in err.messages]
                continue
            result.roles += 1
        result.preview.append(
            {
                "row": row["row"],
                "full_name": name,
                "username": username,
                "phone": phone,
                "organisation": organisation.name,
                "role": str(Role.Kind(kind).label),
                "new_person": password is not None,
            }
        )
