"""Excel in and out: the import template, importing units and tasks (all or nothing), export.

The workbook has a sheet "任务" (one task per row) and optionally a sheet "单位" (units to
add to the township before the tasks are read). Every row goes through the same rules as the
task form; one bad row and nothing is saved, the errors come back with their row numbers.
"""

from __future__ import annotations

import datetime as dt
import io
import uuid
from dataclasses import dataclass, field

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl import Workbook, load_workbook
from openpyxl.styles import Font, PatternFill
from openpyxl.utils import get_column_letter

from activities.types import ActivityType
from campaigns import progress
from campaigns.forms import TaskForm
from campaigns.models import Campaign, Task
from campaigns.services import save_task
from organisations.models import Domain, Organisation

TASK_SHEET = "任务"
UNIT_SHEET = "单位"
TASK_COLUMNS = [
    ("domain", "领域"),
    ("title", "任务名称"),
    ("description", "内容要求"),
    ("lead_unit", "牵头单位"),
    ("co_units", "协办单位（多个用“、”分隔）"),
    ("measure", "计量方式"),
    ("target_count", "目标数"),
    ("target_unit", "计量单位"),
    ("target_base", "覆盖基数"),
    ("recurrence", "频次"),
    ("start_date", "开始日期"),
    ("due_date", "截止日期"),
    ("activity_types", "计入的活动类型（多个用“、”分隔，空为不限）"),
]
UNIT_COLUMNS = [("name", "单位名称"), ("unit_type", "单位类型"), ("main_domain", "主要领域")]
SEPARATORS = ("、", ",", "，", ";", "；")


class ImportFailed(Exception):
    def __init__(self, errors: list[str]):
        super().__init__("\n".join(errors))
        self.errors = errors


@dataclass
class ImportResult:
    units: int = 0
    tasks: int = 0
    errors: list[str] = field(default_factory=list)


def _split(value) -> list[str]:
    text = str(value or "").strip()
    for sep in SEPARATORS[1:]:
        text = text.replace(sep, SEPARATORS[0])
    return [part.strip() for part in text.split(SEPARATORS[0]) if part.strip()]


def _label_map(choices) -> dict[str, str]:
    mapping = {}
    for value, label in choices:
        mapping[str(label)] = value
        mapping[value] = value
    return mapping


def _cell(value):
    if isinstance(value, dt.datetime):
        return value.date().isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return "" if value is None else str(value).strip()


def _rows(sheet, columns):
    """(row number, {key: value}) for every non-empty row under the header."""
    for number, row in enumerate(sheet.iter_rows(min_row=2, values_only=True), start=2):
        if all(v is None or str(v).strip() == "" for v in row):
            continue
        values = list(row) + [None] * len(columns)
        yield number, {key: values[i] for i, (key, _label) in enumerate(columns)}


# --- template and export -----------------------------------------------------------------


def _sheet(workbook, title, columns, first=False):
    sheet = workbook.active if first else workbook.create_sheet()
    sheet.title = title
    sheet.append([label for _key, label in columns])
    for i in range(1, len(columns) + 1):
        cell = sheet.cell(row=1, column=i)
        cell.font = Font(bold=True)
        cell.fill = PatternFill("solid", fgColor="F2DCDB")
        sheet.column_dimensions[get_column_letter(i)].width = 18
    sheet.freeze_panes = "A2"
    return sheet


def _save(workbook) -> bytes:
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def template_workbook(campaign: Campaign) -> bytes:
    workbook = Workbook()
    tasks = _sheet(workbook, TASK_SHEET, TASK_COLUMNS, first=True)
    domain = campaign.domains.order_by("order").first()
    unit = Organisation.objects.units().filter(township_id=campaign.township_id).first()
    tasks.append(
        [
            domain.name if domain else "进学校",
            "每学期一堂反腐倡廉教育课",
            "每学期为学生上一堂反腐倡廉教育课或组织观看一次电教片",
            unit.name if unit else "镇中心小学",
            "",
            str(Task.Measure.ACTIVITIES.label),
            1,
            "堂",
            "",
            str(Task.Recurrence.SEMESTER.label),
            campaign.start_date,
            campaign.end_date,
            f"{ActivityType.LECTURE.label}、{ActivityType.FILM.label}",
        ]
    )
    _sheet(workbook, UNIT_SHEET, UNIT_COLUMNS)
    notes = workbook.create_sheet("说明")
    notes.append(
        [_("计量方式可填：") + "、".join(str(label) for _v, label in Task.Measure.choices)]
    )
    notes.append([_("频次可填：") + "、".join(str(label) for _v, label in Task.Recurrence.choices)])
    notes.append(
        [_("活动类型可填：") + "、".join(str(label) for _v, label in ActivityType.choices)]
    )
    notes.append(
        [_("单位类型可填：") + "、".join(str(label) for _v, label in Organisation.UnitType.choices)]
    )
    notes.append([_("领域可填：") + "、".join(d.name for d in campaign.domains.all())])
    notes.append([_("日期格式：2026-05-20。任一行有误则整张表都不导入。")])
    return _save(workbook)


def export_workbook(tasks, today: dt.date | None = None) -> bytes:
    """The tasks (a queryset) with their targets and derived progress."""
    today = today or timezone.localdate()
    workbook = Workbook()
    columns = TASK_COLUMNS + [("periods", "期间完成"), ("status", "状态"), ("next", "下一期限")]
    sheet = _sheet(workbook, TASK_SHEET, columns, first=True)
    types = dict(ActivityType.choices)
    tasks = tasks.select_related("domain", "lead_unit").prefetch_related("co_units", "periods")
    for task in tasks.iterator(chunk_size=500):
        summary = progress.task_summary(task, today)
        sheet.append(
            [
                task.domain.name,
                task.title,
                task.description,
                task.lead_unit.name,
                "、".join(u.name for u in task.co_units.all()),
                task.get_measure_display(),
                task.target_count,
                task.target_unit,
                task.target_base,
                task.get_recurrence_display(),
                task.start_date,
                task.due_date,
                "、".join(str(types.get(t, t)) for t in task.activity_types),
                f"{summary.done}/{summary.total}",
                str(summary.status_label),
                summary.next_period.due_date if summary.next_period else None,
            ]
        )
    return _save(workbook)


# --- import ------------------------------------------------------------------------------


def _open(upload):
    try:
        return load_workbook(upload, read_only=True, data_only=True)
    except Exception as err:  # openpyxl raises many kinds for a non-workbook
        raise ImportFailed([_("无法读取该文件，请使用下载的模板（.xlsx）。")]) from err


def import_workbook(campaign: Campaign, upload) -> ImportResult:
    """Import the units and tasks of the workbook into the campaign, all or nothing."""
    workbook = _open(upload)
    if TASK_SHEET not in workbook.sheetnames:
        raise ImportFailed([_("找不到“任务”工作表，请使用下载的模板。")])
    result = ImportResult()
    try:
        with transaction.atomic():
            if UNIT_SHEET in workbook.sheetnames:
                result.units = _import_units(campaign, workbook[UNIT_SHEET], result.errors)
            result.tasks = _import_tasks(campaign, workbook[TASK_SHEET], result.errors)
            if result.errors:
                raise ImportFailed(result.errors)
            if not result.tasks and not result.units:
                raise ImportFailed([_("表中没有数据。")])
    finally:
        workbook.close()
    return result


def _import_units(campaign, sheet, errors) -> int:
    types = _label_map(Organisation.UnitType.choices)
    domains = {d.name: d for d in Domain.objects.all()}
    township = campaign.township
    existing = set(
        Organisation.objects.units().filter(township=township).values_list("name", flat=True)
    )
    made = 0
    for number, row in _rows(sheet, UNIT_COLUMNS):
        name = _cell(row["name"])
        prefix = _("“单位”表第%(row)d行：") % {"row": number}
        if not name:
            errors.append(prefix + _("单位名称不能为空。"))
            continue
        if name in existing:
            continue  # already there: tasks may refer to it
        unit_type = types.get(_cell(row["unit_type"]))
        if unit_type is None:
            errors.append(prefix + _("单位类型“%(v)s”无效。") % {"v": _cell(row["unit_type"])})
            continue
        domain_name = _cell(row["main_domain"])
        if domain_name and domain_name not in domains:
            errors.append(prefix + _("领域“%(v)s”不存在。") % {"v": domain_name})
            continue
        unit = Organisation(
            name=name,
            code=f"{township.code}-{uuid.uuid4().hex[:10]}",
            level=Organisation.Level.UNIT,
            unit_type=unit_type,
            main_domain=domains.get(domain_name),
            parent=township,
        )
        unit.save()
        existing.add(name)
        made += 1
    return made


def _import_tasks(campaign, sheet, errors) -> int:
    domains = {}
    for d in campaign.domains.all():
        domains[d.name] = d.pk
        domains[d.code] = d.pk
    units = dict(
        Organisation.objects.units()
        .filter(township_id=campaign.township_id)
        .values_list("name", "pk")
    )
    measures = _label_map(Task.Measure.choices)
    recurrences = _label_map(Task.Recurrence.choices)
    types = _label_map(ActivityType.choices)
    seen = set()
    valid = []
    for number, row in _rows(sheet, TASK_COLUMNS):
        prefix = _("第%(row)d行：") % {"row": number}
        problems = []
        domain = _cell(row["domain"])
        if domain not in domains:
            problems.append(_("领域“%(v)s”不存在或不在本活动中。") % {"v": domain})
        lead = _cell(row["lead_unit"])
        if lead not in units:
            problems.append(_("牵头单位“%(v)s”不是本镇的单位。") % {"v": lead})
        co = _split(row["co_units"])
        for name in co:
            if name not in units:
                problems.append(_("协办单位“%(v)s”不是本镇的单位。") % {"v": name})
        measure = measures.get(_cell(row["measure"]) or str(Task.Measure.ACTIVITIES.label))
        if measure is None:
            problems.append(_("计量方式“%(v)s”无效。") % {"v": _cell(row["measure"])})
        recurrence = recurrences.get(_cell(row["recurrence"]) or str(Task.Recurrence.ONCE.label))
        if recurrence is None:
            problems.append(_("频次“%(v)s”无效。") % {"v": _cell(row["recurrence"])})
        activity_types = []
        for label in _split(row["activity_types"]):
            if label in types:
                activity_types.append(types[label])
            else:
                problems.append(_("活动类型“%(v)s”无效。") % {"v": label})
        if problems:
            errors.extend(prefix + p for p in problems)
            continue
        data = {
            "domain": domains[domain],
            "title": _cell(row["title"]),
            "description": _cell(row["description"]),
            "lead_unit": units[lead],
            "co_units": [units[name] for name in co],
            "measure": measure,
            "target_count": _cell(row["target_count"]),
            "target_unit": _cell(row["target_unit"]) or "次",
            "target_base": _cell(row["target_base"]),
            "recurrence": recurrence,
            "start_date": _cell(row["start_date"]) or campaign.start_date.isoformat(),
            "due_date": _cell(row["due_date"]) or campaign.end_date.isoformat(),
            "activity_types": activity_types,
        }
        form = TaskForm(data, campaign=campaign, instance=Task(campaign=campaign))
        if not form.is_valid():
            for name, messages in form.errors.items():
                label = form.fields[name].label if name in form.fields else ""
                for message in messages:
                    errors.append(f"{prefix}{label}：{message}" if label else prefix + message)
            continue
        key = (data["domain"], data["title"])
        if key in seen:
            errors.append(prefix + _("与表中前面的行任务名称重复（同一领域）。"))
            continue
        seen.add(key)
        valid.append(form)
    if errors:
        return 0
    for form in valid:
        save_task(form.save(commit=False), form.cleaned_data["co_units"])
    return len(valid)
