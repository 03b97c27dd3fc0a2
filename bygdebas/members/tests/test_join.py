"""The public "become a member" form: application, duplicates, consent, mail, and its defences."""

from __future__ import annotations

from typing import Any
from unittest import mock

from django.core.cache import cache
from django.test import Client, TestCase, override_settings
from django.urls import reverse
from django.utils import timezone

from bygdebas.core.models import AuditEntry
from bygdebas.members.models import Consent, Engagement, Membership, Organisation, Person
from bygdebas.members.normalise import normalise_phone
from bygdebas.members.services import membership as services
from bygdebas.testing import (
    CastMixin,
    SmtpServerMixin,
    make_membership,
    make_municipality,
    make_organisation,
    make_person,
    messages_of,
    sv,
)


class JoinTestCase(SmtpServerMixin, CastMixin, TestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        cls.lekeberg = make_municipality(code="1814", name="Lekeberg", county=cls.network_a.county)
        cls.year = timezone.localdate().year

    def setUp(self) -> None:
        super().setUp()
        cache.clear()  # the join form's rate limit counts posts in the cache

    def payload(self, **overrides: str) -> dict[str, str]:
        data = {
            "name": "Byalaget Åsbro",
            "kind": Organisation.Kind.VILLAGE,
            "org_number": "802412 3450",
            "municipality": str(self.lekeberg.pk),
            "locality": "Åsbro",
            "email": "info@asbro.example",
            "phone": "0701234567",
            "website": "asbro.example",
            "is_youth_led": "on",
            "contact_name": "Astrid Lindqvist",
            "contact_email": "Astrid@Example.org",
            "contact_phone": "019-123456",
            "contact_birth_year": "1998",
            "message": "Vi vill gärna vara med!",
            "consent": "on",
            "homepage": "",
        }
        data.update(overrides)
        return data

    def post(self, client: Client | None = None, **overrides: str) -> Any:
        with self.captureOnCommitCallbacks(execute=True):
            return (client or self.as_anonymous()).post(
                reverse("members:join"), self.payload(**overrides)
            )


class JoinPageTests(JoinTestCase):
    def test_the_page_shows_the_form_with_the_consent_text(self) -> None:
        response = self.as_anonymous().get(reverse("members:join"))

        self.assertEqual(response.status_code, 200)
        self.assertContains(response, 'name="csrfmiddlewaretoken"')
        self.assertContains(response, "Lekeberg")
        self.assertContains(response, "Nätverk A")
        self.assertContains(response, 'name="consent"')

    def test_the_public_site_links_to_the_join_page(self) -> None:
        response = self.as_anonymous().get(reverse("public:home"))

        self.assertContains(response, reverse("members:join"))


class JoinTests(JoinTestCase):
    def test_an_application_creates_the_organisation_person_consent_and_membership(self) -> None:
        response = self.post()

        self.assertRedirects(response, reverse("members:join-done"))
        organisation = Organisation.objects.get(name="Byalaget Åsbro")
        self.assertEqual(organisation.network, self.network_a)
        self.assertEqual(organisation.org_number, "802412-3450")
        self.assertEqual(organisation.phone, normalise_phone("0701234567"))
        self.assertEqual(organisation.municipality, self.lekeberg)
        self.assertTrue(organisation.is_youth_led)
        person = Person.objects.get(email="astrid@example.org")
        self.assertEqual(person.network, self.network_a)
        self.assertEqual(person.birth_year, 1998)
        self.assertEqual(person.legal_basis, Person.LegalBasis.CONSENT)
        self.assertTrue(
            Engagement.objects.filter(
                person=person, organisation=organisation, role=Engagement.Role.CONTACT
            ).exists()
        )
        consent = Consent.objects.get(person=person)
        self.assertEqual(consent.source, Consent.Source.JOIN_FORM)
        self.assertIn("Nätverk A", consent.text)
        self.assertIn(str(self.year), consent.source_detail)
        membership = Membership.objects.get(organisation=organisation)
        self.assertEqual(membership.year, self.year)
        self.assertEqual(membership.status, Membership.Status.APPLIED)
        self.assertEqual(membership.application_message, "Vi vill gärna vara med!")
        self.assertIsNotNone(membership.applied_at)
        # Personal data was created through the audited services, as self-service.
        verbs = set(
            AuditEntry.objects.filter(
                network=self.network_a, source=AuditEntry.Source.SELF_SERVICE
            ).values_list("verb", flat=True)
        )
        self.assertTrue({"organisation.created", "person.created", "person.consent"} <= verbs)
        self.assertIn(
            sv(
                "Thank you! We have received the application of %(organisation)s. "
                "A confirmation is on its way to %(email)s.",
                organisation="Byalaget Åsbro",
                email="astrid@example.org",
            ),
            messages_of(response),
        )

    def test_the_applicant_gets_an_acknowledgement_and_the_office_a_notification(self) -> None:
        self.post()

        to_applicant = self.smtp.messages_to("astrid@example.org")
        self.assertEqual(len(to_applicant), 1)
        self.assertIn("Byalaget Åsbro", to_applicant[0]["Subject"])
        body = to_applicant[0].get_body(("plain",)).get_content()
        self.assertIn("Astrid Lindqvist", body)
        self.assertIn("Vi vill gärna vara med!", body)
        to_office = self.smtp.messages_to(self.network_a.contact_email)
        self.assertEqual(len(to_office), 1)
        office_body = to_office[0].get_body(("plain",)).get_content()
        membership = Membership.objects.get(organisation__name="Byalaget Åsbro")
        self.assertIn(reverse("members:membership-edit", args=[membership.pk]), office_body)
        self.assertIn("http://a.test/", office_body)
        self.assertEqual(len(self.smtp.messages), 2)

    def test_an_organisation_with_the_same_org_number_is_not_duplicated(self) -> None:
        existing = make_organisation(
            network=self.network_a, name="Åsbro Intresseförening", org_number="802412-3450"
        )

        response = self.post(name="Något helt annat")

        self.assertEqual(response.status_code, 302)
        self.assertEqual(Organisation.objects.filter(network=self.network_a).count(), 2)
        existing.refresh_from_db()
        self.assertEqual(existing.name, "Åsbro Intresseförening")  # not overwritten
        self.assertEqual(existing.memberships.get().status, Membership.Status.APPLIED)
        office_body = self.smtp.messages_to(self.network_a.contact_email)[0].get_body(("plain",))
        self.assertIn("Något helt annat", office_body.get_content())

    def test_the_same_name_in_the_same_municipality_is_the_same_organisation(self) -> None:
        existing = make_organisation(
            network=self.network_a, name="Åsbro byalag", municipality=self.lekeberg
        )

        self.post(name="BYALAGET  Åsbro", org_number="")

        self.assertEqual(
            Organisation.objects.filter(network=self.network_a, name_key="åsbro").count(), 1
        )
        self.assertTrue(existing.memberships.filter(status=Membership.Status.APPLIED).exists())

    def test_the_same_name_in_another_municipality_or_network_is_another_organisation(
        self,
    ) -> None:
        other = make_municipality(code="1880", name="Örebro", county=self.network_a.county)
        make_organisation(network=self.network_a, name="Åsbro byalag", municipality=other)
        make_organisation(network=self.network_b, name="Byalaget Åsbro", municipality=self.lekeberg)

        self.post(org_number="")

        self.assertEqual(Organisation.objects.filter(name_key="åsbro").count(), 3)

    def test_a_known_person_is_found_by_e_mail_and_not_changed(self) -> None:
        person = make_person(
            network=self.network_a, name="Astrid L.", email="astrid@example.org", phone=""
        )

        self.post()

        self.assertEqual(Person.objects.filter(network=self.network_a).count(), 2)  # + Cecilia
        person.refresh_from_db()
        self.assertEqual(person.name, "Astrid L.")
        self.assertTrue(person.engagements.filter(organisation__name="Byalaget Åsbro").exists())
        self.assertEqual(person.consents.count(), 1)

    def test_a_second_application_in_the_same_year_is_refused_clearly(self) -> None:
        existing = make_organisation(network=self.network_a, org_number="802412-3450")
        make_membership(organisation=existing, year=self.year, status=Membership.Status.ACTIVE)
        before = (Person.objects.count(), Consent.objects.count(), Membership.objects.count())

        response = self.post()

        self.assertEqual(response.status_code, 400)
        self.assertContains(response, existing.name, status_code=400)
        self.assertContains(response, str(self.year), status_code=400)
        self.assertEqual(
            (Person.objects.count(), Consent.objects.count(), Membership.objects.count()), before
        )
        self.assertEqual(self.smtp.messages, [])

    def test_a_bad_organisation_number_is_shown_on_its_field(self) -> None:
        response = self.post(org_number="802412-3451")

        self.assertEqual(response.status_code, 400)
        self.assertIn("org_number", response.context["form"].errors)
        self.assertFalse(Organisation.objects.filter(name="Byalaget Åsbro").exists())

    def test_the_consent_is_required(self) -> None:
        payload = self.payload()
        del payload["consent"]

        response = self.as_anonymous().post(reverse("members:join"), payload)

        self.assertEqual(response.status_code, 400)
        self.assertIn("consent", response.context["form"].errors)
        self.assertFalse(Person.objects.filter(email="astrid@example.org").exists())

    def test_a_filled_honeypot_is_refused(self) -> None:
        response = self.post(homepage="https://spam.example")

        self.assertEqual(response.status_code, 400)
        self.assertFalse(Organisation.objects.filter(name="Byalaget Åsbro").exists())
        self.assertEqual(self.smtp.messages, [])

    @override_settings(BYGDEBAS_RATE_LIMIT_POSTS=2)
    def test_the_form_is_rate_limited(self) -> None:
        statuses = [
            self.post(
                name=f"Byalaget {n}", org_number="", contact_email=f"p{n}@example.org"
            ).status_code
            for n in range(4)
        ]

        self.assertEqual(statuses, [302, 302, 429, 429])
        self.assertEqual(Membership.objects.filter(status=Membership.Status.APPLIED).count(), 2)

    def test_the_form_needs_the_csrf_token(self) -> None:
        client = Client(HTTP_HOST="a.test", enforce_csrf_checks=True)

        response = self.post(client=client)

        self.assertEqual(response.status_code, 403)
        self.assertFalse(Organisation.objects.filter(name="Byalaget Åsbro").exists())

    def test_a_failure_inside_saves_nothing_and_sends_nothing(self) -> None:
        before = (
            Organisation.objects.count(),
            Person.objects.count(),
            Engagement.objects.count(),
            Consent.objects.count(),
            Membership.objects.count(),
            AuditEntry.objects.count(),
        )
        with (
            mock.patch.object(
                services.registry, "record_consent", side_effect=RuntimeError("disk full")
            ),
            self.assertRaises(RuntimeError),
            self.captureOnCommitCallbacks(execute=True),
        ):
            self.as_anonymous().post(reverse("members:join"), self.payload())

        after = (
            Organisation.objects.count(),
            Person.objects.count(),
            Engagement.objects.count(),
            Consent.objects.count(),
            Membership.objects.count(),
            AuditEntry.objects.count(),
        )
        self.assertEqual(after, before)
        self.assertEqual(self.smtp.messages, [])

    def test_the_application_goes_to_the_network_of_the_host(self) -> None:
        self.post(client=self.as_user(None, self.network_b))

        organisation = Organisation.objects.get(name="Byalaget Åsbro")
        self.assertEqual(organisation.network, self.network_b)
        self.assertEqual(Person.objects.get(email="astrid@example.org").network, self.network_b)

    def test_the_thank_you_page(self) -> None:
        response = self.as_anonymous().get(reverse("members:join-done"))

        self.assertEqual(response.status_code, 200)
