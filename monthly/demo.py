"""Demo monthly reports (廉政信息月报) for the demo campaign, written and submitted through the
services: for each month already due, most units on time, two late, one saying nothing was held
that month, the rest missing; the office accepts most and returns one. A second run changes
nothing."""

from __future__ import annotations

import datetime as dt

from monthly import due, services
from monthly.models import MonthlyReport

ON_TIME = ["qx-office", "qx-village-qingxi", "qx-school-primary", "qx-health", "qx-ent-food"]
LATE = ["qx-women", "qx-village-shiqiao"]
QUIET = ["qx-chamber"]  # on time, no activity that month
RETURNED = "qx-village-shiqiao"

SUMMARY = {
    "qx-office": "组织机关干部观看警示教育片，镇党委书记讲廉政党课，各科室签订廉洁承诺。",
    "qx-village-qingxi": "主要路口张贴廉政标语，召开村干部廉洁履职规定专题讲座。",
    "qx-school-primary": "各班开展廉洁教育主题班会，组织廉洁书画比赛。",
    "qx-health": "组织医德医风专题学习，重点是药剂科和设备科。",
    "qx-ent-food": "企业负责人讲廉洁从业课，向关键岗位人员发放学习资料。",
    "qx-women": "向干部家庭发放《廉洁家庭建议书》，组织领导干部配偶签名承诺。",
    "qx-village-shiqiao": "组织村民观看廉政电教片，更新村务公开栏。",
    "qx-chamber": "本月未开展廉政文化活动，下月将组织会员企业廉洁经营座谈。",
}


def load(ctx) -> None:
    campaign = ctx.campaign
    if campaign is None or MonthlyReport.objects.filter(campaign=campaign).exists():
        return
    office = ctx.users.get("office")
    months = [m for m in due.covered_months(campaign) if due.deadline(m, 5) < ctx.today]
    # the months whose report day has passed; else the latest whole month, submitted early
    if not months:
        months = [m for m in due.covered_months(campaign) if m < due.month_start(ctx.today)][-1:]
    for month in months:
        deadline = due.deadline(month, campaign.monthly_report_day)
        for code in ON_TIME + QUIET + LATE:
            unit = ctx.units[code]
            liaison = _liaison(ctx, code)
            if code in LATE:
                on = deadline + dt.timedelta(days=3)
                if on > ctx.today:
                    continue  # not yet in: it shows as missing
            else:
                on = min(deadline - dt.timedelta(days=1), ctx.today)
            report = services.save_draft(
                campaign, unit, month, summary=SUMMARY[code], notes="", by=liaison
            )
            report = services.submit_report(report, by=liaison, today=on)
            if code == RETURNED:
                services.return_report(
                    report, by=office, reason="请补充本月活动的参加人数和照片说明。"
                )
            elif code != "qx-ent-food":  # one stays waiting for review
                services.accept_report(report, by=office)
    ctx.write(f"    月报：{MonthlyReport.objects.filter(campaign=campaign).count()} 份")


def _liaison(ctx, code: str):
    login = "liaison" if code == "qx-village-qingxi" else f"liaison-{code.removeprefix('qx-')}"
    return ctx.users.get(login)
