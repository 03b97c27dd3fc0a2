"""The public calendar, the event page, registration and the personal registration links."""

from __future__ import annotations

import datetime
import re
from typing import Any

from django.core import mail
from django.core.cache import cache
from django.db import connection
from django.test import Client, TestCase, override_settings
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.translation import gettext

from bygdebas.events.models import Event, Question, Registration
from bygdebas.testing import (
    CastMixin,
    make_event,
    make_municipality,
    make_registration,
    messages_of,
    sv,
)


def in_days(days: int, hour: int = 18) -> datetime.datetime:
    day = timezone.localdate() + datetime.timedelta(days=days)
    return datetime.datetime.combine(
        day, datetime.time(hour), tzinfo=timezone.get_current_timezone()
    )


class PublicEventTestCase(CastMixin, TestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        cls.lekeberg = make_municipality(code="1814", name="Lekeberg", county=cls.network_a.county)
        cls.karlskoga = make_municipality(
            code="1883", name="Karlskoga", county=cls.network_a.county
        )

    def setUp(self) -> None:
        cache.clear()  # the registration form's rate limit counts posts in the cache


class CalendarListTests(PublicEventTestCase):
    def test_it_lists_upcoming_published_public_events_of_the_network(self) -> None:
        make_event(
            network=self.network_a,
            title="Bygdemöte i Fjugesta",
            starts_at=in_days(10, 18),
            municipality=self.lekeberg,
            place_name="Folkets hus",
        )
        make_event(network=self.network_a, title="Digitalt seminarium", format="digital")
        make_event(network=self.network_a, title="Förra årets möte", starts_at=in_days(-40))
        make_event(network=self.network_a, title="Utkastet", status=Event.Status.DRAFT)
        make_event(network=self.network_b, title="B:s möte")
        make_event(network=self.network_a, title="Medlemsmötet", is_members_only=True)

        response = self.as_anonymous().get(reverse("events:event-list"))

        self.assertEqual(response.status_code, 200)
        self.assertContains(response, "Bygdemöte i Fjugesta")
        self.assertContains(response, "Folkets hus, Lekeberg")
        self.assertContains(response, "Digitalt seminarium")
        self.assertContains(response, sv("Online"))
        for hidden in ("Förra årets möte", "Utkastet", "B:s möte", "Medlemsmötet"):
            self.assertNotContains(response, hidden)
        # Swedish dates and 24-hour times.
        with translation.override("sv"):
            expected_day = date_format(timezone.localtime(in_days(10)), "l j F Y")
        self.assertContains(response, expected_day)
        self.assertContains(response, "18:00")

    def test_it_shows_places_left_and_full_events(self) -> None:
        roomy = make_event(network=self.network_a, title="Rymligt", capacity=5)
        make_registration(event=roomy)
        full = make_event(network=self.network_a, title="Fullt", capacity=1)
        make_registration(event=full)

        response = self.as_anonymous().get(reverse("events:event-list"))

        events = {e.title: e for e in response.context["events"]}
        self.assertEqual(events["Rymligt"].places_left, 4)
        self.assertEqual(events["Fullt"].places_left, 0)
        self.assertContains(response, sv("Fully booked – waiting list"))

    def test_members_only_events_are_shown_to_people_with_a_role_in_the_network_only(self) -> None:
        make_event(network=self.network_a, title="Medlemsmötet", is_members_only=True)
        url = reverse("events:event-list")

        self.assertNotContains(self.as_anonymous().get(url), "Medlemsmötet")
        self.assertNotContains(self.as_user(self.david, self.network_a).get(url), "Medlemsmötet")
        self.assertNotContains(self.as_david().get(url), "Medlemsmötet")
        self.assertContains(self.as_anna().get(url), "Medlemsmötet")
        self.assertContains(self.as_cecilia().get(url), "Medlemsmötet")

    def test_it_filters_by_municipality_kind_and_format(self) -> None:
        make_event(network=self.network_a, title="Möte i Lekeberg", municipality=self.lekeberg)
        make_event(
            network=self.network_a,
            title="Seminarium i Karlskoga",
            municipality=self.karlskoga,
            kind=Event.Kind.SEMINAR,
        )
        make_event(
            network=self.network_a,
            title="Webbinarium",
            kind=Event.Kind.SEMINAR,
            format=Event.Format.DIGITAL,
            video_url="https://meet.example.org/x",
        )
        url = reverse("events:event-list")

        def titles(**params: str) -> set[str]:
            response = self.as_anonymous().get(url, params)
            self.assertEqual(response.status_code, 200)
            return {e.title for e in response.context["events"]}

        self.assertEqual(titles(municipality="1814"), {"Möte i Lekeberg"})
        self.assertEqual(titles(kind="seminar"), {"Seminarium i Karlskoga", "Webbinarium"})
        self.assertEqual(titles(kind="seminar", format="physical"), {"Seminarium i Karlskoga"})
        self.assertEqual(len(titles()), 3)
        # The form is a plain GET form: it works without JavaScript and keeps the choices.
        response = self.as_anonymous().get(url, {"kind": "seminar"})
        self.assertContains(response, '<form method="get"')
        self.assertContains(response, '<option value="seminar" selected>')

    def test_it_links_to_the_feeds_and_the_month_view(self) -> None:
        response = self.as_anonymous().get(reverse("events:event-list"))

        self.assertContains(response, reverse("events:feed"))
        self.assertContains(response, reverse("events:feed-municipality", args=["1814"]))
        today = timezone.localdate()
        self.assertContains(response, reverse("events:event-month", args=[today.year, today.month]))

    def test_it_pages_through_many_events(self) -> None:
        for day in range(25):
            make_event(
                network=self.network_a, title=f"Möte nummer {day}", starts_at=in_days(day + 1)
            )

        first = self.as_anonymous().get(reverse("events:event-list"))
        second = self.as_anonymous().get(reverse("events:event-list"), {"page": 2})

        self.assertEqual(len(first.context["events"]), 20)
        self.assertEqual(len(second.context["events"]), 5)
        self.assertContains(first, 'rel="next"')

    def _queries_for(self, count: int, client: Client) -> int:
        Event.objects.all().delete()
        for n in range(count):
            event = make_event(
                network=self.network_a,
                starts_at=in_days(n % 25 + 1),
                municipality=self.lekeberg if n % 2 else self.karlskoga,
            )
            make_registration(event=event)
        with CaptureQueriesContext(connection) as queries:
            response = client.get(reverse("events:event-list"))
        self.assertEqual(len(response.context["events"]), min(count, 20))
        return len(queries)

    def test_the_number_of_queries_does_not_grow_with_the_events(self) -> None:
        for client in (self.as_anonymous(), self.as_anna()):
            with self.subTest(client=client):
                self.assertEqual(self._queries_for(3, client), self._queries_for(30, client))


class CalendarMonthTests(PublicEventTestCase):
    def test_it_draws_a_month_grid_with_the_events_on_their_days(self) -> None:
        tz = timezone.get_current_timezone()
        make_event(
            network=self.network_a,
            title="Majmötet",
            starts_at=datetime.datetime(2030, 5, 14, 19, 0, tzinfo=tz),
        )
        make_event(
            network=self.network_a,
            title="Junimötet",
            starts_at=datetime.datetime(2030, 6, 3, 19, 0, tzinfo=tz),
        )
        make_event(
            network=self.network_b,
            title="B i maj",
            starts_at=datetime.datetime(2030, 5, 14, 19, 0, tzinfo=tz),
        )

        response = self.as_anonymous().get(reverse("events:event-month", args=[2030, 5]))

        self.assertEqual(response.status_code, 200)
        content = response.content.decode()
        self.assertIn('<table class="month-grid">', content)
        headers = re.findall(r'<th scope="col"><abbr title="([^"]+)">', content)
        with translation.override("sv"):
            monday = gettext("Monday")
        self.assertEqual(len(headers), 7)
        self.assertEqual(headers[0], monday)  # Monday first
        # 1 May 2030 is a Wednesday: the grid starts on Monday 29 April and has five weeks.
        self.assertEqual(len(re.findall(r"<tr>", content)), 1 + 5)
        cell = re.search(r'datetime="2030-05-14".*?</td>', content, re.S).group(0)
        self.assertIn("Majmötet", cell)
        self.assertIn("19:00", cell)
        self.assertNotIn(
            "Majmötet", re.search(r'datetime="2030-05-15".*?</td>', content, re.S).group(0)
        )
        self.assertNotIn("B i maj", content)
        self.assertNotIn("Junimötet", content)
        self.assertContains(response, reverse("events:event-month", args=[2030, 4]))
        self.assertContains(response, reverse("events:event-month", args=[2030, 6]))

    def test_year_boundaries_link_to_the_right_months(self) -> None:
        response = self.as_anonymous().get(reverse("events:event-month", args=[2030, 12]))

        self.assertContains(response, reverse("events:event-month", args=[2031, 1]))
        self.assertContains(response, reverse("events:event-month", args=[2030, 11]))

    def test_an_invalid_month_is_404(self) -> None:
        for year, month in ((2030, 13), (2030, 0), (99999, 1)):
            with self.subTest(year=year, month=month):
                response = self.as_anonymous().get(f"/kalender/{year}/{month}/")
                self.assertEqual(response.status_code, 404)

    def test_members_only_events_stay_hidden_from_the_public_in_the_month(self) -> None:
        event = make_event(network=self.network_a, title="Medlemsmötet", is_members_only=True)
        local = timezone.localtime(event.starts_at)
        url = reverse("events:event-month", args=[local.year, local.month])

        self.assertNotContains(self.as_anonymous().get(url), "Medlemsmötet")
        self.assertContains(self.as_bertil().get(url), "Medlemsmötet")

    def test_the_number_of_queries_does_not_grow_with_the_events(self) -> None:
        tz = timezone.get_current_timezone()

        def queries(count: int) -> int:
            Event.objects.all().delete()
            for n in range(count):
                make_event(
                    network=self.network_a,
                    starts_at=datetime.datetime(2030, 5, n % 28 + 1, 10, tzinfo=tz),
                    municipality=self.lekeberg,
                )
            with CaptureQueriesContext(connection) as captured:
                self.as_anonymous().get(reverse("events:event-month", args=[2030, 5]))
            return len(captured)

        self.assertEqual(queries(3), queries(30))


class EventPageTests(PublicEventTestCase):
    def test_it_shows_the_event_with_a_map_and_og_tags(self) -> None:
        event = make_event(
            network=self.network_a,
            title="Landsbygdens framtid",
            kind=Event.Kind.SEMINAR,
            format=Event.Format.HYBRID,
            video_url="https://meet.example.org/hemligt-rum",
            municipality=self.lekeberg,
            lat=59.17,
            lon=14.87,
            organisers="Hela Sverige ska leva Örebro län",
            target_groups="Lokala utvecklingsgrupper",
            sdgs=[11, 17],
        )
        Question.objects.create(event=event, label="Kost", is_required=True)

        response = self.as_anonymous().get(reverse("events:event-detail", args=[event.pk]))

        self.assertContains(response, "<h1>Landsbygdens framtid</h1>", html=True)
        self.assertContains(response, "Hela Sverige ska leva Örebro län")
        self.assertContains(response, "Lokala utvecklingsgrupper")
        self.assertContains(response, sv("11 Sustainable cities and communities"))
        self.assertContains(response, "<strong>bygdens</strong>", html=True)
        self.assertContains(response, '<meta property="og:title" content="Landsbygdens framtid">')
        # Open Graph has no event type: the page is a website, the event is in its JSON-LD.
        self.assertContains(response, '<meta property="og:type" content="website">')
        self.assertContains(
            response, f'<meta property="og:url" content="http://a.test/kalender/{event.pk}/">'
        )
        self.assertContains(response, 'property="og:description" content="')
        # The map draws our own boundaries; the position is also given as text without JS.
        self.assertContains(response, f'data-geojson="{reverse("core:municipalities-geojson")}"')
        self.assertContains(response, 'data-lat="59.170000"')
        self.assertContains(response, "59.17000, 14.87000")
        self.assertContains(response, "js/map.js")
        # The registration form asks the event's question, as a required field with a label.
        self.assertContains(response, '<label for="id_name">')
        question_field = response.context["form"].fields[f"question_{event.questions.get().pk}"]
        self.assertTrue(question_field.required)
        self.assertContains(response, ">Kost<")
        # The video link is for registered participants only.
        self.assertNotContains(response, "hemligt-rum")

    def test_the_description_is_rendered_from_markdown_and_sanitised(self) -> None:
        event = make_event(
            network=self.network_a,
            description=(
                "## Program\n\n**Fika** och *samtal*.\n\n"
                "<script>alert('xss')</script>\n\n"
                '<img src="x" onerror="alert(1)">\n\n'
                "[Klicka](javascript:alert(2)) och [läs mer](https://example.org/)\n\n"
                '<a href="https://example.org" onclick="steal()">länk</a>\n\n'
                "<iframe src='https://evil.example'></iframe>"
            ),
        )

        response = self.as_anonymous().get(reverse("events:event-detail", args=[event.pk]))
        description = response.context["description_html"]

        self.assertIn("<h2>Program</h2>", description)
        self.assertIn("<strong>Fika</strong>", description)
        self.assertIn("<em>samtal</em>", description)
        self.assertIn('href="https://example.org/"', description)
        for dangerous in (
            "<script",
            "alert('xss')",
            "onerror",
            "javascript:",
            "onclick",
            "<iframe",
            "<img",
        ):
            self.assertNotIn(dangerous, description)
        self.assertNotContains(response, "<script>alert")
        self.assertNotContains(response, "javascript:alert")

    def test_a_cancelled_event_shows_a_banner_and_no_form(self) -> None:
        event = make_event(network=self.network_a, status=Event.Status.CANCELLED)

        response = self.as_anonymous().get(reverse("events:event-detail", args=[event.pk]))

        self.assertContains(response, sv("This event is cancelled."))
        self.assertContains(response, 'class="banner banner-cancelled" role="alert"')
        self.assertNotContains(response, 'name="email"')

    def test_a_full_event_offers_the_waiting_list(self) -> None:
        event = make_event(network=self.network_a, capacity=1)
        make_registration(event=event)

        response = self.as_anonymous().get(reverse("events:event-detail", args=[event.pk]))

        self.assertContains(response, sv("Join the waiting list"))
        self.assertContains(response, 'name="email"')

    def test_it_says_why_registration_is_closed(self) -> None:
        not_yet = make_event(network=self.network_a, registration_opens_at=in_days(5, 9))
        closed = make_event(network=self.network_a, registration_closes_at=in_days(-1))
        started = make_event(
            network=self.network_a, starts_at=timezone.now() - datetime.timedelta(minutes=30)
        )

        for event, reason in ((not_yet, "not_yet_open"), (closed, "closed"), (started, "started")):
            with self.subTest(reason=reason):
                response = self.as_anonymous().get(reverse("events:event-detail", args=[event.pk]))
                self.assertEqual(response.context["closed_reason"], reason)
                self.assertNotContains(response, 'name="email"')
        response = self.as_anonymous().get(reverse("events:event-detail", args=[not_yet.pk]))
        self.assertContains(response, "09:00")

    def test_hidden_events_are_404(self) -> None:
        draft = make_event(network=self.network_a, status=Event.Status.DRAFT)
        members = make_event(network=self.network_a, is_members_only=True)
        of_b = make_event(network=self.network_b)

        for client, event in (
            (self.as_anonymous(), draft),
            (self.as_anna(), draft),
            (self.as_anonymous(), members),
            (self.as_user(self.david, self.network_a), members),
            (self.as_anonymous(), of_b),
        ):
            with self.subTest(event=event.title):
                response = client.get(reverse("events:event-detail", args=[event.pk]))
                self.assertEqual(response.status_code, 404)
        response = self.as_cecilia().get(reverse("events:event-detail", args=[members.pk]))
        self.assertEqual(response.status_code, 200)


class RegisterTests(PublicEventTestCase):
    def post(self, event: Event, client: Client | None = None, **data: str) -> Any:
        payload = {
            "name": "Astrid Lindqvist",
            "email": "astrid@example.org",
            "organisation": "Byalaget",
        }
        payload.update(data)
        with self.captureOnCommitCallbacks(execute=True):
            return (client or self.as_anonymous()).post(
                reverse("events:event-register", args=[event.pk]), payload
            )

    def test_a_visitor_registers_and_gets_a_confirmation_with_an_invitation(self) -> None:
        event = make_event(network=self.network_a, title="Bygdestämma")
        question = Question.objects.create(event=event, label="Kost", is_required=True)

        response = self.post(event, **{f"question_{question.pk}": "Vegetarisk"})

        registration = Registration.objects.get(event=event)
        self.assertRedirects(response, reverse("events:registration", args=[registration.token]))
        self.assertEqual(registration.status, Registration.Status.CONFIRMED)
        self.assertEqual(registration.name, "Astrid Lindqvist")
        self.assertEqual(registration.organisation, "Byalaget")
        self.assertEqual(registration.answers, {"Kost": "Vegetarisk"})
        self.assertEqual(len(mail.outbox), 1)
        message = mail.outbox[0]
        self.assertEqual(message.to, ["astrid@example.org"])
        self.assertIn("Bygdestämma", message.subject)
        self.assertIn(f"http://a.test/anmalan/{registration.token}/", message.body)
        self.assertEqual(message.attachments[0][0], "inbjudan.ics")
        self.assertIn(
            sv(
                "Thank you! Your place is confirmed. A confirmation is on its way to %(email)s.",
                email="astrid@example.org",
            ),
            messages_of(response),
        )

    def test_a_full_event_puts_the_visitor_on_the_waiting_list(self) -> None:
        event = make_event(network=self.network_a, capacity=1)
        make_registration(event=event)
        make_registration(event=event, status=Registration.Status.WAITING)

        response = self.post(event)

        registration = Registration.objects.get(event=event, email="astrid@example.org")
        self.assertEqual(registration.status, Registration.Status.WAITING)
        self.assertRedirects(response, reverse("events:registration", args=[registration.token]))
        self.assertIn("2", " ".join(messages_of(response)))
        self.assertIn(sv("Waiting list: %(title)s", title=event.title), mail.outbox[0].subject)

    def test_an_invalid_form_is_shown_again_with_errors(self) -> None:
        event = make_event(network=self.network_a)
        Question.objects.create(event=event, label="Tillgänglighet", is_required=True)

        response = self.post(event, email="inte-en-adress")

        self.assertEqual(response.status_code, 400)
        self.assertTemplateUsed(response, "events/public/event_detail.html")
        self.assertTrue(response.context["form"].errors["email"])
        self.assertEqual(len(response.context["form"].errors), 2)  # the address, the question
        self.assertContains(response, 'value="Astrid Lindqvist"', status_code=400)
        self.assertFalse(Registration.objects.exists())
        self.assertEqual(mail.outbox, [])

    def test_a_filled_honeypot_is_refused(self) -> None:
        event = make_event(network=self.network_a)

        response = self.post(event, website="https://spam.example")

        self.assertEqual(response.status_code, 400)
        self.assertFalse(Registration.objects.exists())

    def test_the_same_address_cannot_register_twice(self) -> None:
        event = make_event(network=self.network_a)
        make_registration(event=event, email="Astrid@Example.org")

        response = self.post(event)

        self.assertEqual(response.status_code, 400)
        self.assertContains(response, "astrid@example.org", status_code=400)
        self.assertEqual(Registration.objects.filter(event=event).count(), 1)

    def test_registration_for_a_closed_event_is_refused(self) -> None:
        event = make_event(network=self.network_a, registration_closes_at=in_days(-1))

        response = self.post(event)

        self.assertEqual(response.status_code, 400)
        self.assertContains(response, sv("Registration for this event is closed."), status_code=400)
        self.assertFalse(Registration.objects.exists())

    @override_settings(BYGDEBAS_RATE_LIMIT_POSTS=3)
    def test_registration_is_rate_limited(self) -> None:
        event = make_event(network=self.network_a, capacity=None)
        statuses = [self.post(event, email=f"p{n}@example.org").status_code for n in range(5)]

        self.assertEqual(statuses, [302, 302, 302, 429, 429])
        self.assertEqual(Registration.objects.count(), 3)

    def test_registration_needs_the_csrf_token(self) -> None:
        event = make_event(network=self.network_a)
        client = Client(HTTP_HOST="a.test", enforce_csrf_checks=True)

        response = self.post(event, client=client)

        self.assertEqual(response.status_code, 403)
        self.assertFalse(Registration.objects.exists())

    def test_an_event_of_another_network_cannot_be_registered_for(self) -> None:
        event = make_event(network=self.network_a)

        response = self.post(event, client=self.as_david())

        self.assertEqual(response.status_code, 404)
        self.assertFalse(Registration.objects.exists())

    def test_get_on_the_registration_address_goes_back_to_the_event(self) -> None:
        event = make_event(network=self.network_a)

        response = self.as_anonymous().get(reverse("events:event-register", args=[event.pk]))

        self.assertRedirects(response, reverse("events:event-detail", args=[event.pk]))


class PersonalLinkTests(PublicEventTestCase):
    def test_a_confirmed_participant_sees_the_video_link_and_the_calendar_file(self) -> None:
        event = make_event(
            network=self.network_a,
            format=Event.Format.DIGITAL,
            video_url="https://meet.example.org/rum-42",
        )
        registration = make_registration(event=event, answers={"Kost": "Glutenfri"})

        response = self.as_anonymous().get(
            reverse("events:registration", args=[registration.token])
        )

        self.assertContains(response, "https://meet.example.org/rum-42")
        self.assertContains(response, sv("Your place is confirmed."))
        self.assertContains(response, reverse("events:event-ics", args=[event.pk]))
        self.assertContains(response, "Glutenfri")
        self.assertContains(
            response, reverse("events:registration-cancel", args=[registration.token])
        )
        self.assertContains(response, '<meta name="robots" content="noindex, nofollow">')

    def test_someone_waiting_sees_the_place_in_the_queue_but_not_the_video_link(self) -> None:
        event = make_event(
            network=self.network_a,
            capacity=1,
            format=Event.Format.HYBRID,
            video_url="https://meet.example.org/rum-42",
        )
        make_registration(event=event)
        make_registration(event=event, status=Registration.Status.WAITING)
        second = make_registration(event=event, status=Registration.Status.WAITING)

        response = self.as_anonymous().get(reverse("events:registration", args=[second.token]))

        self.assertEqual(response.context["position"], 2)
        self.assertContains(
            response, sv("You are number %(position)s on the waiting list.", position=2)
        )
        self.assertNotContains(response, "rum-42")

    def test_an_offer_shows_the_deadline_and_the_accept_button(self) -> None:
        event = make_event(network=self.network_a)
        deadline = in_days(2, 14)
        registration = make_registration(
            event=event, status=Registration.Status.OFFERED, offer_expires_at=deadline
        )

        response = self.as_anonymous().get(
            reverse("events:registration", args=[registration.token])
        )

        self.assertContains(response, "14:00")
        self.assertContains(
            response, reverse("events:registration-accept", args=[registration.token])
        )

    def test_an_unknown_token_or_another_networks_host_is_404(self) -> None:
        registration = make_registration(event=make_event(network=self.network_a))

        self.assertEqual(self.as_anonymous().get("/anmalan/nonsense/").status_code, 404)
        for name in (
            "events:registration",
            "events:registration-cancel",
            "events:registration-accept",
        ):
            with self.subTest(name=name):
                response = self.as_david().get(reverse(name, args=[registration.token]))
                self.assertEqual(response.status_code, 404)

    def test_the_personal_page_only_links_to_the_pages_that_ask_before_acting(self) -> None:
        event = make_event(network=self.network_a)
        confirmed = make_registration(event=event)
        offered = make_registration(
            event=event, status=Registration.Status.OFFERED, offer_expires_at=in_days(2, 14)
        )

        for registration, name in (
            (confirmed, "events:registration-cancel"),
            (offered, "events:registration-accept"),
        ):
            with self.subTest(status=registration.status):
                page = self.as_anonymous().get(
                    reverse("events:registration", args=[registration.token])
                )
                target = reverse(name, args=[registration.token])
                self.assertContains(page, f'href="{target}"')
                # One click on the personal page must not cancel or accept.
                self.assertNotContains(page, f'action="{target}"')
                self.assertNotContains(page, '<form method="post" action="/anmalan/')

    def test_get_on_the_cancel_link_changes_nothing(self) -> None:
        registration = make_registration(event=make_event(network=self.network_a))
        url = reverse("events:registration-cancel", args=[registration.token])

        with self.captureOnCommitCallbacks(execute=True):
            response = self.as_anonymous().get(url)

        self.assertEqual(response.status_code, 200)
        self.assertContains(response, '<form method="post"')
        registration.refresh_from_db()
        self.assertEqual(registration.status, Registration.Status.CONFIRMED)
        self.assertEqual(mail.outbox, [])

    def test_cancelling_frees_the_place_for_the_first_waiting(self) -> None:
        event = make_event(network=self.network_a, capacity=1)
        registration = make_registration(event=event)
        waiting = make_registration(event=event, status=Registration.Status.WAITING)

        with self.captureOnCommitCallbacks(execute=True):
            response = self.as_anonymous().post(
                reverse("events:registration-cancel", args=[registration.token])
            )

        self.assertRedirects(response, reverse("events:registration", args=[registration.token]))
        registration.refresh_from_db()
        waiting.refresh_from_db()
        self.assertEqual(registration.status, Registration.Status.CANCELLED)
        self.assertEqual(waiting.status, Registration.Status.OFFERED)
        self.assertEqual({m.to[0] for m in mail.outbox}, {registration.email, waiting.email})
        self.assertIn(
            sv("Your registration is cancelled. Thank you for telling us."),
            messages_of(response),
        )

    def test_get_on_the_accept_link_changes_nothing(self) -> None:
        event = make_event(network=self.network_a)
        registration = make_registration(
            event=event, status=Registration.Status.OFFERED, offer_expires_at=in_days(1)
        )

        with self.captureOnCommitCallbacks(execute=True):
            response = self.as_anonymous().get(
                reverse("events:registration-accept", args=[registration.token])
            )

        self.assertEqual(response.status_code, 200)
        self.assertContains(response, sv("Yes, I accept the place"))
        registration.refresh_from_db()
        self.assertEqual(registration.status, Registration.Status.OFFERED)
        self.assertEqual(mail.outbox, [])

    def test_accepting_an_offer_confirms_the_place(self) -> None:
        event = make_event(network=self.network_a)
        registration = make_registration(
            event=event, status=Registration.Status.OFFERED, offer_expires_at=in_days(1)
        )

        with self.captureOnCommitCallbacks(execute=True):
            response = self.as_anonymous().post(
                reverse("events:registration-accept", args=[registration.token])
            )

        self.assertRedirects(response, reverse("events:registration", args=[registration.token]))
        registration.refresh_from_db()
        self.assertEqual(registration.status, Registration.Status.CONFIRMED)
        self.assertEqual(len(mail.outbox), 1)
        self.assertEqual(mail.outbox[0].attachments[0][0], "inbjudan.ics")

    def test_an_expired_offer_cannot_be_accepted_and_says_so(self) -> None:
        event = make_event(network=self.network_a)
        registration = make_registration(
            event=event,
            status=Registration.Status.OFFERED,
            offer_expires_at=timezone.now() - datetime.timedelta(minutes=1),
        )
        url = reverse("events:registration-accept", args=[registration.token])

        page = self.as_anonymous().get(url)
        response = self.as_anonymous().post(url, follow=True)

        expired = sv("The offer has expired, and the place has gone to someone else.")
        self.assertContains(page, expired)
        self.assertContains(response, expired)
        registration.refresh_from_db()
        self.assertEqual(registration.status, Registration.Status.OFFERED)
