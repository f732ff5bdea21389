"""The 宣传阵地 register: positions and their updates, staleness, scoring, reminders."""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from assessments import services as assessment_services
from assessments.models import CriteriaItem
from notifications.models import ReminderPolicy
from sites import positions
from sites.models import Position, PositionUpdate
from tests.assessments.factories import make_criteria

pytestmark = pytest.mark.usefixtures("_today")


@pytest.fixture
def _today():
    with time_machine.travel(dt.datetime(2026, 6, 15, 10, 0), tick=False):
        yield


def jpeg(name="photo.jpg"):
    out = io.BytesIO()
    Image.new("RGB", (60, 40), (20, 120, 20)).save(out, "JPEG")
    return SimpleUploadedFile(name, out.getvalue(), content_type="image/jpeg")


def make(world, unit=None, set_up=dt.date(2026, 1, 10), name="村委会廉政宣传栏"):
    return positions.create_position(
        unit or world.unit_a1,
        {"kind": "board", "name": name, "place": "村委会门口", "set_up_on": set_up},
        None,
        world.liaison_a1,
    )


def test_liaison_registers_a_position_and_records_updates(world, login):
    client = login(world.liaison_a1)
    response = client.post(
        reverse("sites:position_create"),
        {
            "unit": world.unit_a1.pk,
            "kind": "window",
            "name": "廉政橱窗",
            "place": "村委会一楼",
            "set_up_on": "2026-03-01",
            "photo": jpeg(),
        },
    )
    position = Position.objects.get()
    assert response.status_code == 302 and position.township == world.township_a
    assert (
        position.photo
        and client.get(reverse("sites:position_photo", args=[position.pk])).status_code == 200
    )
    response = client.post(
        reverse("sites:position_update", args=[position.pk]),
        {"updated_on": "2026-06-01", "content": "更换警示教育展板", "photo": jpeg()},
    )
    update = PositionUpdate.objects.get()
    assert update.by == world.liaison_a1 and update.photo
    # a double tap records nothing more and says why
    response = client.post(
        reverse("sites:position_update", args=[position.pk]),
        {"updated_on": "2026-06-01", "content": "更换警示教育展板"},
        follow=True,
    )
    assert "已经登记过了" in response.content.decode()
    assert PositionUpdate.objects.count() == 1
    detail = login(world.leader_a).get(reverse("sites:position_detail", args=[position.pk]))
    assert detail.context["last_updated_on"] == dt.date(2026, 6, 1)
    assert not detail.context["can_change"]


@pytest.mark.parametrize(
    "data,message",
    [
        ({"updated_on": "2026-07-01", "content": "未来"}, "不能晚于今天"),
        ({"updated_on": "2025-12-01", "content": "早于设立"}, "不能早于阵地设立日期"),
        ({"updated_on": "2026-06-01", "content": ""}, "这个字段是必填项"),
        ({"updated_on": "昨天", "content": "x"}, "有效的日期"),
    ],
)
def test_bad_update_answered_in_chinese_nothing_saved(world, login, data, message):
    position = make(world)
    response = login(world.liaison_a1).post(
        reverse("sites:position_update", args=[position.pk]), data, follow=True
    )
    assert message in response.content.decode()
    assert PositionUpdate.objects.count() == 0


def test_bad_position_refused(world, login):
    make(world, name="廉政橱窗")
    client = login(world.liaison_a1)
    base = {"unit": world.unit_a1.pk, "kind": "window", "place": "一楼", "set_up_on": "2026-03-01"}
    response = client.post(reverse("sites:position_create"), {**base, "name": "廉政橱窗"})
    assert "已有同名的宣传阵地" in response.content.decode()
    response = client.post(
        reverse("sites:position_create"),
        {**base, "name": "新阵地", "photo": SimpleUploadedFile("x.jpg", b"not an image")},
    )
    assert response.status_code == 200
    response = client.post(
        reverse("sites:position_create"), {**base, "name": "别家", "unit": world.unit_a2.pk}
    )
    assert "只能为本单位登记宣传阵地" in response.content.decode()
    assert Position.objects.count() == 1


@pytest.mark.parametrize("who", ["outsider", "liaison_a2", "office_b", "liaison_b1"])
def test_others_refused(world, login, who):
    position = make(world)
    client = login(getattr(world, who))
    assert client.get(reverse("sites:position_detail", args=[position.pk])).status_code == 404
    response = client.post(
        reverse("sites:position_update", args=[position.pk]),
        {"updated_on": "2026-06-01", "content": "x"},
    )
    assert response.status_code == 404
    assert client.get(reverse("sites:position_edit", args=[position.pk])).status_code == 404
    assert PositionUpdate.objects.count() == 0


def test_leader_reads_but_does_not_change_and_get_on_post(world, login):
    position = make(world)
    client = login(world.leader_a)
    assert client.get(reverse("sites:position_list")).status_code == 200
    assert client.get(reverse("sites:position_edit", args=[position.pk])).status_code == 403
    assert client.get(reverse("sites:position_create")).status_code == 403
    assert login(world.outsider).get(reverse("sites:position_list")).status_code == 403
    assert (
        login(world.liaison_a1)
        .get(reverse("sites:position_update", args=[position.pk]))
        .status_code
        == 405
    )


def test_office_takes_a_position_out_of_use(world, login):
    position = make(world)
    response = login(world.office_a).post(
        reverse("sites:position_edit", args=[position.pk]),
        {"kind": "board", "name": position.name, "place": "新址", "set_up_on": "2026-01-10"},
    )
    assert response.status_code == 302
    position.refresh_from_db()
    assert not position.is_active and position.place == "新址"
    assert position.history.count() == 2


def test_list_marks_stale_positions_in_fixed_queries(world, login, django_assert_num_queries):
    ReminderPolicy.objects.create(campaign=world.campaign_a, position_update_days=60)
    fresh = make(world, name="新阵地")
    positions.add_update(fresh, dt.date(2026, 6, 1), "更新", None, world.liaison_a1)
    for n in range(10):
        make(world, name=f"旧阵地{n}", set_up=dt.date(2026, 1, 1))
    make(world, unit=world.unit_b1, name="乙镇阵地")
    client = login(world.office_a)
    url = reverse("sites:position_list")
    client.get(url)
    with django_assert_num_queries(8):
        response = client.get(url + "?stale=1")
    rows = list(response.context["page"])
    assert len(rows) == 10 and all(r.is_stale for r in rows)
    assert response.context["days"] == 60
    mine = login(world.liaison_a2).get(url)
    assert list(mine.context["page"]) == []


def test_criteria_scored_from_positions_and_their_updates(world, site_a1):
    criteria = make_criteria(world.district, items=3, auto=0)
    items = list(criteria.items.order_by("order"))
    CriteriaItem.objects.filter(pk=items[0].pk).update(auto_target=1, auto_source="positions")
    CriteriaItem.objects.filter(pk=items[1].pk).update(
        auto_target=4, auto_source="position_updates"
    )
    position = make(world)
    make(world, unit=world.unit_a2, name="别的单位")
    for day in (dt.date(2026, 3, 1), dt.date(2026, 5, 1)):
        positions.add_update(position, day, f"更新{day}", None, world.liaison_a1)
    a = assessment_services.start_assessment("self", criteria, world.liaison_a1, site=site_a1)
    scores = {s.item_id: s for s in a.scores.all()}
    assert scores[items[0].pk].auto_count == 1 and scores[items[0].pk].auto_score == Decimal(10)
    assert scores[items[1].pk].auto_count == 2 and scores[items[1].pk].auto_score == Decimal(5)
    assert scores[items[2].pk].auto_score is None
