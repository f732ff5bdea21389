"""Reading the State Council notice as the office pastes it."""

from __future__ import annotations

import datetime as dt

from workdays.notice import as_text, parse

D = dt.date

NOTICE_2026 = """一、元旦：1月1日（周四）至3日（周六）放假调休，共3天。1月4日（周日）上班。
二、春节：2月15日（农历腊月二十八、周日）至23日（农历正月初七、周一）放假调休，共9天。2月14日（周六）、2月28日（周六）上班。
六、中秋节：9月25日（周五）至27日（周日）放假，共3天。
七、国庆节：10月1日（周四）至7日（周三）放假调休，共7天。9月20日（周日）、10月10日（周六）上班。
"""


def test_the_notice_as_published():
    parsed = parse(NOTICE_2026, 2026)
    assert parsed.errors == [] and parsed.warnings == []
    days = dict((d, (k, n)) for d, k, n in parsed.rows())
    assert all(days[D(2026, 10, n)] == ("holiday", "国庆节") for n in range(1, 8))
    assert all(days[D(2026, 2, n)] == ("holiday", "春节") for n in range(15, 24))
    assert days[D(2026, 9, 20)] == ("workday", "国庆节")
    assert days[D(2026, 10, 10)] == ("workday", "国庆节")
    assert days[D(2026, 2, 14)] == days[D(2026, 2, 28)] == ("workday", "春节")
    assert days[D(2026, 1, 4)] == ("workday", "元旦")
    assert len(days) == 3 + 1 + 9 + 2 + 3 + 7 + 2


def test_written_back_the_same_way_it_reads_the_same():
    rows = parse(NOTICE_2026, 2026).rows()
    assert parse(as_text(rows, 2026), 2026).rows() == rows


def test_new_year_starting_in_december_belongs_to_the_year_before():
    rows = parse("一、元旦：12月30日（周六）至1月1日（周一）放假，共3天。", 2024).rows()
    assert [d for d, _k, _n in rows] == [D(2023, 12, 30), D(2023, 12, 31), D(2024, 1, 1)]


def test_iso_dates_and_unclear_lines():
    parsed = parse("2027-10-01至2027-10-03 国庆节 放假\n国庆节 2027-09-26\n", 2027)
    assert [d for d, _k, _n in parsed.rows()] == [D(2027, 10, 1), D(2027, 10, 2), D(2027, 10, 3)]
    assert any("没有写明放假还是上班" in w for w in parsed.warnings)


def test_mistakes_are_reported_in_chinese():
    assert parse("国庆节：13月1日放假", 2027).errors
    assert parse("随便写点什么", 2027).errors == ["没有读到任何日期：请粘贴通知中各节日的安排。"]
    clash = parse("国庆节：10月8日放假。10月8日上班。", 2027)
    assert any("同时写成了放假和上班" in e for e in clash.errors)
    assert any("无需写成调休上班" in w for w in parse("国庆节：10月8日上班", 2027).warnings)
