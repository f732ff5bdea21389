from django.urls import path

from dashboard import views

app_name = "dashboard"
urlpatterns = [
    path("township/", views.township, name="township"),
    path("township/<int:pk>/", views.township, name="township_detail"),
    path("township/<int:pk>/units/", views.township_units, name="township_units"),
    path("township/<int:pk>/trend/", views.township_trend, name="township_trend"),
    path("district/", views.district, name="district"),
    path("district/<int:pk>/", views.district, name="district_detail"),
]
