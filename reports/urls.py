from django.urls import path

from reports import views, views_exports

app_name = "reports"
urlpatterns = [
    path("", views.report_list, name="report_list"),
    path("new/", views.report_request, name="report_request"),
    path("<int:pk>/", views.report_detail, name="report_detail"),
    path("<int:pk>/download/", views.report_download, name="report_download"),
    path("<int:pk>/preview/", views.report_preview, name="report_preview"),
    path("<int:pk>/retry/", views.report_retry, name="report_retry"),
    path("<int:pk>/send/", views.report_send, name="report_send"),
    path("exports/", views_exports.export_list, name="export_list"),
    path("exports/new/", views_exports.export_request, name="export_request"),
    path("exports/<int:pk>/", views_exports.export_detail, name="export_detail"),
    path("exports/<int:pk>/download/", views_exports.export_download, name="export_download"),
    path("exports/<int:pk>/retry/", views_exports.export_retry, name="export_retry"),
]
