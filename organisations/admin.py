from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from simple_history.admin import SimpleHistoryAdmin

from organisations.models import Domain, Organisation, Role, User


class RoleInline(admin.TabularInline):
    model = Role
    extra = 0
    autocomplete_fields = ["organisation"]


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    fieldsets = BaseUserAdmin.fieldsets + (("清风", {"fields": ("full_name", "phone")}),)
    list_display = ["username", "full_name", "phone", "is_active"]
    search_fields = ["username", "full_name", "phone"]
    inlines = [RoleInline]


@admin.register(Organisation)
class OrganisationAdmin(SimpleHistoryAdmin):
    list_display = ["name", "level", "unit_type", "main_domain", "parent"]
    list_filter = ["level", "unit_type"]
    search_fields = ["name", "code"]


@admin.register(Domain)
class DomainAdmin(admin.ModelAdmin):
    list_display = ["name", "code", "order", "is_default"]


@admin.register(Role)
class RoleAdmin(SimpleHistoryAdmin):
    list_display = ["user", "kind", "organisation", "title"]
    list_filter = ["kind"]
    autocomplete_fields = ["user", "organisation"]
