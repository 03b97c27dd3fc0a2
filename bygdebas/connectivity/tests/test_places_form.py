from django.core.exceptions import ValidationError
from django.test import SimpleTestCase
from django.utils import translation

from bygdebas.connectivity.forms import format_places, parse_places


class ParsePlacesTests(SimpleTestCase):
    def test_it_reads_lines_with_and_without_population(self) -> None:
        places = parse_places(
            "Örebro;59.2789;15.2113;160140\n\n# a comment\nVingåker; 59,0421 ; 15,8765\n"
        )
        self.assertEqual(
            places,
            [
                {"name": "Örebro", "lat": 59.2789, "lon": 15.2113, "population": 160140},
                {"name": "Vingåker", "lat": 59.0421, "lon": 15.8765, "population": None},
            ],
        )

    def test_every_bad_line_is_named(self) -> None:
        with translation.override("en"), self.assertRaises(ValidationError) as caught:
            parse_places(
                "Örebro;59.2;15.2\nKumla;north;15.1\nLaxå;58.9\nNora;159.5;15.0\nX;1;2;many"
            )
        messages = caught.exception.messages
        self.assertEqual(len(messages), 4)
        self.assertTrue(messages[0].startswith("Line 2"), messages)
        self.assertTrue(messages[1].startswith("Line 3"), messages)
        self.assertTrue(messages[2].startswith("Line 4"), messages)
        self.assertTrue(messages[3].startswith("Line 5"), messages)

    def test_a_latitude_of_nan_or_infinity_is_not_on_the_map(self) -> None:
        with translation.override("en"), self.assertRaises(ValidationError) as caught:
            parse_places("Örebro;59.2;15.2\nKumla;nan;15.1\nLaxå;58.9;inf")
        self.assertEqual([m.split(":")[0] for m in caught.exception.messages], ["Line 2", "Line 3"])

    def test_names_must_be_unique_and_at_least_two(self) -> None:
        with self.assertRaisesMessage(ValidationError, "Kumla"):
            parse_places("Kumla;59.1;15.1\nKumla;59.2;15.2")
        with self.assertRaises(ValidationError):
            parse_places("Kumla;59.1;15.1")
        with self.assertRaisesMessage(ValidationError, "150"):
            parse_places("\n".join(f"Ort {i};59.1;15.1" for i in range(151)))

    def test_formatting_round_trips(self) -> None:
        rows = [
            {"name": "A", "lat": 59.1, "lon": 15.1, "population": 10},
            {"name": "B", "lat": 59.2, "lon": 15.2, "population": None},
        ]
        self.assertEqual(parse_places(format_places(rows)), rows)
