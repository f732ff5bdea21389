from django.contrib import admin

from monthly.models import MonthlyReport


@admin.register(MonthlyReport)
class MonthlyReportAdmin(admin.ModelAdmin):
    list_display = ("unit", "month", "status", "due_on", "first_submitted_on")
    list_filter = ("status", "campaign")
    raw_id_fields = ("unit", "campaign", "records", "submitted_by", "reviewed_by")
