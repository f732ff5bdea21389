"""TWO_FACTOR_REQUIRED: on in production (and in the suite), off for `make run`'s demo."""

from __future__ import annotations

from django.test import override_settings

from accounts import twofactor


def test_office_staff_need_two_factors_unless_the_deployment_turns_it_off(world):
    assert twofactor.required_for(world.office_a)
    assert twofactor.required_for(world.reviewer)
    assert not twofactor.required_for(world.liaison_a1)
    with override_settings(TWO_FACTOR_REQUIRED=False):
        assert not twofactor.required_for(world.office_a)
        assert not twofactor.required_for(world.reviewer)
