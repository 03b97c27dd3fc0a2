from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EventsConfig(AppConfig):
    name = "bygdebas.events"
    label = "events"
    verbose_name = _("Meeting places")

    def ready(self) -> None:
        from bygdebas.events.metrics import register_event_metrics

        register_event_metrics()

        from bygdebas.core.widgets import register_widget
        from bygdebas.events.widgets import calendar_context

        register_widget(
            "kalender",
            label=_("Calendar"),
            description=_("The next events, ours and those other county branches open to us."),
            template="events/widgets/calendar.html",
            context=calendar_context,
            height=480,
            order=10,
        )

        from bygdebas.core.navigation import register_menu_entry

        register_menu_entry(
            "public", "events.calendar", label=_("Calendar"), url_name="events:event-list", order=20
        )
        register_menu_entry(
            "office",
            "events.events",
            label=_("Events"),
            url_name="events:staff-event-list",
            order=40,
        )
        register_menu_entry(
            "office",
            "events.bodies",
            label=_("Partnership bodies"),
            url_name="events:body-list",
            order=50,
        )

        from bygdebas.core.personal_data import register_personal_data
        from bygdebas.events import privacy

        register_personal_data(
            "events.registrations",
            label=_("Event registrations"),
            extract=privacy.extract,
            erase=privacy.erase,
            section="event_registrations",
            extract_template="events/privacy/extract_registrations.html",
            describe_erasure=privacy.describe_erasure,
        )

        from bygdebas.core.api_registry import register_public_endpoints
        from bygdebas.events import api

        register_public_endpoints("events", prefix="events", router=api.public_router)
        from bygdebas.core.agenda import register_upcoming
        from bygdebas.events.agenda import upcoming_public_events

        register_upcoming("events.public", upcoming=upcoming_public_events)
