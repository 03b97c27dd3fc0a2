"""Event registrations in a registry person's extract and erasure (``events.privacy``)."""

from __future__ import annotations

from django.test import TestCase

from bygdebas.core.personal_data import erased_name, providers
from bygdebas.events import privacy
from bygdebas.events.models import Registration
from bygdebas.testing import CastMixin, make_event, make_person, make_registration, sv_plural


class RegistrationPersonalDataTests(CastMixin, TestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        cls.person = make_person(network=cls.network_a, name="Greta", email="greta@by.se")
        event = make_event(network=cls.network_a, title="Bygdestämma")
        cls.mine = make_registration(
            event=event, name="Greta G", email="Greta@By.se", answers={"Kost": "Vegetarisk"}
        )
        make_registration(event=event, name="Någon annan", email="annan@by.se")
        other = make_event(network=cls.network_b, title="B-stämma")
        cls.in_b = make_registration(event=other, name="Greta i B", email="greta@by.se")

    def test_it_is_registered_with_a_section_of_its_own(self) -> None:
        [provider] = [p for p in providers() if p.key == "events.registrations"]
        self.assertEqual(provider.section, "event_registrations")
        self.assertEqual(provider.extract, privacy.extract)

    def test_the_extract_holds_the_networks_registrations_under_the_address(self) -> None:
        [row] = privacy.extract(self.person)
        self.assertEqual(
            (row["event"], row["name"], row["email"], row["answers"]),
            ("Bygdestämma", "Greta G", "Greta@By.se", {"Kost": "Vegetarisk"}),
        )

    def test_a_person_without_an_address_has_none(self) -> None:
        nameless = make_person(network=self.network_a, name="Utan adress", email="")
        with self.assertNumQueries(0):
            self.assertEqual(privacy.extract(nameless), [])
            self.assertEqual(privacy.erase(nameless), 0)

    def test_erasure_anonymises_them_and_leaves_other_networks_alone(self) -> None:
        self.assertEqual(privacy.erase(self.person), 1)
        self.mine.refresh_from_db()
        self.assertEqual(self.mine.name, erased_name())
        self.assertEqual(self.mine.email, f"erased-{self.mine.pk}@example.invalid")
        self.assertEqual(self.mine.answers, {})
        self.assertEqual(self.mine.status, Registration.Status.CONFIRMED)
        self.in_b.refresh_from_db()
        self.assertEqual(self.in_b.name, "Greta i B")

    def test_the_erasure_page_line_counts_them(self) -> None:
        self.assertEqual(
            privacy.describe_erasure(self.person),
            sv_plural(
                "%(n)s event registration with the same address is anonymised.",
                "%(n)s event registrations with the same address are anonymised.",
                1,
                n=1,
            ),
        )
