"""Staff pages for events: the list, the form, the participant list and what staff do with it.

Who may open which page is proven by core/tests/test_permission_matrix.py; this module tests what
the pages do, that the outsider gets 404 for A's rows, and that the list costs the same number of
queries however many events there are.
"""

from __future__ import annotations

import datetime
from typing import Any
from zoneinfo import ZoneInfo

from django.core import mail
from django.db import connection
from django.test import TestCase
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from bygdebas.events.models import Event, Question, Registration
from bygdebas.plan.models import Activity
from bygdebas.testing import (
    CastMixin,
    make_event,
    make_municipality,
    make_plan,
    make_registration,
    messages_of,
    sv,
)

STOCKHOLM = ZoneInfo("Europe/Stockholm")


def days_from_now(days: int) -> datetime.datetime:
    return (timezone.now() + datetime.timedelta(days=days)).replace(
        minute=0, second=0, microsecond=0
    )


class EventListTests(CastMixin, TestCase):
    url = reverse("events:staff-event-list")

    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        cls.coming = make_event(network=cls.network_a, title="Bygdestämma", capacity=2)
        make_registration(event=cls.coming)
        make_registration(event=cls.coming)
        make_registration(event=cls.coming, status=Registration.Status.WAITING)
        make_registration(event=cls.coming, status=Registration.Status.CANCELLED)
        cls.draft = make_event(
            network=cls.network_a, title="Utkast till seminarium", status=Event.Status.DRAFT
        )
        cls.held = make_event(
            network=cls.network_a, title="Förra årets möte", starts_at=days_from_now(-200)
        )
        make_event(network=cls.network_b, title="B:s eget möte")

    def test_it_lists_upcoming_events_with_confirmed_and_waiting_counts(self) -> None:
        response = self.as_bertil().get(self.url)

        self.assertEqual(list(response.context["page"]), [self.coming, self.draft])
        row = response.context["page"][0]
        self.assertEqual((row.confirmed_count, row.waiting_count), (2, 1))
        self.assertContains(response, "Utkast till seminarium")
        self.assertNotContains(response, "Förra årets möte")
        self.assertNotContains(response, "B:s eget möte")

    def test_the_past_tab_lists_held_events(self) -> None:
        response = self.as_sara().get(self.url, {"visa": "tidigare"})

        self.assertEqual(list(response.context["page"]), [self.held])

    def test_the_outsider_sees_only_his_own_networks_events(self) -> None:
        response = self.as_david().get(self.url)

        self.assertEqual([e.title for e in response.context["page"]], ["B:s eget möte"])

    def test_the_query_count_does_not_grow_with_the_number_of_events(self) -> None:
        def count_queries() -> int:
            with CaptureQueriesContext(connection) as queries:
                response = self.as_bertil().get(self.url)
            self.assertEqual(response.status_code, 200)
            return len(queries)

        network = self.network_a
        Event.objects.filter(network=network).delete()
        for _ in range(3):
            make_registration(event=make_event(network=network))
        few = count_queries()
        for _ in range(27):
            make_registration(event=make_event(network=network))
        self.assertEqual(count_queries(), few)


class EventFormTests(CastMixin, TestCase):
    url = reverse("events:staff-event-create")

    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        cls.plan = make_plan(network=cls.network_a, year=2025, areas=(2, 1))
        cls.first, cls.second = cls.plan.areas.get(order=0).activities.order_by("order")
        cls.old_plan = make_plan(network=cls.network_a, year=2024, areas=(1,))
        cls.old_activity = Activity.objects.get(area__plan=cls.old_plan)
        cls.b_activity = Activity.objects.filter(
            area__plan=make_plan(network=cls.network_b, year=2025, areas=(1,))
        ).first()
        cls.lekeberg = make_municipality(name="Lekeberg")

    def data(self, **overrides: Any) -> dict[str, Any]:
        data: dict[str, Any] = {
            "title": "Landsbygdens framtid",
            "description": "Ett seminarium om **Agenda 2030** i bygden.",
            "kind": Event.Kind.SEMINAR,
            "format": Event.Format.HYBRID,
            "status": Event.Status.PUBLISHED,
            "starts_at": "2025-05-14T18:00",
            "ends_at": "2025-05-14T20:30",
            "place_name": "Bygdegården i Fjugesta",
            "address": "Storgatan 3",
            "municipality": self.lekeberg.pk,
            "lat": "59.1745",
            "lon": "14.8716",
            "video_url": "https://meet.example.org/framtid",
            "organisers": "Nätverket och Lekebergs byalag",
            "target_groups": "Byalag, politiker",
            "sdgs": ["11", "17"],
            "activities": [self.first.pk, self.second.pk],
            "capacity": "40",
            "registration_opens_at": "",
            "registration_closes_at": "2025-05-12T23:59",
            "offer_hours": "48",
            "reminder_days": "2",
            "follow_up_message": "Tack för i går!",
            "questions-TOTAL_FORMS": "3",
            "questions-INITIAL_FORMS": "0",
            "questions-MIN_NUM_FORMS": "0",
            "questions-MAX_NUM_FORMS": "20",
            "questions-0-label": "Specialkost",
            "questions-0-is_required": "",
            "questions-1-label": "",
            "questions-2-label": "Behov av tillgänglighet",
            "questions-2-is_required": "on",
        }
        data.update(overrides)
        return {key: value for key, value in data.items() if value is not None}

    def test_it_creates_an_event_with_its_activities_goals_and_questions(self) -> None:
        response = self.as_bertil().post(self.url, self.data())

        event = Event.objects.get()
        self.assertRedirects(
            response, reverse("events:staff-event-detail", kwargs={"pk": event.pk})
        )
        self.assertEqual(event.network, self.network_a)
        self.assertEqual(event.title, "Landsbygdens framtid")
        self.assertEqual(event.kind, Event.Kind.SEMINAR)
        self.assertEqual(event.starts_at, datetime.datetime(2025, 5, 14, 18, 0, tzinfo=STOCKHOLM))
        self.assertEqual(event.ends_at, datetime.datetime(2025, 5, 14, 20, 30, tzinfo=STOCKHOLM))
        self.assertEqual(event.municipality, self.lekeberg)
        self.assertAlmostEqual(event.lat, 59.1745)
        self.assertEqual(event.sdgs, [11, 17])
        self.assertEqual(set(event.activities.all()), {self.first, self.second})
        self.assertEqual(event.capacity, 40)
        self.assertIsNone(event.registration_opens_at)
        self.assertEqual(event.created_by, self.bertil)
        self.assertEqual(
            list(event.questions.values_list("label", "is_required", "order")),
            [("Specialkost", False, 0), ("Behov av tillgänglighet", True, 1)],
        )
        self.assertEqual(messages_of(response), [sv("The event was saved.")])

    def test_the_form_offers_the_activities_of_the_events_year_grouped_by_area(self) -> None:
        response = self.as_bertil().get(self.url)
        form = response.context["form"]
        self.assertEqual(form.year, timezone.localdate().year)

        response = self.as_bertil().post(self.url, self.data(title=""))

        form = response.context["form"]
        self.assertEqual(form.year, 2025)
        self.assertEqual(
            [(area.title, len(boxes)) for area, boxes in form.grouped_activities()],
            [("Område 1", 2), ("Område 2", 1)],
        )
        self.assertContains(response, 'type="datetime-local"', count=4, status_code=400)
        self.assertContains(response, 'name="sdgs"', count=17, status_code=400)

    def test_an_event_ending_before_it_starts_is_refused(self) -> None:
        response = self.as_bertil().post(self.url, self.data(ends_at="2025-05-14T17:00"))

        self.assertEqual(response.status_code, 400)
        self.assertEqual(
            response.context["form"].errors["ends_at"],
            [sv("The event cannot end before it starts.")],
        )
        self.assertFalse(Event.objects.exists())

    def test_activities_of_another_years_plan_are_refused(self) -> None:
        response = self.as_bertil().post(self.url, self.data(activities=[self.old_activity.pk]))

        self.assertEqual(response.status_code, 400)
        self.assertEqual(
            response.context["form"].errors["activities"],
            [
                sv(
                    "The event is in %(year)s; choose activities from the plan for %(year)s.",
                    year=2025,
                )
            ],
        )
        self.assertFalse(Event.objects.exists())

    def test_another_networks_activity_is_not_a_choice(self) -> None:
        response = self.as_bertil().post(self.url, self.data(activities=[self.b_activity.pk]))

        self.assertEqual(response.status_code, 400)
        self.assertIn("activities", response.context["form"].errors)
        self.assertFalse(Event.objects.exists())

    def test_a_cancelled_status_cannot_be_chosen_in_the_form(self) -> None:
        response = self.as_bertil().post(self.url, self.data(status=Event.Status.CANCELLED))

        self.assertEqual(response.status_code, 400)
        self.assertIn("status", response.context["form"].errors)

    def test_editing_changes_the_event_and_replaces_its_questions(self) -> None:
        event = make_event(
            network=self.network_a,
            starts_at=datetime.datetime(2025, 5, 14, 18, 0, tzinfo=STOCKHOLM),
        )
        event.activities.set([self.first])
        Question.objects.create(event=event, label="Specialkost", order=0)
        url = reverse("events:staff-event-edit", kwargs={"pk": event.pk})

        form = self.as_anna().get(url).context["form"]
        self.assertEqual(form["starts_at"].value().astimezone(STOCKHOLM).hour, 18)
        self.assertEqual([a.pk for a in form.initial["activities"]], [self.first.pk])

        response = self.as_anna().post(
            url,
            self.data(
                title="Landsbygdens framtid, del 2",
                activities=[self.second.pk],
                **{
                    "questions-TOTAL_FORMS": "1",
                    "questions-INITIAL_FORMS": "1",
                    "questions-0-label": "Allergier",
                },
            ),
        )

        self.assertRedirects(
            response, reverse("events:staff-event-detail", kwargs={"pk": event.pk})
        )
        event.refresh_from_db()
        self.assertEqual(event.title, "Landsbygdens framtid, del 2")
        self.assertEqual(list(event.activities.all()), [self.second])
        self.assertEqual(list(event.questions.values_list("label", flat=True)), ["Allergier"])


class EventDetailTests(CastMixin, TestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        cls.event = make_event(network=cls.network_a, title="Bygdestämma", capacity=2)
        Question.objects.create(event=cls.event, label="Specialkost")
        cls.ada = make_registration(
            event=cls.event, name="Ada Ek", answers={"Specialkost": "Vegetarisk"}
        )
        cls.bo = make_registration(event=cls.event, name="Bo Berg")
        cls.cilla = make_registration(
            event=cls.event,
            name="Cilla Ceder",
            status=Registration.Status.WAITING,
            created_at=timezone.now() - datetime.timedelta(hours=1),
        )
        cls.dan = make_registration(
            event=cls.event,
            name="Dan Dahl",
            status=Registration.Status.WAITING,
            created_at=timezone.now() - datetime.timedelta(hours=3),
        )
        cls.eva = make_registration(
            event=cls.event, name="Eva Ström", status=Registration.Status.CANCELLED
        )
        cls.url = reverse("events:staff-event-detail", kwargs={"pk": cls.event.pk})

    def test_the_description_s_markdown_is_rendered_as_on_the_public_page(self) -> None:
        self.event.description = (
            "Om **bygdens** framtid.\n\n- fika\n- samtal\n\n"
            "<script>alert(1)</script> [länk](javascript:alert(1))"
        )
        self.event.save()

        page = self.as_bertil().get(self.url).content.decode()

        self.assertIn("<strong>bygdens</strong>", page)
        self.assertIn("<li>fika</li>", page)
        self.assertNotIn("**bygdens**", page)
        self.assertNotIn("<script>alert", page)
        self.assertNotIn("javascript:", page)

    def test_it_lists_the_participants_by_status_with_their_answers(self) -> None:
        response = self.as_sara().get(self.url)

        participants = response.context["participants"]
        names = {
            group: [p.registration.name for p in getattr(participants, group)]
            for group in ("confirmed", "offered", "waiting", "cancelled")
        }
        self.assertEqual(
            names,
            {
                "confirmed": ["Ada Ek", "Bo Berg"],
                "offered": [],
                "waiting": ["Dan Dahl", "Cilla Ceder"],  # first in line first
                "cancelled": ["Eva Ström"],
            },
        )
        self.assertEqual(participants.confirmed[0].answers, ["Vegetarisk"])
        self.assertContains(response, "Vegetarisk")
        self.assertContains(response, reverse("events:staff-attendance", args=[self.event.pk]))
        self.assertContains(
            response, reverse("events:staff-participants-export", args=[self.event.pk, "xlsx"])
        )

    def test_the_board_sees_the_list_without_the_buttons_that_change_it(self) -> None:
        response = self.as_sara().get(self.url)

        self.assertNotContains(
            response, reverse("events:staff-registration-promote", args=[self.dan.pk])
        )
        self.assertContains(response, "disabled")

    def test_staff_see_a_button_per_row(self) -> None:
        response = self.as_bertil().get(self.url)

        self.assertContains(
            response, reverse("events:staff-registration-promote", args=[self.dan.pk])
        )
        self.assertContains(
            response, reverse("events:staff-registration-cancel", args=[self.ada.pk])
        )
        self.assertNotContains(
            response, reverse("events:staff-registration-cancel", args=[self.eva.pk])
        )

    def test_marking_attendance_records_who_came(self) -> None:
        self.bo.attended = True
        self.bo.save()

        response = self.as_bertil().post(
            reverse("events:staff-attendance", kwargs={"pk": self.event.pk}),
            {"attended": [self.ada.pk]},
        )

        self.assertRedirects(response, self.url)
        self.assertEqual(
            dict(self.event.registrations.values_list("name", "attended")),
            {
                "Ada Ek": True,
                "Bo Berg": False,
                "Cilla Ceder": None,
                "Dan Dahl": None,
                "Eva Ström": None,
            },
        )

    def test_attendance_for_someone_not_confirmed_is_refused(self) -> None:
        response = self.as_bertil().post(
            reverse("events:staff-attendance", kwargs={"pk": self.event.pk}),
            {"attended": [self.dan.pk]},
        )

        self.assertRedirects(response, self.url)
        self.assertEqual(
            messages_of(response),
            [sv("The list of participants has changed; mark attendance again.")],
        )
        self.assertFalse(self.event.registrations.filter(attended__isnull=False).exists())

    def test_giving_a_place_confirms_a_waiting_person_and_tells_them(self) -> None:
        with self.captureOnCommitCallbacks(execute=True):
            response = self.as_bertil().post(
                reverse("events:staff-registration-promote", kwargs={"pk": self.cilla.pk})
            )

        self.assertRedirects(response, self.url)
        self.cilla.refresh_from_db()
        self.assertEqual(self.cilla.status, Registration.Status.CONFIRMED)
        self.assertEqual([m.to for m in mail.outbox], [[self.cilla.email]])
        self.assertEqual(mail.outbox[0].attachments[0][0], "inbjudan.ics")

    def test_giving_a_place_to_someone_confirmed_is_refused(self) -> None:
        response = self.as_bertil().post(
            reverse("events:staff-registration-promote", kwargs={"pk": self.ada.pk})
        )

        self.assertRedirects(response, self.url)
        self.assertEqual(
            messages_of(response), [sv("Only someone on the waiting list can be given a place.")]
        )

    def test_cancelling_a_registration_asks_first(self) -> None:
        url = reverse("events:staff-registration-cancel", kwargs={"pk": self.bo.pk})
        page = self.as_bertil().get(self.url)
        # The list links to a page that asks; no button on it cancels at once.
        self.assertContains(page, f'href="{url}"')
        self.assertNotContains(page, f'action="{url}"')

        with self.captureOnCommitCallbacks(execute=True):
            confirm = self.as_bertil().get(url)

        self.assertEqual(confirm.status_code, 200)
        self.assertContains(confirm, "Bo Berg")
        self.assertContains(confirm, f'<form method="post" action="{url}">')
        self.bo.refresh_from_db()
        self.assertEqual(self.bo.status, Registration.Status.CONFIRMED)
        self.assertEqual(mail.outbox, [])

    def test_cancelling_a_registration_offers_the_place_to_the_first_waiting(self) -> None:
        with self.captureOnCommitCallbacks(execute=True):
            response = self.as_bertil().post(
                reverse("events:staff-registration-cancel", kwargs={"pk": self.bo.pk})
            )

        self.assertRedirects(response, self.url)
        self.bo.refresh_from_db()
        self.dan.refresh_from_db()
        self.assertEqual(self.bo.status, Registration.Status.CANCELLED)
        self.assertEqual(self.dan.status, Registration.Status.OFFERED)
        self.assertEqual(
            sorted(m.to[0] for m in mail.outbox), sorted([self.bo.email, self.dan.email])
        )

    def test_the_outsider_gets_404_for_every_page_about_a_row(self) -> None:
        urls = [
            reverse(name, kwargs={"pk": self.event.pk})
            for name in (
                "events:staff-event-detail",
                "events:staff-event-edit",
                "events:staff-event-cancel",
                "events:staff-event-message",
                "events:staff-event-outcome",
            )
        ]
        for url in urls:
            with self.subTest(url=url):
                self.assertEqual(self.as_david().get(url).status_code, 404)
        for name, pk in (
            ("events:staff-event-duplicate", self.event.pk),
            ("events:staff-attendance", self.event.pk),
            ("events:staff-registration-promote", self.cilla.pk),
            ("events:staff-registration-cancel", self.ada.pk),
        ):
            with self.subTest(url=name):
                self.assertEqual(
                    self.as_david().post(reverse(name, kwargs={"pk": pk})).status_code, 404
                )
        self.assertEqual(Event.objects.count(), 1)
        self.assertEqual(self.event.registrations.active().count(), 4)


class EventDuplicateTests(CastMixin, TestCase):
    def test_duplicating_makes_a_draft_copy_and_opens_it_for_editing(self) -> None:
        plan = make_plan(network=self.network_a, year=timezone.localdate().year + 1)
        event = make_event(
            network=self.network_a, title="Studiebesök", starts_at=days_from_now(400)
        )
        event.activities.set(Activity.objects.filter(area__plan=plan)[:1])
        Question.objects.create(event=event, label="Specialkost")
        make_registration(event=event)

        response = self.as_bertil().post(
            reverse("events:staff-event-duplicate", kwargs={"pk": event.pk})
        )

        copy = Event.objects.exclude(pk=event.pk).get()
        self.assertRedirects(response, reverse("events:staff-event-edit", kwargs={"pk": copy.pk}))
        self.assertEqual(copy.status, Event.Status.DRAFT)
        self.assertIn("Studiebesök", copy.title)
        self.assertEqual(list(copy.activities.all()), list(event.activities.all()))
        self.assertEqual(list(copy.questions.values_list("label", flat=True)), ["Specialkost"])
        self.assertFalse(copy.registrations.exists())

    def test_duplicating_needs_a_post(self) -> None:
        event = make_event(network=self.network_a)

        response = self.as_bertil().get(
            reverse("events:staff-event-duplicate", kwargs={"pk": event.pk})
        )

        self.assertEqual(response.status_code, 405)
        self.assertEqual(Event.objects.count(), 1)


class EventCancelTests(CastMixin, TestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        cls.event = make_event(network=cls.network_a, title="Bygdestämma")
        cls.confirmed = make_registration(event=cls.event)
        cls.waiting = make_registration(event=cls.event, status=Registration.Status.WAITING)
        make_registration(event=cls.event, status=Registration.Status.CANCELLED)
        cls.url = reverse("events:staff-event-cancel", kwargs={"pk": cls.event.pk})

    def test_the_page_asks_for_a_message_and_says_who_is_told(self) -> None:
        response = self.as_bertil().get(self.url)

        self.assertEqual(response.status_code, 200)
        self.assertEqual(response.context["recipients"], 2)
        self.assertContains(response, 'name="message"')
        self.assertEqual(Event.objects.get().status, Event.Status.PUBLISHED)

    def test_cancelling_tells_everyone_registered(self) -> None:
        with self.captureOnCommitCallbacks(execute=True):
            response = self.as_bertil().post(
                self.url, {"message": "Vägen är avstängd av snöoväder."}
            )

        self.assertRedirects(
            response, reverse("events:staff-event-detail", kwargs={"pk": self.event.pk})
        )
        self.event.refresh_from_db()
        self.assertEqual(self.event.status, Event.Status.CANCELLED)
        self.assertIsNotNone(self.event.cancelled_at)
        self.assertEqual(
            sorted(m.to[0] for m in mail.outbox),
            sorted([self.confirmed.email, self.waiting.email]),
        )
        self.assertIn("Vägen är avstängd av snöoväder.", mail.outbox[0].body)

    def test_a_cancelled_event_is_not_cancelled_twice(self) -> None:
        Event.objects.filter(pk=self.event.pk).update(status=Event.Status.CANCELLED)

        with self.captureOnCommitCallbacks(execute=True):
            response = self.as_bertil().post(self.url, {"message": "Igen"})

        self.assertRedirects(
            response, reverse("events:staff-event-detail", kwargs={"pk": self.event.pk})
        )
        self.assertEqual(mail.outbox, [])


class EventMessageTests(CastMixin, TestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        cls.event = make_event(network=cls.network_a, title="Bygdestämma")
        cls.confirmed = make_registration(event=cls.event)
        cls.waiting = make_registration(event=cls.event, status=Registration.Status.WAITING)
        make_registration(event=cls.event, status=Registration.Status.CANCELLED)
        cls.url = reverse("events:staff-event-message", kwargs={"pk": cls.event.pk})

    def test_the_message_goes_to_the_confirmed_participants(self) -> None:
        with self.captureOnCommitCallbacks(execute=True):
            response = self.as_bertil().post(
                self.url, {"subject": "Ny lokal", "body": "Vi ses i skolans aula i stället."}
            )

        self.assertRedirects(
            response, reverse("events:staff-event-detail", kwargs={"pk": self.event.pk})
        )
        self.assertEqual([m.to for m in mail.outbox], [[self.confirmed.email]])
        self.assertIn("Vi ses i skolans aula i stället.", mail.outbox[0].body)
        self.assertEqual(messages_of(response), [sv("The message was sent to %(n)s person.", n=1)])

    def test_the_waiting_list_can_be_included(self) -> None:
        with self.captureOnCommitCallbacks(execute=True):
            self.as_bertil().post(
                self.url, {"subject": "Ny lokal", "body": "Aulan.", "include_waiting": "on"}
            )

        self.assertEqual(
            sorted(m.to[0] for m in mail.outbox), sorted([self.confirmed.email, self.waiting.email])
        )

    def test_a_message_without_a_subject_is_refused(self) -> None:
        with self.captureOnCommitCallbacks(execute=True):
            response = self.as_bertil().post(self.url, {"subject": "", "body": "Aulan."})

        self.assertEqual(response.status_code, 400)
        self.assertIn("subject", response.context["form"].errors)
        self.assertEqual(mail.outbox, [])
