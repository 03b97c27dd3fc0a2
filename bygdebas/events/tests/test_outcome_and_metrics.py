"""Minutes and outcome after an event: the action logged in the plan, and the targets events feed."""

from __future__ import annotations

import datetime
from zoneinfo import ZoneInfo

from django.contrib.contenttypes.models import ContentType
from django.test import TestCase
from django.urls import reverse

from bygdebas.events.models import Event
from bygdebas.events.services.registrations import record_outcome
from bygdebas.plan.followup import build_follow_up
from bygdebas.plan.models import Action, Activity
from bygdebas.testing import (
    CastMixin,
    make_action,
    make_event,
    make_municipality,
    make_plan,
    make_registration,
    make_target,
)

STOCKHOLM = ZoneInfo("Europe/Stockholm")


def at(year: int, month: int, day: int, hour: int = 18) -> datetime.datetime:
    return datetime.datetime(year, month, day, hour, tzinfo=STOCKHOLM)


class OutcomePageTests(CastMixin, TestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        cls.plan = make_plan(network=cls.network_a, year=2025, areas=(2,))
        cls.first, cls.second = Activity.objects.filter(area__plan=cls.plan).order_by("order")
        cls.lekeberg = make_municipality(name="Lekeberg")
        cls.event = make_event(
            network=cls.network_a,
            title="Landsbygdens framtid",
            kind=Event.Kind.SEMINAR,
            starts_at=at(2025, 3, 14),
            municipality=cls.lekeberg,
        )
        cls.event.activities.set([cls.first, cls.second])
        for attended in (True, True, True, False):
            make_registration(event=cls.event, attended=attended)
        cls.url = reverse("events:staff-event-outcome", kwargs={"pk": cls.event.pk})
        cls.detail_url = reverse("events:staff-event-detail", kwargs={"pk": cls.event.pk})

    def test_the_participant_count_defaults_to_those_who_attended(self) -> None:
        response = self.as_bertil().get(self.url)

        self.assertEqual(response.status_code, 200)
        self.assertEqual(response.context["form"]["participant_count"].value(), 3)
        self.assertEqual(response.context["plan_activities"], [self.first, self.second])

    def test_the_outcome_logs_an_action_against_the_events_activities(self) -> None:
        response = self.as_bertil().post(
            self.url,
            {"minutes": "42 deltog. Vi enades om en skrivelse.", "participant_count": "42"},
        )

        self.assertRedirects(response, self.detail_url)
        self.event.refresh_from_db()
        action = Action.objects.get()
        self.assertEqual(self.event.held_action, action)
        self.assertEqual(self.event.minutes, "42 deltog. Vi enades om en skrivelse.")
        self.assertEqual(self.event.participant_count, 42)
        self.assertEqual(action.network, self.network_a)
        self.assertEqual(action.performed_on, datetime.date(2025, 3, 14))
        self.assertIn("Landsbygdens framtid", action.title)
        self.assertEqual(action.participants, 42)
        self.assertEqual(action.municipality, self.lekeberg)
        self.assertEqual(set(action.activities.all()), {self.first, self.second})
        self.assertEqual(action.source_type, ContentType.objects.get_for_model(Event))
        self.assertEqual(action.source, self.event)
        self.assertEqual(action.created_by, self.bertil)
        detail = self.as_bertil().get(self.detail_url)
        self.assertContains(detail, reverse("plan:action-detail", kwargs={"pk": action.pk}))

    def test_changing_the_outcome_updates_the_same_action(self) -> None:
        self.as_bertil().post(self.url, {"minutes": "Första utkastet.", "participant_count": "40"})
        first = Action.objects.get()

        response = self.as_anna().post(
            self.url, {"minutes": "Justerat protokoll.", "participant_count": "41"}
        )

        self.assertRedirects(response, self.detail_url)
        action = Action.objects.get()
        self.assertEqual(action.pk, first.pk)
        self.assertEqual(action.participants, 41)
        self.assertEqual(action.description, "Justerat protokoll.")
        self.assertEqual(
            self.as_anna().get(self.url).context["form"]["participant_count"].value(), 41
        )

    def test_an_event_without_activities_of_its_year_logs_no_action(self) -> None:
        self.event.activities.clear()

        response = self.as_bertil().post(
            self.url, {"minutes": "Bra möte.", "participant_count": ""}
        )

        self.assertRedirects(response, self.detail_url)
        self.event.refresh_from_db()
        self.assertEqual(self.event.minutes, "Bra möte.")
        self.assertIsNone(self.event.participant_count)
        self.assertIsNone(self.event.held_action)
        self.assertFalse(Action.objects.exists())

    def test_a_negative_participant_count_is_refused(self) -> None:
        response = self.as_bertil().post(self.url, {"minutes": "", "participant_count": "-3"})

        self.assertEqual(response.status_code, 400)
        self.assertIn("participant_count", response.context["form"].errors)
        self.assertFalse(Action.objects.exists())

    def test_the_board_may_read_but_not_record_the_outcome(self) -> None:
        response = self.as_sara().post(self.url, {"minutes": "X", "participant_count": "1"})

        self.assertEqual(response.status_code, 403)
        self.assertFalse(Action.objects.exists())


class SeminarTargetTests(CastMixin, TestCase):
    """A target "seminars held ≥ 2" counts the held seminars that serve the activity."""

    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        cls.plan = make_plan(network=cls.network_a, year=2025, areas=(1,))
        cls.activity = Activity.objects.get(area__plan=cls.plan)
        cls.target = make_target(activity=cls.activity, metric="events.seminars_held", value=2)

    def seminar(self, starts_at: datetime.datetime, **overrides: object) -> Event:
        overrides.setdefault("network", self.network_a)
        event = make_event(kind=Event.Kind.SEMINAR, starts_at=starts_at, **overrides)
        event.activities.add(self.activity)
        return event

    def achieved(self) -> tuple[int | None, bool]:
        follow_up = build_follow_up(network=self.network_a, plan=self.plan)
        (row,) = follow_up.rows
        (outcome,) = row.targets
        return outcome.achieved, outcome.is_met

    def test_held_seminars_count_towards_the_target(self) -> None:
        first = self.seminar(at(2025, 3, 14))
        second = self.seminar(at(2025, 9, 20))
        self.seminar(at(2025, 10, 2))  # planned, no outcome yet: not held
        meeting = make_event(network=self.network_a, starts_at=at(2025, 4, 1))
        meeting.activities.add(self.activity)
        record_outcome(event=meeting, minutes="Ett möte, inte ett seminarium.", participant_count=9)

        record_outcome(event=first, minutes="Protokoll.", participant_count=30)
        self.assertEqual(self.achieved(), (1, False))

        record_outcome(event=second, minutes="Protokoll.", participant_count=25)
        self.assertEqual(self.achieved(), (2, True))

    def test_seminars_of_another_year_or_network_do_not_count(self) -> None:
        record_outcome(event=self.seminar(at(2025, 3, 14)), minutes="Hållet.", participant_count=5)
        # Held seminars of 2024 and of network B, linked to the activity behind the plan's back.
        old = self.seminar(at(2024, 11, 5))
        old.held_action = make_action(
            network=self.network_a, performed_on=datetime.date(2024, 11, 5)
        )
        old.save()
        other = self.seminar(at(2025, 5, 5), network=self.network_b)
        other.held_action = make_action(
            network=self.network_b, performed_on=datetime.date(2025, 5, 5)
        )
        other.save()
        # A cancelled seminar that had been given an outcome is not held either.
        cancelled = self.seminar(at(2025, 6, 6))
        record_outcome(event=cancelled, minutes="", participant_count=None)
        Event.objects.filter(pk=cancelled.pk).update(status=Event.Status.CANCELLED)

        self.assertEqual(self.achieved(), (1, False))

    def test_the_follow_up_page_shows_the_seminar_target(self) -> None:
        for month in (3, 4):
            record_outcome(event=self.seminar(at(2025, month, 1)), minutes="", participant_count=1)

        response = self.as_bertil().get(reverse("plan:follow-up", kwargs={"year": 2025}))

        row = response.context["follow_up"].rows[0]
        self.assertEqual(row.targets[0].achieved, 2)
        self.assertTrue(row.targets[0].is_met)
