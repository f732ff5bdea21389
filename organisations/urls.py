from django.urls import path

from organisations import views

app_name = "organisations"
urlpatterns = [
    path("units/", views.unit_list, name="unit_list"),
    path("units/<int:pk>/", views.unit_detail, name="unit_detail"),
    path("history/<str:label>/<int:pk>/", views.history, name="history"),
]
