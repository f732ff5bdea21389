from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OrganisationsConfig(AppConfig):
    name = "organisations"
    verbose_name = _("组织与人员")

    def ready(self) -> None:
        from django.conf import settings
        from PIL import Image

        # Every process (web, worker) refuses decompression bombs in any code that opens an
        # image; upload checks compare the declared size to the same figure before decoding.
        Image.MAX_IMAGE_PIXELS = settings.IMAGE_MAX_PIXELS

        from organisations.access import get_person_for, get_unit_for
        from organisations.history import register_history
        from organisations.models import Organisation, User

        register_history(Organisation, get_unit_for, lambda unit: unit.township_id)
        register_history(User, get_person_for, _person_township)


def _person_township(user) -> int | None:
    from organisations.models import Organisation

    role = user.roles.select_related("organisation").first()
    if role is None:
        return None
    org = role.organisation
    return org.pk if org.level == Organisation.Level.TOWNSHIP else org.township_id
