from django.urls import path

from monthly import views

app_name = "monthly"
urlpatterns = [
    path("", views.report_list, name="report_list"),
    path("write/", views.report_write, name="report_write"),
    path("<int:pk>/", views.report_detail, name="report_detail"),
    path("<int:pk>/edit/", views.report_edit, name="report_edit"),
    path("<int:pk>/submit/", views.report_submit, name="report_submit"),
    path("<int:pk>/accept/", views.report_accept, name="report_accept"),
    path("<int:pk>/return/", views.report_return, name="report_return"),
]
