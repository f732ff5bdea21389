"""Demo publicity ledger (信息报送) in the spirit of seed 004's channel counts: reports on the
unit intranet, the internet, the province, city and district commission sites, the press, TV
and WeChat — mostly approved, one waiting, one returned. A second run changes nothing."""

from __future__ import annotations

import datetime as dt

from activities import publicity
from activities.models import Channel, PublicityItem

C = Channel
# unit code, days before today, channel, outlet, title, link or "" (then a clipping), status
ITEMS = [
    ("qx-office", 95, C.DISTRICT_SITE, "区纪委网站“清风通和”", "清溪镇召开廉政文化示范区域创建动员会", "https://jw.example.gov.cn/qx/1", "approved"),
    ("qx-office", 80, C.PROVINCE_SITE, "省纪委监委网站", "清溪镇：廉政文化“八进”润物无声", "https://www.example-province.gov.cn/lz/2", "approved"),
    ("qx-office", 70, C.CITY_SITE, "市纪委监委网站", "清溪镇开展“一把手讲廉政党课”", "https://www.example-city.gov.cn/lz/3", "approved"),
    ("qx-office", 52, C.DISTRICT_SITE, "区纪委网站“基层动态”", "清溪镇组织观看警示教育片", "https://jw.example.gov.cn/qx/4", "approved"),
    ("qx-office", 40, C.INTERNET, "通和区人民政府网", "清溪镇廉政文化广场建成开放", "https://www.example.gov.cn/news/5", "approved"),
    ("qx-office", 33, C.UNIT_INTRANET, "镇政府内网", "镇机关廉政文化走廊更新展板", "https://oa.example.local/6", "approved"),
    ("qx-office", 12, C.DISTRICT_SITE, "区纪委网站“清风通和”", "清溪镇“5·10思廉日”廉政知识竞赛", "https://jw.example.gov.cn/qx/7", "approved"),
    ("qx-school-primary", 60, C.NEW_MEDIA, "“清风通和”微信公众号", "中心小学开展廉洁书签制作活动", "https://mp.example.com/s/8", "approved"),
    ("qx-school-primary", 25, C.PRESS, "《通和日报》第3版", "小手拉大手 廉洁进万家", "", "approved"),
    ("qx-women", 45, C.TV, "通和电视台《通和新闻》", "清溪镇领导干部配偶签名承诺助廉", "", "approved"),
    ("qx-village-qingxi", 6, C.NEW_MEDIA, "清溪村微信群", "清溪村村干部述职述廉会", "https://mp.example.com/s/11", "submitted"),
    ("qx-health", 15, C.INTERNET, "区卫健委网站", "卫生院开展医德医风专题学习", "https://wjw.example.gov.cn/12", "returned"),
]  # fmt: skip


def load(ctx) -> None:
    from sites.demo import DemoFile

    campaign, office = ctx.campaign, ctx.users.get("office")
    if campaign is None or office is None:
        return
    first_day = dt.date(campaign.year, 1, 1)
    for code, days, channel, outlet, title, link, status in ITEMS:
        unit = ctx.units[code]
        if PublicityItem.objects.filter(unit=unit, title=title).exists():
            continue
        liaison = next(
            (u for login, u in ctx.users.items() if login == f"liaison-{code.removeprefix('qx-')}"),
            ctx.users["liaison"] if code == "qx-village-qingxi" else office,
        )
        data = {
            "title": title,
            "channel": channel,
            "outlet": outlet,
            "published_on": max(ctx.today - dt.timedelta(days=days), first_day),
            "link": link,
            "domain": unit.main_domain,
        }
        clipping = None if link else DemoFile(f"{title}.pdf")
        item = publicity.file_item(unit, data, clipping, liaison)
        if status == "approved":
            publicity.review_item(item, approve=True, by=office)
        elif status == "returned":
            publicity.review_item(
                item, approve=False, by=office, reason="请补充刊发页面截图，链接无法打开。"
            )
