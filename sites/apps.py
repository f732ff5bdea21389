from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SitesConfig(AppConfig):
    name = "sites"
    # "sites" is django.contrib.sites' label: ours must differ.
    label = "demosites"
    verbose_name = _("示范点")
