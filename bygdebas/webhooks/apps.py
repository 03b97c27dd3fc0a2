from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WebhooksConfig(AppConfig):
    name = "bygdebas.webhooks"
    label = "webhooks"
    verbose_name = _("Webhooks")

    def ready(self) -> None:
        from bygdebas.core.access import ADMIN_ROLES
        from bygdebas.core.audit import register_audit_words
        from bygdebas.core.hooks import subscribe
        from bygdebas.core.navigation import has_role, register_menu_entry
        from bygdebas.core.personal_data import register_personal_data
        from bygdebas.webhooks import privacy, services

        subscribe(services.queue_event)
        register_personal_data(
            "webhooks.messages",
            label=_("Webhook messages about the person"),
            extract=privacy.extract,
            erase=privacy.erase,
        )
        register_menu_entry(
            "office",
            "webhooks.endpoints",
            label=_("Webhooks"),
            url_name="webhooks:endpoint-list",
            order=126,
            visible=has_role(ADMIN_ROLES),
        )
        register_audit_words(
            verbs={
                "webhook.created": _("Webhook endpoint added"),
                "webhook.changed": _("Webhook endpoint changed"),
                "webhook.enabled": _("Webhook endpoint enabled"),
                "webhook.disabled": _("Webhook endpoint paused"),
                "webhook.secret_rotated": _("Webhook signing secret replaced"),
                "webhook.deleted": _("Webhook endpoint deleted"),
            }
        )
