from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from organisations import views as org_views

urlpatterns = [
    path("", org_views.home, name="home"),
    path("accounts/login/", auth_views.LoginView.as_view(), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("accounts/password/", org_views.password_change, name="password_change"),
    path(
        "accounts/password/done/",
        auth_views.PasswordChangeDoneView.as_view(),
        name="password_change_done",
    ),
    path("i18n/", include("django.conf.urls.i18n")),
    path("healthz/", org_views.health, name="health"),
    path("org/", include("organisations.urls")),
    path("campaigns/", include("campaigns.urls")),
    path("activities/", include("activities.urls")),
    path("sites/", include("sites.urls")),
    path("assessments/", include("assessments.urls")),
    path("notifications/", include("notifications.urls")),
    path("reports/", include("reports.urls")),
    path("dashboard/", include("dashboard.urls")),
    path("admin/", admin.site.urls),
]
