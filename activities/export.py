"""Excel workbooks of the ledgers, written in constant memory (openpyxl write-only mode, the
rows read from the database in keyset batches), for the background exports (`reports.exports`):

* `write_ledger(target, campaign, unit=, domain=, progress=)` — the activity ledger in the shape
  offices keep it: a summary sheet with totals, then one sheet per domain with the records,
  Chinese headers and real dates;
* `write_publicity(target, items, progress=)` — the publicity ledger rows of a filtered list.

`target` is a path or a binary file; `progress(rows_done, rows_total)` is called after every
batch. Both return the number of data rows written."""

from __future__ import annotations

import io
from collections.abc import Callable, Iterator

from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Font

from activities import ledger, measures
from activities.models import ActivityRecord, PublicityItem
from organisations.models import Domain

DATE_FORMAT = 'yyyy"年"m"月"d"日"'
MONTH_FORMAT = 'yyyy"年"m"月"'
DATETIME_FORMAT = 'yyyy"年"m"月"d"日" hh:mm'
INVALID_SHEET_CHARS = str.maketrans({c: "_" for c in "[]:*?/\\"})
BATCH = 2000

ProgressFn = Callable[[int, int], None]


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


def keyset_batches(
    queryset: QuerySet, date_field: str, fields: tuple[str, ...], *, descending: bool = False
) -> Iterator[list[tuple]]:
    """The rows of `queryset` as `fields` tuples (the first two are `date_field` and "id"), in
    (date, id) order, BATCH rows a query: memory stays flat however many rows there are."""
    order = (f"-{date_field}", "-id") if descending else (date_field, "id")
    rows = queryset.order_by(*order).values_list(*fields)
    last = None
    while True:
        page = rows
        if last is not None:
            date, pk = last
            if descending:
                after = Q(**{f"{date_field}__lt": date}) | Q(**{date_field: date, "id__lt": pk})
            else:
                after = Q(**{f"{date_field}__gt": date}) | Q(**{date_field: date, "id__gt": pk})
            page = rows.filter(after)
        batch = list(page[:BATCH])
        if not batch:
            return
        yield batch
        last = batch[-1][0], batch[-1][1]
        if len(batch) < BATCH:
            return


def write_ledger(
    target, campaign, *, unit=None, domain=None, progress: ProgressFn | None = None
) -> int:
    records = ledger.counted_records(campaign, unit=unit, domain=domain)
    result = ledger.summary(records, campaign.township_id)
    total = result.records
    if progress:
        progress(0, total)
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
    types = {kind: str(label) for kind, label in ActivityRecord._meta.get_field("type").choices}
    through = ActivityRecord.tasks.through.objects
    fields = (
        "date",
        "id",
        "unit__name",
        "type",
        "title",
        "place",
        "organiser",
        "participants",
        "quantity",
        "description",
    )
    done = 0
    for d in domains:
        sheet = wb.create_sheet(d.name.translate(INVALID_SHEET_CHARS)[:31])
        for index, width in enumerate(widths):
            sheet.column_dimensions[chr(ord("A") + index)].width = width
        _header(sheet, headers)
        n = 0
        for batch in keyset_batches(records.filter(domain=d), "date", fields):
            task_titles: dict[int, list[str]] = {}
            linked = through.filter(activityrecord_id__in=[row[1] for row in batch])
            for record_id, task_title in linked.order_by("task_id").values_list(
                "activityrecord_id", "task__title"
            ):
                task_titles.setdefault(record_id, []).append(task_title)
            for date, pk, unit_name, kind, title_, place, organiser, people, amount, text in batch:
                n += 1
                measure = table.get(kind) or measures.default(kind)
                sheet.append(
                    [
                        n,
                        _date_cell(sheet, date),
                        unit_name,
                        types.get(kind, kind),
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
            done += len(batch)
            if progress:
                progress(done, total)
    wb.save(target)
    return done


def ledger_workbook(campaign, *, unit=None, domain=None) -> bytes:
    """The ledger workbook in memory (small ledgers and tests; exports write to a file)."""
    out = io.BytesIO()
    write_ledger(out, campaign, unit=unit, domain=domain)
    return out.getvalue()


def write_publicity(target, items: QuerySet, *, progress: ProgressFn | None = None) -> int:
    """The publicity items of a filtered list, newest first as the list shows them."""
    total = items.count()
    if progress:
        progress(0, total)
    wb = Workbook(write_only=True)
    sheet = wb.create_sheet(_("宣传报道"))
    headers = [
        _("序号"),
        _("刊发日期"),
        _("标题"),
        _("渠道"),
        _("刊发媒体"),
        _("单位"),
        _("领域"),
        _("状态"),
        _("链接"),
        _("报送时间"),
    ]
    widths = [6, 16, 40, 16, 24, 20, 12, 8, 40, 20]
    for index, width in enumerate(widths):
        sheet.column_dimensions[chr(ord("A") + index)].width = width
    _header(sheet, headers)
    channels = {k: str(v) for k, v in PublicityItem._meta.get_field("channel").choices}
    statuses = {k: str(v) for k, v in PublicityItem.Status.choices}
    fields = (
        "published_on",
        "id",
        "title",
        "channel",
        "outlet",
        "unit__name",
        "domain__name",
        "status",
        "link",
        "submitted_at",
    )
    done = 0
    tz = timezone.get_current_timezone()
    for batch in keyset_batches(items, "published_on", fields, descending=True):
        for published, _pk, title, channel, outlet, unit, dom, status, link, submitted in batch:
            done += 1
            local = timezone.localtime(submitted, tz).replace(tzinfo=None) if submitted else None
            sheet.append(
                [
                    done,
                    _date_cell(sheet, published),
                    title,
                    channels.get(channel, channel),
                    outlet,
                    unit,
                    dom or "",
                    statuses.get(status, status),
                    link,
                    _date_cell(sheet, local, DATETIME_FORMAT),
                ]
            )
        if progress:
            progress(done, total)
    wb.save(target)
    return done
