"""A deadline's reminder schedule, worked out on paper: for the policy page, the command
`manage.py reminder_schedule` and the closing note of issue 18 ("before/after" National Day).

Each step says on which day the policy puts the reminder and on which day it actually goes out:
a step landing on a weekend or statutory holiday waits for the next working day (the sweep's
rule; overdue steps of urgent tasks excepted).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from notifications.sweep import remind_on
from workdays import days as workdays

WEEKDAYS = "一二三四五六日"


@dataclass(frozen=True)
class Step:
    offset: int
    in_workdays: bool
    due_on: dt.date  # the day the policy puts it on
    sent_on: dt.date  # the day it goes out
    urgent: bool = False

    @property
    def label(self) -> str:
        unit = "个工作日" if self.in_workdays else "天"
        if self.offset < 0:
            return f"提前{-self.offset}{unit}"
        if self.offset == 0:
            return "当天"
        return f"逾期{self.offset}{unit}"


def offsets(before: list[int], overdue_every: int, overdue_max: int, on_the_day=True) -> list[int]:
    steps = {-d for d in before} | ({0} if on_the_day else set())
    if overdue_every:
        steps |= {overdue_every * n for n in range(1, overdue_max + 1)}
    return sorted(steps)


def schedule(
    due: dt.date, steps: list[int], *, in_workdays: bool, urgent: bool = False
) -> list[Step]:
    snap = workdays.snapshot()
    out = []
    for offset in steps:
        day = remind_on(due, offset, in_workdays, snap)
        sent = day if (offset > 0 and urgent) else snap.next_workday(day)
        out.append(Step(offset, in_workdays, day, sent, urgent))
    return out


def _day(day: dt.date) -> str:
    snap = workdays.snapshot()
    name = snap.day_name(day)
    if snap.is_workday(day):
        kind = f"{name}调休上班" if name and day.weekday() >= 5 else "工作日"
    else:
        kind = f"{name}放假" if name else "周末"
    return f"{day.isoformat()}（周{WEEKDAYS[day.weekday()]}，{kind}）"


def line(step: Step, *, hold: bool = True) -> str:
    text = f"{step.label}：{_day(step.due_on)}"
    if hold and step.sent_on != step.due_on:
        text += f" → 节假日暂缓，{_day(step.sent_on)} 发出"
    else:
        text += " 发出"
    return text


def schedule_lines(
    due: dt.date, *, before: list[int], overdue_every: int, overdue_max: int
) -> tuple[list[str], list[str], list[str]]:
    """The same policy three ways: as before the working calendar (calendar days, sent on
    holidays too), calendar days with holiday holds, working days."""
    steps = offsets(before, overdue_every, overdue_max)
    calendar_days = schedule(due, steps, in_workdays=False)
    return (
        [line(s, hold=False) for s in calendar_days],
        [line(s) for s in calendar_days],
        [line(s) for s in schedule(due, steps, in_workdays=True)],
    )
