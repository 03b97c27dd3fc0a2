"""The demo: sources, a matched inbox, cases at every stage, a published answer logged in the plan."""

from __future__ import annotations

from django.test import TestCase

from bygdebas.advocacy.demo import SOURCES, load
from bygdebas.advocacy.models import Case, Entry, NationalIssue, Position, Source
from bygdebas.core.models import Role
from bygdebas.plan.models import Action, Activity
from bygdebas.testing import make_network, make_plan, make_user


class DemoTests(TestCase):
    def test_the_demo_fills_every_part_and_is_safe_to_load_twice(self) -> None:
        network = make_network()
        make_user(role=Role.Kind.STAFF, network=network)
        plan = make_plan(network=network, year=2025, areas=(2,))
        advocacy = Activity.objects.filter(area__plan=plan).order_by("pk")[0]
        advocacy.text = "Bedriva opinionsbildning för hållbar landsbygd."
        advocacy.save()

        summary = load(network, year=2025)

        self.assertEqual(Source.objects.for_network(network).count(), len(SOURCES))
        entries = Entry.objects.for_network(network)
        self.assertTrue(entries.matched().exists())
        # The tandvård entry is excluded by its source's rule.
        self.assertFalse(entries.get(title__startswith="Ny tandvårdsklinik").is_match)
        cases = Case.objects.for_network(network)
        self.assertEqual(
            set(cases.values_list("status", flat=True)),
            {Case.Status.SENT, Case.Status.DRAFTING, Case.Status.NEW, Case.Status.DECLINED},
        )
        sent = cases.get(status=Case.Status.SENT)
        action = Action.objects.get(network=network)
        self.assertEqual(sent.action, action)
        self.assertEqual(list(action.activities.all()), [advocacy])
        positions = Position.objects.for_network(network).published()
        self.assertEqual(positions.count(), 3)
        self.assertTrue(positions.filter(case=sent).exists())
        self.assertEqual(NationalIssue.objects.for_network(network).count(), 2)
        self.assertIn("2025", summary)

        load(network, year=2025)
        self.assertEqual(Case.objects.for_network(network).count(), cases.count())
        self.assertEqual(Position.objects.for_network(network).count(), 3)
        self.assertEqual(Entry.objects.for_network(network).count(), entries.count())
