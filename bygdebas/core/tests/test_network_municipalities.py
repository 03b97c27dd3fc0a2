"""``Network.municipalities()``: the one meaning of "the network's municipalities"."""

from __future__ import annotations

from django.test import TestCase

from bygdebas.core.models import Municipality
from bygdebas.testing import make_county, make_municipality, make_network


class NetworkMunicipalitiesTests(TestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        cls.orebro = make_county(code="18", name="Örebro län")
        cls.varmland = make_county(code="17", name="Värmlands län")
        cls.nora = make_municipality(name="Nora", county=cls.orebro, boundary={"type": "Point"})
        cls.laxa = make_municipality(name="Laxå", county=cls.orebro)
        cls.arboga = make_municipality(name="Arboga", county=cls.orebro)
        make_municipality(name="Kristinehamn", county=cls.varmland)

    def test_they_are_those_of_the_networks_county_by_name(self) -> None:
        network = make_network(county=self.orebro)
        self.assertEqual(list(network.municipalities()), [self.arboga, self.laxa, self.nora])

    def test_a_network_without_a_county_has_none(self) -> None:
        self.assertEqual(list(make_network().municipalities()), [])

    def test_the_big_boundaries_are_left_out_of_the_query(self) -> None:
        [nora] = make_network(county=self.orebro).municipalities().filter(name="Nora")
        self.assertEqual(nora.get_deferred_fields(), {"boundary"})
        self.assertEqual(Municipality.objects.get(pk=nora.pk).boundary, {"type": "Point"})
