"""Admin for the ledger: read rows, and correct them only through the services.

A correction of a record (its unit, date, type, domain, participants, tasks, texts) goes through
`services.correct_record`: row lock, version check, the same task rules as the filing form, the
township re-derived from the unit, and the stored figures (tallies, task progress) refreshed by
the one hook. The status changes only through the review actions; records are filed by
liaisons, not added here; approved records are withdrawn on the record page, never deleted;
evidence rows are read-only.
"""

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
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

    def has_add_permission(self, request, obj=None) -> bool:
        return False


class RecordAdminForm(forms.ModelForm):
    class Meta:
        model = ActivityRecord
        fields = [*services.ADMIN_FIELDS, "tasks", "version"]
        widgets = {"version": forms.HiddenInput}

    def clean(self):
        cleaned = super().clean()
        unit = cleaned.get("unit")
        record = self.instance
        if unit is not None and unit.township_id != record.campaign.township_id:
            self.add_error("unit", _("单位不属于该创建工作所在的镇。"))
        elif unit is not None and cleaned.get("type"):
            try:
                services.check_tasks(
                    unit.pk, record.campaign_id, cleaned["type"], cleaned.get("tasks") or []
                )
            except ValidationError as exc:
                self.add_error("tasks", exc)
        return cleaned


@admin.register(ActivityRecord)
class ActivityRecordAdmin(SimpleHistoryAdmin):
    form = RecordAdminForm
    list_display = ["title", "unit", "domain", "type", "date", "participants", "status"]
    list_filter = ["status", "type", "domain"]
    search_fields = ["title", "unit__name"]
    date_hierarchy = "date"
    raw_id_fields = ["unit"]
    filter_horizontal = ["tasks"]
    readonly_fields = [
        "campaign",
        "status",
        "filed_by",
        "submitted_at",
        "reviewed_at",
        "reviewed_by",
        "return_reason",
        "withdrawn_by",
        "withdrawn_at",
        "withdraw_reason",
        "revision_of",
    ]
    list_select_related = ["unit", "domain"]
    inlines = [EvidenceInline]
    actions = ["approve_selected"]

    def has_add_permission(self, request) -> bool:
        return False

    def revert_disabled(self, request, obj=None) -> bool:
        # Reverting to a historical version would write the row (and its tasks) directly.
        return True

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        if request.method == "POST":  # a historical version may be read, not saved back
            raise PermissionDenied
        return super().history_form_view(request, object_id, version_id, extra_context)

    def has_delete_permission(self, request, obj=None) -> bool:
        # Only what never counted (a draft, a pending edit); approved records are withdrawn.
        return (
            obj is not None
            and services.may_delete(obj)
            and super().has_delete_permission(request, obj)
        )

    def delete_model(self, request, obj) -> None:
        services.delete_record(obj, request.user)

    def save_model(self, request, obj, form, change) -> None:
        """Nothing is written here: save_related sends the whole correction (fields and tasks)
        through the service in one locked transaction."""

    def save_related(self, request, form, formsets, change) -> None:
        data = {
            name: form.cleaned_data[name]
            for name in services.ADMIN_FIELDS
            if name in form.cleaned_data
        }
        for formset in formsets:
            formset.save(commit=False)  # the evidence inline is read-only: nothing to write
        try:
            services.correct_record(
                form.instance,
                data=data,
                tasks=list(form.cleaned_data.get("tasks") or []),
                by=request.user,
                version=form.cleaned_data.get("version"),
            )
        except ValidationError as exc:
            self.message_user(request, "; ".join(exc.messages), messages.ERROR)

    @admin.action(description=_("通过所选的待审核记录"))
    def approve_selected(self, request, queryset):
        count = services.bulk_approve(queryset, request.user)
        self.message_user(request, _("已通过 %(n)s 条记录。") % {"n": count}, messages.SUCCESS)


@admin.register(Evidence)
class EvidenceAdmin(admin.ModelAdmin):
    """Read-only: files are added and removed with their record, and leave the disk only by
    `manage.py purge_files`."""

    list_display = ["original_name", "record", "kind", "size", "duplicate", "created_at"]
    list_filter = ["kind", "duplicate"]
    search_fields = ["original_name", "sha256"]

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False
