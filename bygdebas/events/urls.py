from django.urls import path

from bygdebas.events.feeds import EventFeed
from bygdebas.events.views import bodies, public, staff

app_name = "events"

urlpatterns = [
    # Public calendar, registration and feeds.
    path("kalender/", public.event_list, name="event-list"),
    path("kalender/<int:year>/<int:month>/", public.event_month, name="event-month"),
    path("kalender/<int:pk>/", public.event_detail, name="event-detail"),
    path("kalender/<int:pk>/anmalan/", public.event_register, name="event-register"),
    path("kalender/<int:pk>.ics", public.event_ics, name="event-ics"),
    path("kalender.ics", public.feed, name="feed"),
    *EventFeed.urls("kalender", "feed"),
    path("kalender/kommun/<str:code>.ics", public.feed_municipality, name="feed-municipality"),
    path("anmalan/<str:token>/", public.registration, name="registration"),
    path("anmalan/<str:token>/avboka/", public.registration_cancel, name="registration-cancel"),
    path("anmalan/<str:token>/acceptera/", public.registration_accept, name="registration-accept"),
    # Staff: events and participants.
    path("kansli/evenemang/", staff.event_list, name="staff-event-list"),
    path("kansli/evenemang/nytt/", staff.event_create, name="staff-event-create"),
    path("kansli/evenemang/<int:pk>/", staff.event_detail, name="staff-event-detail"),
    path("kansli/evenemang/<int:pk>/redigera/", staff.event_edit, name="staff-event-edit"),
    path("kansli/evenemang/<int:pk>/kopiera/", staff.event_duplicate, name="staff-event-duplicate"),
    path("kansli/evenemang/<int:pk>/installa/", staff.event_cancel, name="staff-event-cancel"),
    path("kansli/evenemang/<int:pk>/meddelande/", staff.event_message, name="staff-event-message"),
    path("kansli/evenemang/<int:pk>/narvaro/", staff.event_attendance, name="staff-attendance"),
    path("kansli/evenemang/<int:pk>/utfall/", staff.event_outcome, name="staff-event-outcome"),
    path("kansli/evenemang/bilagor/<int:pk>/", staff.attachment_download, name="staff-attachment"),
    path(
        "kansli/evenemang/bilagor/<int:pk>/ta-bort/",
        staff.attachment_delete,
        name="staff-attachment-delete",
    ),
    path(
        "kansli/evenemang/<int:pk>/deltagare.<str:fmt>",
        staff.participants_export,
        name="staff-participants-export",
    ),
    path(
        "kansli/anmalningar/<int:pk>/ge-plats/",
        staff.registration_promote,
        name="staff-registration-promote",
    ),
    path(
        "kansli/anmalningar/<int:pk>/avboka/",
        staff.registration_cancel,
        name="staff-registration-cancel",
    ),
    # Staff: partnership and consultation bodies.
    path("kansli/organ/", bodies.body_list, name="body-list"),
    path("kansli/organ/nytt/", bodies.body_create, name="body-create"),
    path("kansli/organ/<int:pk>/", bodies.body_detail, name="body-detail"),
    path("kansli/organ/<int:pk>/redigera/", bodies.body_edit, name="body-edit"),
    path("kansli/organ/<int:pk>/moten/nytt/", bodies.meeting_create, name="meeting-create"),
    path("kansli/moten/<int:pk>/redigera/", bodies.meeting_edit, name="meeting-edit"),
    path("kansli/moten/<int:pk>/ta-bort/", bodies.meeting_delete, name="meeting-delete"),
]
