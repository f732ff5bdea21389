"""The home page of each role, at district scale."""

from organisations.models import Organisation, Role


def run(h) -> None:
    township = Organisation.objects.filter(code="bench-t0").first()
    liaison = (
        Role.objects.filter(kind=Role.Kind.LIAISON, organisation__township=township)
        .values_list("user__username", flat=True)
        .first()
    )
    h.page("home: office staff", "bench-office-0", "/")
    h.page("home: leader", "bench-leader-0", "/")
    h.page("home: liaison", liaison, "/")
    h.page("home: district reviewer", "bench-reviewer", "/")
    h.page("units: office list", "bench-office-0", "/org/units/")
