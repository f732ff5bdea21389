"""Shared fixtures: a small world of two townships in one district, with every role."""

from __future__ import annotations

import shutil
from dataclasses import dataclass

import pytest
from django.conf import settings

from organisations.models import Organisation, Role, User
from tests.factories import (
    CampaignFactory,
    DistrictFactory,
    TownshipFactory,
    UnitFactory,
    UserFactory,
    give_role,
)


@pytest.fixture(scope="session", autouse=True)
def _clean_test_media():
    shutil.rmtree(settings.MEDIA_ROOT, ignore_errors=True)
    settings.MEDIA_ROOT.mkdir(parents=True, exist_ok=True)
    yield
    shutil.rmtree(settings.MEDIA_ROOT, ignore_errors=True)


def verify_second_factor(client, user) -> None:
    """What a real sign-in does after the password when the user needs a second factor: a
    confirmed authenticator exists and the session has passed it. Tests that exercise the
    second factor itself sign in through the login page instead (tests/security/)."""
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from accounts.sessions import SECOND_FACTOR

    session = client.session
    if session.get(SECOND_FACTOR) in ("verify", "enroll"):
        if not TOTPDevice.objects.filter(user=user, confirmed=True).exists():
            TOTPDevice.objects.create(user=user, name="test", confirmed=True)
        session[SECOND_FACTOR] = "done"
        session.save()


@pytest.fixture(autouse=True)
def _fresh_working_calendar():
    """The working calendar is cached per process (workdays.days): a test that edits it rolls
    back its rows, so every test starts from what the database holds."""
    from workdays import days

    days.forget()
    yield
    days.forget()


@pytest.fixture(autouse=True)
def _force_login_passes_second_factor(monkeypatch):
    """`client.force_login(user)` gives a fully signed-in session, second factor included, so
    that every page test runs with two factors enforced (the outsider sweep too)."""
    from django.test import Client

    original = Client.force_login

    def force_login(self, user, backend=None):
        original(self, user, backend)
        verify_second_factor(self, user)

    monkeypatch.setattr(Client, "force_login", force_login)


@pytest.fixture(autouse=True)
def _empty_cache():
    from django.core.cache import caches

    for cache in caches.all():  # the shared cache and the per-process fragments
        cache.clear()
    yield


@dataclass
class World:
    district: Organisation
    other_district: Organisation
    township_a: Organisation
    township_b: Organisation
    unit_a1: Organisation
    unit_a2: Organisation
    unit_b1: Organisation
    office_a: User
    leader_a: User
    liaison_a1: User
    liaison_a2: User
    office_b: User
    liaison_b1: User
    reviewer: User
    district_leader: User
    other_reviewer: User
    outsider: User
    campaign_a: object
    campaign_b: object


@pytest.fixture
def world(db) -> World:
    district = DistrictFactory(code="d-main", name="通和区")
    other_district = DistrictFactory(code="d-other", name="别区")
    township_a = TownshipFactory(name="甲镇", parent=district)
    township_b = TownshipFactory(name="乙镇", parent=district)
    unit_a1 = UnitFactory(name="甲一村", parent=township_a)
    unit_a2 = UnitFactory(name="甲二村", parent=township_a)
    unit_b1 = UnitFactory(name="乙一村", parent=township_b)
    users = {
        name: UserFactory(username=name)
        for name in [
            "office_a",
            "leader_a",
            "liaison_a1",
            "liaison_a2",
            "office_b",
            "liaison_b1",
            "reviewer",
            "district_leader",
            "other_reviewer",
            "outsider",
        ]
    }
    give_role(users["office_a"], township_a, Role.Kind.OFFICE)
    give_role(users["leader_a"], township_a, Role.Kind.LEADER)
    give_role(users["liaison_a1"], unit_a1, Role.Kind.LIAISON)
    give_role(users["liaison_a2"], unit_a2, Role.Kind.LIAISON)
    give_role(users["office_b"], township_b, Role.Kind.OFFICE)
    give_role(users["liaison_b1"], unit_b1, Role.Kind.LIAISON)
    give_role(users["reviewer"], district, Role.Kind.REVIEWER)
    give_role(users["district_leader"], district, Role.Kind.LEADER)
    give_role(users["other_reviewer"], other_district, Role.Kind.REVIEWER)
    return World(
        district=district,
        other_district=other_district,
        township_a=township_a,
        township_b=township_b,
        unit_a1=unit_a1,
        unit_a2=unit_a2,
        unit_b1=unit_b1,
        campaign_a=CampaignFactory(township=township_a),
        campaign_b=CampaignFactory(township=township_b),
        **users,
    )


@pytest.fixture
def login(client):
    """login(user) -> the test client, logged in as that user."""

    def _login(user):
        client.force_login(user)
        return client

    return _login
