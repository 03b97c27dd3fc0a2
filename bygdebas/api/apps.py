from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ApiConfig(AppConfig):
    name = "bygdebas.api"
    label = "api"
    verbose_name = _("Open API")

    def ready(self) -> None:
        from bygdebas.core.access import ADMIN_ROLES
        from bygdebas.core.audit import register_audit_words
        from bygdebas.core.navigation import has_role, register_menu_entry

        register_menu_entry(
            "office",
            "api.keys",
            label=_("API keys"),
            url_name="api:key-list",
            order=125,
            visible=has_role(ADMIN_ROLES),
        )
        register_audit_words(
            verbs={
                "api_key.created": _("API key created"),
                "api_key.revoked": _("API key revoked"),
                "api.personal_data_read": _("Personal data read through the API"),
            },
            fields={
                "endpoint": _("endpoint"),
                "rows": _("rows"),
                "scopes": _("scopes"),
                "expires_at": _("expires"),
            },
        )
