"""The kinds of activity a record can describe (shared by tasks and records)."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class ActivityType(models.TextChoices):
    LECTURE = "lecture", _("党课/讲座")
    FILM = "film", _("电教片")
    CONTEST = "contest", _("竞赛")
    EXHIBITION = "exhibition", _("展览")
    BANNER = "banner", _("标语")
    FORUM = "forum", _("座谈会")
    COMMITMENT = "commitment", _("承诺书签订")
    MATERIALS = "materials", _("宣传资料发放")
    VISIT = "visit", _("参观")
    OTHER = "other", _("其他")
