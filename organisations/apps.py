from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OrganisationsConfig(AppConfig):
    name = "organisations"
    verbose_name = _("组织与人员")

    def ready(self) -> None:
        from organisations.access import get_unit_for
        from organisations.history import register_history
        from organisations.models import Organisation

        register_history(Organisation, get_unit_for, lambda unit: unit.township_id)
