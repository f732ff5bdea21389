"""Demo campaign built from the township plan (seed 000), its dates placed around today."""

from __future__ import annotations

import datetime as dt

from activities.types import ActivityType as T
from campaigns.models import (
    Campaign,
    CampaignDocument,
    CampaignDomain,
    CreatingUnit,
    LeadershipMember,
    Milestone,
    Phase,
    Task,
)
from campaigns.services import save_task
from organisations.models import Domain

GUIDING = (
    "按照“更加注重治本、预防和制度建设”的要求，增强党风廉政教育的针对性、实效性，通过创建廉政文化示范区域，"
    "大力倡导“以廉为荣、以贪为耻”的良好道德观念，推动我镇反腐倡廉工作深入开展。"
)
GOAL = (
    "根据区廉政文化示范系统和区域标准及廉政文化“进机关、进社区、进学校、进医院、进农村、进企业、进社会组织、进家庭”"
    "的活动要求，以点带面、层层推进，拓宽反腐倡廉教育的社会覆盖面，在全镇形成以廉为荣、以贪为耻的良好社会风气。"
)

# domain code -> (lead unit code, co-organiser codes)
RESPONSIBILITY = {
    "organs": ("qx-office", ["qx-finance", "qx-agri"]),
    "communities": ("qx-comm-xidong", ["qx-comm-xinjie"]),
    "schools": ("qx-school-primary", ["qx-school-middle"]),
    "hospitals": ("qx-health", []),
    "villages": ("qx-village-qingxi", ["qx-village-shiqiao", "qx-village-liuwan"]),
    "enterprises": ("qx-ent-food", ["qx-ent-huayu"]),
    "social_orgs": ("qx-chamber", []),
    "families": ("qx-women", ["qx-comm-xidong"]),
}
CREATING = [
    ("qx-office", "organs"),
    ("qx-village-qingxi", "villages"),
    ("qx-village-shiqiao", "villages"),
    ("qx-comm-xidong", "communities"),
    ("qx-school-primary", "schools"),
    ("qx-health", "hospitals"),
    ("qx-ent-food", "enterprises"),
]


def phase_dates(today: dt.date) -> list[tuple[str, str, dt.date, dt.date]]:
    """Mobilisation mostly behind us, creation under way, application ahead."""
    return [
        (
            Phase.Kind.MOBILISATION,
            "宣传发动阶段",
            today - dt.timedelta(days=60),
            today - dt.timedelta(days=16),
        ),
        (
            Phase.Kind.CREATION,
            "实施创建阶段",
            today - dt.timedelta(days=15),
            today + dt.timedelta(days=20),
        ),
        (
            Phase.Kind.APPLICATION,
            "申报验收阶段",
            today + dt.timedelta(days=21),
            today + dt.timedelta(days=30),
        ),
    ]


def load(ctx) -> None:
    phases = phase_dates(ctx.today)
    campaign, created = Campaign.objects.get_or_create(
        township=ctx.township,
        year=phases[0][2].year,
        defaults={
            "name": f"{ctx.township.name}{phases[0][2].year}年创建廉政文化示范区域",
            "guiding_ideology": GUIDING,
            "overall_goal": GOAL,
            "start_date": phases[0][2],
            "end_date": phases[-1][3],
            "created_by": ctx.users["office"],
        },
    )
    ctx.campaign = campaign
    load_tasks(ctx, campaign)
    if not created:
        return  # the campaign exists: a second run changes nothing

    CampaignDocument.objects.create(
        campaign=campaign,
        doc_number="通纪委〔2023〕96号",
        issuer="区纪委",
        title="关于进一步加强全区廉政文化建设的实施意见",
    )
    CampaignDocument.objects.create(
        campaign=campaign,
        doc_number="通纪委〔2023〕41号",
        issuer="区纪委",
        title="区廉政文化示范系统和区域标准",
    )
    leadership = [
        ("李国强", "镇党委书记", LeadershipMember.Position.LEADER, ctx.users["leader"]),
        ("孙立平", "镇党委副书记、镇长", LeadershipMember.Position.DEPUTY, None),
        ("冯建新", "镇党委委员、纪委书记", LeadershipMember.Position.DEPUTY, None),
        ("张敏", "镇纪委副书记", LeadershipMember.Position.OFFICE_DIRECTOR, ctx.users["office"]),
        ("许文静", "镇党政办公室主任", LeadershipMember.Position.OFFICE_DEPUTY, None),
        ("韩志明", "镇宣传委员", LeadershipMember.Position.MEMBER, None),
        ("曹秀英", "镇妇联主席", LeadershipMember.Position.MEMBER, None),
        ("彭立军", "镇中心小学校长", LeadershipMember.Position.MEMBER, None),
        ("蒋卫华", "镇卫生院院长", LeadershipMember.Position.MEMBER, None),
    ]
    for order, (name, job, position, user) in enumerate(leadership):
        LeadershipMember.objects.create(
            campaign=campaign, name=name, job_title=job, position=position, user=user, order=order
        )

    for order, domain in enumerate(Domain.objects.filter(is_default=True)):
        lead, co = RESPONSIBILITY[domain.code]
        cd = CampaignDomain.objects.create(
            campaign=campaign, domain=domain, lead_unit=ctx.units[lead], order=order
        )
        cd.co_units.set([ctx.units[code] for code in co])
    domains = {d.code: d for d in Domain.objects.all()}
    for unit_code, domain_code in CREATING:
        CreatingUnit.objects.create(
            campaign=campaign, unit=ctx.units[unit_code], domain=domains[domain_code]
        )

    made = {}
    for order, (kind, name, start, end) in enumerate(phases, start=1):
        made[kind] = Phase.objects.create(
            campaign=campaign, kind=kind, name=name, order=order, start_date=start, end_date=end
        )
    Milestone.objects.create(
        campaign=campaign,
        phase=made[Phase.Kind.MOBILISATION],
        kind=Milestone.Kind.PLAN_DUE,
        title="各创建单位报送创建方案",
        due_date=phases[0][3],
        description="各牵头单位和创建单位确定创建目标，制定创建方案报镇廉政文化示范区域创建办公室。",
    )
    Milestone.objects.create(
        campaign=campaign,
        phase=made[Phase.Kind.CREATION],
        kind=Milestone.Kind.OTHER,
        title="完善档案资料",
        due_date=phases[1][3],
        description="各村（居）、镇属有关部门健全制度，完善创建档案资料。",
    )
    Milestone.objects.create(
        campaign=campaign,
        phase=made[Phase.Kind.APPLICATION],
        kind=Milestone.Kind.APPLICATION_DUE,
        title="申报区级廉政文化示范区域验收",
        due_date=phases[2][3],
        description="镇党委对照区纪委评审条件逐条查漏，符合条件后组织申报区级验收。",
    )
    load_unit_plans(ctx, campaign)


def load_unit_plans(ctx, campaign) -> None:
    """Units' own creation plans: one approved, one waiting, one returned for rework. The
    other owed units (the 创建单位 and 牵头单位 without a plan) show as not submitted."""
    from campaigns import plans
    from sites.demo import DemoFile

    office = ctx.users["office"]
    approved = plans.submit_plan(
        campaign,
        ctx.units["qx-office"],
        DemoFile("镇党政办公室廉政文化进机关创建方案.pdf"),
        ctx.users["liaison-office"],
    )
    plans.review_plan(approved, approve=True, by=office)
    plans.submit_plan(
        campaign,
        ctx.units["qx-health"],
        DemoFile("卫生院廉政文化进医院创建方案.pdf"),
        ctx.users["liaison-health"],
        "含药剂、设备科室重点人员教育安排",
    )
    returned = plans.submit_plan(
        campaign,
        ctx.units["qx-women"],
        DemoFile("妇联廉洁家庭创建方案.pdf"),
        ctx.users["liaison-women"],
    )
    plans.review_plan(
        returned,
        approve=False,
        by=office,
        reason="缺少干部家属观看电教片和座谈会的时间安排，请补充后重报。",
    )


A, P, PCT = Task.Measure.ACTIVITIES, Task.Measure.PARTICIPANTS, Task.Measure.PERCENT
ONCE, MONTHLY, SEMESTER, YEARLY = (
    Task.Recurrence.ONCE,
    Task.Recurrence.MONTHLY,
    Task.Recurrence.SEMESTER,
    Task.Recurrence.YEARLY,
)

# The seed's work content (工作内容), one row per countable task:
# (domain, title, description, lead unit, co-host units, measure, target, unit, base,
#  recurrence, activity types that count)
TASKS = [
    (
        "organs",
        "机关办公楼设立廉政文化宣传橱窗",
        "在镇机关办公楼显要位置设立专题宣传橱窗，宣传反腐倡廉政策法规、工作成果和先进典型。",
        "qx-office",
        [],
        A,
        1,
        "处",
        None,
        ONCE,
        [T.EXHIBITION],
    ),
    (
        "organs",
        "一把手讲廉政党课",
        "各单位主要负责人为党员干部讲一堂廉政党课。",
        "qx-office",
        ["qx-finance", "qx-agri"],
        A,
        3,
        "堂",
        None,
        ONCE,
        [T.LECTURE],
    ),
    (
        "organs",
        "观看廉政警示教育片",
        "定期组织党员干部学习廉政警示教育资料或观看警示教育片。",
        "qx-office",
        ["qx-finance"],
        A,
        1,
        "次",
        None,
        MONTHLY,
        [T.FILM],
    ),
    (
        "organs",
        "廉政知识竞赛",
        "组织党员干部开展廉政知识竞赛。",
        "qx-office",
        ["qx-agri"],
        A,
        1,
        "场",
        None,
        ONCE,
        [T.CONTEST],
    ),
    (
        "organs",
        "“5·10思廉日”主题活动",
        "利用5·10思廉日开展崇尚廉洁的活动，在公共场所悬挂横幅、对联。",
        "qx-office",
        [],
        A,
        1,
        "次",
        None,
        ONCE,
        [T.BANNER, T.OTHER],
    ),
    (
        "communities",
        "廉政格言警句宣传栏",
        "选取与环境相适宜的地方制作廉政格言警句宣传栏。",
        "qx-comm-xidong",
        ["qx-comm-xinjie"],
        A,
        2,
        "处",
        None,
        ONCE,
        [T.EXHIBITION, T.BANNER],
    ),
    (
        "communities",
        "党风廉政宣传员队伍活动",
        "以党支部为骨干组建党风廉政宣传员队伍，开展群众性廉政文化活动。",
        "qx-comm-xidong",
        ["qx-comm-xinjie"],
        P,
        100,
        "人次",
        None,
        MONTHLY,
        [],
    ),
    (
        "schools",
        "每学期一堂反腐倡廉教育课或电教片",
        "每学期为学生上一堂以反腐倡廉知识为内容的政治课，或组织观看一次反腐倡廉电教片。",
        "qx-school-primary",
        ["qx-school-middle"],
        A,
        1,
        "次",
        None,
        SEMESTER,
        [T.LECTURE, T.FILM],
    ),
    (
        "schools",
        "反腐倡廉主题班会或社会实践",
        "开展一次反腐倡廉主题班会或一次社会实践活动。",
        "qx-school-primary",
        ["qx-school-middle"],
        A,
        1,
        "次",
        None,
        SEMESTER,
        [T.FORUM, T.VISIT, T.OTHER],
    ),
    (
        "schools",
        "主题演讲、作文、书画或黑板报比赛",
        "开展一次主题演讲、作文、书画作品、黑板报比赛。",
        "qx-school-middle",
        ["qx-school-primary"],
        A,
        1,
        "次",
        None,
        SEMESTER,
        [T.CONTEST],
    ),
    (
        "schools",
        "班级廉政读书角",
        "为班级设立“读书角”，定期充实、更换廉政文化书籍。",
        "qx-school-primary",
        ["qx-school-middle"],
        A,
        1,
        "次",
        None,
        ONCE,
        [T.MATERIALS, T.OTHER],
    ),
    (
        "hospitals",
        "医德医风与廉洁行医学习",
        "组织卫生院职工学习医德知识和法律法规，重点关注药剂、医疗设备等科室人员。",
        "qx-health",
        [],
        A,
        1,
        "次",
        None,
        MONTHLY,
        [T.LECTURE, T.FORUM],
    ),
    (
        "hospitals",
        "廉政文化宣传牌、警示牌",
        "设置具有廉政文化内容的宣传牌、警示牌，做到上桌面、上墙面。",
        "qx-health",
        [],
        A,
        1,
        "批",
        None,
        ONCE,
        [T.EXHIBITION, T.BANNER],
    ),
    (
        "villages",
        "主要路口刷写廉政格言标语",
        "在各村（居）主要路口刷写一批廉政格言警句标语，在群众活动集中区域设立宣传专栏。",
        "qx-village-qingxi",
        ["qx-village-shiqiao", "qx-village-liuwan"],
        A,
        3,
        "处",
        None,
        ONCE,
        [T.BANNER],
    ),
    (
        "villages",
        "村干部述职述廉",
        "村干部述职述廉，加大村务公开力度。",
        "qx-village-qingxi",
        ["qx-village-shiqiao", "qx-village-liuwan"],
        A,
        1,
        "次",
        None,
        ONCE,
        [T.FORUM],
    ),
    (
        "villages",
        "村党员干部廉政法规专题讲座",
        "由镇党委组织为村党员干部开展一次廉政法规专题讲座。",
        "qx-village-qingxi",
        ["qx-village-shiqiao"],
        A,
        1,
        "次",
        None,
        ONCE,
        [T.LECTURE],
    ),
    (
        "enterprises",
        "企业负责人年度廉洁从业课",
        "每年由企业负责人向干部职工讲一堂以“廉洁从业、诚实守信”为内容的廉政课。",
        "qx-ent-food",
        ["qx-ent-huayu"],
        A,
        1,
        "堂",
        None,
        YEARLY,
        [T.LECTURE],
    ),
    (
        "enterprises",
        "向重点骨干发放反腐倡廉学习资料",
        "向重点骨干、企业负责人发放反腐倡廉学习资料。",
        "qx-ent-food",
        ["qx-ent-huayu"],
        P,
        50,
        "人",
        None,
        ONCE,
        [T.MATERIALS],
    ),
    (
        "social_orgs",
        "廉政文艺作品创作与传播",
        "注重发挥网络、广播电视等媒体优势，创作廉政文艺作品。",
        "qx-chamber",
        [],
        A,
        2,
        "件",
        None,
        ONCE,
        [T.EXHIBITION, T.OTHER],
    ),
    (
        "families",
        "向干部家庭发放《廉洁家庭建议书》",
        "向全镇干部家庭发放“廉洁家庭建议书”，做到每户一份。",
        "qx-women",
        ["qx-comm-xidong"],
        PCT,
        100,
        "%",
        120,
        ONCE,
        [T.MATERIALS, T.COMMITMENT],
    ),
    (
        "families",
        "干部家属观看反腐倡廉电教片",
        "组织干部家属集中观看反腐倡廉电教片一次。",
        "qx-women",
        [],
        A,
        1,
        "次",
        None,
        ONCE,
        [T.FILM],
    ),
    (
        "families",
        "干部家属廉政座谈会",
        "召开干部家属座谈会一次。",
        "qx-women",
        [],
        A,
        1,
        "次",
        None,
        ONCE,
        [T.FORUM],
    ),
]


def load_tasks(ctx, campaign) -> None:
    """The seed's tasks for all eight domains; a task already there is left alone."""
    domains = {d.code: d for d in Domain.objects.all()}
    existing = set(campaign.tasks.values_list("domain__code", "title"))
    for row in TASKS:
        code, title, description, lead, co, measure, target, unit, base, recurrence, types = row
        if (code, title) in existing:
            continue
        task = Task(
            campaign=campaign,
            domain=domains[code],
            title=title,
            description=description,
            lead_unit=ctx.units[lead],
            measure=measure,
            target_count=target,
            target_unit=unit,
            target_base=base,
            recurrence=recurrence,
            start_date=campaign.start_date,
            due_date=campaign.end_date,
            activity_types=[str(t) for t in types],
        )
        save_task(task, [ctx.units[c] for c in co])
