from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from campaigns.models import (
    Campaign,
    CampaignDocument,
    CampaignDomain,
    CreatingUnit,
    LeadershipMember,
    Milestone,
    Phase,
    Task,
    TaskPeriod,
)
from campaigns.progress import tasks_changed
from campaigns.services import sync_periods


class DocumentInline(admin.TabularInline):
    model = CampaignDocument
    extra = 0


class LeadershipInline(admin.TabularInline):
    model = LeadershipMember
    extra = 0


class CampaignDomainInline(admin.TabularInline):
    model = CampaignDomain
    extra = 0
    autocomplete_fields = ["lead_unit", "co_units"]


class CreatingUnitInline(admin.TabularInline):
    model = CreatingUnit
    extra = 0
    autocomplete_fields = ["unit"]


class PhaseInline(admin.TabularInline):
    model = Phase
    extra = 0


class MilestoneInline(admin.TabularInline):
    model = Milestone
    extra = 0


@admin.register(Campaign)
class CampaignAdmin(SimpleHistoryAdmin):
    list_display = ["name", "township", "year", "start_date", "end_date"]
    list_filter = ["year"]
    search_fields = ["name"]
    inlines = [
        DocumentInline,
        LeadershipInline,
        CampaignDomainInline,
        CreatingUnitInline,
        PhaseInline,
        MilestoneInline,
    ]


class PeriodInline(admin.TabularInline):
    model = TaskPeriod
    extra = 0
    can_delete = False
    fields = ["index", "label", "start_date", "due_date", "achieved"]
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Task)
class TaskAdmin(SimpleHistoryAdmin):
    list_display = ["title", "campaign", "domain", "lead_unit", "recurrence", "open_due"]
    list_filter = ["domain", "recurrence", "measure"]
    search_fields = ["title"]
    autocomplete_fields = ["lead_unit", "co_units"]
    readonly_fields = ["open_due", "has_progress"]
    inlines = [PeriodInline]

    def save_related(self, request, form, formsets, change):
        """Periods and progress follow the task, as in campaigns.services.save_task."""
        super().save_related(request, form, formsets, change)
        sync_periods(form.instance)
        tasks_changed([form.instance.pk])
