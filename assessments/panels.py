"""Home-page panels: rectification items to answer (liaison) and to re-check (office)."""

from __future__ import annotations

from django.utils import timezone

from assessments.models import Rectification
from organisations.home import home_panel


@home_panel("liaison", order=45)
def my_rectifications(request, scope):
    rects = list(
        Rectification.objects.filter(
            unit__in=scope.liaison_units, status=Rectification.Status.OPEN
        ).order_by("deadline")[:10]
    )
    if not rects:
        return None
    return {
        "template": "assessments/_partials/home_rectifications.html",
        "title": "answer",
        "rects": rects,
        "today": timezone.localdate(),
    }


@home_panel("office", order=45)
def rectifications_to_recheck(request, scope):
    rects = list(
        Rectification.objects.filter(
            township__in=scope.office_townships, status=Rectification.Status.ANSWERED
        )
        .select_related("unit")
        .order_by("answered_at")[:10]
    )
    if not rects:
        return None
    return {
        "template": "assessments/_partials/home_rectifications.html",
        "title": "recheck",
        "rects": rects,
        "today": timezone.localdate(),
    }


@home_panel("reviewer", order=30)
def applications_to_accept(request, scope):
    from assessments.models import Application

    applications = list(
        Application.objects.filter(
            district__in=scope.reviewer_districts, status=Application.Status.SUBMITTED
        )
        .select_related("township")
        .order_by("submitted_at")[:10]
    )
    if not applications:
        return None
    return {
        "template": "assessments/_partials/home_applications.html",
        "applications": applications,
    }
