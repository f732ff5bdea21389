"""Tallies carry the records' quantity sum; fill it for the tallies already stored."""

from django.db import migrations, models
from django.db.models import Sum
from django.db.models.functions import TruncMonth


def fill(apps, schema_editor):
    ActivityRecord = apps.get_model("activities", "ActivityRecord")
    RecordTally = apps.get_model("dashboard", "RecordTally")
    sums = {}
    rows = (
        ActivityRecord.objects.filter(status="approved")
        .annotate(month=TruncMonth("date"))
        .values("campaign_id", "unit_id", "domain_id", "month", "type")
        .annotate(amount=Sum("quantity"))
        .order_by()
    )
    for row in rows:
        month = row["month"].date() if hasattr(row["month"], "hour") else row["month"]
        key = (row["campaign_id"], row["unit_id"], row["domain_id"], month, row["type"])
        sums[key] = row["amount"] or 0
    changed = []
    for tally in RecordTally.objects.all().iterator(chunk_size=5000):
        key = (tally.campaign_id, tally.unit_id, tally.domain_id, tally.month, tally.type)
        tally.quantity = sums.get(key, 0)
        changed.append(tally)
    RecordTally.objects.bulk_update(changed, ["quantity"], batch_size=5000)


class Migration(migrations.Migration):
    dependencies = [
        ("dashboard", "0002_fill_tallies"),
        ("activities", "0007_quantities_measures"),
    ]

    operations = [
        migrations.AddField(
            model_name="recordtally",
            name="quantity",
            field=models.PositiveBigIntegerField(default=0, verbose_name="数量"),
        ),
        migrations.RunPython(fill, migrations.RunPython.noop),
    ]
