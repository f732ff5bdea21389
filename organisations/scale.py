"""Scale data: a district of N townships and M units, with an office user per township."""

from __future__ import annotations

import random

from django.contrib.auth.hashers import make_password

from organisations.models import Domain, Organisation, Role, User

UNIT_TYPES = [
    (Organisation.UnitType.VILLAGE, "villages", "村"),
    (Organisation.UnitType.COMMUNITY, "communities", "社区"),
    (Organisation.UnitType.DEPARTMENT, "organs", "办"),
    (Organisation.UnitType.SCHOOL, "schools", "学校"),
    (Organisation.UnitType.HEALTH_CENTRE, "hospitals", "卫生院"),
    (Organisation.UnitType.ENTERPRISE, "enterprises", "公司"),
    (Organisation.UnitType.SOCIAL_ORG, "social_orgs", "协会"),
]
PASSWORD = "bench-pass"


def generate(ctx) -> None:
    rng = random.Random(ctx.seed)
    domains = {d.code: d for d in Domain.objects.all()}
    district = Organisation(
        code="bench-district", name="规模测试区", level=Organisation.Level.DISTRICT
    )
    district.save()
    ctx.district_id = district.pk
    password = make_password(PASSWORD)
    townships = []
    for t in range(ctx.townships):
        township = Organisation(
            code=f"bench-t{t}",
            name=f"规模镇{t + 1:02d}",
            level=Organisation.Level.TOWNSHIP,
            parent=district,
        )
        township.save()
        townships.append(township)
    ctx.township_ids = [t.pk for t in townships]

    units = []
    for u in range(ctx.units):
        township = townships[u % len(townships)]
        unit_type, domain, suffix = UNIT_TYPES[rng.randrange(len(UNIT_TYPES))]
        units.append(
            Organisation(
                code=f"bench-u{u}",
                name=f"{township.name}第{u + 1}{suffix}",
                level=Organisation.Level.UNIT,
                unit_type=unit_type,
                main_domain=domains[domain],
                parent=township,
                township=township,
                district=district,
            )
        )
    Organisation.objects.bulk_create(units, batch_size=2000)
    ctx.unit_ids = [u.pk for u in units]
    ctx.unit_township = {u.pk: u.township_id for u in units}

    users = [
        User(username=f"bench-office-{t}", full_name=f"办公室{t}", password=password)
        for t in range(len(townships))
    ]
    users += [
        User(username=f"bench-leader-{t}", full_name=f"领导{t}", password=password)
        for t in range(len(townships))
    ]
    users += [
        User(username=f"bench-liaison-{u}", full_name=f"联络员{u}", password=password)
        for u in range(len(units))
    ]
    users.append(User(username="bench-reviewer", full_name="验收组", password=password))
    User.objects.bulk_create(users, batch_size=2000)
    by_name = {u.username: u for u in User.objects.filter(username__startswith="bench-")}
    roles = []
    for t, township in enumerate(townships):
        roles.append(
            Role(user=by_name[f"bench-office-{t}"], organisation=township, kind=Role.Kind.OFFICE)
        )
        roles.append(
            Role(user=by_name[f"bench-leader-{t}"], organisation=township, kind=Role.Kind.LEADER)
        )
    for u, unit in enumerate(units):
        roles.append(
            Role(user=by_name[f"bench-liaison-{u}"], organisation=unit, kind=Role.Kind.LIAISON)
        )
    roles.append(
        Role(user=by_name["bench-reviewer"], organisation=district, kind=Role.Kind.REVIEWER)
    )
    Role.objects.bulk_create(roles, batch_size=2000)
    ctx.extra["password"] = PASSWORD
