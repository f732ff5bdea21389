"""Units and people without /admin/ (issue 14 item 1): the office's pages, scoped, in history."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import Workbook

from activities.models import ActivityRecord
from dashboard import tallies
from organisations.models import Organisation, Role, StagedImport, User
from tests.factories import RecordFactory, TaskFactory


def test_office_creates_and_edits_a_unit_in_history(world, login):
    client = login(world.office_a)
    response = client.post(
        reverse("organisations:unit_create"),
        {
            "name": "甲镇卫生院",
            "short_name": "卫生院",
            "unit_type": "health_centre",
            "parent": world.township_a.pk,
            "contact_person": "王医生",
            "contact_phone": "0513-1234567",
        },
    )
    unit = Organisation.objects.get(name="甲镇卫生院")
    assert response.status_code == 302 and unit.township_id == world.township_a.pk
    response = client.post(
        reverse("organisations:unit_edit", args=[unit.pk]),
        {"name": "甲镇中心卫生院", "unit_type": "health_centre", "parent": world.township_a.pk},
    )
    assert response.status_code == 302
    unit.refresh_from_db()
    assert unit.name == "甲镇中心卫生院"
    history = client.get(
        reverse("organisations:history", args=["organisations.organisation", unit.pk])
    )
    assert "甲镇卫生院" in history.content.decode() and "甲镇中心卫生院" in history.content.decode()


def test_bad_unit_input_answered_in_chinese_nothing_saved(world, login):
    client = login(world.office_a)
    response = client.post(
        reverse("organisations:unit_create"),
        {"name": world.unit_a1.name, "unit_type": "village", "parent": world.township_a.pk},
    )
    assert response.status_code == 200
    assert "本镇已有名为“甲一村”的单位。" in response.content.decode()
    response = client.post(
        reverse("organisations:unit_create"),
        {"name": "乙镇新村", "unit_type": "village", "parent": world.township_b.pk},
    )
    assert "parent" in response.context["form"].errors
    assert not Organisation.objects.filter(name="乙镇新村").exists()


@pytest.mark.parametrize(
    ("who", "status"),
    [("office_b", 404), ("leader_a", 403), ("liaison_a1", 403), ("outsider", 404)],
)
def test_unit_pages_refused_to_others(world, login, who, status):
    client = login(getattr(world, who))
    unit = world.unit_a1
    assert client.get(reverse("organisations:unit_edit", args=[unit.pk])).status_code == status
    assert (
        client.post(
            reverse("organisations:unit_merge", args=[unit.pk]),
            {"survivor": world.unit_a2.pk, "confirm": "on"},
        ).status_code
        == status
    )
    assert (
        client.post(reverse("organisations:unit_set_active", args=[unit.pk, 0])).status_code
        == status
    )
    unit.refresh_from_db()
    assert unit.is_active
    people = client.get(reverse("organisations:person_list"))
    assert people.status_code in (403, 404) or world.liaison_a1 not in people.context["people"]
    assert client.get(
        reverse("organisations:person_detail", args=[world.liaison_a1.pk])
    ).status_code in (403, 404)


def test_get_on_post_only_views(world, login):
    client = login(world.office_a)
    assert (
        client.get(reverse("organisations:unit_set_active", args=[world.unit_a1.pk, 0])).status_code
        == 405
    )
    assert (
        client.get(reverse("organisations:password_reset", args=[world.liaison_a1.pk])).status_code
        == 405
    )
    role = Role.objects.get(user=world.liaison_a1)
    assert client.get(reverse("organisations:role_remove", args=[role.pk])).status_code == 405
    assert client.get(reverse("organisations:role_move", args=[role.pk])).status_code == 405


def test_deactivate_twice_says_why(world, login):
    client = login(world.office_a)
    url = reverse("organisations:unit_set_active", args=[world.unit_a1.pk, 0])
    client.post(url)
    response = client.post(url, follow=True)
    assert "该单位已停用，无需重复操作。" in response.content.decode()


def test_merge_moves_records_tasks_and_roles_in_one_go(world, login):
    task = TaskFactory(campaign=world.campaign_a, lead_unit=world.unit_a2)
    records = RecordFactory.create_batch(2, campaign=world.campaign_a, unit=world.unit_a2)
    client = login(world.office_a)
    response = client.post(
        reverse("organisations:unit_merge", args=[world.unit_a2.pk]),
        {"survivor": world.unit_a1.pk, "confirm": "on"},
    )
    assert response.status_code == 302
    task.refresh_from_db()
    assert task.lead_unit == world.unit_a1
    assert set(
        ActivityRecord.objects.filter(pk__in=[r.pk for r in records]).values_list(
            "unit_id", flat=True
        )
    ) == {world.unit_a1.pk}
    assert Role.objects.filter(user=world.liaison_a2, organisation=world.unit_a1).exists()
    world.unit_a2.refresh_from_db()
    assert not world.unit_a2.is_active
    assert tallies.stored() == tallies.computed()


def test_merge_across_townships_refused(world, login):
    client = login(world.office_a)
    response = client.post(
        reverse("organisations:unit_merge", args=[world.unit_a2.pk]),
        {"survivor": world.unit_b1.pk, "confirm": "on"},
    )
    assert response.status_code == 200 and "survivor" in response.context["form"].errors
    world.unit_a2.refresh_from_db()
    assert world.unit_a2.is_active


def test_add_person_shows_the_password_once_and_forces_a_change(world, login, client):
    office = login(world.office_a)
    response = office.post(
        reverse("organisations:person_create"),
        {
            "full_name": "赵联络",
            "username": "zhao",
            "phone": "13800000001",
            "kind": "liaison",
            "unit": world.unit_a1.pk,
        },
    )
    assert response.status_code == 200
    password = response.context["password"]
    person = User.objects.get(username="zhao")
    assert person.must_change_password and person.check_password(password)
    assert Role.objects.filter(user=person, organisation=world.unit_a1, kind="liaison").exists()
    client.logout()
    logged_in = client.post(reverse("login"), {"username": "zhao", "password": password})
    assert logged_in.status_code == 302
    home = client.get(reverse("home"))
    assert home.status_code == 302 and home["Location"].startswith(reverse("password_change"))
    new = "Qf-Lianjie-2026!x"
    changed = client.post(
        reverse("password_change"),
        {"old_password": password, "new_password1": new, "new_password2": new},
    )
    assert changed.status_code == 302, changed.context["form"].errors
    person.refresh_from_db()
    assert not person.must_change_password
    assert client.get(reverse("home")).status_code == 200


def test_person_bad_input_in_chinese(world, login):
    response = login(world.office_a).post(
        reverse("organisations:person_create"),
        {"full_name": "钱", "username": "liaison_a1", "kind": "liaison"},
    )
    errors = response.context["form"].errors
    assert errors["username"] == ["登录名“liaison_a1”已被使用。"]
    assert errors["unit"] == ["联络员须选择所在单位。"]
    assert not User.objects.filter(full_name="钱").exists()


def test_reset_password_role_changes_and_move(world, login):
    client = login(world.office_a)
    response = client.post(reverse("organisations:password_reset", args=[world.liaison_a1.pk]))
    world.liaison_a1.refresh_from_db()
    assert world.liaison_a1.check_password(response.context["password"])
    assert world.liaison_a1.must_change_password
    role = Role.objects.get(user=world.liaison_a1)
    client.post(
        reverse("organisations:role_move", args=[role.pk]),
        {f"move{role.pk}-unit": world.unit_a2.pk},
    )
    role.refresh_from_db()
    assert role.organisation == world.unit_a2
    client.post(
        reverse("organisations:role_add", args=[world.liaison_a1.pk]),
        {"kind": "leader", "township": world.township_a.pk},
    )
    leader = Role.objects.get(user=world.liaison_a1, kind="leader")
    client.post(reverse("organisations:role_remove", args=[leader.pk]))
    assert not Role.objects.filter(pk=leader.pk).exists()
    last = Role.objects.get(user=world.office_a)
    response = client.post(reverse("organisations:role_remove", args=[last.pk]), follow=True)
    assert "最后一名创建办工作人员" in response.content.decode()


def test_office_b_cannot_touch_township_a_people(world, login):
    client = login(world.office_b)
    role = Role.objects.get(user=world.liaison_a1)
    assert (
        client.post(reverse("organisations:password_reset", args=[world.liaison_a1.pk])).status_code
        == 404
    )
    assert client.post(reverse("organisations:role_remove", args=[role.pk])).status_code == 404
    assert (
        client.post(
            reverse("organisations:role_move", args=[role.pk]),
            {f"move{role.pk}-unit": world.unit_b1.pk},
        ).status_code
        == 404
    )
    role.refresh_from_db()
    assert role.organisation == world.unit_a1


def people_sheet(*rows):
    book = Workbook()
    sheet = book.active
    sheet.append(["姓名", "手机号", "单位", "角色", "单位类型"])
    for r in rows:
        sheet.append(list(r))
    buffer = io.BytesIO()
    book.save(buffer)
    return SimpleUploadedFile("联络员.xlsx", buffer.getvalue())


def test_import_people_preview_then_commit_once(world, login):
    client = login(world.office_a)
    response = client.post(
        reverse("organisations:people_import"),
        {
            "file": people_sheet(
                ["孙一", "13900000001", "甲一村", "联络员", ""],
                ["周二", "13900000002", "甲镇新企业", "", "企业"],
            )
        },
    )
    assert response.status_code == 302
    assert not User.objects.filter(full_name="孙一").exists()
    done = client.post(response["Location"])
    assert {p["username"] for p in done.context["result"].passwords} == {
        "13900000001",
        "13900000002",
    }
    assert Role.objects.filter(user__full_name="周二", organisation__name="甲镇新企业").exists()
    assert Organisation.objects.get(name="甲镇新企业").township_id == world.township_a.pk
    client.post(response["Location"])
    assert User.objects.filter(full_name="孙一").count() == 1


def test_import_people_every_error_nothing_saved(world, login):
    response = login(world.office_a).post(
        reverse("organisations:people_import"),
        {
            "file": people_sheet(
                ["孙一", "13900000001", "甲一村", "联络员", ""], ["", "abc", "火星村", "村长", ""]
            )
        },
    )
    errors = response.context["errors"]
    assert "第3行：姓名不能为空。" in errors
    assert any(e.startswith("第3行：角色“村长”无效") for e in errors)
    assert "第3行：手机号“abc”格式不正确。" in errors
    assert not User.objects.filter(full_name="孙一").exists()
    assert not StagedImport.objects.exists()


def test_people_template_downloads(world, login):
    response = login(world.office_a).get(reverse("organisations:people_template"))
    assert response.status_code == 200 and response["Content-Type"].startswith("application/vnd")
    assert login(world.outsider).get(reverse("organisations:people_template")).status_code == 404


def test_people_pages_and_import_preview_in_english(world, login):
    client = login(world.office_a)
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    english = {}
    body = client.get(reverse("organisations:person_list"), **english).content.decode()
    assert "Add a person" in body and "Import units and liaisons" not in body
    unit = client.get(reverse("organisations:unit_detail", args=[world.unit_a1.pk]), **english)
    assert "Merge into another unit" in unit.content.decode()
    response = client.post(
        reverse("organisations:people_import"),
        {"file": people_sheet(["", "13900000001", "甲一村", "联络员", ""])},
        **english,
    )
    assert "Row 2: The name is required." in response.context["errors"]


def test_person_list_in_fixed_queries(world, login, django_assert_num_queries):
    from tests.factories import UnitFactory, UserFactory, give_role

    client = login(world.office_a)
    url = reverse("organisations:person_list")
    client.get(url)  # warm the session and the scope
    with django_assert_num_queries(7) as first:
        client.get(url)
    for i in range(30):
        unit = UnitFactory(name=f"加测单位{i}", parent=world.township_a)
        give_role(UserFactory(username=f"extra{i}"), unit, Role.Kind.LIAISON)
    with django_assert_num_queries(len(first.captured_queries)):
        response = client.get(url)
    assert len(response.context["people"]) == 34  # office, leader, two liaisons, thirty more
