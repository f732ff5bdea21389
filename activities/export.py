"""The ledger as an Excel workbook, in the shape offices keep it: a summary sheet with totals,
then one sheet per domain with the records, Chinese headers and real dates."""

from __future__ import annotations

import io

from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Font

from activities import ledger, measures
from activities.models import ActivityRecord
from organisations.models import Domain

DATE_FORMAT = 'yyyy"年"m"月"d"日"'
MONTH_FORMAT = 'yyyy"年"m"月"'
INVALID_SHEET_CHARS = str.maketrans({c: "_" for c in "[]:*?/\\"})


def _header(ws, titles: list[str]):
    bold = Font(bold=True)
    row = []
    for title in titles:
        cell = WriteOnlyCell(ws, value=title)
        cell.font = bold
        cell.alignment = Alignment(horizontal="center")
        row.append(cell)
    ws.append(row)


def _date_cell(ws, value, fmt=DATE_FORMAT):
    cell = WriteOnlyCell(ws, value=value)
    cell.number_format = fmt
    return cell


def ledger_workbook(campaign, *, unit=None, domain=None) -> bytes:
    records = ledger.counted_records(campaign, unit=unit, domain=domain)
    result = ledger.summary(records, campaign.township_id)
    table = measures.measures_for(campaign.township_id)
    by_domain = ledger.totals_by_domain(campaign) if unit is None and domain is None else None
    wb = Workbook(write_only=True)

    ws = wb.create_sheet(_("汇总"))
    ws.column_dimensions["A"].width = 22
    ws.column_dimensions["B"].width = 12
    ws.column_dimensions["C"].width = 14
    title = campaign.name
    if unit is not None:
        title += f" · {unit.name}"
    if domain is not None:
        title += f" · {domain.name}"
    ws.append([WriteOnlyCell(ws, value=title)])
    ws.append([])
    _header(ws, [_("项目"), _("活动次数"), _("参加人次")])
    ws.append([_("合计"), result.records, result.participants])
    ws.append([])
    _header(ws, [_("活动类型"), _("活动次数"), _("参加人次"), _("数量"), _("计量单位")])
    for row in result.by_type:
        ws.append(
            [
                str(row["label"]),
                row["records"],
                row["participants"],
                row["quantity"],
                row["measure"].unit,
            ]
        )
    ws.append([])
    _header(ws, [_("月份"), _("活动次数"), _("参加人次")])
    for row in result.by_month:
        ws.append([_date_cell(ws, row["month"], MONTH_FORMAT), row["records"], row["participants"]])
    domains = list(Domain.objects.filter(pk__in=records.values("domain")).order_by("order", "id"))
    if by_domain is not None:
        ws.append([])
        _header(ws, [_("领域"), _("活动次数"), _("参加人次")])
        for d in domains:
            totals = by_domain.get(d.pk, ledger.Totals())
            ws.append([d.name, totals.records, totals.participants])

    headers = [
        _("序号"),
        _("活动日期"),
        _("单位"),
        _("活动类型"),
        _("活动名称"),
        _("地点"),
        _("组织者"),
        _("参加人数"),
        _("数量"),
        _("计量单位"),
        _("活动内容"),
        _("计入任务"),
    ]
    widths = [6, 16, 20, 12, 30, 16, 12, 10, 8, 8, 40, 30]
    types = dict(ActivityRecord._meta.get_field("type").choices)
    task_titles: dict[int, list[str]] = {}
    through = ActivityRecord.tasks.through.objects.filter(activityrecord__in=records).values_list(
        "activityrecord_id", "task__title"
    )
    for record_id, task_title in through.iterator(chunk_size=5000):
        task_titles.setdefault(record_id, []).append(task_title)
    for d in domains:
        sheet = wb.create_sheet(d.name.translate(INVALID_SHEET_CHARS)[:31])
        for index, width in enumerate(widths):
            sheet.column_dimensions[chr(ord("A") + index)].width = width
        _header(sheet, headers)
        rows = (
            records.filter(domain=d)
            .select_related("unit")
            .order_by("date", "id")
            .values_list(
                "id",
                "date",
                "unit__name",
                "type",
                "title",
                "place",
                "organiser",
                "participants",
                "quantity",
                "description",
            )
        )
        for n, row in enumerate(rows.iterator(chunk_size=5000), start=1):
            pk, date, unit_name, kind, title_, place, organiser, people, amount, text = row
            measure = table.get(kind) or measures.default(kind)
            sheet.append(
                [
                    n,
                    _date_cell(sheet, date),
                    unit_name,
                    str(types.get(kind, kind)),
                    title_,
                    place,
                    organiser,
                    people,
                    amount,
                    measure.unit,
                    text,
                    "、".join(task_titles.get(pk, [])),
                ]
            )
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()
