"""Excel in and out: the import template, export, and reading the office's own task table.

Import reads columns by their header (`organisations.sheets`), so a table in the county's own
layout (序号 / 工作内容 / 主办单位 / 协办单位 / 完成时限, a title line on top, 协办 before 主办)
reads as well as the template. The first sheet named "任务" (or else the first sheet) holds the
tasks; an optional sheet "单位" adds units first. `parse_workbook` turns the upload into plain
rows (no database writes); `apply_import` checks every row with the task form's rules and saves
all or nothing — as a dry run for the preview, for real on confirm.
"""

from __future__ import annotations

import calendar
import datetime as dt
import io
import re
from dataclasses import dataclass, field

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Font, PatternFill
from openpyxl.utils import get_column_letter

from activities.types import ActivityType
from campaigns import progress
from campaigns.forms import TaskForm
from campaigns.models import Campaign, Task
from campaigns.services import save_task
from organisations.models import Domain, Organisation
from organisations.sheets import Column, ImportFailed, open_workbook, read_table, split_names

__all__ = ["ImportFailed", "ImportResult", "apply_import", "parse_workbook"]

TASK_SHEET = "任务"
UNIT_SHEET = "单位"
TASK_COLUMNS = [
    Column("seq", "序号", ("编号", "序")),
    Column("domain", "领域", ("创建领域", "所属领域", "类别", "项目类别")),
    Column(
        "title",
        "任务名称",
        ("任务", "工作任务", "工作内容", "工作事项", "重点工作", "任务内容"),
        True,
    ),
    Column("description", "内容要求", ("具体要求", "工作要求", "工作措施", "具体内容")),
    Column(
        "lead_unit",
        "牵头单位",
        ("主办单位", "主办", "牵头", "牵头部门", "主办部门", "责任单位"),
        True,
    ),
    Column(
        "co_units",
        "协办单位（多个用“、”分隔）",
        ("协办", "配合单位", "配合", "协办部门", "配合部门"),
    ),
    Column("measure", "计量方式"),
    Column("target_count", "目标数", ("目标数量", "数量")),
    Column("target_unit", "计量单位", ("单位（量词）",)),
    Column("target_base", "覆盖基数"),
    Column("recurrence", "频次", ("频率", "开展频次")),
    Column("start_date", "开始日期", ("开始时间",)),
    Column("due_date", "截止日期", ("完成时限", "时间要求", "完成时间", "截止时间", "时限")),
    Column(
        "activity_types",
        "计入的活动类型（多个用“、”分隔，空为不限）",
        ("活动类型", "计入活动类型"),
    ),
]
UNIT_COLUMNS = [
    Column("name", "单位名称", ("名称", "单位"), True),
    Column("unit_type", "单位类型", ("类型",), True),
    Column("main_domain", "主要领域", ("领域",)),
]


# --- template and export -----------------------------------------------------------------


def _label(column) -> str:
    return column.label if isinstance(column, Column) else column[1]


def _sheet(workbook, title, columns, first=False):
    sheet = workbook.active if first else workbook.create_sheet()
    sheet.title = title
    sheet.append([_label(c) for c in columns])
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
    tasks = _sheet(workbook, TASK_SHEET, TASK_COLUMNS[1:], first=True)
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
    columns = TASK_COLUMNS[1:] + [("periods", "期间完成"), ("status", "状态"), ("next", "下一期限")]
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


# --- import: parse (no writes), then apply (dry run for the preview, or for real) ---------


@dataclass
class ImportResult:
    units: int = 0
    tasks: int = 0
    errors: list[str] = field(default_factory=list)
    preview: list[dict] = field(default_factory=list)  # one dict per task row, for the page
    new_units: list[str] = field(default_factory=list)


class _DryRun(Exception):
    pass


def parse_workbook(upload) -> dict:
    """Read the upload into plain rows keyed by column; refuse missing or ambiguous headers."""
    workbook = open_workbook(upload)
    try:
        names = workbook.sheetnames
        task_sheet = TASK_SHEET if TASK_SHEET in names else names[0]
        if task_sheet == UNIT_SHEET:
            raise ImportFailed(
                [_("找不到任务表：请把任务放在名为“任务”的工作表（或第一张表）中。")]
            )
        errors = []
        payload = {"tasks": [], "units": [], "task_columns": []}
        try:
            table = read_table(workbook[task_sheet], TASK_COLUMNS, task_sheet)
            payload["tasks"] = table.rows
            payload["task_columns"] = sorted(table.mapping)
        except ImportFailed as failed:
            errors += failed.errors
        if UNIT_SHEET in names and UNIT_SHEET != task_sheet:
            sheet = workbook[UNIT_SHEET]
            if any(any(v not in (None, "") for v in r) for r in sheet.iter_rows(values_only=True)):
                try:
                    payload["units"] = read_table(sheet, UNIT_COLUMNS, UNIT_SHEET).rows
                except ImportFailed as failed:
                    errors += failed.errors
        if errors:
            raise ImportFailed(errors)
        return payload
    finally:
        workbook.close()


def import_workbook(campaign: Campaign, upload) -> ImportResult:
    """Parse and import in one go (management use and tests); all or nothing."""
    return apply_import(campaign, parse_workbook(upload), commit=True)


def apply_import(campaign: Campaign, payload: dict, *, commit: bool) -> ImportResult:
    """Check every row of a parsed upload and, when `commit`, save it all; a dry run writes
    inside a transaction that is rolled back, so the preview sees what the commit will do."""
    result = ImportResult()
    try:
        with transaction.atomic():
            result.units = _import_units(campaign, payload.get("units") or [], result)
            _import_tasks(campaign, payload.get("tasks") or [], result, commit=commit)
            if result.errors:
                raise ImportFailed(result.errors)
            if not result.tasks and not result.units:
                raise ImportFailed([_("表中没有可导入的任务或单位。")])
            if not commit:
                raise _DryRun
    except _DryRun:
        pass
    return result


def _choices(choices) -> dict[str, str]:
    mapping = {}
    for value, label in choices:
        mapping[str(label)] = value
        mapping[value] = value
    return mapping


def _domain_key(text: str) -> str:
    text = re.sub(r"^[一二三四五六七八九十0-9]+[、.．)）]\s*", "", text.strip())
    return text.replace("廉政文化", "").replace("廉洁文化", "").removeprefix("进").strip()


def _import_units(campaign: Campaign, rows: list[dict], result: ImportResult) -> int:
    from organisations.services import create_unit

    types = _choices(Organisation.UnitType.choices)
    domains = {_domain_key(d.name): d for d in Domain.objects.all()}
    township = campaign.township
    existing = set(
        Organisation.objects.units().filter(township=township).values_list("name", flat=True)
    )
    made = 0
    for row in rows:
        values = row["values"]
        prefix = _("“单位”表第%(row)d行：") % {"row": row["row"]}
        name = values.get("name", "")
        problems = []
        if not name:
            problems.append(_("单位名称不能为空。"))
        elif name in existing:
            continue  # already there: tasks may refer to it
        unit_type = types.get(values.get("unit_type", ""))
        if unit_type is None:
            problems.append(_("单位类型“%(v)s”无效。") % {"v": values.get("unit_type", "")})
        domain_name = values.get("main_domain", "")
        if domain_name and _domain_key(domain_name) not in domains:
            problems.append(_("领域“%(v)s”不存在。") % {"v": domain_name})
        if problems:
            result.errors += [prefix + p for p in problems]
            continue
        create_unit(
            township,
            name=name,
            unit_type=unit_type,
            main_domain=domains.get(_domain_key(domain_name)) if domain_name else None,
        )
        existing.add(name)
        result.new_units.append(name)
        made += 1
    return made


MONTH_END = re.compile(
    r"^(?:(\d{4})年)?(\d{1,2})月(?:份)?(?:底|末|中旬|下旬|上旬)?(?:前|以前|之前)?$"
)
MONTH_DAY = re.compile(r"^(?:(\d{4})年)?(\d{1,2})月(\d{1,2})日(?:前|以前|之前)?$")
ISO_DATE = re.compile(r"^(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})$")
WHOLE_YEAR = {"全年", "年内", "长期", "年底", "年底前", "年末", "全年开展", "常态化", "持续开展"}
RECURRING = {
    "每月": Task.Recurrence.MONTHLY,
    "每季度": Task.Recurrence.QUARTERLY,
    "每学期": Task.Recurrence.SEMESTER,
    "每年": Task.Recurrence.YEARLY,
}


def _due(text: str, campaign: Campaign) -> tuple[dt.date | None, str | None]:
    """A due date as offices write it: 2026-05-20, 2026年5月20日, 5月20日前, 6月底, 全年, 每季度
    (the last two run to the campaign's end; a 每… also gives the recurrence)."""
    text = text.strip().replace(" ", "")
    if not text:
        return campaign.end_date, None
    if text in WHOLE_YEAR:
        return campaign.end_date, None
    for word, recurrence in RECURRING.items():
        if text.startswith(word):
            return campaign.end_date, recurrence
    year = campaign.year
    try:
        if m := ISO_DATE.match(text):
            return dt.date(int(m[1]), int(m[2]), int(m[3])), None
        if m := MONTH_DAY.match(text):
            return dt.date(int(m[1] or year), int(m[2]), int(m[3])), None
        if m := MONTH_END.match(text):
            y, month = int(m[1] or year), int(m[2])
            return dt.date(y, month, calendar.monthrange(y, month)[1]), None
    except ValueError:
        pass
    raise ValueError(text)


def _row_prefix(row: dict) -> str:
    seq = row["values"].get("seq", "")
    if seq:
        return _("第%(row)d行（序号%(seq)s）：") % {"row": row["row"], "seq": seq}
    return _("第%(row)d行：") % {"row": row["row"]}


def _section_domain(row: dict, domains_by_key: dict[str, int]) -> int | None:
    """A heading row such as "一、廉政文化进机关" (one distinct value, naming a domain)."""
    cells = set(row["cells"])
    if len(cells) != 1 or row["values"].get("lead_unit"):
        return None
    text = next(iter(cells))
    for key in sorted(domains_by_key, key=len, reverse=True):
        if key and key in text:
            return domains_by_key[key]
    return None


def _import_tasks(campaign: Campaign, rows: list[dict], result: ImportResult, *, commit: bool):
    campaign_domains = list(campaign.domains.all())
    domains_by_key = {_domain_key(d.name): d.pk for d in campaign_domains}
    domains = {**domains_by_key, **{d.code: d.pk for d in campaign_domains}}
    domain_names = {d.pk: d.name for d in campaign_domains}
    units = {}
    unit_domain = {}
    for pk, name, short, main_domain in (
        Organisation.objects.units()
        .filter(township_id=campaign.township_id, is_active=True)
        .values_list("pk", "name", "short_name", "main_domain_id")
    ):
        if short:
            units.setdefault(short, pk)
        units[name] = pk
        unit_domain[pk] = main_domain
    unit_names = {pk: name for name, pk in units.items()}
    measures = _choices(Task.Measure.choices)
    recurrences = _choices(Task.Recurrence.choices)
    types = _choices(ActivityType.choices)
    section = None
    seen = set()
    valid = []
    for row in rows:
        heading = _section_domain(row, domains_by_key)
        if heading is not None:
            section = heading
            continue
        values = row["values"]
        prefix = _row_prefix(row)
        problems: list[str] = []
        reported: set[str] = set()
        lead_name = values.get("lead_unit", "")
        lead = units.get(lead_name)
        if not lead_name:
            problems.append(_("未填写牵头（主办）单位。"))
            reported.add("lead_unit")
        elif lead is None:
            problems.append(_("牵头单位“%(v)s”不是本镇的单位。") % {"v": lead_name})
            reported.add("lead_unit")
        co = []
        for name in split_names(values.get("co_units", "")):
            if name in units:
                co.append(units[name])
            else:
                problems.append(_("协办单位“%(v)s”不是本镇的单位。") % {"v": name})
                reported.add("co_units")
        domain_text = values.get("domain", "")
        if domain_text:
            domain = domains.get(domain_text) or domains.get(_domain_key(domain_text))
            if domain is None:
                problems.append(_("领域“%(v)s”不存在或不在本活动中。") % {"v": domain_text})
                reported.add("domain")
        else:
            domain = section
            if domain is None and lead is not None and unit_domain.get(lead) in domain_names:
                domain = unit_domain[lead]
            if domain is None:
                problems.append(
                    _("无法确定领域：请加“领域”列，或在任务前加一行领域标题（如“一、进机关”）。")
                )
                reported.add("domain")
        measure_text = values.get("measure", "")
        measure = measures.get(measure_text or str(Task.Measure.ACTIVITIES.label))
        if measure is None:
            problems.append(_("计量方式“%(v)s”无效。") % {"v": measure_text})
            reported.add("measure")
        due_text = values.get("due_date", "")
        try:
            due, inferred = _due(due_text, campaign)
        except ValueError:
            due, inferred = None, None
            problems.append(
                _("完成时限“%(v)s”无法识别，请写成 2026-05-20、5月20日前、6月底、全年或每季度。")
                % {"v": due_text}
            )
            reported.add("due_date")
        recurrence_text = values.get("recurrence", "")
        recurrence = recurrences.get(
            recurrence_text or str(Task.Recurrence(inferred or Task.Recurrence.ONCE).label)
        )
        if recurrence is None:
            problems.append(_("频次“%(v)s”无效。") % {"v": recurrence_text})
            reported.add("recurrence")
        activity_types = []
        for label in split_names(values.get("activity_types", "")):
            if label in types:
                activity_types.append(types[label])
            else:
                problems.append(_("活动类型“%(v)s”无效。") % {"v": label})
                reported.add("activity_types")
        start_text = values.get("start_date", "")
        data = {
            "domain": domain,
            "title": values.get("title", ""),
            "description": values.get("description", ""),
            "lead_unit": lead,
            "co_units": co,
            "measure": measure,
            "target_count": values.get("target_count", "") or "1",
            "target_unit": values.get("target_unit", "") or "次",
            "target_base": values.get("target_base", ""),
            "recurrence": recurrence,
            "start_date": start_text or campaign.start_date.isoformat(),
            "due_date": due.isoformat() if due else "",
            "activity_types": activity_types,
        }
        form = TaskForm(data, campaign=campaign, instance=Task(campaign=campaign))
        form.is_valid()
        for name, messages in form.errors.items():
            if name in reported:
                continue
            label = form.fields[name].label if name in form.fields else ""
            for message in messages:
                problems.append(f"{label}：{message}" if label else message)
        key = (domain, data["title"])
        if not problems and key in seen:
            problems.append(_("与表中前面的行任务名称重复（同一领域）。"))
        if problems:
            result.errors += [prefix + p for p in problems]
            continue
        seen.add(key)
        valid.append(form)
        result.preview.append(
            {
                "row": row["row"],
                "seq": values.get("seq", ""),
                "domain": domain_names.get(domain, ""),
                "title": data["title"],
                "lead_unit": unit_names.get(lead, lead_name),
                "co_units": "、".join(unit_names.get(pk, "") for pk in co),
                "due_date": due,
                "recurrence": str(Task.Recurrence(recurrence).label),
                "target": f"{data['target_count']}{data['target_unit']}",
            }
        )
    if result.errors:
        return
    result.tasks = len(valid)
    if commit:
        for form in valid:
            save_task(form.save(commit=False), form.cleaned_data["co_units"])
