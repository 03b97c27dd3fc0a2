from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WidgetsConfig(AppConfig):
    name = "bygdebas.widgets"
    label = "widgets"
    verbose_name = _("Widgets")

    def ready(self) -> None:
        from bygdebas.core.navigation import register_menu_entry
        from bygdebas.core.widgets import register_widget
        from bygdebas.widgets.generic import about_context

        register_widget(
            "om-oss",
            label=_("About us"),
            description=_("The network's name, tagline and how to reach it."),
            template="widgets/about.html",
            context=about_context,
            height=260,
            order=90,
        )
        register_menu_entry(
            "office", "widgets.embed", label=_("Widgets"), url_name="widgets:embed-list", order=115
        )
