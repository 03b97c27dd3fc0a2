"""A registry person named as a prospect's contact: in the register extract, and gone on erasure."""

from django.test import TestCase

from bygdebas.members.services.privacy import erase_person, extract_data
from bygdebas.recruitment.models import Prospect
from bygdebas.testing import CastMixin, make_person


class ProspectContactPrivacyTests(CastMixin, TestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        cls.person = make_person(
            network=cls.network_a, name="Greta Gustafsson", email="greta@example.org"
        )
        cls.named = Prospect.objects.create(
            network=cls.network_a,
            name="Ungdomsrådet i Ås",
            contact_name="Greta Gustafsson",
            contact_email="Greta@Example.org",
            contact_phone="070-123 45 67",
            notes="Träffade Greta på marknaden.",
        )
        cls.other = Prospect.objects.create(
            network=cls.network_a,
            name="Byalaget i Berga",
            contact_name="Olle Olsson",
            contact_email="olle@example.org",
        )
        cls.other_network = Prospect.objects.create(
            network=cls.network_b,
            name="Grannlänets byalag",
            contact_name="Greta Gustafsson",
            contact_email="greta@example.org",
        )

    def test_the_extract_lists_the_prospects_that_name_the_person(self) -> None:
        records = extract_data(self.person)["other_records"]["recruitment.prospects"]
        self.assertEqual([row["prospect"] for row in records["rows"]], ["Ungdomsrådet i Ås"])
        self.assertEqual(records["rows"][0]["contact_phone"], "070-123 45 67")

    def test_erasure_blanks_the_contact_and_keeps_the_groups(self) -> None:
        erase_person(person=self.person, actor=self.anna)

        self.named.refresh_from_db()
        self.assertEqual(
            (self.named.name, self.named.contact_name, self.named.contact_email),
            ("Ungdomsrådet i Ås", "", ""),
        )
        self.assertEqual(self.named.contact_phone, "")
        # Other people's prospects, and another network's, are untouched.
        self.other.refresh_from_db()
        self.assertEqual(self.other.contact_email, "olle@example.org")
        self.other_network.refresh_from_db()
        self.assertEqual(self.other_network.contact_name, "Greta Gustafsson")

    def test_a_person_without_an_address_matches_no_prospect(self) -> None:
        nameless = make_person(network=self.network_a, name="Utan Adress", email="")
        records = extract_data(nameless)["other_records"]["recruitment.prospects"]
        self.assertEqual(records["rows"], [])
