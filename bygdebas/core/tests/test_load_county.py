"""load_county(): one county from the national data, richer where data/geo/ has more."""

from __future__ import annotations

import io

from django.core.management import CommandError, call_command
from django.test import TestCase

from bygdebas.core import geo
from bygdebas.core.models import County, Municipality, Town
from bygdebas.core.tests.test_geography import OREBRO_MUNICIPALITIES

STOCKHOLM_MUNICIPALITIES = {
    "Botkyrka", "Danderyd", "Ekerö", "Haninge", "Huddinge", "Järfälla", "Lidingö", "Nacka",
    "Norrtälje", "Nykvarn", "Nynäshamn", "Salem", "Sigtuna", "Sollentuna", "Solna", "Stockholm",
    "Sundbyberg", "Södertälje", "Tyresö", "Täby", "Upplands Väsby", "Upplands-Bro", "Vallentuna",
    "Vaxholm", "Värmdö", "Österåker",
}  # fmt: skip


class LoadCountyTests(TestCase):
    def test_stockholm_gets_its_26_municipalities_with_boundaries(self) -> None:
        result = geo.load_county("01")

        stockholm_lan = County.objects.get(code="01")
        self.assertEqual(result.county, stockholm_lan)
        self.assertEqual(stockholm_lan.name, "Stockholms län")
        self.assertIn(stockholm_lan.boundary["type"], {"Polygon", "MultiPolygon"})
        municipalities = Municipality.objects.filter(county=stockholm_lan)
        self.assertEqual({m.name for m in municipalities}, STOCKHOLM_MUNICIPALITIES)
        self.assertEqual(Municipality.objects.count(), 26)
        for municipality in municipalities:
            with self.subTest(municipality=municipality.name):
                self.assertTrue(municipality.code.startswith("01"))
                self.assertIn(municipality.boundary["type"], {"Polygon", "MultiPolygon"})
        # The national files have no seats, populations or towns: nothing is made up.
        self.assertFalse(municipalities.exclude(seat_name="").exists())
        self.assertFalse(municipalities.exclude(population=None).exists())
        self.assertFalse(Town.objects.exists())
        # Every county is known by name; only the loaded one has its outline.
        self.assertEqual(County.objects.count(), 21)
        self.assertEqual(County.objects.exclude(boundary__isnull=True).get(), stockholm_lan)
        self.assertEqual(
            geo.describe(result),
            "Geography Stockholms län (01), 26 municipalities, 0 towns: 47 rows added, 0 changed.",
        )

    def test_orebro_gets_its_seats_populations_towns_and_neighbours(self) -> None:
        result = geo.load_county("18")

        orebro_lan = County.objects.get(code="18")
        in_county = Municipality.objects.filter(county=orebro_lan)
        self.assertEqual({m.name for m in in_county}, OREBRO_MUNICIPALITIES)
        for municipality in in_county:
            with self.subTest(municipality=municipality.name):
                self.assertTrue(municipality.seat_name)
                self.assertIsNotNone(municipality.seat_lat)
                self.assertGreater(municipality.population, 1000)
        orebro = Municipality.objects.get(code="1880")
        self.assertEqual((orebro.seat_name, orebro.population), ("Örebro", 160140))
        self.assertEqual(str(orebro.population_on), "2024-12-31")
        self.assertEqual(Town.objects.count(), 26)
        self.assertTrue(Town.objects.filter(name="Kristinehamn", kind=Town.Kind.NEIGHBOUR).exists())
        # The municipalities around the county that the network follows, with their boundaries.
        self.assertEqual((result.municipalities, result.neighbours), (29, 17))
        self.assertEqual(Municipality.objects.exclude(county=orebro_lan).count(), 17)
        self.assertFalse(Municipality.objects.filter(boundary__isnull=True).exists())
        self.assertIn(
            "Örebro län (18), 12 municipalities and 17 around it, 26 towns", geo.describe(result)
        )

    def test_orebro_is_the_same_as_the_files_load_geography_reads_by_default(self) -> None:
        geo.load_county("18")
        counts = (County.objects.count(), Municipality.objects.count(), Town.objects.count())

        again = geo.load_geography()

        self.assertTrue(again.is_unchanged, again)
        self.assertEqual(
            (County.objects.count(), Municipality.objects.count(), Town.objects.count()), counts
        )

    def test_running_it_twice_changes_nothing_and_says_so(self) -> None:
        geo.load_county("18")

        # Counties, municipalities, municipalities again and towns are read once each; no writes.
        with self.assertNumQueries(4 + 2):  # and a savepoint around it
            again = geo.load_county("18")

        self.assertEqual((again.added, again.changed), (0, 0))
        self.assertTrue(geo.describe(again).endswith("already loaded, nothing changed."))

    def test_a_changed_value_is_put_right(self) -> None:
        geo.load_county("01")
        Municipality.objects.filter(code="0180").update(name="Sthlm", boundary=None)

        result = geo.load_county("01")

        self.assertEqual((result.added, result.changed), (0, 1))
        stockholm = Municipality.objects.get(code="0180")
        self.assertEqual(stockholm.name, "Stockholm")
        self.assertIsNotNone(stockholm.boundary)

    def test_all_21_counties_and_290_municipalities_load(self) -> None:
        codes = [code for code, _name in geo.county_choices()]
        self.assertEqual(len(codes), 21)

        for code in codes:
            geo.load_county(code)

        self.assertEqual(County.objects.filter(boundary__isnull=False).count(), 21)
        self.assertEqual(Municipality.objects.count(), 290)
        self.assertFalse(Municipality.objects.filter(boundary__isnull=True).exists())
        per_county = {c.code: c.municipalities.count() for c in County.objects.all()}
        self.assertEqual((per_county["01"], per_county["14"], per_county["09"]), (26, 49, 1))

    def test_a_one_digit_code_means_the_two_digit_one(self) -> None:
        self.assertEqual(geo.load_county("1").county.code, "01")

    def test_an_unknown_code_lists_the_valid_ones_and_loads_nothing(self) -> None:
        for code in ("99", "02", "Stockholm", ""):
            with self.subTest(code=code), self.assertRaises(geo.UnknownCountyError) as raised:
                geo.load_county(code)
            message = str(raised.exception)
            self.assertIn("Valid codes: 01 Stockholms län, 03 Uppsala län,", message)
            self.assertIn("18 Örebro län", message)
            self.assertTrue(message.endswith("25 Norrbottens län."))
        self.assertFalse(County.objects.exists())


class LoadGeographyCountyOptionTests(TestCase):
    def test_the_command_loads_a_county(self) -> None:
        out = io.StringIO()

        call_command("load_geography", "--county", "01", stdout=out)

        self.assertEqual(Municipality.objects.filter(county__code="01").count(), 26)
        self.assertIn("Stockholms län (01), 26 municipalities", out.getvalue())

    def test_the_command_refuses_an_unknown_county_with_exit_code_2(self) -> None:
        with self.assertRaises(CommandError) as raised:
            call_command("load_geography", "--county", "99", stdout=io.StringIO())

        self.assertEqual(raised.exception.returncode, 2)
        self.assertIn("Valid codes: 01 Stockholms län", str(raised.exception))
        self.assertFalse(Municipality.objects.exists())
