from __future__ import annotations

import factory
from factory.django import DjangoModelFactory

from reports.models import Kind, Report


class ReportFactory(DjangoModelFactory):
    class Meta:
        model = Report

    kind = Kind.WORK_REPORT
    title = factory.LazyAttribute(lambda r: f"{r.campaign.name}工作情况汇报")
