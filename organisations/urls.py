from django.urls import path

from organisations import views, views_people

app_name = "organisations"
urlpatterns = [
    path("units/", views.unit_list, name="unit_list"),
    path("units/new/", views_people.unit_create, name="unit_create"),
    path("units/<int:pk>/", views.unit_detail, name="unit_detail"),
    path("units/<int:pk>/edit/", views_people.unit_edit, name="unit_edit"),
    path(
        "units/<int:pk>/active/<int:active>/", views_people.unit_set_active, name="unit_set_active"
    ),
    path("units/<int:pk>/merge/", views_people.unit_merge, name="unit_merge"),
    path("people/", views_people.person_list, name="person_list"),
    path("people/new/", views_people.person_create, name="person_create"),
    path("people/import/", views_people.people_import_view, name="people_import"),
    path("people/import/template.xlsx", views_people.people_template, name="people_template"),
    path(
        "people/import/<uuid:token>/",
        views_people.people_import_preview,
        name="people_import_preview",
    ),
    path("people/<int:pk>/", views_people.person_detail, name="person_detail"),
    path("people/<int:pk>/roles/", views_people.role_add, name="role_add"),
    path("people/<int:pk>/password/", views_people.password_reset, name="password_reset"),
    path("roles/<int:pk>/remove/", views_people.role_remove, name="role_remove"),
    path("roles/<int:pk>/move/", views_people.role_move, name="role_move"),
    path("history/<str:label>/<int:pk>/", views.history, name="history"),
]
