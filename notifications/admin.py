from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from notifications.models import (
    ChannelConfig,
    Notification,
    OutboundEmail,
    OutboundMessage,
    Preference,
    Reminder,
    ReminderPolicy,
    SweepRun,
)


@admin.register(ReminderPolicy)
class ReminderPolicyAdmin(SimpleHistoryAdmin):
    list_display = [
        "campaign",
        "enabled",
        "before_days",
        "overdue_every",
        "overdue_max",
        "send_time",
    ]


@admin.register(Reminder)
class ReminderAdmin(admin.ModelAdmin):
    list_display = ["recipient", "kind", "title", "deadline", "offset", "status", "sent_at"]
    list_filter = ["status", "kind"]
    raw_id_fields = ["recipient", "campaign", "township", "unit"]


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin):
    list_display = ["user", "title", "created_at", "read_at"]
    raw_id_fields = ["user", "reminder"]


@admin.register(OutboundEmail)
class OutboundEmailAdmin(admin.ModelAdmin):
    list_display = ["to", "subject", "kind", "state", "attempts", "next_attempt_at", "sent_at"]
    list_filter = ["state", "kind"]
    raw_id_fields = ["user", "reminder"]


admin.site.register(Preference)
admin.site.register(SweepRun)


@admin.register(ChannelConfig)
class ChannelConfigAdmin(admin.ModelAdmin):
    """The office's page is the place to edit channels; the admin shows them without secrets."""

    list_display = ["township", "unit", "kind", "enabled", "last_test_at", "last_test_result"]
    list_filter = ["kind", "enabled"]
    exclude = ["secret", "options"]
    readonly_fields = ["township", "unit", "kind", "version", "last_test_at", "last_test_result"]
    raw_id_fields = ["updated_by"]


@admin.register(OutboundMessage)
class OutboundMessageAdmin(admin.ModelAdmin):
    list_display = ["title", "channel", "to", "state", "attempts", "last_error", "created_at"]
    list_filter = ["state", "channel"]
    raw_id_fields = ["config", "user", "reminder"]
