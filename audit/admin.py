from django.contrib import admin

from audit.models import AuditEvent


@admin.register(AuditEvent)
class AuditEventAdmin(admin.ModelAdmin):
    """Read-only: the log is written by the application and never edited."""

    list_display = ("at", "kind", "result", "actor_name", "object_repr", "ip")
    list_filter = ("kind", "result")
    search_fields = ("actor_name", "object_repr", "detail")

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
