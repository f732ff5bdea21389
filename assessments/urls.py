from django.urls import path

from assessments import views, views_criteria, views_picker, views_supervision

app_name = "assessments"
urlpatterns = [
    path("", views.assessment_list, name="assessment_list"),
    path("start/<int:site_pk>/<str:kind>/", views.assessment_start, name="assessment_start"),
    path("<int:pk>/", views.assessment_detail, name="assessment_detail"),
    path("<int:pk>/scores/", views.assessment_save, name="assessment_save"),
    path("<int:pk>/complete/", views.assessment_complete, name="assessment_complete"),
    path(
        "<int:pk>/scores/<int:score_pk>/records/",
        views.linked_records,
        name="linked_records",
    ),
    path(
        "<int:pk>/scores/<int:score_pk>/pick/",
        views_picker.record_pick,
        name="record_pick",
    ),
    path(
        "<int:pk>/scores/<int:score_pk>/evidence/",
        views.evidence_candidates,
        name="evidence_candidates",
    ),
    path(
        "<int:pk>/scores/<int:score_pk>/rectify/",
        views.rectification_open,
        name="rectification_open",
    ),
    path(
        "campaigns/<int:campaign_pk>/apply/",
        views.application_create,
        name="application_create",
    ),
    path("applications/<int:pk>/", views.application_detail, name="application_detail"),
    path("applications/<int:pk>/accept/", views.acceptance_start, name="acceptance_start"),
    path("rectifications/", views.rectification_list, name="rectification_list"),
    path("rectifications/<int:pk>/", views.rectification_detail, name="rectification_detail"),
    path(
        "rectifications/<int:pk>/answer/",
        views.rectification_answer,
        name="rectification_answer",
    ),
    path(
        "rectifications/<int:pk>/recheck/",
        views.rectification_recheck,
        name="rectification_recheck",
    ),
    path(
        "rectifications/<int:pk>/files/<int:file_pk>/",
        views.rectification_file,
        name="rectification_file",
    ),
    path("criteria/", views_criteria.criteria_list, name="criteria_list"),
    path("criteria/import/", views_criteria.criteria_import, name="criteria_import"),
    path("criteria/<int:pk>/", views_criteria.criteria_detail, name="criteria_detail"),
    path("criteria/<int:pk>/copy/", views_criteria.criteria_copy, name="criteria_copy"),
    path("spot-checks/", views_supervision.spot_check_list, name="spot_check_list"),
    path(
        "campaigns/<int:campaign_pk>/spot-checks/new/",
        views_supervision.spot_check_create,
        name="spot_check_create",
    ),
    path("spot-checks/<int:pk>/", views_supervision.spot_check_detail, name="spot_check_detail"),
    path("spot-checks/<int:pk>/findings/", views_supervision.finding_add, name="finding_add"),
    path("notices/", views_supervision.notice_list, name="notice_list"),
    path(
        "campaigns/<int:campaign_pk>/notices/draft/",
        views_supervision.notice_draft,
        name="notice_draft",
    ),
    path("notices/<int:pk>/", views_supervision.notice_detail, name="notice_detail"),
    path("notices/<int:pk>/entries/", views_supervision.notice_update, name="notice_update"),
    path("notices/<int:pk>/publish/", views_supervision.notice_publish, name="notice_publish"),
    path("notices/<int:pk>/praise/", views_supervision.notice_praise, name="notice_praise"),
    path("campaigns/<int:campaign_pk>/year-end/", views_supervision.year_end, name="year_end"),
    path(
        "campaigns/<int:campaign_pk>/year-end/compute/",
        views_supervision.year_end_compute,
        name="year_end_compute",
    ),
    path(
        "campaigns/<int:campaign_pk>/year-end/<int:pk>/",
        views_supervision.year_end_edit,
        name="year_end_edit",
    ),
]
