"""The places of an analysis: any text gives places or line errors, never an exception."""

import contextlib

from django.core.exceptions import ValidationError
from django.test import SimpleTestCase
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from bygdebas.connectivity.forms import parse_places

TRICKY = "0123456789²١０１\u00a0\u2009\u202f −-.,;eEinfa\nÖrebro"
PROPERTY = settings(
    max_examples=300, deadline=None, database=None, suppress_health_check=[HealthCheck.too_slow]
)


class ParsePlacesTests(SimpleTestCase):
    @PROPERTY
    @given(text=st.one_of(st.text(), st.text(alphabet=TRICKY, max_size=120)))
    @example(text="Örebro;59.27;15.21;1e999\nKumla;59.12;15.14")
    @example(text="Örebro;59.27;15.21;nan\nKumla;59.12;15.14")
    @example(text="Örebro;59.27;15.21;1²0\nKumla;59.12;15.14")
    def test_any_text_gives_places_or_line_errors(self, text: str) -> None:
        with contextlib.suppress(ValidationError):
            for place in parse_places(text):
                self.assertIsInstance(place["lat"], float)

    def test_numbers_as_people_copy_them(self) -> None:
        places = parse_places(
            "Örebro;59,27;15,21;126\u2009000\nKumla;５９.１２;15.14;21\u00a0900\nNora;59.52;\u221215.03"
        )
        self.assertEqual(
            [(p["lat"], p["lon"], p["population"]) for p in places],
            [(59.27, 15.21, 126000), (59.12, 15.14, 21900), (59.52, -15.03, None)],
        )

    def test_a_population_that_is_not_a_whole_number_is_a_line_error(self) -> None:
        for population in ("1e999", "nan", "1²0", "-5", "12.5"):
            with self.subTest(population):
                with self.assertRaises(ValidationError) as caught:
                    parse_places(f"Örebro;59.27;15.21;{population}\nKumla;59.12;15.14")
                self.assertEqual(len(caught.exception.messages), 1)
