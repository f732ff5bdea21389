from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AssessmentsConfig(AppConfig):
    name = "assessments"
    verbose_name = _("评审验收与整改")

    def ready(self) -> None:
        from assessments import panels  # noqa: F401  (registers the home panels)
        from assessments.access import (
            get_assessment_for,
            get_criteria_set_for,
            get_notice_for,
            get_rectification_for,
        )
        from assessments.models import Assessment, CriteriaSet, Notice, Rectification
        from organisations.history import register_history

        register_history(Assessment, get_assessment_for, lambda a: a.township_id)
        register_history(Rectification, get_rectification_for, lambda r: r.township_id)
        register_history(Notice, get_notice_for, lambda n: n.township_id)
        register_history(CriteriaSet, get_criteria_set_for, lambda cs: None)
