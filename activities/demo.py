"""Demo ledger: records in the spirit of seeds 002 and 004 for the demo township's units,
filed through the same services as the web form (real, re-encoded photos), mostly approved,
a few waiting for review, one returned, one draft and one withdrawn. A second run changes
nothing."""

from __future__ import annotations

import datetime as dt
import io

from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image, ImageDraw

from activities import evidence, services
from activities.models import ActivityRecord

# unit code, days before today, type, title, place, participants, status
RECORDS = [
    ("qx-office", 40, "lecture", "镇党委书记讲廉政党课", "镇政府三楼会议室", 86, "approved"),
    ("qx-office", 26, "film", "组织观看警示教育片《零容忍》", "镇政府三楼会议室", 72, "approved"),
    ("qx-office", 8, "contest", "“5·10思廉日”廉政知识竞赛", "镇文化站", 64, "submitted"),
    ("qx-finance", 30, "forum", "财政所廉政风险点排查座谈会", "财政所会议室", 15, "approved"),
    ("qx-agri", 20, "materials", "发放廉政宣传资料", "农业综合服务中心", 120, "approved"),
    ("qx-women", 35, "commitment", "领导干部配偶签名承诺", "镇妇联活动室", 106, "approved"),
    ("qx-women", 12, "materials", "发放《廉洁家庭建议书》", "各村（社区）", 260, "approved"),
    ("qx-village-qingxi", 33, "banner", "主要路口张贴廉政标语", "清溪村主干道", 12, "approved"),
    (
        "qx-village-qingxi",
        18,
        "lecture",
        "村干部廉洁履职规定专题讲座",
        "清溪村村委会",
        24,
        "approved",
    ),
    ("qx-village-qingxi", 4, "forum", "村干部述职述廉会", "清溪村村委会", 31, "submitted"),
    ("qx-village-shiqiao", 22, "film", "村民观看廉政电教片", "石桥村文化礼堂", 66, "approved"),
    ("qx-village-shiqiao", 6, "banner", "更新廉政宣传栏", "石桥村村委会", 8, "returned"),
    ("qx-village-liuwan", 15, "visit", "参观区廉政教育基地", "区廉政教育基地", 28, "approved"),
    ("qx-comm-xidong", 28, "exhibition", "廉政格言警句展板展出", "溪东社区广场", 150, "approved"),
    ("qx-comm-xinjie", 10, "materials", "廉政志愿宣传队进楼道", "新街社区", 45, "submitted"),
    ("qx-school-primary", 25, "lecture", "廉洁教育主题班会", "中心小学各班", 420, "approved"),
    ("qx-school-primary", 9, "contest", "廉洁书画比赛", "中心小学", 96, "approved"),
    ("qx-school-middle", 14, "contest", "廉政演讲比赛", "初级中学礼堂", 180, "submitted"),
    (
        "qx-health",
        19,
        "forum",
        "医德医风专题学习会（药剂科、设备科）",
        "卫生院会议室",
        38,
        "approved",
    ),
    ("qx-ent-food", 24, "lecture", "企业负责人讲廉洁从业课", "食品公司会议室", 55, "approved"),
    ("qx-chamber", 3, "other", "商会廉洁经营倡议", "镇商会", 40, "draft"),
    ("qx-comm-xidong", 16, "board", "制作廉政文化宣传展板", "溪东社区文化广场", 20, "approved"),
    ("qx-office", 21, "article", "报送廉政文化创建信息", "镇纪委", 3, "approved"),
    ("qx-office", 11, "books", "发放《纪律处分条例》学习读本", "镇政府各科室", 120, "approved"),
    # filed twice by mistake: the office withdrew the copy (it stays listed, not counted)
    (
        "qx-agri",
        19,
        "materials",
        "发放廉政宣传资料（重复填报）",
        "农业综合服务中心",
        120,
        "withdrawn",
    ),
]
# The quantity in each type's measure (activities.types.DEFAULT_MEASURES) where it is not one
# event: 标语 in 条, 承诺书 and 资料 in 份, 读本 in 册, 展板 in 块, 信息 in 篇.
QUANTITIES = {
    "发放廉政宣传资料": 500,
    "领导干部配偶签名承诺": 106,
    "发放《廉洁家庭建议书》": 260,
    "主要路口张贴廉政标语": 30,
    "更新廉政宣传栏": 6,
    "廉政格言警句展板展出": 1,
    "廉政志愿宣传队进楼道": 300,
    "制作廉政文化宣传展板": 12,
    "报送廉政文化创建信息": 4,
    "发放《纪律处分条例》学习读本": 120,
}
# The activities the office names in the work report (典型活动).
HIGHLIGHTS = {"镇党委书记讲廉政党课", "主要路口张贴廉政标语", "廉洁教育主题班会"}
COLORS = [(180, 30, 40), (30, 90, 160), (40, 130, 70), (150, 110, 30), (90, 60, 140)]


def _photo(index: int, title: str, taken: dt.date) -> SimpleUploadedFile:
    """A small photo with EXIF capture time, as a phone would send it."""
    image = Image.new("RGB", (1200, 900), COLORS[index % len(COLORS)])
    draw = ImageDraw.Draw(image)
    draw.rectangle((60, 60, 1140, 840), outline=(255, 255, 255), width=8)
    draw.text((100, 420), f"Qingfeng demo {index + 1}", fill=(255, 255, 255))
    exif = Image.Exif()
    exif[0x0132] = f"{taken:%Y:%m:%d} 15:30:00"
    out = io.BytesIO()
    image.save(out, "JPEG", quality=80, exif=exif)
    return SimpleUploadedFile(f"IMG_{index + 1:04d}.jpg", out.getvalue(), "image/jpeg")


def load(ctx) -> None:
    from activities import demo_publicity

    campaign = ctx.campaign
    office = ctx.users.get("office")
    if campaign is None or office is None:
        return
    demo_publicity.load(ctx)
    created = 0
    for index, (code, days, kind, title, place, people, status) in enumerate(RECORDS):
        unit = ctx.units.get(code)
        if unit is None or ActivityRecord.objects.filter(unit=unit, title=title).exists():
            continue
        date = max(ctx.today - dt.timedelta(days=days), campaign.start_date)
        liaison = _liaison(ctx, code)
        tasks = [
            t
            for t in services.unit_tasks(unit.pk, campaign.pk)
            if not t.activity_types or kind in t.activity_types
        ][:1]
        uploads = [evidence.inspect_upload(_photo(index, title, date))]
        record = services.file_record(
            unit=unit,
            campaign=campaign,
            data={
                "date": date,
                "domain": unit.main_domain,
                "type": kind,
                "title": title,
                "place": place,
                "organiser": unit.name,
                "participants": people,
                "quantity": QUANTITIES.get(title, 1),
                "description": f"{unit.name}{title}，共{people}人参加。",
            },
            tasks=tasks,
            uploads=uploads,
            by=liaison,
            submit=status != "draft",
        )
        if status in ("approved", "withdrawn"):
            services.approve_record(record, office)
            if title in HIGHLIGHTS:
                services.set_highlight(record, True, office)
        if status == "withdrawn":
            services.withdraw_record(record, office, "与同日“发放廉政宣传资料”重复填报。")
        elif status == "returned":
            services.return_record(record, office, "照片未反映活动现场，请补充签到表。")
        created += 1
    ctx.write(f"  活动记录：新建 {created} 条")


def _liaison(ctx, code: str):
    login = "liaison" if code == "qx-village-qingxi" else f"liaison-{code.removeprefix('qx-')}"
    return ctx.users.get(login)
