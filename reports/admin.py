from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from reports.models import Report


@admin.register(Report)
class ReportAdmin(SimpleHistoryAdmin):
    list_display = ["title", "kind", "township", "status", "pages", "created_at", "sent_at"]
    list_filter = ["kind", "status"]
    readonly_fields = ["township", "district", "file", "error", "warnings", "pages"]
    raw_id_fields = ["campaign", "requested_by", "sent_by"]
