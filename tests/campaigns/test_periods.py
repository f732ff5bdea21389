import datetime as dt

from campaigns.periods import period_windows

D = dt.date


def spans(recurrence, start, due):
    return [(w.label, w.start_date, w.due_date) for w in period_windows(recurrence, start, due)]


def test_once_is_the_whole_task():
    assert spans("once", D(2026, 3, 20), D(2026, 7, 10)) == [
        ("全程", D(2026, 3, 20), D(2026, 7, 10))
    ]


def test_monthly_cuts_the_first_and_last_month():
    got = spans("monthly", D(2026, 3, 20), D(2026, 6, 10))
    assert [g[0] for g in got] == ["2026年3月", "2026年4月", "2026年5月", "2026年6月"]
    assert got[0][1:] == (D(2026, 3, 20), D(2026, 3, 31))
    assert got[-1][1:] == (D(2026, 6, 1), D(2026, 6, 10))


def test_monthly_across_new_year():
    got = spans("monthly", D(2026, 11, 1), D(2027, 2, 28))
    assert [g[0] for g in got] == ["2026年11月", "2026年12月", "2027年1月", "2027年2月"]
    assert got[-1][2] == D(2027, 2, 28)


def test_quarterly():
    got = spans("quarterly", D(2026, 2, 1), D(2026, 12, 31))
    assert [g[0] for g in got] == [f"2026年第{q}季度" for q in (1, 2, 3, 4)]
    assert got[1][1:] == (D(2026, 4, 1), D(2026, 6, 30))


def test_semesters_spring_due_mid_july_autumn_due_mid_january():
    got = spans("semester", D(2026, 1, 1), D(2027, 6, 30))
    assert got == [
        ("2025年秋季学期", D(2026, 1, 1), D(2026, 1, 15)),
        ("2026年春季学期", D(2026, 3, 1), D(2026, 7, 15)),
        ("2026年秋季学期", D(2026, 9, 1), D(2027, 1, 15)),
        ("2027年春季学期", D(2027, 3, 1), D(2027, 6, 30)),
    ]


def test_spring_semester_due_is_the_task_due_date_when_earlier():
    assert spans("semester", D(2026, 3, 20), D(2026, 7, 10)) == [
        ("2026年春季学期", D(2026, 3, 20), D(2026, 7, 10))
    ]


def test_yearly():
    got = spans("yearly", D(2026, 3, 1), D(2027, 6, 30))
    assert got == [
        ("2026年度", D(2026, 3, 1), D(2026, 12, 31)),
        ("2027年度", D(2027, 1, 1), D(2027, 6, 30)),
    ]


def test_summer_only_semester_task_falls_back_to_one_period():
    assert spans("semester", D(2026, 7, 20), D(2026, 8, 20)) == [
        ("全程", D(2026, 7, 20), D(2026, 8, 20))
    ]
