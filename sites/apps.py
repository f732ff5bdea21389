from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SitesConfig(AppConfig):
    name = "sites"
    # "sites" is django.contrib.sites' label: ours must differ.
    label = "demosites"
    verbose_name = _("示范点")

    def ready(self) -> None:
        from organisations.history import register_history
        from sites import panels  # noqa: F401  (registers the home panels)
        from sites.access import get_route_for, get_site_for
        from sites.models import Site, VisitRoute

        register_history(Site, get_site_for, lambda site: site.township_id)
        register_history(VisitRoute, get_route_for, lambda route: route.township_id)
