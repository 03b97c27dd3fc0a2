from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ConnectivityConfig(AppConfig):
    name = "bygdebas.connectivity"
    label = "connectivity"
    verbose_name = _("Public-transport connectivity")

    def ready(self) -> None:
        from bygdebas.core.navigation import register_menu_entry

        register_menu_entry(
            "office",
            "connectivity.analyses",
            label=_("Public transport"),
            url_name="connectivity:analysis-list",
            order=60,
        )
