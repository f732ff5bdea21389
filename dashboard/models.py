"""The dashboard's one stored aggregate: approved records tallied per unit, domain, month, type.

The dashboard, at district scale, would otherwise re-read every approved record of a campaign
on each view. `RecordTally` holds the same figures grouped; `dashboard.tallies` is its only
writer (refreshed inside the transaction of every change to a record, rebuilt after bulk
loads) and a test proves it equals what the records say.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class RecordTally(models.Model):
    campaign = models.ForeignKey("campaigns.Campaign", on_delete=models.CASCADE, related_name="+")
    township = models.ForeignKey(
        "organisations.Organisation", on_delete=models.CASCADE, related_name="+"
    )
    unit = models.ForeignKey(
        "organisations.Organisation", on_delete=models.CASCADE, related_name="record_tallies"
    )
    domain = models.ForeignKey("organisations.Domain", on_delete=models.CASCADE, related_name="+")
    month = models.DateField(_("月份"))  # the first day of the month
    type = models.CharField(_("活动类型"), max_length=20)
    records = models.PositiveIntegerField(_("已通过记录数"))
    participants = models.PositiveBigIntegerField(_("参与人次"))
    # The sum of the records' quantities, in the type's measure (activities.measures).
    quantity = models.PositiveBigIntegerField(_("数量"), default=0)

    class Meta:
        verbose_name = _("活动记录汇总")
        verbose_name_plural = _("活动记录汇总")
        constraints = [
            models.UniqueConstraint(
                fields=["campaign", "unit", "domain", "month", "type"], name="record_tally_once"
            )
        ]
        indexes = [models.Index(fields=["campaign", "unit", "month"])]

    def __str__(self) -> str:
        return f"{self.unit_id} {self.month:%Y-%m} {self.type}: {self.records}"
