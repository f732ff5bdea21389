"""The words the offices use (issue 14 item 9): no page, menu or message says the old ones."""

from pathlib import Path

import pytest
from django.urls import reverse

ROOT = Path(__file__).resolve().parent.parent
OLD_WORDS = ["验收看板", "单位欠账排行", "预检", "创建活动"]


def _sources():
    for path in ROOT.rglob("*"):
        if path.suffix not in {".py", ".html"} or not path.is_file():
            continue
        parts = set(path.relative_to(ROOT).parts)
        if parts & {".venv", "migrations", "var", "tests", "bench", "node_modules"}:
            continue
        yield path


def test_no_source_uses_the_old_words():
    offenders = []
    for path in _sources():
        text = path.read_text(encoding="utf-8")
        offenders += [f"{path.relative_to(ROOT)}: {w}" for w in OLD_WORDS if w in text]
    assert offenders == []


@pytest.mark.django_db
def test_navigation_uses_the_office_words(world, login):
    body = login(world.office_a).get(reverse("home")).content.decode()
    assert "创建工作推进情况" in body
    assert "创建工作" in body
    assert "验收看板" not in body and "创建活动" not in body


@pytest.mark.django_db
def test_spot_check_and_year_end_are_reachable(world, login):
    """Issue 14 item 8: the spot-check form and the year-end page have links."""
    campaign = reverse("campaigns:campaign_detail", args=[world.campaign_a.pk])
    office = login(world.office_a).get(campaign).content.decode()
    assert reverse("assessments:spot_check_create", args=[world.campaign_a.pk]) in office
    assert reverse("assessments:year_end", args=[world.campaign_a.pk]) in office
    listing = login(world.office_a).get(reverse("assessments:spot_check_list")).content.decode()
    assert reverse("assessments:spot_check_create", args=[world.campaign_a.pk]) in listing
    assert reverse("assessments:spot_check_create", args=[world.campaign_b.pk]) not in listing
    leader = login(world.leader_a).get(campaign).content.decode()
    assert reverse("assessments:year_end", args=[world.campaign_a.pk]) in leader
    assert reverse("assessments:spot_check_create", args=[world.campaign_a.pk]) not in leader
    liaison = login(world.liaison_a1).get(campaign).content.decode()
    assert reverse("assessments:year_end", args=[world.campaign_a.pk]) not in liaison
    year_end = login(world.office_a).get(
        reverse("assessments:year_end", args=[world.campaign_a.pk])
    )
    assert "廉政文化建设" in year_end.content.decode() and "创新创优" in year_end.content.decode()
