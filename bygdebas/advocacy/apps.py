from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AdvocacyConfig(AppConfig):
    name = "bygdebas.advocacy"
    label = "advocacy"
    verbose_name = _("Watching and opinion-forming")

    def ready(self) -> None:
        from bygdebas.advocacy import registrations

        registrations.register()

        from bygdebas.advocacy import api
        from bygdebas.core.api_registry import register_public_endpoints

        register_public_endpoints("advocacy", prefix="positions", router=api.public_router)
