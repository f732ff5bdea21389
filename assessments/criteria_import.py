"""Import a criteria set from Excel, all or nothing.

The first sheet, first row headers (order free, names fixed):
类别 | 编号 | 评审内容 | 分值 | 达标分 | 佐证要求 | 自动计分次数 | 活动类型 | 领域
"达标分" is optional: an item scoring at least this passes (empty: 60% of its points).
"类别" is the group (its kind is guessed from the name: 组织/制度/阵地/活动/档案/成效);
"自动计分次数", "活动类型" (a label such as 党课/讲座) and "领域" (e.g. 进农村) are optional and
make the item automatic. Every row is checked first; any error refuses the whole file and
lists the rows (`ImportErrors.rows`).
"""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

from django.db import transaction
from django.utils.translation import gettext as _
from openpyxl import load_workbook

from activities.types import ActivityType
from assessments.models import CriteriaGroup, CriteriaItem, CriteriaSet
from organisations.models import Domain

HEADERS = {
    "类别": "group",
    "编号": "code",
    "评审内容": "text",
    "分值": "points",
    "达标分": "pass_score",
    "佐证要求": "evidence",
    "自动计分次数": "target",
    "活动类型": "type",
    "领域": "domain",
}
REQUIRED = ("group", "code", "text", "points")
# Words in the 活动类型 column that score an item from the 宣传阵地 register instead of the ledger.
POSITION_SOURCES = {
    "宣传阵地": "positions",
    "宣传阵地数": "positions",
    "阵地更新": "position_updates",
    "宣传阵地更新": "position_updates",
    "宣传阵地更新次数": "position_updates",
}
KIND_WORDS = [
    ("组织", CriteriaGroup.Kind.ORGANISATION),
    ("领导", CriteriaGroup.Kind.ORGANISATION),
    ("制度", CriteriaGroup.Kind.SYSTEMS),
    ("阵地", CriteriaGroup.Kind.POSITIONS),
    ("宣传", CriteriaGroup.Kind.POSITIONS),
    ("活动", CriteriaGroup.Kind.ACTIVITIES),
    ("档案", CriteriaGroup.Kind.ARCHIVES),
    ("台账", CriteriaGroup.Kind.ARCHIVES),
    ("成效", CriteriaGroup.Kind.EFFECT),
    ("效果", CriteriaGroup.Kind.EFFECT),
]
MAX_ROWS = 500


class ImportErrors(Exception):
    def __init__(self, rows: list[str]):
        self.rows = rows
        super().__init__("; ".join(rows))


def kind_for(name: str) -> str:
    return next((kind for word, kind in KIND_WORDS if word in name), CriteriaGroup.Kind.OTHER)


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


def read_rows(upload) -> list[dict]:
    try:
        book = load_workbook(upload, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds for a bad file
        raise ImportErrors([_("无法读取 Excel 文件，请确认是 .xlsx 格式。")]) from exc
    sheet = book.worksheets[0]
    rows = sheet.iter_rows(values_only=True)
    header = next(rows, None) or ()
    columns = {i: HEADERS[_text(h)] for i, h in enumerate(header) if _text(h) in HEADERS}
    missing = [
        name for name, key in HEADERS.items() if key in REQUIRED and key not in columns.values()
    ]
    if missing:
        raise ImportErrors([_("缺少列：%(cols)s。") % {"cols": "、".join(missing)}])
    result = []
    for number, values in enumerate(rows, start=2):
        if number > MAX_ROWS + 1:
            raise ImportErrors([_("条目过多：最多 %(n)s 行。") % {"n": MAX_ROWS}])
        row = {key: _text(values[i]) if i < len(values) else "" for i, key in columns.items()}
        if not any(row.values()):
            continue
        row["line"] = number
        result.append(row)
    return result


@transaction.atomic
def import_criteria(upload, *, district, name: str, pass_line: Decimal, by, doc_number: str = ""):
    rows = read_rows(upload)
    if not rows:
        raise ImportErrors([_("文件中没有评审条目。")])
    types = {str(label): value for value, label in ActivityType.choices} | {
        v: v for v in ActivityType.values
    }
    domains = {d.name: d for d in Domain.objects.all()} | {d.code: d for d in Domain.objects.all()}
    errors, items, seen = [], [], set()
    for row in rows:
        line = row["line"]
        problems = [
            _("缺少%(col)s") % {"col": col}
            for col, key in HEADERS.items()
            if key in REQUIRED and not row.get(key)
        ]
        try:
            points = Decimal(row.get("points") or "x")
            if not points.is_finite() or points <= 0 or points > 1000:
                raise InvalidOperation
        except InvalidOperation:
            points = None
            if row.get("points"):
                problems.append(_("分值须为正数"))
        pass_score = None
        if row.get("pass_score"):
            try:
                pass_score = Decimal(row["pass_score"])
                if not pass_score.is_finite() or pass_score < 0:
                    raise InvalidOperation
            except InvalidOperation:
                problems.append(_("达标分须为数字"))
                pass_score = None
            else:
                if points is not None and pass_score > points:
                    problems.append(_("达标分不能高于分值"))
        if row.get("code") in seen:
            problems.append(_("编号“%(code)s”重复") % {"code": row["code"]})
        seen.add(row.get("code"))
        target = None
        if row.get("target"):
            try:
                target = int(Decimal(row["target"]))
                if target <= 0:
                    raise ValueError
            except (InvalidOperation, ValueError):
                problems.append(_("自动计分次数须为正整数"))
        type_ = ""
        source = POSITION_SOURCES.get(row.get("type") or "", "ledger")
        if source != "ledger":
            if target is None:
                problems.append(_("按宣传阵地计分须填写自动计分次数"))
        elif row.get("type"):
            type_ = types.get(row["type"], None)
            if type_ is None:
                problems.append(_("活动类型“%(t)s”不存在") % {"t": row["type"]})
        domain = None
        if row.get("domain"):
            domain = domains.get(row["domain"])
            if domain is None:
                problems.append(_("领域“%(d)s”不存在") % {"d": row["domain"]})
        if (type_ or domain) and target is None:
            problems.append(_("填写了活动类型或领域，须同时填写自动计分次数"))
        if problems:
            errors.append(_("第 %(line)s 行：%(p)s。") % {"line": line, "p": "；".join(problems)})
            continue
        items.append((row, points, target, type_ or "", domain, pass_score, source))
    if errors:
        raise ImportErrors(errors)
    total = sum(points for _r, points, *_rest in items)
    if pass_line > total:
        raise ImportErrors([_("合格线（%(p)s）高于总分（%(t)s）。") % {"p": pass_line, "t": total}])
    latest = (
        CriteriaSet.objects.filter(district=district, name=name)
        .order_by("-version")
        .values_list("version", flat=True)
        .first()
    )
    cs = CriteriaSet.objects.create(
        district=district,
        name=name,
        version=(latest or 0) + 1,
        doc_number=doc_number,
        pass_line=pass_line,
        created_by=by,
    )
    groups: dict[str, CriteriaGroup] = {}
    for order, (row, points, target, type_, domain, pass_score, source) in enumerate(items):
        group = groups.get(row["group"])
        if group is None:
            group = CriteriaGroup.objects.create(
                criteria_set=cs, name=row["group"], kind=kind_for(row["group"]), order=len(groups)
            )
            groups[row["group"]] = group
        CriteriaItem.objects.create(
            criteria_set=cs,
            group=group,
            code=row["code"],
            text=row["text"],
            points=points,
            pass_score=pass_score,
            evidence_wanted=row.get("evidence", ""),
            order=order,
            auto_target=target,
            auto_type=type_,
            auto_domain=domain,
            auto_source=source,
        )
    return cs
