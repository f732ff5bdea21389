from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path
from django.utils.translation import gettext_lazy as _

from accounts import views as account_views
from organisations import views as org_views

# The admin is the system administrator's tool: named as the portal, not "Django".
admin.site.site_header = _("清风平台 · 系统管理")
admin.site.site_title = _("清风平台 · 系统管理")
admin.site.index_title = _("数据维护")

urlpatterns = [
    path("", org_views.home, name="home"),
    path("accounts/login/", auth_views.LoginView.as_view(), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("accounts/password/", account_views.PasswordChange.as_view(), name="password_change"),
    path(
        "accounts/password/done/",
        auth_views.PasswordChangeDoneView.as_view(),
        name="password_change_done",
    ),
    path("accounts/", include("accounts.urls")),
    path("audit/", include("audit.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("healthz/", org_views.health, name="health"),
    path("favicon.ico", org_views.favicon, name="favicon"),
    path("org/", include("organisations.urls")),
    path("campaigns/", include("campaigns.urls")),
    path("activities/", include("activities.urls")),
    path("monthly/", include("monthly.urls")),
    path("sites/", include("sites.urls")),
    path("assessments/", include("assessments.urls")),
    path("notifications/", include("notifications.urls")),
    path("reports/", include("reports.urls")),
    path("dashboard/", include("dashboard.urls")),
    path("workdays/", include("workdays.urls")),
    path("admin/", admin.site.urls),
]
