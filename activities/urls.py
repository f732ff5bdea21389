from django.urls import path

from activities import views, views_measures, views_publicity

app_name = "activities"
urlpatterns = [
    path("", views.record_list, name="record_list"),
    path("new/", views.record_create, name="record_create"),
    path("<int:pk>/", views.record_detail, name="record_detail"),
    path("<int:pk>/edit/", views.record_edit, name="record_edit"),
    path("<int:pk>/revise/", views.record_revise, name="record_revise"),
    path("<int:pk>/submit/", views.record_submit, name="record_submit"),
    path("<int:pk>/delete/", views.record_delete, name="record_delete"),
    path("<int:pk>/withdraw/", views.record_withdraw, name="record_withdraw"),
    path("<int:pk>/restore/", views.record_restore, name="record_restore"),
    path("<int:pk>/approve/", views.record_approve, name="record_approve"),
    path("<int:pk>/return/", views.record_return, name="record_return"),
    path("<int:pk>/highlight/", views.record_highlight, name="record_highlight"),
    path("<int:pk>/evidence/", views.record_evidence, name="record_evidence"),
    path("measures/", views_measures.measure_settings, name="measure_settings"),
    path("review/", views.review_queue, name="review_queue"),
    path("review/approve/", views.bulk_approve, name="bulk_approve"),
    path("evidence/<int:pk>/", views.evidence_file, name="evidence_file"),
    path(
        "evidence/<int:pk>/thumb/",
        views.evidence_file,
        {"variant": "thumb"},
        name="evidence_thumb",
    ),
    path(
        "evidence/<int:pk>/representative/",
        views.evidence_representative,
        name="evidence_representative",
    ),
    path("evidence/<int:pk>/delete/", views.evidence_delete, name="evidence_delete"),
    path("uploads/<int:pk>/delete/", views.upload_delete, name="upload_delete"),
    path("ledger/", views.ledger_view, name="ledger"),
    path("monthly/", views.monthly_report, name="monthly_report"),
    path("publicity/", views_publicity.publicity_list, name="publicity_list"),
    path("publicity/new/", views_publicity.publicity_create, name="publicity_create"),
    path("publicity/totals/", views_publicity.publicity_totals, name="publicity_totals"),
    path("publicity/<int:pk>/", views_publicity.publicity_detail, name="publicity_detail"),
    path("publicity/<int:pk>/edit/", views_publicity.publicity_edit, name="publicity_edit"),
    path("publicity/<int:pk>/review/", views_publicity.publicity_review, name="publicity_review"),
    path(
        "publicity/<int:pk>/file/",
        views_publicity.publicity_clipping,
        name="publicity_clipping",
    ),
]
