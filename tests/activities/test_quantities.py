"""Quantities beyond people (issue 14 item 5): each type's measure, the office's page for it,
the quantity on the filing form, the highlight flag the work report reads."""

from __future__ import annotations

import pytest
from django.urls import reverse

from activities import measures, recount
from activities.models import ActivityMeasure, ActivityRecord
from activities.types import ActivityType
from dashboard import tallies
from tests.activities.test_file_record import URL as FILE_URL
from tests.activities.test_file_record import form_data as filing_data
from tests.factories import RecordFactory

MEASURES = reverse("activities:measure_settings")


def form_data(**overrides) -> dict:
    """The filing form saved as a draft (submitting needs evidence files)."""
    data = filing_data(**overrides)
    del data["submit"]
    return {**data, "draft": "1"}


def post_data(table, **changes) -> dict:
    data = {}
    for kind, m in table.items():
        data.update({f"{kind}-verb": m.verb, f"{kind}-noun": m.noun, f"{kind}-unit": m.unit})
    data.update(changes)
    return data


def test_every_type_has_a_verb_and_a_measure():
    table = measures.measures_for(None)
    assert set(table) == set(ActivityType.values)
    assert table["banner"].phrase(30) == "刷写标语30条"
    assert table["commitment"].phrase("3600余") == "签订承诺书3600余份"
    assert table["film"].phrase(12) == "组织观看电教片12场"
    assert (table["books"].unit, table["article"].unit, table["board"].unit) == ("册", "篇", "块")


def test_office_rewords_a_measure_with_history(world, login):
    client = login(world.office_a)
    response = client.get(MEASURES)
    assert response.status_code == 200 and "刷写" in response.text
    table = measures.measures_for(world.township_a.pk)
    response = client.post(
        MEASURES, post_data(table, **{"banner-verb": "张贴", "banner-unit": "幅"})
    )
    assert response.status_code == 302
    assert measures.measures_for(world.township_a.pk)["banner"].phrase(8) == "张贴标语8幅"
    assert measures.measures_for(world.township_b.pk)["banner"].phrase(8) == "刷写标语8条"
    row = ActivityMeasure.objects.get(township=world.township_a, type="banner")
    assert row.history.count() == 1 and row.history.first().history_user == world.office_a
    assert "张贴" in client.get(MEASURES).text  # the history list on the page


def test_bad_measure_is_refused_in_chinese_with_nothing_saved(world, login):
    client = login(world.office_a)
    table = measures.measures_for(world.township_a.pk)
    response = client.post(MEASURES, post_data(table, **{"banner-unit": "", "film-verb": "看3"}))
    assert response.status_code == 200
    assert "请填写标语的计量单位" in response.text and "不能有数字" in response.text
    assert not ActivityMeasure.objects.exists()


@pytest.mark.parametrize("who,status", [("liaison_a1", 403), ("leader_a", 403), ("outsider", 404)])
def test_only_office_staff_edit_measures(world, login, who, status):
    assert login(getattr(world, who)).get(MEASURES).status_code == status


def test_office_of_another_township_cannot_pick_this_one(world, login):
    response = login(world.office_b).get(MEASURES, {"township": world.township_a.pk})
    assert response.status_code == 404


def test_filing_form_asks_the_quantity_in_the_types_measure(world, login, today):
    liaison = login(world.liaison_a1)
    page = liaison.get(FILE_URL).text
    assert "data-measures" in page and "&quot;banner&quot;: &quot;条&quot;" in page
    response = liaison.post(FILE_URL, form_data(type="banner", quantity="30"))
    assert response.status_code == 302
    record = ActivityRecord.objects.get()
    assert (record.type, record.quantity) == ("banner", 30)


def test_quantity_left_empty_is_one_and_negative_is_refused(world, login, today):
    liaison = login(world.liaison_a1)
    liaison.post(FILE_URL, form_data())
    assert ActivityRecord.objects.get().quantity == 1
    response = liaison.post(FILE_URL, form_data(title="另一条", quantity="-3"))
    assert response.status_code == 200 and "数量不能为负数" in response.text
    assert ActivityRecord.objects.count() == 1


def test_tallies_carry_the_quantity(world):
    first = RecordFactory(campaign=world.campaign_a, unit=world.unit_a1, type="banner", quantity=30)
    record = RecordFactory(campaign=world.campaign_a, unit=world.unit_a1, type="banner", quantity=5)
    recount.records_changed([first.pk, record.pk])  # what every service calls
    assert tallies.stored() == tallies.computed()
    assert sum(v[2] for v in tallies.stored().values()) == 35
    before = recount.footprints([record.pk])
    record.quantity = 7
    record.save()
    recount.records_changed([record.pk], before=before.values())
    assert tallies.stored() == tallies.computed()
    assert sum(v[2] for v in tallies.stored().values()) == 37


def test_office_marks_a_highlight(world, login):
    record = RecordFactory(campaign=world.campaign_a, unit=world.unit_a1)
    url = reverse("activities:record_highlight", args=[record.pk])
    assert login(world.office_a).post(url, {"highlight": "1"}).status_code == 302
    record.refresh_from_db()
    assert record.highlight
    assert record.history.first().history_change_reason == "标为典型活动"


def test_highlight_refused_for_others_and_for_unapproved(world, login):
    record = RecordFactory(campaign=world.campaign_a, unit=world.unit_a1)
    url = reverse("activities:record_highlight", args=[record.pk])
    assert login(world.outsider).post(url, {"highlight": "1"}).status_code == 404
    assert login(world.office_b).post(url, {"highlight": "1"}).status_code == 404
    assert login(world.liaison_a1).post(url, {"highlight": "1"}).status_code == 403
    assert login(world.office_a).get(url).status_code == 405
    draft = RecordFactory(campaign=world.campaign_a, unit=world.unit_a1, status="draft")
    client = login(world.office_a)
    response = client.post(
        reverse("activities:record_highlight", args=[draft.pk]), {"highlight": "1"}, follow=True
    )
    assert "只有已通过的记录才能标为典型活动" in response.text
    draft.refresh_from_db()
    assert not draft.highlight
