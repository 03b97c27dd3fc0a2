from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PublicConfig(AppConfig):
    name = "bygdebas.public"
    label = "public"
    verbose_name = _("Public site")

    def ready(self) -> None:
        from bygdebas.core.navigation import register_menu_entry

        for key, label, url_name, order in (
            ("public.home", _("Home"), "public:home", 10),
            ("public.about", _("About us"), "public:about", 30),
            ("public.contact", _("Contact"), "public:contact", 40),
        ):
            register_menu_entry("public", key, label=label, url_name=url_name, order=order)
        register_menu_entry(
            "office", "public.site", label=_("Public site"), url_name="public:home", order=140
        )
