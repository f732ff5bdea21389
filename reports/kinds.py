"""The reports the portal renders: per kind, its template, its context and how it is laid out."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from campaigns.models import Campaign
from reports.engine import Rendered, render_pdf
from reports.models import Kind

ProgressFn = Callable[[int], None]


@dataclass(frozen=True)
class KindSpec:
    kind: str
    template: str
    context_module: str

    def build(self, campaign: Campaign, parameters: dict, today: dt.date | None = None) -> dict:
        from importlib import import_module

        return import_module(self.context_module).build(campaign, parameters, today)

    def render(self, context: dict, progress: ProgressFn | None = None) -> Rendered:
        from importlib import import_module

        module = import_module(self.context_module)
        if hasattr(module, "render"):
            return module.render(context, progress)
        return render_pdf(self.template, context)


SPECS = {
    Kind.WORK_REPORT: KindSpec(
        Kind.WORK_REPORT, "reports/work_report.html", "reports.contexts.work_report"
    ),
    Kind.MONTHLY: KindSpec(Kind.MONTHLY, "reports/monthly.html", "reports.contexts.monthly"),
    Kind.LEDGER: KindSpec(Kind.LEDGER, "reports/ledger.html", "reports.contexts.ledger"),
    Kind.NOTICE: KindSpec(Kind.NOTICE, "reports/notice.html", "reports.contexts.notice"),
    Kind.DOSSIER: KindSpec(Kind.DOSSIER, "reports/dossier.html", "reports.contexts.dossier"),
}


def spec_for(kind: str) -> KindSpec:
    try:
        return SPECS[Kind(kind)]
    except (ValueError, KeyError):
        raise ValidationError(_("未知的报告类型：%(kind)s"), params={"kind": kind}) from None


def clean_parameters(kind: str, raw: dict) -> dict:
    """The parameters a kind takes, validated: month for the monthly report (YYYY-MM)."""
    if kind == Kind.MONTHLY:
        month = (raw.get("month") or "").strip()
        try:
            first = dt.date.fromisoformat(f"{month}-01")
        except ValueError:
            raise ValidationError(
                {"month": _("请填写月份，格式为 2026-06。")}, code="month"
            ) from None
        return {"month": first.strftime("%Y-%m")}
    if kind == Kind.DOSSIER:
        return _dossier_parameters(raw)
    if kind == Kind.WORK_REPORT:
        # The office's own 存在问题 / 下一步打算 (one paragraph a line); empty: drafted from data.
        texts = {}
        for key in ("problems", "next_steps"):
            lines = [line.strip() for line in str(raw.get(key) or "").splitlines()]
            text = "\n".join(line for line in lines if line)
            if len(text) > 3000:
                raise ValidationError({key: _("内容过长，请控制在3000字以内。")})
            if text:
                texts[key] = text
        return texts
    if kind == Kind.NOTICE and raw.get("notice"):
        try:
            return {"notice": int(raw["notice"])}
        except (TypeError, ValueError):
            raise ValidationError({"notice": _("通报编号无效。")}) from None
    return {}


def _dossier_parameters(raw: dict) -> dict:
    """Which records the dossier prints: all, those linked to the criteria, or one domain's."""
    from organisations.models import Domain

    scope = (raw.get("records") or "all").strip()
    if scope not in ("all", "criteria", "domain"):
        raise ValidationError({"records": _("请选择要列入的活动记录范围。")})
    if scope != "domain":
        return {"records": scope}
    code = (raw.get("domain") or "").strip()
    if not code or not Domain.objects.filter(code=code).exists():
        raise ValidationError({"domain": _("只列一个领域时，请选择领域。")})
    return {"records": scope, "domain": code}


def nothing_to_print(kind: str, campaign: Campaign, parameters: dict) -> str | None:
    """Why this report would come out empty (refused at the request form), or None."""
    from activities.models import ActivityRecord

    if kind == Kind.NOTICE and not parameters.get("notice"):
        from assessments.models import Notice

        if not Notice.objects.filter(campaign=campaign, status="published").exists():
            return _("该创建工作还没有印发的通报，请先在评审验收中印发通报后再生成。")
    if kind == Kind.LEDGER:
        if not ActivityRecord.objects.counted().filter(campaign=campaign).exists():
            return _("该创建工作还没有审核通过的活动记录，台账无内容可打印。")
    return None


def default_title(kind: str, campaign: Campaign, parameters: dict) -> str:
    label = Kind(kind).label
    if kind == Kind.MONTHLY:
        year, month = parameters["month"].split("-")
        return f"{campaign.township.name}{int(year)}年{int(month)}月{label}"
    return f"{campaign.name}{label}"
