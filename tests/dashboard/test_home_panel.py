"""The leader's home page shows the dashboard's headline figures."""

from __future__ import annotations

from django.urls import reverse


def test_leader_home_shows_headline(known, world, login):
    body = login(world.leader_a).get(reverse("home")).content.decode()
    assert 'id="qf-home-dashboard"' in body
    assert "甲镇创建工作推进情况" in body
    assert reverse("dashboard:township_detail", args=[world.township_a.pk]) in body
    headline = body[body.index('id="qf-headline"') :]
    assert "40%" in headline  # 2 of 5 task periods done


def test_not_on_other_roles_home(known, world, login):
    for user in (world.office_a, world.liaison_a1, world.reviewer):
        body = login(user).get(reverse("home")).content.decode()
        assert 'id="qf-home-dashboard"' not in body
