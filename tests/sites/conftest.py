import pytest

from tests.assessments.factories import make_criteria, make_site


@pytest.fixture
def criteria(world):
    return make_criteria(world.district)


@pytest.fixture
def site_a1(world):
    return make_site(world.campaign_a, world.unit_a1)
