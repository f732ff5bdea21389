"""Fill the tallies from the records already in the database."""

from django.db import migrations
from django.db.models import Count, Sum
from django.db.models.functions import Coalesce, TruncMonth


def fill(apps, schema_editor):
    ActivityRecord = apps.get_model("activities", "ActivityRecord")
    RecordTally = apps.get_model("dashboard", "RecordTally")
    rows = (
        ActivityRecord.objects.filter(status="approved")
        .annotate(month=TruncMonth("date"))
        .values("campaign_id", "township_id", "unit_id", "domain_id", "month", "type")
        .annotate(n=Count("pk"), people=Coalesce(Sum("participants"), 0))
        .order_by()
    )
    RecordTally.objects.bulk_create(
        [
            RecordTally(
                campaign_id=row["campaign_id"],
                township_id=row["township_id"],
                unit_id=row["unit_id"],
                domain_id=row["domain_id"],
                month=row["month"].date() if hasattr(row["month"], "hour") else row["month"],
                type=row["type"],
                records=row["n"],
                participants=row["people"],
            )
            for row in rows
        ],
        batch_size=5000,
    )


class Migration(migrations.Migration):
    dependencies = [
        ("dashboard", "0001_initial"),
        ("activities", "0004_revisions_duplicates"),
    ]

    operations = [migrations.RunPython(fill, migrations.RunPython.noop)]
