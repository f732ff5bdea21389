"""Seed the working calendar with the years the `chinesecalendar` package knows (2004–2026 in
1.11.0); later years are entered by the office (or added by `manage.py seed_workdays` after an
upgrade of the package)."""

from django.db import migrations


def seed(apps, schema_editor):
    from workdays.seed import seed as seed_years

    seed_years(apps.get_model("workdays", "CalendarYear"), apps.get_model("workdays", "CalendarDay"))


def unseed(apps, schema_editor):
    apps.get_model("workdays", "CalendarDay").objects.filter(source="package").delete()
    apps.get_model("workdays", "CalendarYear").objects.filter(source="package").delete()


class Migration(migrations.Migration):
    dependencies = [("workdays", "0001_calendar_days")]

    operations = [migrations.RunPython(seed, unseed)]
