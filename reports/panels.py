"""Home-page panel of reports: the latest reports of the township, or the dossiers sent to a
reviewer's district."""

from __future__ import annotations

from reports.access import reports_for


def _recent(request, scope):
    reports = list(reports_for(request.user)[:5])
    if not reports:
        return None
    return {"template": "reports/_partials/home_reports.html", "reports": reports}


def register() -> None:
    from organisations.home import home_panel

    home_panel("office", order=80)(_recent)
    home_panel("reviewer", order=30)(_recent)
