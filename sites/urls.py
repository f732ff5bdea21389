from django.urls import path

from sites import views, views_positions

app_name = "sites"
urlpatterns = [
    path("", views.site_list, name="site_list"),
    path("registry/", views.site_registry, name="site_registry"),
    path("new/", views.site_create, name="site_create"),
    path("<int:pk>/", views.site_detail, name="site_detail"),
    path("<int:pk>/edit/", views.site_edit, name="site_edit"),
    path("<int:pk>/plan/", views.plan_upload, name="plan_upload"),
    path("<int:pk>/step/", views.site_step, name="site_step"),
    path("<int:pk>/photos/", views.photo_upload, name="photo_upload"),
    path("<int:pk>/visitors/", views.visitors, name="visitors"),
    path("plans/<int:pk>/review/", views.plan_review, name="plan_review"),
    path("plans/<int:pk>/file/", views.plan_file, name="plan_file"),
    path("photos/<int:pk>/", views.photo_file, name="photo_file"),
    path("positions/", views_positions.position_list, name="position_list"),
    path("positions/new/", views_positions.position_create, name="position_create"),
    path("positions/<int:pk>/", views_positions.position_detail, name="position_detail"),
    path("positions/<int:pk>/edit/", views_positions.position_edit, name="position_edit"),
    path("positions/<int:pk>/update/", views_positions.position_update, name="position_update"),
    path("positions/<int:pk>/file/", views_positions.position_photo, name="position_photo"),
    path(
        "positions/updates/<int:pk>/file/",
        views_positions.position_update_photo,
        name="position_update_photo",
    ),
    path("routes/", views.route_list, name="route_list"),
    path("routes/new/", views.route_create, name="route_create"),
    path("routes/<int:pk>/", views.route_detail, name="route_detail"),
    path("routes/<int:pk>/edit/", views.route_edit, name="route_edit"),
]
