"""The demo knowledge bank: projects, advice logged against the plan, calls and examples."""

from __future__ import annotations

from django.test import TestCase
from django.utils import timezone

from bygdebas.core.models import Role
from bygdebas.projects.demo import CALLS, EXAMPLES, PROJECTS, load
from bygdebas.projects.models import Advice, Example, FundingCall, Project
from bygdebas.projects.tests.factories import make_support_plan
from bygdebas.testing import make_county, make_municipality, make_network, make_user


class DemoTests(TestCase):
    def test_the_demo_loads_once_with_advice_in_the_follow_up(self) -> None:
        county = make_county()
        for code, name in (
            ("1814", "Lekeberg"),
            ("1860", "Laxå"),
            ("1863", "Hällefors"),
            ("1880", "Örebro"),
            ("1881", "Kumla"),
        ):
            make_municipality(code=code, name=name, county=county)
        network = make_network(county=county)
        make_user(role=Role.Kind.STAFF, network=network)
        year = timezone.localdate().year
        make_support_plan(network, year)

        summary = load(network, year=year)

        self.assertEqual(Project.objects.for_network(network).count(), len(PROJECTS))
        self.assertEqual(FundingCall.objects.for_network(network).count(), len(CALLS))
        self.assertEqual(Example.objects.for_network(network).published().count(), len(EXAMPLES))
        advice = Advice.objects.for_network(network)
        self.assertTrue(advice.exists())
        self.assertEqual(advice.filter(action__isnull=True).count(), 0, summary)
        self.assertEqual(load(network, year=year), "Projects: already loaded.")
        self.assertEqual(Project.objects.for_network(network).count(), len(PROJECTS))
