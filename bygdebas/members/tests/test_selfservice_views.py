"""A contact person keeps the organisation's details and people up to date; every change is audited
as self-service, and nobody else's organisation is reachable."""

from __future__ import annotations

import io
import json

import pypdf
from django.test import TestCase
from django.urls import reverse
from django.utils import timezone

from bygdebas.core.models import AuditEntry, Role
from bygdebas.members.models import Consent, Engagement, Membership, Organisation, Person
from bygdebas.members.services.registry import record_consent
from bygdebas.testing import (
    CastMixin,
    make_engagement,
    make_membership,
    make_organisation,
    make_person,
    make_user,
)


def url(name: str, *args: int) -> str:
    return reverse(f"members:{name}", args=args)


class SelfServiceTests(CastMixin, TestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        cls.other_org = make_organisation(network=cls.network_a, name="Grannbyns byalag")
        cls.other_person = make_person(network=cls.network_a, name="Nils Granne")
        make_engagement(person=cls.other_person, organisation=cls.other_org)
        cls.treasurer = make_person(
            network=cls.network_a, name="Kim Kassör", email="kim@by.se", phone="070-111 22 33"
        )
        make_engagement(
            person=cls.treasurer, organisation=cls.cecilia_org, role=Engagement.Role.TREASURER
        )
        make_membership(organisation=cls.cecilia_org, year=2020, status=Membership.Status.LAPSED)

    def self_service_entries(self) -> list[AuditEntry]:
        return list(AuditEntry.objects.filter(source=AuditEntry.Source.SELF_SERVICE))

    def test_the_home_page_lists_the_contacts_organisations_only(self) -> None:
        page = self.as_cecilia().get(url("selfservice-home"))
        self.assertContains(page, "Cecilias byalag")
        self.assertNotContains(page, "Grannbyns byalag")

    def test_a_contact_of_two_organisations_sees_both(self) -> None:
        make_engagement(person=self.cecilia_person, organisation=self.other_org)
        page = self.as_cecilia().get(url("selfservice-home"))
        self.assertContains(page, "Cecilias byalag")
        self.assertContains(page, "Grannbyns byalag")

    def test_the_organisation_page_shows_people_and_the_membership_history(self) -> None:
        page = self.as_cecilia().get(url("selfservice-organisation", self.cecilia_org.pk))
        self.assertContains(page, "Kim Kassör")
        self.assertContains(page, "2020")
        self.assertContains(page, str(timezone.localdate().year))

    def test_changing_the_details_is_audited_as_self_service(self) -> None:
        response = self.as_cecilia().post(
            url("selfservice-organisation-edit", self.cecilia_org.pk),
            {"name": "Cecilias byalag", "phone": "019-12 34 56", "email": "Info@Byalag.se"},
        )
        self.assertRedirects(response, url("selfservice-organisation", self.cecilia_org.pk))
        self.cecilia_org.refresh_from_db()
        self.assertEqual(self.cecilia_org.email, "info@byalag.se")
        [entry] = self.self_service_entries()
        self.assertEqual(entry.verb, "organisation.changed")
        self.assertEqual(entry.actor, self.cecilia)
        self.assertEqual(entry.changes["email"], ["", "info@byalag.se"])
        self.assertIn("phone", entry.changes)

    def test_an_invalid_organisation_number_is_shown_and_nothing_saved(self) -> None:
        response = self.as_cecilia().post(
            url("selfservice-organisation-edit", self.cecilia_org.pk),
            {"name": "Nytt namn", "org_number": "123"},
        )
        self.assertEqual(response.status_code, 400)
        self.cecilia_org.refresh_from_db()
        self.assertEqual(self.cecilia_org.name, "Cecilias byalag")
        self.assertEqual(self.self_service_entries(), [])

    def test_adding_a_person_creates_them_with_their_roles(self) -> None:
        response = self.as_cecilia().post(
            url("selfservice-person-add", self.cecilia_org.pk),
            {"name": "Ada Ordförande", "email": "ada@by.se", "roles": ["chair", "contact"]},
        )
        self.assertRedirects(response, url("selfservice-organisation", self.cecilia_org.pk))
        ada = Person.objects.get(email="ada@by.se")
        self.assertEqual(set(ada.engagements.values_list("role", flat=True)), {"chair", "contact"})
        verbs = sorted(entry.verb for entry in self.self_service_entries())
        self.assertEqual(verbs, ["person.created", "person.role_added", "person.role_added"])

    def test_adding_a_known_address_gives_the_roles_without_changing_the_person(self) -> None:
        self.as_cecilia().post(
            url("selfservice-person-add", self.cecilia_org.pk),
            {"name": "Fel Namn", "email": self.other_person.email, "roles": ["board"]},
        )
        self.other_person.refresh_from_db()
        self.assertEqual(self.other_person.name, "Nils Granne")
        self.assertTrue(
            self.other_person.engagements.filter(organisation=self.cecilia_org).exists()
        )

    def test_changing_a_persons_phone_is_audited_as_self_service(self) -> None:
        response = self.as_cecilia().post(
            url("selfservice-person-edit", self.cecilia_org.pk, self.treasurer.pk),
            {
                "name": "Kim Kassör",
                "email": "kim@by.se",
                "phone": "070-999 88 77",
                "roles": ["treasurer"],
            },
        )
        self.assertRedirects(response, url("selfservice-organisation", self.cecilia_org.pk))
        [entry] = self.self_service_entries()
        self.assertEqual(entry.verb, "person.changed")
        self.assertEqual(list(entry.changes), ["phone"])
        self.assertEqual(entry.object_id, str(self.treasurer.pk))

    def test_changing_roles_adds_and_removes_engagements(self) -> None:
        self.as_cecilia().post(
            url("selfservice-person-edit", self.cecilia_org.pk, self.treasurer.pk),
            {"name": "Kim Kassör", "email": "kim@by.se", "roles": ["board", "contact"]},
        )
        self.assertEqual(
            set(self.treasurer.engagements.values_list("role", flat=True)), {"board", "contact"}
        )

    def test_the_last_contact_person_cannot_be_removed(self) -> None:
        response = self.as_cecilia().post(
            url("selfservice-person-remove", self.cecilia_org.pk, self.cecilia_person.pk)
        )
        self.assertRedirects(response, url("selfservice-organisation", self.cecilia_org.pk))
        self.assertTrue(self.cecilia_person.engagements.filter(role="contact").exists())
        self.assertEqual(self.self_service_entries(), [])

    def test_the_last_contact_cannot_drop_the_contact_role_either(self) -> None:
        response = self.as_cecilia().post(
            url("selfservice-person-edit", self.cecilia_org.pk, self.cecilia_person.pk),
            {"name": "Cecilia Carlsson", "email": "cecilia@a.test", "roles": ["chair"]},
        )
        self.assertEqual(response.status_code, 400)
        self.assertEqual(
            list(self.cecilia_person.engagements.values_list("role", flat=True)), ["contact"]
        )
        self.assertEqual(self.self_service_entries(), [])

    def test_another_person_can_be_removed(self) -> None:
        self.as_cecilia().post(
            url("selfservice-person-remove", self.cecilia_org.pk, self.treasurer.pk)
        )
        self.assertFalse(self.treasurer.engagements.exists())
        self.assertTrue(Person.objects.filter(pk=self.treasurer.pk).exists())
        [entry] = self.self_service_entries()
        self.assertEqual(entry.verb, "person.role_removed")

    def test_other_organisations_and_their_people_are_404(self) -> None:
        client = self.as_cecilia()
        for path in (
            url("selfservice-organisation", self.other_org.pk),
            url("selfservice-organisation-edit", self.other_org.pk),
            url("selfservice-organisation-export", self.other_org.pk),
            url("selfservice-person-add", self.other_org.pk),
            url("selfservice-person-edit", self.other_org.pk, self.other_person.pk),
            # Someone of another organisation, through her own organisation's address.
            url("selfservice-person-edit", self.cecilia_org.pk, self.other_person.pk),
        ):
            with self.subTest(path=path):
                self.assertEqual(client.get(path).status_code, 404)
        response = client.post(
            url("selfservice-person-remove", self.cecilia_org.pk, self.other_person.pk)
        )
        self.assertEqual(response.status_code, 404)
        self.assertTrue(self.other_person.engagements.exists())

    def test_a_contact_whose_role_was_taken_away_gets_nothing(self) -> None:
        Role.objects.filter(user=self.cecilia).delete()
        client = self.as_cecilia()
        self.assertEqual(client.get(url("selfservice-home")).status_code, 403)
        page = client.get(url("selfservice-organisation", self.cecilia_org.pk))
        self.assertEqual(page.status_code, 403)

    def test_staff_are_not_contacts(self) -> None:
        make_engagement(
            person=make_person(network=self.network_a, user=self.bertil),
            organisation=self.cecilia_org,
        )
        self.assertEqual(self.as_bertil().get(url("selfservice-home")).status_code, 403)

    def test_the_download_holds_what_the_network_stores(self) -> None:
        record_consent(person=self.treasurer, purpose="Nyhetsbrev", source=Consent.Source.JOIN_FORM)
        self.cecilia_org.notes = "Har bygdegård."
        self.cecilia_org.save()
        response = self.as_cecilia().get(
            url("selfservice-organisation-export", self.cecilia_org.pk)
        )
        self.assertEqual(response["Content-Type"], "application/json; charset=utf-8")
        self.assertIn("attachment", response["Content-Disposition"])
        data = json.loads(response.content)
        self.assertEqual(data["organisation"]["name"], "Cecilias byalag")
        self.assertEqual(data["organisation"]["notes"], "Har bygdegård.")
        people = {person["name"]: person for person in data["people"]}
        self.assertEqual(set(people), {"Cecilia Carlsson", "Kim Kassör"})
        self.assertEqual(people["Kim Kassör"]["roles"], ["treasurer"])
        self.assertEqual(people["Kim Kassör"]["phone"], self.treasurer.phone)
        self.assertEqual(people["Kim Kassör"]["consents"][0]["purpose"], "Nyhetsbrev")
        self.assertEqual(
            [(m["year"], m["status"]) for m in data["memberships"]],
            [(2020, "lapsed"), (timezone.localdate().year, "active")],
        )
        self.assertNotIn("Nils Granne", response.content.decode())

    def test_the_readable_download_is_a_pdf_in_swedish(self) -> None:
        record_consent(person=self.treasurer, purpose="Nyhetsbrev", source=Consent.Source.JOIN_FORM)
        self.cecilia_org.org_number = "802412-3450"
        self.cecilia_org.save()
        page = self.as_cecilia().get(url("selfservice-organisation", self.cecilia_org.pk))
        pdf_url = url("selfservice-organisation-pdf", self.cecilia_org.pk)
        self.assertContains(page, f'href="{pdf_url}"')

        response = self.as_cecilia().get(pdf_url)

        self.assertEqual(response["Content-Type"], "application/pdf")
        self.assertIn("attachment", response["Content-Disposition"])
        text = " ".join(
            page.extract_text() for page in pypdf.PdfReader(io.BytesIO(response.content)).pages
        )
        text = " ".join(text.split())
        for expected in (
            "Cecilias byalag",
            "Organisationsnummer 802412-3450",
            "Kim Kassör",
            "Kassör",  # the role, as a word
            "Nyhetsbrev",
            "Medlemskap",
            "Aktiv",
            "Förfallna",  # the lapsed membership of 2020
        ):
            self.assertIn(expected, text)
        for code in ("org_number", "treasurer", "lapsed", "legal_basis"):
            self.assertNotIn(code, text)
        self.assertNotIn("Nils Granne", text)

    def test_pages_make_a_flat_number_of_queries(self) -> None:
        def count() -> int:
            from django.db import connection
            from django.test.utils import CaptureQueriesContext

            client = self.as_cecilia()
            with CaptureQueriesContext(connection) as queries:
                client.get(url("selfservice-organisation", self.cecilia_org.pk))
            return len(queries)

        before = count()
        for n in range(5):
            make_engagement(
                person=make_person(network=self.network_a), organisation=self.cecilia_org
            )
            make_membership(organisation=self.cecilia_org, year=2000 + n)
        self.assertEqual(count(), before)

    def test_an_organisation_list_of_another_contact_is_unaffected(self) -> None:
        other_user = make_user(role=Role.Kind.CONTACT, network=self.network_a)
        person = make_person(network=self.network_a, user=other_user)
        make_engagement(person=person, organisation=self.other_org)
        page = self.as_user(other_user).get(url("selfservice-home"))
        self.assertContains(page, "Grannbyns byalag")
        self.assertNotContains(page, "Cecilias byalag")
        self.assertEqual(Organisation.objects.count(), 2)
