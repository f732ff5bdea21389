from django.urls import path

from campaigns import views, views_plans

app_name = "campaigns"
urlpatterns = [
    path("", views.campaign_list, name="campaign_list"),
    path("new/", views.campaign_create, name="campaign_create"),
    path("<int:pk>/", views.campaign_detail, name="campaign_detail"),
    path("<int:pk>/edit/", views.campaign_edit, name="campaign_edit"),
    path("<int:pk>/phases/", views.campaign_phases, name="campaign_phases"),
    path("<int:pk>/copy/", views.campaign_copy, name="campaign_copy"),
    path("<int:pk>/tasks/new/", views.task_create, name="task_create"),
    path("<int:pk>/tasks/import/", views.task_import, name="task_import"),
    path(
        "<int:pk>/tasks/import/<uuid:token>/",
        views.task_import_preview,
        name="task_import_preview",
    ),
    path("<int:pk>/tasks/template.xlsx", views.task_import_template, name="task_import_template"),
    path("<int:pk>/plans/", views_plans.unit_plans, name="unit_plans"),
    path("<int:pk>/plans/upload/", views_plans.unit_plan_upload, name="unit_plan_upload"),
    path("plans/<int:pk>/review/", views_plans.unit_plan_review, name="unit_plan_review"),
    path("plans/<int:pk>/file/", views_plans.unit_plan_file, name="unit_plan_file"),
    path("<int:pk>/<slug:section>/", views.campaign_section, name="campaign_section"),
    path("tasks/", views.task_list, name="task_list"),
    path("tasks/export.xlsx", views.task_export, name="task_export"),
    path("tasks/<int:pk>/", views.task_detail, name="task_detail"),
    path("tasks/<int:pk>/edit/", views.task_edit, name="task_edit"),
    path("tasks/<int:pk>/delete/", views.task_delete, name="task_delete"),
]
