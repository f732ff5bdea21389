import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_anonymous_is_sent_to_login(client):
    response = client.get(reverse("home"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


@pytest.mark.parametrize("who", ["office_a", "leader_a", "liaison_a1", "reviewer"])
def test_each_role_gets_a_home_page_in_chinese(world, login, who):
    response = login(getattr(world, who)).get(reverse("home"))
    assert response.status_code == 200
    body = response.content.decode()
    assert '<html lang="zh-CN">' in body
    assert "您好" in body


def test_liaison_home_names_their_unit_only(world, login):
    body = login(world.liaison_a1).get(reverse("home")).content.decode()
    assert "甲一村" in body
    assert "甲二村" not in body
    assert "乙一村" not in body


def test_office_home_shows_township_and_nav(world, login):
    body = login(world.office_a).get(reverse("home")).content.decode()
    assert "甲镇" in body
    assert f'href="{reverse("organisations:unit_list")}"' in body


def test_liaison_nav_has_no_unit_admin(world, login):
    body = login(world.liaison_a1).get(reverse("home")).content.decode()
    assert f'href="{reverse("organisations:unit_list")}"' not in body


def test_user_without_roles_is_told_so(world, login):
    body = login(world.outsider).get(reverse("home")).content.decode()
    assert "尚未分配角色" in body


def test_english_is_available(world, login):
    client = login(world.office_a)
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    body = client.get(reverse("home")).content.decode()
    assert '<html lang="en">' in body
    assert "Log out" in body


def test_chinese_even_when_the_browser_asks_for_english(world, login):
    body = (
        login(world.office_a)
        .get(reverse("home"), HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9")
        .content.decode()
    )
    assert '<html lang="zh-CN">' in body


def test_only_the_most_specific_section_is_highlighted(world):
    from organisations.access import scope_for
    from organisations.navigation import nav_items

    items = nav_items(scope_for(world.office_a), reverse("organisations:unit_list"))
    active = [item["url"] for item in items if item["active"]]
    assert active == [reverse("organisations:unit_list")]
