from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NationalConfig(AppConfig):
    name = "bygdebas.national"
    label = "national"
    verbose_name = _("National organisation")

    def ready(self) -> None:
        from bygdebas.core.access import READ_ROLES
        from bygdebas.core.navigation import has_role, register_menu_entry

        register_menu_entry(
            "office",
            "national.plan-sources",
            label=_("Other networks' plans"),
            url_name="national:plan-sources",
            order=25,
            visible=has_role(READ_ROLES),
        )
