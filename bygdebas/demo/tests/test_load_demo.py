"""python manage.py load_demo: every app's demo data, loaded once, in order."""

from __future__ import annotations

import io

from django.core.management import call_command
from django.test import TestCase
from django.utils import timezone

from bygdebas.connectivity.models import Analysis
from bygdebas.core.models import Municipality, Network, Role, User
from bygdebas.events.models import BodyMeeting, Event, Registration
from bygdebas.members.models import Engagement, Organisation, Person
from bygdebas.plan.models import Action, Activity, Plan
from bygdebas.recruitment.models import Prospect
from bygdebas.recruitment.models import Status as ProspectStatus


class LoadDemoTests(TestCase):
    def test_it_loads_the_demo_network_once(self) -> None:
        out = io.StringIO()
        call_command("load_demo", stdout=out)

        network = Network.objects.get(slug="orebro")
        self.assertEqual(network.county.code, "18")
        self.assertEqual(
            sorted(Role.objects.filter(network=network).values_list("kind", flat=True)),
            sorted([Role.Kind.ADMIN, Role.Kind.STAFF, Role.Kind.BOARD, Role.Kind.CONTACT]),
        )
        plan = Plan.objects.get(network=network, year=2025)
        self.assertTrue(plan.is_approved)
        self.assertEqual(Activity.objects.filter(area__plan=plan).count(), 29)
        actions_2025 = Action.objects.for_network(network).for_year(2025)
        self.assertGreaterEqual(actions_2025.count(), 30)
        # Every demo action is against activities of its own year's plan.
        self.assertFalse(actions_2025.exclude(activities__area__plan=plan).exists())
        self.assertIn("demo-bygdebas-2025", out.getvalue())
        # One line per app, the plan's and the events' together as they always were; the
        # geography loads quietly before them.
        lines = out.getvalue().splitlines()
        self.assertRegex(
            lines[0],
            r"^Loaded Hela Sverige ska leva Örebro län: plans 2025 and 2026, \d+ actions, "
            r"5 events with \d+ registrations, 5 partnership meetings\.$",
        )
        self.assertTrue(lines[1].startswith("100 organisations"), lines[1])
        self.assertTrue(lines[2].startswith("Recruitment: "), lines[2])
        self.assertTrue(lines[3].startswith("Connectivity: "), lines[3])
        # Meeting places: past events with their outcome logged, upcoming ones open, bodies.
        events = Event.objects.for_network(network)
        self.assertEqual(events.count(), 5)
        held = events.exclude(held_action=None)
        self.assertEqual(held.count(), 2)
        self.assertTrue(all(event.held_action.source == event for event in held))
        self.assertEqual(events.upcoming().count(), 3)
        # Every event with a place has a position in its municipality, so the demo shows the
        # event map (the calendar page of an upcoming event draws it).
        for event in events.exclude(format=Event.Format.DIGITAL):
            with self.subTest(event=event.title):
                self.assertIsNotNone(event.lat)
                self.assertIsNotNone(event.lon)
                seat = event.municipality
                self.assertLess(abs(event.lat - seat.seat_lat), 0.2)
                self.assertLess(abs(event.lon - seat.seat_lon), 0.3)
        upcoming = events.upcoming().exclude(format=Event.Format.DIGITAL).first()
        page = self.client.get(f"/kalender/{upcoming.pk}/")
        self.assertContains(page, 'id="map"')
        full = events.get(capacity=12)
        self.assertEqual(full.registrations.filter(status=Registration.Status.WAITING).count(), 3)
        meetings = BodyMeeting.objects.filter(body__network=network)
        self.assertEqual(meetings.count(), 5)
        self.assertFalse(meetings.filter(action=None).exists())
        # The member registry: a hundred-odd groups, and Cecilia is the contact of a member.
        organisations = Organisation.objects.for_network(network)
        self.assertGreaterEqual(organisations.count(), 90)
        this_year = timezone.localdate().year
        self.assertGreater(organisations.members_in(this_year).count(), 50)
        cecilia = Person.objects.get(network=network, email="cecilia@demo.bygdebas.se")
        self.assertTrue(
            organisations.members_in(this_year)
            .filter(engagements__person=cecilia, engagements__role=Engagement.Role.CONTACT)
            .exists()
        )
        self.assertEqual(cecilia.user.email, "cecilia@demo.bygdebas.se")
        # Recruitment at every stage, and one finished transit analysis logged against the plan.
        self.assertEqual(
            set(Prospect.objects.for_network(network).values_list("status", flat=True)),
            set(ProspectStatus.values),
        )
        analysis = Analysis.objects.get(network=network)
        self.assertEqual(analysis.status, Analysis.Status.DONE)
        self.assertIsNotNone(analysis.action)

        counts = (
            Network.objects.count(),
            User.objects.count(),
            Plan.objects.count(),
            Action.objects.count(),
            Municipality.objects.count(),
            Organisation.objects.count(),
            Prospect.objects.count(),
            Analysis.objects.count(),
        )
        second = io.StringIO()
        call_command("load_demo", stdout=second)

        self.assertIn("already loaded", second.getvalue())
        self.assertEqual(
            (
                Network.objects.count(),
                User.objects.count(),
                Plan.objects.count(),
                Action.objects.count(),
                Municipality.objects.count(),
                Organisation.objects.count(),
                Prospect.objects.count(),
                Analysis.objects.count(),
            ),
            counts,
        )
