from django.urls import reverse

from tests.factories import UserFactory


def test_admin_pages_open(world, plan, login):
    admin = UserFactory(is_staff=True, is_superuser=True)
    client = login(admin)
    for url in [
        reverse("admin:campaigns_campaign_changelist"),
        reverse("admin:campaigns_campaign_change", args=[world.campaign_a.pk]),
        reverse("admin:campaigns_task_changelist"),
        reverse("admin:campaigns_task_change", args=[plan["shared"].pk]),
    ]:
        assert client.get(url).status_code == 200, url


def test_admin_is_refused_to_office_staff(world, login):
    response = login(world.office_a).get(reverse("admin:campaigns_task_changelist"))
    assert response.status_code == 302 and "login" in response.url
