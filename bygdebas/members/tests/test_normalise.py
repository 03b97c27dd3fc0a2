"""Organisation numbers and names, as forms, imports and duplicate detection see them.

Phone numbers: bygdebas/core/tests/test_phone.py.
"""

import re
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ValidationError
from django.test import SimpleTestCase, TestCase
from django.urls import reverse

from bygdebas.members.normalise import luhn_ok, name_key, normalise_org_number
from bygdebas.testing import make_network


class OrgNumberTests(SimpleTestCase):
    def test_luhn(self) -> None:
        # Skatteverket's own example and real organisation numbers.
        self.assertTrue(luhn_ok("5560360793"))
        self.assertTrue(luhn_ok("2021005489"))  # 202100-5489
        self.assertFalse(luhn_ok("5560360794"))

    def test_written_forms_normalise_to_one(self) -> None:
        for written in ("556036-0793", "5560360793", " 556036 0793 ", "16556036-0793"):
            with self.subTest(written=written):
                self.assertEqual(normalise_org_number(written), "556036-0793")

    def test_blank_is_allowed(self) -> None:
        self.assertEqual(normalise_org_number("  "), "")

    def test_errors_say_what_is_wrong(self) -> None:
        with self.assertRaises(ValidationError) as wrong_check:
            normalise_org_number("556036-0794")
        self.assertEqual(wrong_check.exception.code, "checksum")
        for bad in ("55603-0793", "abc", "556036-07931"):
            with self.subTest(bad=bad), self.assertRaises(ValidationError) as wrong_format:
                normalise_org_number(bad)
            self.assertEqual(wrong_format.exception.code, "format")


class ExampleOrgNumberTests(TestCase):
    """An example we show people must pass the check we apply to what they type."""

    EXAMPLE = re.compile(r"\b\d{6}-\d{4}\b")

    def test_the_join_form_s_example_passes_the_check(self) -> None:
        make_network(domain="testserver")
        page = self.client.get(reverse("members:join")).content.decode()
        examples = self.EXAMPLE.findall(page)
        self.assertTrue(examples, "the join form shows an example organisation number")
        for example in examples:
            with self.subTest(example=example):
                self.assertEqual(normalise_org_number(example), example)

    def test_every_example_in_the_code_and_the_catalogue_passes_the_check(self) -> None:
        root = Path(settings.BASE_DIR)
        sources = [
            *(root / "bygdebas").rglob("*.py"),
            *(root / "bygdebas" / "templates").rglob("*.html"),
            root / "locale" / "sv" / "LC_MESSAGES" / "django.po",
        ]
        for source in sources:
            if "tests" in source.parts or "migrations" in source.parts:
                continue
            for line in source.read_text().splitlines():
                # Only the examples we show: "as 802412-3450", "som 802412-3450".
                for example in re.findall(r"(?i:as|som) (\d{6}-\d{4})", line):
                    with self.subTest(source=source.name, example=example):
                        self.assertTrue(luhn_ok(example.replace("-", "")), line.strip())


class NameKeyTests(SimpleTestCase):
    def test_the_same_group_written_differently_collides(self) -> None:
        key = name_key("Ås byalag")
        for variant in ("Byalaget i Ås", "ÅS BYALAG", "  Ås   Byalag ", "Ås Byalag."):
            with self.subTest(variant=variant):
                self.assertEqual(name_key(variant), key)

    def test_different_groups_do_not_collide(self) -> None:
        self.assertNotEqual(name_key("Ås byalag"), name_key("Ösby byalag"))
        self.assertNotEqual(name_key("Ås byalag"), name_key("Å byalag"))

    def test_a_name_of_only_generic_words_is_kept(self) -> None:
        self.assertEqual(name_key("Byalaget"), "byalaget")
