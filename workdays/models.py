"""The PRC working calendar: statutory holidays and make-up working days (调休上班日).

One national calendar (country "CN"): the State Council publishes one schedule a year for the
whole country; no township has holidays of its own. A `CalendarYear` row says a year's schedule
is known (seeded from the `chinesecalendar` package, or entered by office staff from the State
Council notice); a year without one is *unknown* and every computation over it falls back to
weekends only and says so. `CalendarDay` rows are the exceptions to "Monday–Friday work":
a holiday (a day off, weekends inside the holiday included, as the notice lists them) or a
make-up working day on a weekend.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

COUNTRY = "CN"


class Source(models.TextChoices):
    PACKAGE = "package", _("chinesecalendar 数据包")
    OFFICE = "office", _("办公室录入")


class CalendarYear(models.Model):
    """A year whose schedule is known, with where it came from and who entered it."""

    country = models.CharField(_("国家"), max_length=2, default=COUNTRY)
    year = models.PositiveSmallIntegerField(_("年度"))
    source = models.CharField(_("来源"), max_length=10, choices=Source.choices)
    notice = models.CharField(
        _("依据文件"),
        max_length=120,
        blank=True,
        help_text=_("如：国务院办公厅关于2027年部分节假日安排的通知（国办发明电〔2026〕×号）"),
    )
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("录入人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    history = HistoricalRecords()

    class Meta:
        ordering = ["-year"]
        verbose_name = _("节假日年度")
        verbose_name_plural = _("节假日年度")
        constraints = [
            models.UniqueConstraint(fields=["country", "year"], name="calendar_year_once")
        ]

    def __str__(self) -> str:
        return f"{self.year}"


class CalendarDay(models.Model):
    class Kind(models.TextChoices):
        HOLIDAY = "holiday", _("放假")
        WORKDAY = "workday", _("调休上班")

    country = models.CharField(_("国家"), max_length=2, default=COUNTRY)
    date = models.DateField(_("日期"))
    kind = models.CharField(_("类别"), max_length=10, choices=Kind.choices)
    name = models.CharField(_("节日"), max_length=40, blank=True)
    source = models.CharField(_("来源"), max_length=10, choices=Source.choices)

    history = HistoricalRecords()

    class Meta:
        ordering = ["date"]
        verbose_name = _("节假日调整")
        verbose_name_plural = _("节假日调整")
        constraints = [
            models.UniqueConstraint(fields=["country", "date"], name="calendar_day_once")
        ]

    def __str__(self) -> str:
        return f"{self.date} {self.get_kind_display()} {self.name}"
