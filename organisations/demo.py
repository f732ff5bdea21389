"""Demo organisation: the district, the township of seed 000, its units and people."""

from __future__ import annotations

from organisations.models import Domain, Organisation, Role, User

DEMO_PASSWORD = "qingfeng-demo"

DISTRICT = ("tonghe-district", "通和区")
TOWNSHIP = ("qingxi-town", "清溪镇")

# code, name, unit type, main domain
UNITS = [
    ("qx-office", "镇党政办公室", Organisation.UnitType.DEPARTMENT, "organs"),
    ("qx-finance", "镇财政所", Organisation.UnitType.DEPARTMENT, "organs"),
    ("qx-agri", "镇农业综合服务中心", Organisation.UnitType.DEPARTMENT, "organs"),
    ("qx-women", "镇妇联", Organisation.UnitType.DEPARTMENT, "families"),
    ("qx-village-qingxi", "清溪村", Organisation.UnitType.VILLAGE, "villages"),
    ("qx-village-shiqiao", "石桥村", Organisation.UnitType.VILLAGE, "villages"),
    ("qx-village-liuwan", "柳湾村", Organisation.UnitType.VILLAGE, "villages"),
    ("qx-comm-xidong", "溪东社区", Organisation.UnitType.COMMUNITY, "communities"),
    ("qx-comm-xinjie", "新街社区", Organisation.UnitType.COMMUNITY, "communities"),
    ("qx-school-primary", "清溪镇中心小学", Organisation.UnitType.SCHOOL, "schools"),
    ("qx-school-middle", "清溪镇初级中学", Organisation.UnitType.SCHOOL, "schools"),
    ("qx-health", "清溪镇卫生院", Organisation.UnitType.HEALTH_CENTRE, "hospitals"),
    ("qx-ent-food", "清溪食品有限公司", Organisation.UnitType.ENTERPRISE, "enterprises"),
    ("qx-ent-huayu", "华宇建材有限公司", Organisation.UnitType.ENTERPRISE, "enterprises"),
    ("qx-chamber", "清溪镇商会", Organisation.UnitType.SOCIAL_ORG, "social_orgs"),
]

# Liaison names, one per unit, in the order above.
LIAISON_NAMES = [
    "周晓燕",
    "吴建华",
    "郑海波",
    "孙丽娟",
    "陈志刚",
    "刘桂芳",
    "黄永强",
    "赵雪梅",
    "钱立新",
    "林晓旸",
    "何珺",
    "马德华",
    "胡建堃",
    "郭红梅",
    "罗喆",
]


def _user(ctx, login: str, full_name: str, what: str, phone: str = "") -> User:
    user, created = User.objects.get_or_create(
        username=login,
        defaults={"full_name": full_name, "phone": phone, "email": f"{login}@demo.qingfeng.local"},
    )
    if created:
        user.set_password(DEMO_PASSWORD)
        user.save(update_fields=["password"])
    ctx.users[login] = user
    ctx.logins.append((login, DEMO_PASSWORD, what))
    return user


def _role(user: User, org: Organisation, kind: str, title: str = "") -> None:
    Role.objects.get_or_create(user=user, organisation=org, kind=kind, defaults={"title": title})


def _org(code: str, **fields) -> Organisation:
    org = Organisation.objects.filter(code=code).first()
    if org is None:
        org = Organisation(code=code, **fields)
        org.save()
    return org


def load(ctx) -> None:
    domains = {d.code: d for d in Domain.objects.all()}
    ctx.district = _org(DISTRICT[0], name=DISTRICT[1], level=Organisation.Level.DISTRICT)
    ctx.township = _org(
        TOWNSHIP[0], name=TOWNSHIP[1], level=Organisation.Level.TOWNSHIP, parent=ctx.district
    )
    for code, name, unit_type, domain in UNITS:
        ctx.units[code] = _org(
            code,
            name=name,
            level=Organisation.Level.UNIT,
            unit_type=unit_type,
            main_domain=domains[domain],
            parent=ctx.township,
        )

    office = _user(ctx, "office", "张敏", "创建办工作人员（镇纪委办公室）", "13800000001")
    _role(office, ctx.township, Role.Kind.OFFICE, "纪委副书记、创建办主任")
    leader = _user(ctx, "leader", "李国强", "领导（镇党委书记）", "13800000002")
    _role(leader, ctx.township, Role.Kind.LEADER, "镇党委书记")
    reviewer = _user(ctx, "reviewer", "王芳", "区纪委验收组成员", "13800000003")
    _role(reviewer, ctx.district, Role.Kind.REVIEWER, "区纪委党风政风监督室")
    district_leader = _user(
        ctx, "district-leader", "陈卫东", "区领导（区纪委副书记）", "13800000004"
    )
    _role(district_leader, ctx.district, Role.Kind.LEADER, "区纪委副书记")
    auditor = _user(ctx, "auditor", "周静", "安全审计员（只查看审计记录）", "13800000005")
    _role(auditor, ctx.district, Role.Kind.AUDITOR, "区纪委信息化安全审计")

    for index, ((code, name, _type, _domain), person) in enumerate(
        zip(UNITS, LIAISON_NAMES, strict=True)
    ):
        login = "liaison" if code == "qx-village-qingxi" else f"liaison-{code.removeprefix('qx-')}"
        user = _user(ctx, login, person, f"联络员 · {name}", f"1390000{index:04d}")
        _role(user, ctx.units[code], Role.Kind.LIAISON, "联络员")

    _office_pages_demo(ctx)


SHORT_NAMES = {
    "qx-office": ("党政办", "周晓燕", "0513-86000001"),
    "qx-school-primary": ("中心小学", "林晓旸", "0513-86000010"),
    "qx-health": ("卫生院", "马德华", "0513-86000012"),
}


def _office_pages_demo(ctx) -> None:
    """What the office's own unit and people pages show (issue 14 item 1): short names and
    contacts, a residents' committee merged into its community, a liaison whose password the
    office reset (they must choose their own at first login)."""
    from organisations import services

    for code, (short, person, phone) in SHORT_NAMES.items():
        unit = ctx.units[code]
        if not unit.short_name:
            unit.short_name, unit.contact_person, unit.contact_phone = short, person, phone
            unit.save(update_fields=["short_name", "contact_person", "contact_phone"])
    old = _org(
        "qx-comm-xinjie-old",
        name="新街居委会（原）",
        level=Organisation.Level.UNIT,
        unit_type=Organisation.UnitType.COMMUNITY,
        parent=ctx.township,
    )
    if old.is_active:
        mover = _user(
            ctx, "liaison-xinjie-old", "蒋文静", "联络员 · 新街居委会（原，已并入新街社区）"
        )
        _role(mover, old, Role.Kind.LIAISON, "联络员")
        services.merge_units(old.pk, ctx.units["qx-comm-xinjie"].pk)
    fresh = _user(
        ctx, "liaison-new", "许诺", "联络员 · 石桥村（新任，首次登录须修改密码）", "13900000099"
    )
    if not fresh.roles.exists():
        _role(fresh, ctx.units["qx-village-shiqiao"], Role.Kind.LIAISON, "联络员（新任）")
        fresh.must_change_password = True
        fresh.save(update_fields=["must_change_password"])
