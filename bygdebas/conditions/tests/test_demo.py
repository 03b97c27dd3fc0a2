"""The demo: reports at every status across the county, a dossier and a drill logged in the plan."""

from __future__ import annotations

from django.test import TestCase
from django.utils import timezone

from bygdebas.conditions.demo import load
from bygdebas.conditions.models import Alert, Dossier, PreparednessProfile, Report, Status
from bygdebas.core.models import Role
from bygdebas.plan.models import Action, Activity
from bygdebas.testing import (
    make_county,
    make_municipality,
    make_network,
    make_organisation,
    make_plan,
    make_user,
)


class DemoTests(TestCase):
    def test_the_demo_loads_reports_a_dossier_and_a_drill_and_is_safe_to_run_twice(self) -> None:
        county = make_county()
        towns = {"1814": (59.22, 14.99), "1863": (59.74, 14.52), "1880": (59.27, 15.21)}
        municipalities = [
            make_municipality(
                code=code, name=f"Kommun {code}", county=county, seat_lat=lat, seat_lon=lon
            )
            for code, (lat, lon) in towns.items()
        ]
        network = make_network(county=county)
        make_user(role=Role.Kind.STAFF, network=network)
        for municipality in municipalities:
            make_organisation(network=network, municipality=municipality)
        year = timezone.localdate().year
        plan = make_plan(network=network, year=year, areas=(2,))
        infrastructure, crisis = Activity.objects.filter(area__plan=plan).order_by("pk")
        infrastructure.text = (
            "Driva infrastrukturfrågor, bland annat bredband och vägnätets kvalitet"
        )
        infrastructure.save()
        crisis.text = "Driva frågor inom krisberedskapsområdet"
        crisis.save()

        summary = load(network, year=year)

        reports = Report.objects.for_network(network)
        self.assertEqual(reports.published().count(), 5, summary)
        self.assertTrue(reports.pending().exists())
        self.assertGreaterEqual(len(set(reports.values_list("status", flat=True))), 3)
        self.assertTrue(reports.filter(status=Status.SENT).exists())
        self.assertEqual(
            Dossier.objects.for_network(network).get().action.activities.get(), infrastructure
        )
        self.assertEqual(PreparednessProfile.objects.for_network(network).count(), 3)
        alert = Alert.objects.for_network(network).get()
        self.assertEqual(alert.action.activities.get(), crisis)
        self.assertEqual(Action.objects.for_network(network).count(), 2)
        self.assertEqual(load(network, year=year), "Landsbygdsläget: already loaded.")
