from django.urls import path

from accounts import views

app_name = "accounts"
urlpatterns = [
    path("two-factor/", views.otp_verify, name="otp_verify"),
    path("two-factor/enroll/", views.otp_enroll, name="otp_enroll"),
    path("security/", views.security, name="security"),
    path("security/recovery-codes/", views.recovery_codes, name="recovery_codes"),
    path("lockouts/", views.lockout_list, name="lockouts"),
    path("lockouts/unlock/", views.lockout_unlock, name="lockout_unlock"),
    path("lockouts/two-factor-reset/", views.otp_reset, name="otp_reset"),
]
