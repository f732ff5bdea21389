"""`{% drill number "app:list" key=value … %}`: a number linked to the filtered list behind it.

When the list's URL does not exist (its app is not installed), the number is shown plain.
"""

from __future__ import annotations

import datetime as dt
from functools import lru_cache
from urllib.parse import urlencode

from django import template
from django.conf import settings
from django.urls import NoReverseMatch, get_script_prefix, get_urlconf, reverse
from django.utils.formats import date_format, get_format, localize
from django.utils.html import escape, format_html, format_html_join
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from organisations.navigation import page_url

register = template.Library()


def drill_url(url_name: str, **params) -> str:
    # A page links hundreds of numbers to a handful of lists: reverse each list once.
    url = page_url(url_name)
    if not url:
        return ""
    query = urlencode({k: v for k, v in params.items() if v not in (None, "")})
    return f"{url}?{query}" if query else url


@register.simple_tag(takes_context=True)
def figure(context, key: str, value, **filters) -> str:
    """A figure of `dashboard.metrics` linked to the list of exactly its rows; plain when it is
    0 or when the viewer may not open that list (`drill_links` False in the context)."""
    return _figure_link(bool(context.get("drill_links", True)), key, value, **filters)


def _figure_link(drill_links: bool, key: str, value, **filters) -> str:
    from dashboard.metrics import link

    url = link(key, **filters) if value != 0 and drill_links else ""
    if not url:
        return format_html("{}", value)
    return format_html('<a href="{}" class="qf-drill" data-qf-figure="{}">{}</a>', url, key, value)


@register.simple_tag(takes_context=True)
def drill(context, value, url_name: str, **params) -> str:
    if value == 0 or not context.get("drill_links", True):
        return format_html("{}", value)  # nothing behind it, or not for this viewer
    url = drill_url(url_name, **params)
    if not url:
        return format_html("{}", value)
    return format_html('<a href="{}" class="qf-drill">{}</a>', url, value)


@register.simple_tag
def drill_href(url_name: str, **params) -> str:
    return drill_url(url_name, **params)


@register.filter
def iso(value) -> str:
    """A date as the list filters expect it: 2026-05-01."""
    return value.isoformat() if value else ""


@register.filter
def month_end(value) -> str:
    """The last day of the month that starts on `value`, as an ISO date."""
    if not value:
        return ""
    next_month = (value.replace(day=1) + dt.timedelta(days=32)).replace(day=1)
    return (next_month - dt.timedelta(days=1)).isoformat()


@register.filter
def domain_cells(row, domains) -> list:
    return row.domain_cells(domains)


@register.simple_tag(takes_context=True)
def drill_object(context, value, url_name: str, pk) -> str:
    """`value` linked to one object's page (`url_name` with its pk), plain if that page is missing
    or the viewer may not open it."""
    return _object_link(bool(context.get("drill_links", True)), value, url_name, pk)


def _object_link(drill_links: bool, value, url_name: str, pk) -> str:
    url = _object_url(url_name, pk, get_urlconf(), get_script_prefix()) if drill_links else ""
    return format_html('<a href="{}">{}</a>', url, value) if url else format_html("{}", value)


@lru_cache(maxsize=4096)
def _object_url(url_name: str, pk, urlconf, prefix: str) -> str:
    # the same units and sites come back on every render of a dashboard
    try:
        return reverse(url_name, args=[pk], urlconf=urlconf)
    except NoReverseMatch:
        return ""


@register.filter
def level_cells(counts, levels) -> list[int]:
    return counts.level_cells(levels)


@register.filter
def level_code(index: int, levels) -> str:
    return levels[index][0]


@register.simple_tag(takes_context=True)
def trend_links(context, row, campaign_id) -> list[tuple[int, str]]:
    """(count, link to the approved records of that month and type) for a trend row's cells;
    built here rather than with one {% figure %} per cell: the table is the page's biggest."""
    from dashboard.metrics import link

    if not context.get("drill_links", True):
        return [(n, "") for _code, n in row["cells"]]
    start, end = iso(row["month"]), month_end(row["month"])
    return [
        (
            n,
            link("records", campaign=campaign_id, type=code, date_from=start, date_to=end)
            if n
            else "",
        )
        for code, n in row["cells"]
    ]


# The two long tables of the township dashboard (one row per demonstration site, one per
# lagging unit) are built here, row by row, rather than with a dozen template tags per row: the
# same markup at a tenth of the cost (the sites' table was more than half of a cold page).


def _site_verdict(r, decimal) -> str:
    if r.status == "ready":
        return f'<span class="badge text-bg-success">{escape(_("可达标"))}</span>'
    if r.status == "at_risk":
        if r.gap:
            text = _("有风险：差 %(gap)s 分") % {"gap": decimal(r.gap)}
        else:
            text = _("有风险：整改未完成")
        return f'<span class="badge text-bg-danger">{escape(text)}</span>'
    return f'<span class="badge text-bg-secondary">{escape(_("未评审"))}</span>'


def _decimal_formatter():
    """What `localize` makes of a score (a Decimal to one place), at a fraction of its cost: a
    table of 40 sites prints 200 of them. Falls back to `localize` where numbers are grouped."""
    if settings.USE_THOUSAND_SEPARATOR:
        return localize
    separator = get_format("DECIMAL_SEPARATOR")
    if separator == ".":
        return str
    return lambda value: str(value).replace(".", separator)


@register.simple_tag(takes_context=True)
def site_rows(context, sites) -> str:
    """The `<tr>` of each site in the dashboard's readiness table (built as text, every value
    escaped: the table is the costliest part of a cold dashboard)."""
    links = bool(context.get("drill_links", True))
    decimal = _decimal_formatter()
    rows = []
    for r in sites:
        site = r.site
        if r.assessed_score is not None:
            day = escape(date_format(r.assessed_on)) if r.assessed_on else ""
            assessed = f'{decimal(r.assessed_score)}<div class="qf-muted small">{day}</div>'
        else:
            assessed = "—"
        overdue = (
            f' <span class="small">'
            f"{escape(_('（逾期 %(n)s）') % {'n': r.overdue_rectifications})}</span>"
            if r.overdue_rectifications
            else ""
        )
        pass_line = "—" if r.pass_line is None else decimal(r.pass_line)
        late_class = " text-danger" if r.overdue_rectifications else ""
        rows.append(
            f'<tr>\n      <th scope="row">'
            f"{_object_link(links, site.name, 'sites:site_detail', site.pk)}"
            f'<div class="qf-muted small">{escape(site.unit.name)} · '
            f"{escape(site.domain.name)}</div></th>\n"
            f"      <td>{escape(r.site_status_label)}</td>\n"
            f'      <td class="text-end">{assessed}</td>\n'
            f'      <td class="text-end">{decimal(r.auto_score)} / {decimal(r.auto_points)}</td>\n'
            f'      <td class="text-end fw-semibold">{decimal(r.projected_score)} / '
            f"{decimal(r.total_points)}</td>\n"
            f'      <td class="text-end">{pass_line}</td>\n'
            f'      <td class="text-end{late_class}">{r.open_rectifications}{overdue}</td>\n'
            f"      <td>{_site_verdict(r, decimal)}</td>\n    </tr>"
        )
    return mark_safe("\n    ".join(rows))  # noqa: S308 (every value above is escaped)


@register.simple_tag(takes_context=True)
def owing_rows(context, rows, first: int, campaign_id) -> str:
    """The `<tr>` of each lagging unit (ranked from `first`), every figure linked to its list."""
    links = bool(context.get("drill_links", True))

    def number(key: str, value: int, **filters) -> str:
        return _figure_link(links, key, value, **filters)

    out = []
    for rank, owes in enumerate(rows, start=first):
        unit = owes.unit
        late = (
            format_html(
                '<div class="qf-muted small">{}</div>',
                ngettext(
                    "另有 %(n)s 份月报逾期报送", "另有 %(n)s 份月报逾期报送", owes.late_reports
                )
                % {"n": owes.late_reports},
            )
            if owes.late_reports
            else ""
        )
        out.append(
            format_html(
                '<tr id="owes-{}">\n      <td>{}</td>\n      <th scope="row">{}{}</th>\n'
                '      <td class="text-end">{}</td>\n      <td class="text-end">{}</td>\n'
                '      <td class="text-end">{}</td>\n      <td class="text-end">{}</td>\n'
                '      <td class="text-end fw-semibold">{}</td>\n    </tr>',
                unit.pk,
                rank,
                _object_link(links, unit.name, "organisations:unit_detail", unit.pk),
                late,
                number(
                    "tasks_overdue", owes.overdue_tasks, campaign=campaign_id, lead_unit=unit.pk
                ),
                number("reports_missing", owes.missing_reports, campaign=campaign_id, unit=unit.pk),
                number(
                    "rectifications_open",
                    owes.open_rectifications,
                    campaign=campaign_id,
                    unit=unit.pk,
                ),
                number(
                    "rectifications_overdue",
                    owes.overdue_rectifications,
                    campaign=campaign_id,
                    unit=unit.pk,
                ),
                owes.total,
            )
        )
    return format_html_join("\n    ", "{}", ((row,) for row in out))
