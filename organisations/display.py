"""How a person's details are shown to someone else: one helper per detail, so that a policy
(e.g. masking a phone number from those who do not manage the person) has one place to live."""

from __future__ import annotations


def phone_for(viewer, person) -> str:
    """The person's phone as `viewer` may see it."""
    return getattr(person, "phone", "") or ""
