"""Chart data for ECharts, built from the same figures as the tables beside each chart.

The page passes these dicts to static/js/dashboard.js with `json_script`; without JavaScript
the tables carry the same numbers.
"""

from __future__ import annotations

from django.utils.formats import date_format
from django.utils.translation import gettext as _

from dashboard.figures import DistrictFigures, TownshipFigures


def month_label(month) -> str:
    return date_format(month, "YEAR_MONTH_FORMAT")


def township_charts(figures: TownshipFigures) -> dict:
    domains = [str(d.domain.name) for d in figures.domains]
    return {
        "domains": {
            "kind": "stacked_bar",
            "categories": domains,
            "series": [
                {"name": _("已完成"), "data": [d.tasks.done for d in figures.domains]},
                {"name": _("待完成"), "data": [d.tasks.open for d in figures.domains]},
                {"name": _("已逾期"), "data": [d.tasks.overdue for d in figures.domains]},
            ],
            "colors": ["#198754", "#adb5bd", "#dc3545"],
        },
        "records": {
            "kind": "bar",
            "categories": domains,
            "series": [
                {"name": _("已通过活动记录"), "data": [d.records for d in figures.domains]},
                {"name": _("参与人次"), "data": [d.participants for d in figures.domains]},
            ],
            "dual_axis": True,
        },
        "sites": {
            "kind": "bar",
            "categories": [r.site.name for r in figures.sites],
            "series": [
                {"name": _("预计得分"), "data": [float(r.projected_score) for r in figures.sites]},
            ],
            "pass_line": float(figures.sites[0].pass_line)
            if figures.sites and figures.sites[0].pass_line is not None
            else None,
            "pass_label": _("合格线"),
        },
        "trend": {
            "kind": "stacked_bar",
            "categories": [month_label(m) for m in figures.trend_months],
            "series": [
                {
                    "name": str(label),
                    "data": [
                        figures.trend.get(m, {}).get(code, (0, 0))[0] for m in figures.trend_months
                    ],
                }
                for code, label in figures.trend_types
            ],
        },
    }


def district_charts(figures: DistrictFigures) -> dict:
    names = [r.township.name for r in figures.rows]
    return {
        "townships": {
            "kind": "stacked_bar",
            "categories": names,
            "series": [
                {"name": _("已完成"), "data": [r.tasks.done for r in figures.rows]},
                {"name": _("待完成"), "data": [r.tasks.open for r in figures.rows]},
                {"name": _("已逾期"), "data": [r.tasks.overdue for r in figures.rows]},
            ],
            "colors": ["#198754", "#adb5bd", "#dc3545"],
        },
    }
