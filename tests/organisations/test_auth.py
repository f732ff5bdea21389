import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_login_page_is_chinese(client):
    body = client.get(reverse("login")).content.decode()
    assert "登录清风平台" in body


def test_login_and_logout(world, client):
    response = client.post(
        reverse("login"), {"username": world.liaison_a1.username, "password": "pass-1234"}
    )
    assert response.status_code == 302
    assert client.get(reverse("home")).status_code == 200
    assert client.get(reverse("logout")).status_code == 405  # logout is POST-only
    client.post(reverse("logout"))
    assert client.get(reverse("home")).status_code == 302


def test_office_staff_sign_in_continues_with_two_factors(world, client):
    client.post(reverse("login"), {"username": world.office_a.username, "password": "pass-1234"})
    home = client.get(reverse("home"))
    assert home.status_code == 302 and home["Location"].startswith(reverse("accounts:otp_enroll"))


def test_wrong_password_is_refused_in_chinese(world, client):
    response = client.post(
        reverse("login"), {"username": world.office_a.username, "password": "nope"}
    )
    assert response.status_code == 200
    assert "请输入一个正确的" in response.content.decode()


def test_password_change(world, login):
    client = login(world.liaison_a1)
    response = client.post(
        reverse("password_change"),
        {
            "old_password": "pass-1234",
            "new_password1": "Qingfeng#2026x",
            "new_password2": "Qingfeng#2026x",
        },
    )
    assert response.status_code == 302
    world.liaison_a1.refresh_from_db()
    assert world.liaison_a1.check_password("Qingfeng#2026x")


def test_health_needs_no_login(client):
    response = client.get(reverse("health"))
    assert response.status_code == 200
    assert response.json()["status"] == "ok" and response.json()["down"] == []
