"""The demo prospects: every stage of the pipeline, contacts logged against the plan."""

from __future__ import annotations

from django.test import TestCase
from django.utils import timezone

from bygdebas.core.models import Role
from bygdebas.members.models import Organisation
from bygdebas.plan.models import Action, Activity
from bygdebas.recruitment.demo import DEMO_PROSPECTS, load
from bygdebas.recruitment.models import Prospect, Status
from bygdebas.testing import make_county, make_municipality, make_network, make_plan, make_user


class DemoTests(TestCase):
    def test_the_demo_fills_the_pipeline_and_logs_actions_against_the_recruitment_activity(
        self,
    ) -> None:
        county = make_county()
        for code, name in (("1814", "Lekeberg"), ("1860", "Laxå"), ("1863", "Hällefors")):
            make_municipality(code=code, name=name, county=county)
        network = make_network(county=county)
        make_user(role=Role.Kind.STAFF, network=network)
        year = timezone.localdate().year
        plan = make_plan(network=network, year=year, areas=(2,))
        recruit = Activity.objects.filter(area__plan=plan).order_by("pk")[1]
        recruit.text = "Söka upp nya lokala grupper och inbjuda dessa till våra nätverk."
        recruit.save()

        summary = load(network, year=year)

        prospects = Prospect.objects.for_network(network)
        self.assertEqual(prospects.count(), len(DEMO_PROSPECTS))
        self.assertEqual(
            set(prospects.values_list("status", flat=True)), set(Status.values), summary
        )
        self.assertEqual(prospects.overdue(timezone.localdate()).count(), 1)
        self.assertTrue(prospects.filter(is_youth_focus=True).exists())
        self.assertTrue(prospects.filter(municipality__code="1814").exists())
        actions = Action.objects.filter(network=network)
        self.assertTrue(actions.exists())
        self.assertEqual(
            set(Activity.objects.filter(actions__in=actions).values_list("pk", flat=True)),
            {recruit.pk},
        )
        self.assertEqual(Organisation.objects.filter(network=network).count(), 2)
        self.assertIn(str(year), summary)
        # Loading again changes nothing.
        load(network, year=year)
        self.assertEqual(prospects.count(), len(DEMO_PROSPECTS))
