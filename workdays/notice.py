"""Reading a year's holidays from the State Council notice as the office pastes it.

The notice says, line by line:

    一、元旦：1月1日（周五）至3日（周日）放假，共3天。
    二、春节：2月6日（农历腊月廿九、周六）至14日（农历正月初七、周日）放假调休，共9天。2月7日（周日）、2月20日（周六）上班。

Each line names the holiday before the colon; a sentence with 放假 gives days off (a range
"X月Y日至Z日", "X月Y日至Z月W日", or single days), a sentence with 上班 gives make-up working days.
ISO dates ("2027-10-01至2027-10-07 国庆节 放假") are read too. Dates without a year belong to
the notice's year, except the start of a range that crosses New Year ("元旦：12月30日至1月1日":
30 and 31 December belong to the year before). What is read is shown back for confirmation, with
warnings for what looks wrong; nothing is stored from here.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field

from django.utils.translation import gettext as _

HOLIDAY, WORKDAY = "holiday", "workday"
KNOWN_NAMES = ["元旦", "春节", "清明节", "劳动节", "端午节", "中秋节", "国庆节"]

_DATE = (
    r"(?<!\d)(?:(?P<y>\d{4})\s*[年\-/.]\s*)?(?:(?P<m>\d{1,2})\s*[月\-/.]\s*)?(?P<d>\d{1,2})(?!\d)\s*日?"
    r"(?:\s*[（(][^）)]*[）)])?"
)
_RANGE = re.compile(rf"{_DATE}(?:\s*(?:至|到|~|～|—|–)\s*{_DATE.replace('(?P<', '(?P<e')})?")
_PREFIX = re.compile(
    r"^\s*(?:[一二三四五六七八九十]+[、.．]|\d+[、.．])?\s*(?P<name>[^：:]{1,20})[：:]"
)


@dataclass
class Parsed:
    days: dict[dt.date, tuple[str, str]] = field(default_factory=dict)  # date -> (kind, name)
    warnings: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)

    def rows(self) -> list[tuple[dt.date, str, str]]:
        return [(day, kind, name) for day, (kind, name) in sorted(self.days.items())]


def _name_of(line: str) -> tuple[str, str]:
    match = _PREFIX.match(line)
    if match:
        return match.group("name").strip(), line[match.end() :]
    for name in KNOWN_NAMES:
        if name in line:
            return name, line
    return "", line


def _dates(sentence: str, year: int, line_no: int, out: Parsed) -> list[dt.date]:
    found: list[dt.date] = []
    for match in _RANGE.finditer(sentence):
        g = match.groupdict()
        if g["m"] is None and g["y"] is None:
            continue  # a bare number ("共9天"), not a date
        try:
            start = dt.date(int(g["y"] or year), int(g["m"]), int(g["d"]))
            end = start
            if g["ed"] is not None:
                end = dt.date(int(g["ey"] or start.year), int(g["em"] or start.month), int(g["ed"]))
                if end < start and g["y"] is None:
                    # "12月30日至1月1日" in the notice for a year: the range starts the year before
                    start = start.replace(year=end.year - 1 if g["ey"] else start.year - 1)
                elif end < start and g["ey"] is None:
                    end = end.replace(year=start.year + 1)
        except (TypeError, ValueError):
            out.errors.append(
                _("第%(n)s行：“%(text)s”不是有效日期。") % {"n": line_no, "text": match.group(0)}
            )
            continue
        if (end - start).days > 31:
            out.errors.append(
                _("第%(n)s行：“%(text)s”跨度超过一个月，请检查。")
                % {"n": line_no, "text": match.group(0)}
            )
            continue
        day = start
        while day <= end:
            found.append(day)
            day += dt.timedelta(days=1)
    return found


def parse(text: str, year: int) -> Parsed:
    out = Parsed()
    for line_no, raw in enumerate(text.splitlines(), start=1):
        line = raw.strip()
        if not line:
            continue
        name, rest = _name_of(line)
        sentences = [s for s in re.split(r"[。；;]", rest) if s.strip()]
        line_days: list[tuple[dt.date, str]] = []
        for sentence in sentences:
            if "上班" in sentence:
                kind = WORKDAY
            elif "放假" in sentence or "休息" in sentence or "调休" in sentence:
                kind = HOLIDAY
            else:
                if _dates(sentence, year, line_no, Parsed()):
                    out.warnings.append(
                        _("第%(n)s行：“%(text)s”没有写明放假还是上班，未读取。")
                        % {"n": line_no, "text": sentence.strip()[:40]}
                    )
                continue
            line_days += [(day, kind) for day in _dates(sentence, year, line_no, out)]
        for day, kind in line_days:
            if day in out.days and out.days[day][0] != kind:
                out.errors.append(_("%(date)s 同时写成了放假和上班。") % {"date": day.isoformat()})
            out.days[day] = (kind, name)
    for day, (kind, name) in sorted(out.days.items()):
        if day.year not in (year, year - 1):
            out.errors.append(
                _("%(date)s 不在%(year)s年。") % {"date": day.isoformat(), "year": year}
            )
        elif kind == WORKDAY and day.weekday() < 5:
            out.warnings.append(
                _("%(date)s 是工作日（周一至周五），无需写成调休上班。") % {"date": day.isoformat()}
            )
        if not name:
            out.warnings.append(_("%(date)s 没有节日名称。") % {"date": day.isoformat()})
    if not out.days and not out.errors:
        out.errors.append(_("没有读到任何日期：请粘贴通知中各节日的安排。"))
    return out


def _span(days: list[dt.date]) -> list[tuple[dt.date, dt.date]]:
    spans: list[tuple[dt.date, dt.date]] = []
    for day in days:
        if spans and (day - spans[-1][1]).days == 1:
            spans[-1] = (spans[-1][0], day)
        else:
            spans.append((day, day))
    return spans


def _md(day: dt.date, year: int) -> str:
    text = f"{day.month}月{day.day}日"
    return text if day.year == year else f"{day.year}年{text}"


def as_text(rows: list[tuple[dt.date, str, str]], year: int) -> str:
    """The stored days written the notice's way (what the edit box starts with); `parse` reads
    it back to the same days."""
    order: list[str] = []
    by_name: dict[str, dict[str, list[dt.date]]] = {}
    for day, kind, name in sorted(rows):
        if name not in by_name:
            order.append(name)
            by_name[name] = {HOLIDAY: [], WORKDAY: []}
        by_name[name][kind].append(day)
    lines = []
    for name in order:
        parts = []
        off = by_name[name][HOLIDAY]
        if off:
            ranges = [
                _md(a, year) if a == b else f"{_md(a, year)}至{_md(b, year)}" for a, b in _span(off)
            ]
            parts.append("、".join(ranges) + "放假")
        work = by_name[name][WORKDAY]
        if work:
            parts.append("、".join(_md(d, year) for d in work) + "上班")
        lines.append(f"{name or '其他'}：" + "；".join(parts) + "。")
    return "\n".join(lines)
