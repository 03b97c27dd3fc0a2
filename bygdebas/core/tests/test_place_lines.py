"""Where an event or an organisation is, said once: "Byvägen 4, Kumla" in Kumla is not "Byvägen 4, Kumla, Kumla"."""

from __future__ import annotations

from django.test import SimpleTestCase, TestCase
from django.urls import reverse

from bygdebas.core.geo import place_line
from bygdebas.recruitment.models import Prospect
from bygdebas.testing import (
    CastMixin,
    make_event,
    make_municipality,
    make_organisation,
    make_registration,
)


class PlaceLineTests(SimpleTestCase):
    def test_parts_are_joined_with_commas_skipping_blanks(self) -> None:
        self.assertEqual(place_line("Bygdegården", "", None, "Laxå"), "Bygdegården, Laxå")

    def test_a_part_already_said_is_not_repeated(self) -> None:
        cases = {
            ("Byvägen 4, Kumla", "Kumla"): "Byvägen 4, Kumla",
            ("Byvägen 4, 692 32 Kumla", "Kumla"): "Byvägen 4, 692 32 Kumla",
            ("Kumla", "Kumla"): "Kumla",
            ("kumla", "Kumla"): "kumla",
            ("Folkets hus", "Storgatan 1, KUMLA", "Kumla"): "Folkets hus, Storgatan 1, KUMLA",
        }
        for parts, expected in cases.items():
            with self.subTest(parts=parts):
                self.assertEqual(place_line(*parts), expected)

    def test_a_name_that_only_contains_the_municipality_keeps_it(self) -> None:
        # "Kumlaby" is not Kumla; "Hallsbergs bygdegård" does not say the town as its own word.
        self.assertEqual(place_line("Kumlaby skola", "Kumla"), "Kumlaby skola, Kumla")
        self.assertEqual(
            place_line("Hallsbergs bygdegård", "Hallsberg"), "Hallsbergs bygdegård, Hallsberg"
        )


class EventPagesTests(CastMixin, TestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        kumla = make_municipality(code="1881", name="Kumla")
        cls.event = make_event(
            network=cls.network_a, place_name="", address="Byvägen 4, Kumla", municipality=kumla
        )

    def test_the_calendar_the_event_page_and_the_feeds_say_kumla_once(self) -> None:
        pages = [
            reverse("events:event-list"),
            reverse("events:event-detail", args=[self.event.pk]),
            reverse("events:event-ics", args=[self.event.pk]),
            reverse("events:feed-atom"),
            reverse("events:staff-event-list"),
            reverse("events:registration", args=[make_registration(event=self.event).token]),
        ]
        for url in pages:
            with self.subTest(url=url):
                page = self.as_bertil().get(url)
                text = b"".join(page.streaming_content) if page.streaming else page.content
                self.assertIn("Byvägen 4, Kumla", text.decode().replace("\\,", ","))
                self.assertNotIn("Kumla, Kumla", text.decode().replace("\\,", ","))


class OrganisationAndProspectTests(CastMixin, TestCase):
    """An organisation or a prospect in the locality Kumla of the municipality Kumla."""

    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        kumla = make_municipality(code="1881", name="Kumla")
        cls.organisation = make_organisation(
            network=cls.network_a, name="Kumla byalag", municipality=kumla, locality="Kumla"
        )
        cls.prospect = Prospect.objects.create(
            network=cls.network_a, name="Kumla ungdom", municipality=kumla, locality="Kumla"
        )

    def test_the_pages_say_kumla_once(self) -> None:
        pages = [
            reverse("members:organisation-detail", args=[self.organisation.pk]),
            reverse("recruitment:board"),
            reverse("recruitment:prospect-list"),
        ]
        for url in pages:
            with self.subTest(url=url):
                page = self.as_bertil().get(url).content.decode()
                self.assertIn("Kumla", page)
                self.assertNotIn("Kumla, Kumla", page)
