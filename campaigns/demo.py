"""Demo campaign built from the township plan (seed 000), its dates placed around today."""

from __future__ import annotations

import datetime as dt

from campaigns.models import (
    Campaign,
    CampaignDocument,
    CampaignDomain,
    CreatingUnit,
    LeadershipMember,
    Milestone,
    Phase,
)
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
