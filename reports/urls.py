from django.urls import path

from reports import views

app_name = "reports"
urlpatterns = [
    path("", views.report_list, name="report_list"),
    path("new/", views.report_request, name="report_request"),
    path("<int:pk>/", views.report_detail, name="report_detail"),
    path("<int:pk>/download/", views.report_download, name="report_download"),
    path("<int:pk>/preview/", views.report_preview, name="report_preview"),
    path("<int:pk>/retry/", views.report_retry, name="report_retry"),
    path("<int:pk>/send/", views.report_send, name="report_send"),
]
