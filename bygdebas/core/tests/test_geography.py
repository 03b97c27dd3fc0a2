"""Geography: load_geography() and the municipalities GeoJSON view."""

from __future__ import annotations

import io
import json
import tempfile
from pathlib import Path

from django.core.management import call_command
from django.test import Client, TestCase
from django.urls import reverse

from bygdebas.core import geo
from bygdebas.core.models import County, Municipality, Network, Town

OREBRO_MUNICIPALITIES = {
    "Askersund", "Degerfors", "Hallsberg", "Hällefors", "Karlskoga", "Kumla", "Laxå",
    "Lekeberg", "Lindesberg", "Ljusnarsberg", "Nora", "Örebro",
}  # fmt: skip


class LoadGeographyTests(TestCase):
    def test_it_loads_counties_municipalities_and_seats(self) -> None:
        result = geo.load_geography()

        self.assertEqual((result.counties, result.municipalities), (21, 29))
        self.assertEqual(result.warnings, [])
        self.assertEqual(County.objects.count(), 21)
        self.assertEqual(Municipality.objects.count(), 29)
        self.assertFalse(Municipality.objects.filter(boundary__isnull=True).exists())
        orebro_lan = County.objects.get(code="18")
        self.assertEqual(orebro_lan.name, "Örebro län")
        self.assertEqual(orebro_lan.boundary["type"] in {"Polygon", "MultiPolygon"}, True)
        in_county = Municipality.objects.filter(county=orebro_lan)
        self.assertEqual({m.name for m in in_county}, OREBRO_MUNICIPALITIES)
        for municipality in in_county:
            with self.subTest(municipality=municipality.name):
                self.assertTrue(municipality.seat_name)
                self.assertIsNotNone(municipality.seat_lat)
                self.assertIsNotNone(municipality.seat_lon)
                self.assertGreater(municipality.population, 1000)

    def test_it_knows_the_seats_and_populations(self) -> None:
        geo.load_geography()

        orebro = Municipality.objects.get(code="1880")
        self.assertEqual(
            (orebro.name, orebro.seat_name, orebro.population), ("Örebro", "Örebro", 160140)
        )
        self.assertAlmostEqual(orebro.seat_lat, 59.2789)
        self.assertAlmostEqual(orebro.seat_lon, 15.2113)
        self.assertEqual(str(orebro.population_on), "2024-12-31")
        lekeberg = Municipality.objects.get(name="Lekeberg")
        self.assertEqual(lekeberg.seat_name, "Fjugesta")
        self.assertTrue(lekeberg.towns.filter(name="Fjugesta", kind=Town.Kind.SEAT).exists())
        # A rail junction is a town, but not the seat.
        lindesberg = Municipality.objects.get(name="Lindesberg")
        self.assertEqual(lindesberg.seat_name, "Lindesberg")
        self.assertTrue(lindesberg.towns.filter(name="Frövi").exists())

    def test_running_it_twice_does_not_duplicate(self) -> None:
        geo.load_geography()
        counts = (County.objects.count(), Municipality.objects.count(), Town.objects.count())

        geo.load_geography()

        self.assertEqual(
            (County.objects.count(), Municipality.objects.count(), Town.objects.count()), counts
        )

    def test_a_bad_county_code_loads_nothing(self) -> None:
        data = json.loads(
            (geo.DATA_DIR / "orebro_lan_and_neighbours_kommuner.geojson").read_text("utf-8")
        )
        data["features"][20]["properties"]["lan_code"] = "99"
        with tempfile.NamedTemporaryFile("w", suffix=".geojson", delete=False) as handle:
            json.dump(data, handle)
        path = Path(handle.name)
        self.addCleanup(path.unlink)

        with self.assertRaisesMessage(geo.GeographyError, "feature 21"):
            geo.load_geography(boundaries_geojson=path)

        self.assertFalse(County.objects.exists())
        self.assertFalse(Municipality.objects.exists())
        self.assertFalse(Town.objects.exists())

    def test_the_command_reports_a_bad_file_and_loads_nothing(self) -> None:
        with tempfile.NamedTemporaryFile("w", suffix=".geojson", delete=False) as handle:
            json.dump({"type": "Feature"}, handle)
        path = Path(handle.name)
        self.addCleanup(path.unlink)

        from django.core.management import CommandError

        with self.assertRaisesMessage(CommandError, "Nothing was loaded"):
            call_command("load_geography", "--boundaries", str(path), stdout=io.StringIO())
        self.assertFalse(County.objects.exists())


class MunicipalitiesGeoJsonTests(TestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        geo.load_geography()
        cls.network = Network.objects.create(
            name="Örebro län",
            slug="orebro",
            domain="orebro.test",
            county=County.objects.get(code="18"),
        )

    def test_it_serves_the_county_and_the_neighbours_with_towns(self) -> None:
        response = Client(HTTP_HOST="orebro.test").get(reverse("core:municipalities-geojson"))

        self.assertEqual(response["Content-Type"], "application/geo+json")
        data = json.loads(response.content)
        self.assertEqual(data["type"], "FeatureCollection")
        features = {f["properties"]["name"]: f for f in data["features"]}
        inside = {name for name, f in features.items() if f["properties"]["in_network"]}
        self.assertEqual(inside, OREBRO_MUNICIPALITIES)
        neighbours = set(features) - inside
        with_towns = set(
            Municipality.objects.filter(towns__kind=Town.Kind.NEIGHBOUR).values_list(
                "name", flat=True
            )
        )
        self.assertEqual(neighbours, with_towns)
        self.assertIn("Kristinehamn", neighbours)
        # Neighbouring municipalities the network follows no town in are left out.
        self.assertNotIn("Smedjebacken", features)
        self.assertNotIn("Finspång", features)
        self.assertEqual(len(data["features"]), 25)
        orebro = features["Örebro"]["properties"]
        self.assertEqual(
            (orebro["code"], orebro["seat"], orebro["population"], orebro["county"]),
            ("1880", "Örebro", 160140, "Örebro län"),
        )
        self.assertIn(features["Örebro"]["geometry"]["type"], {"Polygon", "MultiPolygon"})
