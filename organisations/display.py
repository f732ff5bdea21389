"""How a person's details are shown to someone else: one helper per detail, so that a policy
(e.g. masking a phone number from those who do not manage the person) has one place to live."""

from __future__ import annotations

from organisations.access import scope_for


def manages_person(viewer, person) -> bool:
    """The viewer is the person, a superuser, or office staff of a township the person holds
    a role in (directly or in one of its units). Uses the person's prefetched roles when the
    page loaded them (`township_roles`), else one query."""
    if viewer is None or not viewer.is_authenticated or person is None:
        return False
    if viewer.pk == person.pk or viewer.is_superuser:
        return True
    offices = scope_for(viewer).office_townships
    if not offices:
        return False
    roles = getattr(person, "township_roles", None)
    if roles is not None:
        townships = {role.organisation.township_id for role in roles}
    else:
        townships = set(person.roles.values_list("organisation__township_id", flat=True))
    return bool(townships & offices)


def mask_phone(phone: str) -> str:
    """138****5678: the first three and last four digits of a mobile number; a shorter
    number keeps only its last two."""
    phone = (phone or "").strip()
    if not phone:
        return ""
    if len(phone) >= 11:
        return phone[:3] + "*" * (len(phone) - 7) + phone[-4:]
    return "*" * max(len(phone) - 2, 1) + phone[-2:]


def phone_for(viewer, person) -> str:
    """The person's phone as `viewer` may see it: in full to those who manage the person,
    masked to everyone else."""
    phone = getattr(person, "phone", "") or ""
    if not phone or manages_person(viewer, person):
        return phone
    return mask_phone(phone)
