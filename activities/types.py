"""The kinds of activity a record can describe (shared by tasks and records), and what each counts.

Every type has a measure: the verb, the object and the measure word a report uses for its
quantity ("刷写标语30条", "组织观看电教片12场", "签订承诺书3600余份"). `DEFAULT_MEASURES` holds the
built-in ones; an office may reword them for its township (`activities.measures`).
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db import models
from django.utils.translation import gettext_lazy as _


class ActivityType(models.TextChoices):
    LECTURE = "lecture", _("党课/讲座")
    FILM = "film", _("电教片")
    CONTEST = "contest", _("竞赛")
    EXHIBITION = "exhibition", _("展览")
    BANNER = "banner", _("标语")
    BOARD = "board", _("展板")
    FORUM = "forum", _("座谈会")
    COMMITMENT = "commitment", _("承诺书签订")
    MATERIALS = "materials", _("宣传资料发放")
    BOOKS = "books", _("书籍发放")
    ARTICLE = "article", _("信息文章")
    VISIT = "visit", _("参观")
    OTHER = "other", _("其他")


@dataclass(frozen=True)
class DefaultMeasure:
    verb: str
    noun: str
    unit: str
    # What an existing record (filed before quantities existed) is taken to hold: one of the
    # measure, or one per participant (each signer signs one 承诺书, each reader gets one copy).
    per_participant: bool = False


# Source strings stay Chinese: these words are the report's own, not interface labels.
DEFAULT_MEASURES: dict[str, DefaultMeasure] = {
    ActivityType.LECTURE: DefaultMeasure("开展", "廉政党课和讲座", "场"),
    ActivityType.FILM: DefaultMeasure("组织观看", "电教片", "场"),
    ActivityType.CONTEST: DefaultMeasure("举办", "知识竞赛", "场"),
    ActivityType.EXHIBITION: DefaultMeasure("举办", "廉政展览", "场"),
    ActivityType.BANNER: DefaultMeasure("刷写", "标语", "条"),
    ActivityType.BOARD: DefaultMeasure("制作", "展板", "块"),
    ActivityType.FORUM: DefaultMeasure("召开", "座谈会", "场"),
    ActivityType.COMMITMENT: DefaultMeasure("签订", "承诺书", "份", per_participant=True),
    ActivityType.MATERIALS: DefaultMeasure("发放", "宣传资料", "份", per_participant=True),
    ActivityType.BOOKS: DefaultMeasure("发放", "书籍", "册", per_participant=True),
    ActivityType.ARTICLE: DefaultMeasure("刊发", "信息文章", "篇"),
    ActivityType.VISIT: DefaultMeasure("组织参观", "教育基地", "次"),
    ActivityType.OTHER: DefaultMeasure("开展", "其他廉政文化活动", "次"),
}
