"""Data protection: consents, the register extract, erasure, retention and the audit log."""

from __future__ import annotations

import datetime
import io
import json
from typing import Any
from unittest import mock

from django.core.management import call_command
from django.db import connection
from django.test import TestCase, override_settings
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from bygdebas.core import personal_data
from bygdebas.core.models import AuditEntry, Role
from bygdebas.core.services import record_audit
from bygdebas.events.models import Registration
from bygdebas.members.models import Consent, Engagement, Membership, Organisation, Person
from bygdebas.members.services import privacy, registry
from bygdebas.testing import (
    CastMixin,
    make_engagement,
    make_event,
    make_membership,
    make_organisation,
    make_person,
    make_registration,
    make_user,
    sv,
    sv_plural,
)


def url(name: str, *args: int) -> str:
    return reverse(f"members:{name}", args=args)


class PersonPrivacyTests(CastMixin, TestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        cls.person = registry.create_person(
            network=cls.network_a,
            actor=cls.bertil,
            source=AuditEntry.Source.FORM,
            name="Greta Gransson-Unik",
            email="greta.unik@by.se",
            phone="070-123 45 67",
            birth_year=1990,
        )
        registry.add_engagement(
            person=cls.person,
            organisation=cls.cecilia_org,
            role=Engagement.Role.CHAIR,
            actor=cls.bertil,
            source=AuditEntry.Source.FORM,
        )
        cls.consent = registry.record_consent(
            person=cls.person,
            purpose="Nyhetsbrev",
            text="Jag vill få nyhetsbrevet – Greta-samtyckestext",
            source=Consent.Source.JOIN_FORM,
            source_detail="Ansökan från Gretas gård",
        )
        cls.event = make_event(network=cls.network_a, title="Bygdestämma")
        cls.registration = make_registration(
            event=cls.event,
            name="Greta G",
            email="Greta.Unik@by.se",
            organisation="Cecilias byalag",
            answers={"Kost": "Gretas specialkost"},
        )
        other_event = make_event(network=cls.network_b, title="B-stämma")
        cls.other_registration = make_registration(
            event=other_event, name="Greta i B", email="greta.unik@by.se"
        )

    def test_the_page_shows_legal_basis_consents_and_for_admins_the_log(self) -> None:
        page = self.as_anna().get(url("privacy-person", self.person.pk))
        self.assertContains(page, "Nyhetsbrev")
        self.assertContains(page, sv("Person created"))
        staff_page = self.as_bertil().get(url("privacy-person", self.person.pk))
        self.assertContains(staff_page, "Nyhetsbrev")
        self.assertNotContains(staff_page, sv("Person created"))

    def test_staff_record_and_withdraw_a_consent_audited(self) -> None:
        response = self.as_bertil().post(
            url("privacy-consent-add", self.person.pk),
            {"purpose": "Foton på webben", "source_detail": "Papper på årsmötet"},
        )
        self.assertRedirects(response, url("privacy-person", self.person.pk))
        consent = self.person.consents.get(purpose="Foton på webben")
        self.assertEqual(consent.source, Consent.Source.STAFF)
        self.as_bertil().post(url("privacy-consent-withdraw", consent.pk))
        consent.refresh_from_db()
        self.assertIsNotNone(consent.withdrawn_at)
        verbs = list(
            AuditEntry.objects.filter(object_id=str(self.person.pk), actor=self.bertil)
            .order_by("pk")
            .values_list("verb", flat=True)
        )
        self.assertEqual(verbs[-2:], ["person.consent", "person.consent_withdrawn"])
        # Withdrawing twice changes nothing.
        self.as_bertil().post(url("privacy-consent-withdraw", consent.pk))
        self.assertEqual(AuditEntry.objects.filter(verb="person.consent_withdrawn").count(), 1)

    def test_an_empty_consent_is_refused(self) -> None:
        response = self.as_bertil().post(url("privacy-consent-add", self.person.pk), {})
        self.assertEqual(response.status_code, 400)
        self.assertEqual(self.person.consents.count(), 1)

    def test_the_legal_basis_is_changed_audited(self) -> None:
        self.as_bertil().post(
            url("privacy-legal-basis", self.person.pk), {"legal_basis": "contract"}
        )
        self.person.refresh_from_db()
        self.assertEqual(self.person.legal_basis, Person.LegalBasis.CONTRACT)
        entry = AuditEntry.objects.filter(verb="person.changed").get()
        self.assertEqual(entry.changes, {"legal_basis": ["consent", "contract"]})

    def test_the_extract_holds_everything_about_the_person(self) -> None:
        response = self.as_bertil().get(url("privacy-extract-json", self.person.pk))
        self.assertIn("attachment", response["Content-Disposition"])
        data = json.loads(response.content)
        self.assertEqual(data["person"]["name"], "Greta Gransson-Unik")
        self.assertEqual(data["person"]["email"], "greta.unik@by.se")
        self.assertEqual(data["person"]["birth_year"], 1990)
        self.assertEqual(data["person"]["legal_basis"], "consent")
        self.assertEqual(data["roles_in_organisations"][0]["organisation"], "Cecilias byalag")
        self.assertEqual(data["roles_in_organisations"][0]["role"], "chair")
        self.assertEqual(data["consents"][0]["purpose"], "Nyhetsbrev")
        self.assertEqual(data["consents"][0]["source"], "join_form")
        # Registrations in this network by the same address, whatever its case; not B's.
        [registration] = data["event_registrations"]
        self.assertEqual(registration["event"], "Bygdestämma")
        self.assertEqual(registration["answers"], {"Kost": "Gretas specialkost"})
        self.assertEqual(
            [entry["what"] for entry in data["audit_log"]],
            ["person.created", "person.role_added", "person.consent"],
        )
        self.assertIsNone(data["login"])

    def test_the_extract_pdf_parses_and_names_the_person(self) -> None:
        response = self.as_anna().get(url("privacy-extract-pdf", self.person.pk))
        self.assertEqual(response["Content-Type"], "application/pdf")
        reader = PdfReader(io.BytesIO(response.content))
        text = " ".join(page.extract_text() for page in reader.pages)
        self.assertIn("Greta Gransson-Unik", text)
        self.assertIn("Bygdestämma", text)

    def dump(self) -> str:
        out = io.StringIO()
        call_command("dumpdata", stdout=out, exclude=["contenttypes", "auth.permission"])
        return out.getvalue()

    def test_erasure_removes_every_personal_string_and_keeps_the_counts(self) -> None:
        user = make_user(email="greta.unik@by.se", first_name="Greta-login")
        Role.objects.create(user=user, network=self.network_a, kind=Role.Kind.CONTACT)
        self.person.user = user
        self.person.save()
        registry.update_person(
            person=self.person, actor=self.bertil, source="form", phone="070-765 43 21"
        )
        personal = [
            "Greta Gransson-Unik",
            "greta.unik",
            "Greta.Unik",
            "0701234567",
            "070-123 45 67",
            "0707654321",
            "1990",
            "Greta-samtyckestext",
            "Gretas gård",
            "Gretas specialkost",
            "Greta G",
            "Greta-login",
        ]
        before_dump = self.dump()
        for text in ("Greta Gransson-Unik", "Gretas specialkost", "Greta-login"):
            self.assertIn(text, before_dump)
        counts = (
            Organisation.objects.count(),
            Membership.objects.count(),
            Engagement.objects.count(),
            Person.objects.count(),
            Registration.objects.count(),
        )

        response = self.as_anna().post(url("privacy-erase", self.person.pk))
        self.assertRedirects(response, url("privacy-person", self.person.pk))

        # Another network's registration by the same address is not this network's to erase.
        self.other_registration.refresh_from_db()
        self.assertEqual(self.other_registration.email, "greta.unik@by.se")
        self.other_registration.delete()
        dump = self.dump()
        for text in personal:
            with self.subTest(text=text):
                self.assertNotIn(text, dump)
        self.assertEqual(
            counts,
            (
                Organisation.objects.count(),
                Membership.objects.count(),
                Engagement.objects.count(),
                Person.objects.count(),
                Registration.objects.count() + 1,
            ),
        )
        self.person.refresh_from_db()
        self.assertIsNotNone(self.person.erased_at)
        self.assertEqual(self.person.name, privacy.erased_name())
        self.assertEqual(self.person.engagements.get().role, Engagement.Role.CHAIR)
        self.assertEqual(self.person.consents.get().purpose, "Nyhetsbrev")
        user.refresh_from_db()
        self.assertFalse(user.is_active)
        self.assertFalse(Role.objects.filter(user=user).exists())
        entry = AuditEntry.objects.get(verb="person.erased")
        self.assertEqual(entry.changes, {})
        self.assertEqual(entry.actor, self.anna)

    def test_erasing_a_staff_members_person_keeps_their_login(self) -> None:
        self.person.user = self.bertil
        self.person.save()
        privacy.erase_person(person=self.person, actor=self.anna)
        self.bertil.refresh_from_db()
        self.assertTrue(self.bertil.is_active)
        self.assertEqual(self.bertil.email, "bertil@a.test")
        self.assertEqual(
            Role.objects.get(user=self.bertil, network=self.network_a).kind, Role.Kind.STAFF
        )

    def test_erasing_twice_is_refused(self) -> None:
        privacy.erase_person(person=self.person, actor=self.anna)
        response = self.as_anna().post(url("privacy-erase", self.person.pk))
        self.assertEqual(response.status_code, 302)
        self.assertEqual(AuditEntry.objects.filter(verb="person.erased").count(), 1)

    def test_the_confirmation_page_says_what_happens(self) -> None:
        page = self.as_anna().get(url("privacy-erase", self.person.pk))
        self.assertContains(page, "Greta Gransson-Unik")
        # Told by the events app through the personal-data registry: A's one registration.
        self.assertContains(
            page,
            sv_plural(
                "%(n)s event registration with the same address is anonymised.",
                "%(n)s event registrations with the same address are anonymised.",
                1,
                n=1,
            ),
        )
        self.assertEqual(self.person.erased_at, None)


class PersonalDataRegistryTests(CastMixin, TestCase):
    """An app's records reach the extract and erasure through core.personal_data only."""

    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        cls.person = make_person(network=cls.network_a, name="Hugo Hult", email="hugo@by.se")

    def register(self, **options: object) -> list[tuple[str, str]]:
        """Register a notes app for the test; the (name, e-mail) of each person it erased."""
        erased: list[tuple[str, str]] = []

        def erase(subject: Any) -> int:
            erased.append((subject.name, subject.email))
            return 1

        patcher = mock.patch.dict(personal_data._providers)
        patcher.start()
        self.addCleanup(patcher.stop)
        personal_data.register_personal_data(
            "zz.notes",
            label="Anteckningar",
            extract=lambda subject: [{"note": f"Om {subject.email}"}],
            erase=erase,
            describe_erasure=lambda subject: "1 anteckning raderas.",
            **options,
        )
        return erased

    def test_its_rows_are_in_the_extract_under_other_records(self) -> None:
        self.register()
        data = privacy.extract_data(self.person)
        self.assertEqual(
            data["other_records"]["zz.notes"],
            {"label": "Anteckningar", "rows": [{"note": "Om hugo@by.se"}]},
        )
        # The events app asked for a section of its own; it stays where it always was.
        self.assertEqual(data["event_registrations"], [])
        self.assertNotIn("events.registrations", data["other_records"])

    def test_a_section_gives_them_a_key_of_their_own(self) -> None:
        self.register(section="notes")
        data = privacy.extract_data(self.person)
        self.assertEqual(data["notes"], [{"note": "Om hugo@by.se"}])
        self.assertNotIn("zz.notes", data["other_records"])

    def test_the_pdf_shows_them_under_the_apps_label(self) -> None:
        self.register()
        text = " ".join(
            page.extract_text()
            for page in PdfReader(io.BytesIO(privacy.render_extract_pdf(self.person))).pages
        )
        self.assertIn("Anteckningar", text)
        self.assertIn("Om hugo@by.se", text)

    def test_erasure_asks_the_app_first_and_the_page_says_what_it_does(self) -> None:
        erased = self.register()
        page = self.as_anna().get(url("privacy-erase", self.person.pk))
        self.assertContains(page, "<li>1 anteckning raderas.</li>", html=True)
        self.as_anna().post(url("privacy-erase", self.person.pk))
        # The app saw the person while they still had their name and address.
        self.assertEqual(erased, [("Hugo Hult", "hugo@by.se")])
        self.person.refresh_from_db()
        self.assertIsNotNone(self.person.erased_at)


class RetentionTests(CastMixin, TestCase):
    NOW = datetime.datetime(2025, 6, 15, 12, 0, tzinfo=datetime.UTC)

    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        cls.org_recent = make_organisation(network=cls.network_a, name="Aktiva byn")
        make_membership(organisation=cls.org_recent, year=2023)  # 2025 - 3 + 1: kept
        cls.org_old = make_organisation(network=cls.network_a, name="Gamla byn")
        make_membership(organisation=cls.org_old, year=2022)  # just outside three years
        make_membership(organisation=cls.org_recent, year=2020, status=Membership.Status.LAPSED)
        cls.in_recent = cls.old_person("Aktiv Person", cls.org_recent)
        cls.in_old = cls.old_person("Gammal Person", cls.org_old)
        cls.no_org = cls.old_person("Ensam Person", None)
        cls.changed_recently = cls.old_person(
            "Nyligen Ändrad", None, updated=cls.NOW - datetime.timedelta(days=3 * 365 - 5)
        )
        cls.erased = cls.old_person("Raderad", None)
        Person.objects.filter(pk=cls.erased.pk).update(erased_at=cls.NOW)
        cls.in_b = make_person(network=cls.network_b, name="B Person")
        Person.objects.filter(pk=cls.in_b.pk).update(
            created_at=cls.NOW.replace(year=2015), updated_at=cls.NOW.replace(year=2015)
        )

    @classmethod
    def old_person(
        cls,
        name: str,
        organisation: Organisation | None,
        updated: datetime.datetime | None = None,
    ) -> Person:
        person = make_person(network=cls.network_a, name=name)
        if organisation is not None:
            make_engagement(person=person, organisation=organisation)
        long_ago = cls.NOW - datetime.timedelta(days=3 * 365 + 5)
        Person.objects.filter(pk=person.pk).update(
            created_at=long_ago, updated_at=updated or long_ago
        )
        return person

    def candidates(self, **kwargs: object) -> set[str]:
        kwargs.setdefault("now", self.NOW)
        return set(
            privacy.retention_candidates(self.network_a, **kwargs).values_list("name", flat=True)
        )

    def test_the_boundary_of_three_years(self) -> None:
        self.assertEqual(self.candidates(), {"Gammal Person", "Ensam Person"})

    def test_a_longer_period_keeps_more(self) -> None:
        self.assertEqual(self.candidates(years=4), set())
        self.assertEqual(
            self.candidates(now=self.NOW.replace(year=2026), years=4),
            {"Gammal Person", "Ensam Person"},
        )

    @override_settings(MEMBERS_RETENTION_YEARS=2)
    def test_the_period_is_a_setting(self) -> None:
        self.assertEqual(privacy.retention_years(), 2)
        self.assertEqual(
            self.candidates(),
            {"Aktiv Person", "Gammal Person", "Ensam Person", "Nyligen Ändrad"},
        )

    def test_the_page_lists_and_the_admin_erases_the_chosen(self) -> None:
        with mock.patch("django.utils.timezone.now", return_value=self.NOW):
            page = self.as_anna().get(url("privacy-retention"))
            self.assertContains(page, "Gammal Person")
            self.assertNotContains(page, "Aktiv Person")
            response = self.as_anna().post(
                url("privacy-retention-erase"),
                {"people": [self.in_old.pk, self.in_recent.pk, self.in_b.pk]},
            )
        self.assertRedirects(response, url("privacy-retention"), fetch_redirect_response=False)
        self.assertEqual(
            set(Person.objects.filter(erased_at__isnull=False).values_list("pk", flat=True)),
            {self.in_old.pk, self.erased.pk},
        )


class AuditLogTests(CastMixin, TestCase):
    def test_it_lists_and_filters_the_networks_entries(self) -> None:
        person = make_person(network=self.network_a, name="Loggad Person")
        other = make_person(network=self.network_a, name="Annan Person")
        record_audit(network=self.network_a, actor=self.bertil, verb="person.changed", obj=person)
        record_audit(
            network=self.network_a,
            actor=None,
            verb="person.created",
            obj=other,
            source=AuditEntry.Source.SELF_SERVICE,
        )
        record_audit(network=self.network_b, actor=self.david, verb="person.changed", obj=person)
        client = self.as_anna()
        page = client.get(url("privacy-audit-log"))
        self.assertContains(page, "Loggad Person")
        self.assertContains(page, "Annan Person")
        self.assertEqual(len(page.context["page"].object_list), 2)
        filtered = client.get(url("privacy-audit-log"), {"person": person.pk})
        self.assertEqual([e.object_repr for e in filtered.context["page"]], ["Loggad Person"])
        by_source = client.get(url("privacy-audit-log"), {"source": "self_service"})
        self.assertEqual([e.object_repr for e in by_source.context["page"]], ["Annan Person"])
        today = timezone.localdate()
        by_date = client.get(
            url("privacy-audit-log"),
            {"since": (today + datetime.timedelta(days=1)).isoformat()},
        )
        self.assertEqual(list(by_date.context["page"]), [])

    def test_only_administrators_see_it(self) -> None:
        self.assertEqual(self.as_bertil().get(url("privacy-audit-log")).status_code, 403)
        self.assertEqual(self.as_sara().get(url("privacy-audit-log")).status_code, 403)
        self.assertEqual(self.as_cecilia().get(url("privacy-audit-log")).status_code, 403)

    def test_the_query_count_is_flat(self) -> None:
        def count(n: int) -> int:
            for _ in range(n):
                user = make_user()
                person = make_person(network=self.network_a)
                record_audit(network=self.network_a, actor=user, verb="person.changed", obj=person)
            client = self.as_anna()
            with CaptureQueriesContext(connection) as queries:
                self.assertEqual(client.get(url("privacy-audit-log")).status_code, 200)
            return len(queries)

        self.assertEqual(count(3), count(9))
