from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ConditionsConfig(AppConfig):
    name = "bygdebas.conditions"
    label = "conditions"
    verbose_name = _("Rural conditions")

    def ready(self) -> None:
        from bygdebas.conditions.registrations import register_all

        register_all()

        from bygdebas.conditions import api
        from bygdebas.core.api_registry import register_public_endpoints

        register_public_endpoints("conditions", prefix="conditions", router=api.public_router)
