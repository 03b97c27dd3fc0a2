from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EventsConfig(AppConfig):
    name = "bygdebas.events"
    label = "events"
    verbose_name = _("Meeting places")

    def ready(self) -> None:
        from bygdebas.events.metrics import register_event_metrics

        register_event_metrics()
