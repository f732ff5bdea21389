from django.urls import path

from notifications import channel_views, views

app_name = "notifications"
urlpatterns = [
    path("", views.notification_list, name="list"),
    path("<int:pk>/open/", views.notification_open, name="open"),
    path("<int:pk>/read/", views.notification_read, name="read"),
    path("read-all/", views.notification_read_all, name="read_all"),
    path("preferences/", views.preferences, name="preferences"),
    path("policy/<int:campaign_pk>/", views.policy, name="policy"),
    path("health/", views.health, name="health"),
    path(
        "preferences/channels/",
        channel_views.channel_preferences,
        name="channel_preferences",
    ),
    path("channels/", channel_views.channel_home, name="channel_home"),
    path("channels/<int:township_pk>/", channel_views.channel_list, name="channels"),
    path(
        "channels/<int:township_pk>/new/<str:kind>/",
        channel_views.channel_create,
        name="channel_create",
    ),
    path(
        "channels/<int:township_pk>/messages/",
        channel_views.channel_messages,
        name="channel_messages",
    ),
    path(
        "channels/<int:township_pk>/accounts/",
        channel_views.channel_accounts,
        name="channel_accounts",
    ),
    path("channels/setting/<int:pk>/", channel_views.channel_edit, name="channel_edit"),
    path("channels/setting/<int:pk>/test/", channel_views.channel_test, name="channel_test"),
    path("channels/setting/<int:pk>/delete/", channel_views.channel_delete, name="channel_delete"),
    path(
        "channels/message/<int:pk>/resend/",
        channel_views.channel_message_resend,
        name="channel_message_resend",
    ),
]
