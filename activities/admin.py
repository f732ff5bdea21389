"""Admin for the ledger: read and correct rows; state changes go through the services."""

from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from activities import services
from activities.models import ActivityRecord, Evidence


class EvidenceInline(admin.TabularInline):
    model = Evidence
    extra = 0
    can_delete = False
    fields = ["original_name", "kind", "mime_type", "size", "sha256", "duplicate", "taken_at"]
    readonly_fields = fields


@admin.register(ActivityRecord)
class ActivityRecordAdmin(SimpleHistoryAdmin):
    list_display = ["title", "unit", "domain", "type", "date", "participants", "status"]
    list_filter = ["status", "type", "domain"]
    search_fields = ["title", "unit__name"]
    date_hierarchy = "date"
    raw_id_fields = ["campaign", "unit", "filed_by", "reviewed_by", "revision_of"]
    filter_horizontal = ["tasks"]
    readonly_fields = ["status", "submitted_at", "reviewed_at", "reviewed_by", "revision_of"]
    list_select_related = ["unit", "domain"]
    inlines = [EvidenceInline]
    actions = ["approve_selected"]

    @admin.action(description=_("通过所选的待审核记录"))
    def approve_selected(self, request, queryset):
        count = services.bulk_approve(queryset, request.user)
        self.message_user(request, _("已通过 %(n)s 条记录。") % {"n": count}, messages.SUCCESS)


@admin.register(Evidence)
class EvidenceAdmin(admin.ModelAdmin):
    list_display = ["original_name", "record", "kind", "size", "duplicate", "created_at"]
    list_filter = ["kind", "duplicate"]
    search_fields = ["original_name", "sha256"]
    raw_id_fields = ["record", "uploaded_by"]
    readonly_fields = ["file", "thumbnail", "sha256", "size", "mime_type", "extension"]
