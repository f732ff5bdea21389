"""Demo criteria, assessments and rectification for 清溪镇.

* the district standard (区廉政文化示范区域标准) built from seed 000's work content: six
  groups, 16 items, 100 points, pass line 80; three items scored automatically from the ledger;
* 清溪村's site: a completed self-assessment by its liaison, then the office's pre-check with
  two failed items, each a rectification item — one of them already past its deadline;
* a random spot check of four units, stored with its seed.
A second run changes nothing.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from activities.types import ActivityType
from assessments import services, supervision
from assessments.models import CriteriaGroup, CriteriaItem, CriteriaSet, SpotCheck
from assessments.services import ScoreRow
from organisations.models import Domain
from sites.models import Site

NAME = "区廉政文化示范区域标准"
K = CriteriaGroup.Kind
# group kind, group name, [(code, text, points, evidence, auto (target, type) or None)]
STANDARD = [
    (K.ORGANISATION, "组织领导", [
        ("1.1", "成立创建工作领导小组，明确办公室和联络员", 6, "成立文件、人员名单", None),
        ("1.2", "制定创建方案并按时报送镇创建办", 6, "创建方案", None),
        ("1.3", "党组织书记履行第一责任人职责，专题研究创建工作", 4, "会议记录", None),
    ]),
    (K.SYSTEMS, "制度建设", [
        ("2.1", "建立健全民主决策制度和村干部述职述廉制度", 6, "制度文本、述职述廉记录", None),
        ("2.2", "村（居）务、厂务公开规范及时", 6, "公开栏照片、公开记录", None),
    ]),
    (K.POSITIONS, "宣传阵地", [
        ("3.1", "在显要位置设立廉政文化宣传橱窗或专栏", 6, "阵地照片", (1, "positions")),
        ("3.2", "主要路口刷写廉政格言警句标语", 5, "标语照片", None),
        ("3.3", "宣传栏内容定期更新（每季度至少一次）", 5, "更新记录与照片", (4, "position_updates")),
    ]),
    (K.ACTIVITIES, "活动开展", [
        ("4.1", "每年开展廉政党课或专题讲座不少于4次", 10, "活动台账、签到表、照片", (4, "lecture")),
        ("4.2", "组织观看反腐倡廉电教片不少于2次", 8, "活动台账、照片", (2, "film")),
        ("4.3", "开展知识竞赛、演讲、征文等主题活动不少于2次", 8, "活动台账、作品", (2, "contest")),
        ("4.4", "利用“5·10思廉日”“12·9国际反腐败日”开展主题活动", 6, "活动方案、照片", None),
    ]),
    (K.ARCHIVES, "档案资料", [
        ("5.1", "创建档案资料分类归档、完整规范", 8, "档案目录", None),
        ("5.2", "活动台账记录及时、佐证齐全", 6, "台账", None),
    ]),
    (K.EFFECT, "工作成效", [
        ("6.1", "群众对廉政文化建设知晓率、满意度高", 5, "问卷调查", None),
        ("6.2", "创建工作有特色、有亮点，形成示范效应", 5, "经验材料、媒体报道", None),
    ]),
]  # fmt: skip


def criteria_set(ctx) -> CriteriaSet:
    existing = CriteriaSet.objects.filter(district=ctx.district, name=NAME).first()
    if existing:
        return existing
    cs = CriteriaSet.objects.create(
        district=ctx.district,
        name=NAME,
        doc_number="通纪委〔2023〕41号",
        pass_line=Decimal(80),
        created_by=ctx.users["reviewer"],
    )
    order = 0
    for group_order, (kind, name, items) in enumerate(STANDARD):
        group = CriteriaGroup.objects.create(
            criteria_set=cs, kind=kind, name=name, order=group_order
        )
        for code, text, points, evidence, auto in items:
            CriteriaItem.objects.create(
                criteria_set=cs,
                group=group,
                code=code,
                text=text,
                points=Decimal(points),
                evidence_wanted=evidence,
                order=order,
                auto_target=auto[0] if auto else None,
                auto_type=auto[1] if auto and auto[1] in ActivityType.values else "",
                auto_source=auto[1] if auto and auto[1] not in ActivityType.values else "ledger",
                auto_domain=Domain.objects.get(code="villages")
                if auto and auto[1] in ActivityType.values
                else None,
            )
            order += 1
    return cs


def _rows(assessment, failed_codes=(), score_share=Decimal("0.9")):
    rows = []
    for s in assessment.scores.select_related("item"):
        failed = s.item.code in failed_codes
        if s.auto_score is not None and not failed:
            score = s.auto_score
        else:
            share = Decimal("0.4") if failed else score_share
            score = (s.item.points * share).quantize(Decimal("0.1"))
        rows.append(
            ScoreRow(
                item_id=s.item_id,
                score=score,
                passed=not failed,
                pass_reason="演示：现场核实，台账之外另有佐证"
                if not failed and not s.item.passes(score)
                else "",
                finding={
                    "5.1": "档案未分类归档，缺少2025年度活动资料",
                    "3.3": "宣传栏内容半年未更新",
                }.get(s.item.code, ""),
                override_reason=""
                if s.auto_score is None or score == s.auto_score
                else "演示：按现场核实调整",
            )
        )
    return rows


def load(ctx) -> None:
    if ctx.campaign is None:
        return
    cs = criteria_set(ctx)
    site = Site.objects.filter(campaign=ctx.campaign, unit=ctx.units["qx-village-qingxi"]).first()
    if site is None or site.assessments.exists():
        return
    office, liaison, today = ctx.users["office"], ctx.users["liaison"], ctx.today

    own = services.start_assessment(
        "self", cs, liaison, site=site, on=today - dt.timedelta(days=12)
    )
    services.save_scores(own, _rows(own, score_share=Decimal("0.95")), liaison)
    services.complete_assessment(own, liaison, "对照标准逐条自查，基本达到示范点要求。")

    site.refresh_from_db()
    check = services.start_assessment(
        "precheck", cs, office, site=site, on=today - dt.timedelta(days=8)
    )
    services.save_scores(check, _rows(check, failed_codes=("5.1", "3.3")), office)
    services.complete_assessment(check, office, "逐条查漏发现两项不达标，限期整改后复查。")
    for code, deadline, requirement in [
        ("5.1", today - dt.timedelta(days=3), "按年度、类别整理归档创建资料，提供档案目录和照片"),
        ("3.3", today + dt.timedelta(days=10), "更新宣传栏内容，提供更新后的照片"),
    ]:
        services.open_rectification(
            by=office,
            item_score=check.scores.get(item__code=code),
            requirement=requirement,
            deadline=deadline,
            today=today - dt.timedelta(days=8),
        )

    if not SpotCheck.objects.filter(campaign=ctx.campaign).exists():
        supervision.create_spot_check(
            ctx.campaign,
            kind=SpotCheck.Kind.RANDOM,
            title="六月创建工作随机抽查",
            sample_size=4,
            seed=20260615,
            conducted_on=today - dt.timedelta(days=5),
            by=office,
        )
