"""Demo sites for 清溪镇: candidates at different stages, a named site, one due for re-review.

The assessments demo (which runs next) takes 清溪村's site through self-assessment and
pre-check. A second run changes nothing.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from django.utils import timezone

from organisations.models import Domain
from sites import services
from sites.models import (
    Level,
    Site,
    SiteEvent,
    SiteNaming,
    Status,
    Theme,
    VisitorCount,
    VisitRoute,
)

# A minimal, valid one-page PDF for the demo creation plans.
DEMO_PDF = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
    b"2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n"
    b"3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 595 842]>>endobj\n"
    b"trailer<</Root 1 0 R>>\n%%EOF\n"
)


@dataclass
class DemoFile:
    """What `services.submit_plan` reads from an `activities.evidence.Prepared`."""

    original_name: str
    content: bytes = DEMO_PDF
    extension: str = ".pdf"
    kind: str = "document"
    sha256: str = "0" * 64


SECTIONS = "序厅：清风溪韵\n历史长廊：古今廉吏\n警示教育：以案为鉴\n家风家训：廉洁齐家\n互动体验区"


def _named(ctx, unit_code: str, name: str, domain: str, named_on: dt.date, **profile) -> Site:
    office = ctx.users["office"]
    site = Site.objects.create(
        campaign=None,
        unit=ctx.units[unit_code],
        domain=Domain.objects.get(code=domain),
        name=name,
        status=Status.NAMED,
        status_changed_at=timezone.now(),
        level=Level.DISTRICT,
        named_doc_number=f"通纪委〔{named_on.year}〕{named_on.month + 20}号",
        named_on=named_on,
        next_review_due=services._add_years(named_on, services.REVIEW_INTERVAL_YEARS),
        created_by=office,
        **profile,
    )
    now = timezone.now()
    SiteEvent.objects.create(
        site=site,
        action="name",
        from_status=Status.APPLIED,
        to_status=Status.NAMED,
        params={"level": site.level, "doc": site.named_doc_number},
        by=ctx.users["reviewer"],
        at=now,
    )
    SiteNaming.objects.create(
        site=site,
        level=site.level,
        doc_number=site.named_doc_number,
        named_on=named_on,
        by=ctx.users["reviewer"],
        at=now,
    )
    return site


# unit code, kind, name, place, days since set up, days ago of each update (content)
POSITIONS = [
    ("qx-office", "window", "镇机关廉政文化宣传橱窗", "镇政府办公楼一楼大厅", 400, [
        (100, "更换“纪律教育学习月”专题内容"), (70, "张贴“一把手讲廉政党课”图片报道"),
        (40, "更新“以案为鉴”警示教育展板6块"), (10, "刊出“5·10思廉日”专题"),
    ]),
    ("qx-village-qingxi", "board", "清溪村廉政宣传栏", "清溪村村委会门口", 500, [
        (190, "更换廉政格言警句"),
    ]),
    ("qx-comm-xidong", "wall", "溪东社区廉政文化墙", "溪东社区广场西侧", 200, [
        (50, "新绘“家风家训”主题墙绘"),
    ]),
    ("qx-comm-xidong", "bookhouse", "溪东社区廉政书屋", "溪东社区图书室", 150, [
        (80, "新增廉政书籍40册"), (20, "充实《中国共产党纪律处分条例》解读读本"),
    ]),
    ("qx-school-primary", "board", "校园廉政文化主题宣传栏", "中心小学教学楼一楼", 260, [
        (120, "张贴廉政楷模宣传挂画"), (83, "展出学生廉洁书签作品"),
    ]),
]  # fmt: skip


def load_positions(ctx) -> None:
    """The 宣传阵地 register: positions kept up to date, one (清溪村's board) not updated for
    half a year — the late list shows it and criterion 3.3 scores it low — and the school's
    board due for its update in a week, so today's sweep reminds its liaison."""
    from activities.demo import _photo
    from activities.evidence import inspect_upload
    from sites import positions
    from sites.models import Position

    if Position.objects.filter(township=ctx.township).exists():
        return
    for index, (code, kind, name, place, age, updates) in enumerate(POSITIONS):
        unit = ctx.units[code]
        who = ctx.users.get(f"liaison-{code.removeprefix('qx-')}") or ctx.users["liaison"]
        set_up = ctx.today - dt.timedelta(days=age)
        position = positions.create_position(
            unit,
            {"kind": kind, "name": name, "place": place, "set_up_on": set_up},
            inspect_upload(_photo(index, name, set_up)),
            who,
        )
        for n, (days, content) in enumerate(reversed(updates)):
            day = ctx.today - dt.timedelta(days=days)
            photo = inspect_upload(_photo(index + n + 1, content, day)) if n == 0 else None
            positions.add_update(position, day, content, photo, who)


def load(ctx) -> None:
    if ctx.campaign is None:
        return
    load_positions(ctx)
    if Site.objects.filter(township=ctx.township).exists():
        return
    office, today = ctx.users["office"], ctx.today
    villages = Domain.objects.get(code="villages")

    # 1. 清溪村: plan approved, creating (the assessments demo continues from here)
    qingxi = services.create_site(
        ctx.campaign,
        ctx.units["qx-village-qingxi"],
        villages,
        "清溪村廉政文化广场",
        office,
        address="清溪镇清溪村村委会东侧",
        floor_area=Decimal("860"),
        exhibition_sections="廉政格言长廊\n村务公开栏\n清风亭",
    )
    services.submit_plan(qingxi, DemoFile("清溪村廉政文化示范点创建方案.pdf"), ctx.users["liaison"])
    plan = qingxi.plans.get()
    services.review_plan(plan, approve=True, by=office)
    services.transition(qingxi, "start_creating", office)

    # 2. 石桥村: plan submitted, waiting for the office
    shiqiao = services.create_site(
        ctx.campaign,
        ctx.units["qx-village-shiqiao"],
        villages,
        "石桥村清风长廊",
        office,
        address="清溪镇石桥村文化礼堂",
    )
    services.submit_plan(
        shiqiao, DemoFile("石桥村创建方案.pdf"), ctx.users.get("liaison-village-shiqiao", office)
    )

    # 3. 溪东社区: a fresh candidate
    services.create_site(
        ctx.campaign,
        ctx.units["qx-comm-xidong"],
        Domain.objects.get(code="communities"),
        "溪东社区廉政文化墙",
        office,
    )

    # 4. a named site with a full profile (seed 004: 475 m², sections, visitors)
    school = _named(
        ctx,
        "qx-school-primary",
        "清溪镇中心小学廉洁教育基地",
        "schools",
        today - dt.timedelta(days=300),
        address="清溪镇人民路18号",
        latitude=Decimal("31.300512"),
        longitude=Decimal("120.585315"),
        floor_area=Decimal("475"),
        opened_on=today - dt.timedelta(days=420),
        exhibition_sections=SECTIONS,
        description="以“廉洁从小做起”为主题，面向师生和家长开放。",
    )
    # moved up: recommended by the district and named at 市级 (seed 003: 省市区三级示范点)
    reviewer = ctx.users["reviewer"]
    services.transition(school, "recommend", reviewer, "区纪委择优推荐")
    services.transition(
        school,
        "name_higher",
        reviewer,
        doc_number=f"市纪委〔{today.year}〕12号",
        named_on=today - dt.timedelta(days=30),
    )
    month = today.replace(day=1)
    for n in range(6):
        month = (month - dt.timedelta(days=1)).replace(day=1)
        VisitorCount.objects.create(
            site=school, month=month, visitors=260 + 37 * n, groups=5 + n, entered_by=office
        )

    # 5. a site whose re-review (回头看) has come
    organs = _named(
        ctx,
        "qx-office",
        "镇机关廉政文化走廊",
        "organs",
        services._add_years(today - dt.timedelta(days=10), -services.REVIEW_INTERVAL_YEARS),
        address="清溪镇人民政府办公楼二楼",
        floor_area=Decimal("120"),
    )
    services.mark_reviews_due(today, by=office)

    route = VisitRoute(
        township=ctx.township,
        name="清溪镇廉政文化参观学习线路",
        theme=Theme.INTEGRITY,
        description="镇机关—中心小学，约两小时。",
        duration_hours=Decimal("2"),
    )
    services.save_route(route, [organs.pk, school.pk], office)
    district_route = VisitRoute(
        township=None,
        district=ctx.district,
        name="通和区警示教育参观学习线路",
        theme=Theme.WARNING,
        description="全区线路：中心小学廉洁教育基地—清溪村廉政文化广场，跨镇串联。",
        duration_hours=Decimal("3"),
    )
    services.save_route(district_route, [school.pk, qingxi.pk], reviewer)
    ctx.extra["demo_sites"] = {"qingxi": qingxi, "shiqiao": shiqiao, "school": school}
