"""The retention review of prospects' contact persons: who is due, erasure and the section on the
members app's retention page."""

from __future__ import annotations

import datetime
from typing import Any
from unittest import mock

from django.contrib.contenttypes.models import ContentType
from django.contrib.messages import get_messages
from django.test import TestCase, override_settings
from django.urls import reverse

from bygdebas.core.models import AuditEntry
from bygdebas.core.personal_data import retention_providers
from bygdebas.recruitment import services
from bygdebas.recruitment.models import Prospect, ProspectContact, Status
from bygdebas.testing import CastMixin, make_organisation

NOW = datetime.datetime(2025, 6, 15, 12, 0, tzinfo=datetime.UTC)
LONG_AGO = NOW - datetime.timedelta(days=3 * 365 + 5)  # just over three years
LATELY = NOW - datetime.timedelta(days=30)
PAGE = reverse("members:privacy-retention")
ERASE = reverse("members:privacy-retention-erase-records", args=["recruitment.prospects"])


class RetentionCase(CastMixin, TestCase):
    @classmethod
    def prospect(
        cls,
        name: str,
        *,
        status: str = Status.FOUND,
        updated: datetime.datetime = LONG_AGO,
        network: Any = None,
        **fields: Any,
    ) -> Prospect:
        fields.setdefault("contact_name", f"Kontakt för {name}")
        fields.setdefault("contact_email", f"{name.lower().replace(' ', '.')}@example.org")
        fields.setdefault("contact_phone", "070-111 22 33")
        network = network or cls.network_a
        if status == Status.MEMBER:
            fields["organisation"] = make_organisation(network=network, name=name)
            fields["converted_on"] = updated.date()
        prospect = Prospect.objects.create(network=network, name=name, status=status, **fields)
        Prospect.objects.filter(pk=prospect.pk).update(created_at=updated, updated_at=updated)
        prospect.refresh_from_db()
        return prospect

    @staticmethod
    def log(prospect: Prospect, at: datetime.datetime) -> ProspectContact:
        entry = ProspectContact.objects.create(
            prospect=prospect,
            kind=ProspectContact.Kind.NOTE,
            happened_on=at.date(),
            text="Ringde och pratade.",
        )
        ProspectContact.objects.filter(pk=entry.pk).update(created_at=at)
        return entry


class CandidateTests(RetentionCase):
    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        cls.prospect("Nej gammal", status=Status.DECLINED)
        cls.prospect("Nej nyss", status=Status.DECLINED, updated=LATELY)
        cls.prospect("Blev medlem", status=Status.MEMBER, updated=LATELY)
        cls.prospect("Öppen aktiv", status=Status.CONTACTED, updated=LATELY)
        cls.prospect("Öppen tyst", status=Status.MEETING)
        cls.log(cls.prospect("Öppen loggad nyss"), LATELY)
        cls.log(cls.prospect("Öppen loggad förr"), LONG_AGO)
        cls.prospect(
            "Nej utan kontakt",
            status=Status.DECLINED,
            contact_name="",
            contact_email="",
            contact_phone="",
        )
        cls.prospect(
            "Bara telefon",
            status=Status.DECLINED,
            contact_name="",
            contact_email="",
            contact_phone="070-999 88 77",
        )
        cls.prospect("B nej gammal", status=Status.DECLINED, network=cls.network_b)

    def candidates(self, **kwargs: Any) -> set[str]:
        kwargs.setdefault("now", NOW)
        return set(
            services.retention_candidates(self.network_a, **kwargs).values_list("name", flat=True)
        )

    def test_new_members_and_prospects_quiet_for_three_years_are_due(self) -> None:
        # A group that declined lately is kept, in case it is asked again.
        self.assertEqual(
            self.candidates(),
            {
                "Nej gammal",
                "Blev medlem",
                "Öppen tyst",
                "Öppen loggad förr",
                "Bara telefon",
            },
        )

    def test_a_longer_period_keeps_the_quiet_prospects_but_not_new_members(self) -> None:
        self.assertEqual(self.candidates(years=4), {"Blev medlem"})

    @override_settings(MEMBERS_RETENTION_YEARS=10)
    def test_the_period_is_the_members_setting(self) -> None:
        self.assertNotIn("Öppen tyst", self.candidates())
        self.assertIn("Öppen tyst", self.candidates(now=NOW.replace(year=2035)))

    def test_the_rows_say_when_the_prospect_was_last_active(self) -> None:
        from bygdebas.recruitment.privacy import retention_rows

        rows = retention_rows(network=self.network_a, now=NOW, years=3)
        by_name = {row.cells[0]: row for row in rows}
        self.assertEqual(set(by_name), self.candidates())
        self.assertEqual(by_name["Nej gammal"].last_activity_at, LONG_AGO)
        self.assertEqual(by_name["Blev medlem"].last_activity_at, LATELY)
        self.assertEqual(by_name["Nej gammal"].cells[1:], ("Kontakt för Nej gammal", "Tackade nej"))
        # Without a name, the row names the contact by what is left of it.
        self.assertEqual(by_name["Bara telefon"].cells[1], "070-999 88 77")
        # The least recently active first.
        self.assertEqual(rows[0].last_activity_at, LONG_AGO)


class EraseTests(RetentionCase):
    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        cls.declined = services.save_prospect(
            network=cls.network_a,
            actor=cls.bertil,
            name="Byalaget i Berga",
            contact_name="Olle Olsson",
            contact_email="olle@example.org",
            contact_phone="070-123 45 67",
            notes="Vill inte just nu.",
        )
        services.save_prospect(
            network=cls.network_a,
            actor=cls.bertil,
            prospect=cls.declined,
            contact_phone="070-765 43 21",
        )
        Prospect.objects.filter(pk=cls.declined.pk).update(
            status=Status.DECLINED, updated_at=LONG_AGO
        )
        cls.log(cls.declined, LONG_AGO)
        cls.quiet = cls.prospect("Tyst grupp", status=Status.CONTACTED)
        cls.active = cls.prospect("Aktiv grupp", status=Status.CONTACTED, updated=LATELY)
        cls.in_b = cls.prospect("B grupp", status=Status.DECLINED, network=cls.network_b)

    def erase(self, *prospects: Prospect) -> int:
        return services.erase_contacts(
            network=self.network_a,
            prospects=[prospect.pk for prospect in prospects],
            actor=self.anna,
            now=NOW,
        )

    def test_it_blanks_the_contact_fields_and_nothing_else(self) -> None:
        def state(prospect: Prospect) -> dict[str, Any]:
            return Prospect.objects.filter(pk=prospect.pk).values().get()

        before = state(self.declined)
        contacts = list(self.declined.contacts.values())

        self.assertEqual(self.erase(self.declined), 1)

        after = state(self.declined)
        self.assertEqual(
            after,
            before | {"contact_name": "", "contact_email": "", "contact_phone": ""},
        )
        self.assertEqual(list(self.declined.contacts.values()), contacts)
        # Prospects not chosen are untouched.
        self.quiet.refresh_from_db()
        self.assertEqual(self.quiet.contact_name, "Kontakt för Tyst grupp")

    def test_it_skips_what_is_no_longer_due_or_not_this_networks(self) -> None:
        due = services.retention_candidates(self.network_a, now=NOW)
        self.assertEqual(set(due), {self.declined, self.quiet})
        # Between listing and erasing, someone logs a call with the quiet group.
        self.log(self.quiet, NOW - datetime.timedelta(hours=1))

        self.assertEqual(self.erase(self.declined, self.quiet, self.active, self.in_b), 1)

        for prospect in (self.quiet, self.active, self.in_b):
            prospect.refresh_from_db()
            self.assertNotEqual(prospect.contact_email, "", prospect.name)
        self.declined.refresh_from_db()
        self.assertEqual(self.declined.contact_email, "")

    def test_a_reopened_prospect_is_skipped(self) -> None:
        services.move_prospect(
            prospect=self.declined, status=Status.CONTACTED, reason="De ångrade sig."
        )
        self.assertEqual(self.erase(self.declined), 0)
        self.declined.refresh_from_db()
        self.assertEqual(self.declined.contact_name, "Olle Olsson")

    def test_it_logs_the_erasure_and_scrubs_the_old_values_from_the_log(self) -> None:
        entries = AuditEntry.objects.filter(
            content_type=ContentType.objects.get_for_model(Prospect),
            object_id=str(self.declined.pk),
        )
        self.assertIn("olle@example.org", str(list(entries.values_list("changes", flat=True))))

        self.erase(self.declined)

        erased = entries.get(verb="prospect.contact_erased")
        self.assertEqual((erased.actor, erased.network), (self.anna, self.network_a))
        self.assertEqual(
            erased.changes,
            {"contact_name": ["…", ""], "contact_email": ["…", ""], "contact_phone": ["…", ""]},
        )
        changed = entries.get(verb="prospect.changed")
        self.assertEqual(changed.changes, {"contact_phone": ["…", "…"]})
        everything = str(list(entries.values_list("changes", "object_repr")))
        for value in ("Olle", "olle@example.org", "070-123 45 67", "070-765 43 21"):
            self.assertNotIn(value, everything)
        # What was done, and to which group, stays.
        self.assertEqual(
            sorted(entries.values_list("verb", flat=True)),
            ["prospect.changed", "prospect.contact_erased", "prospect.created"],
        )

    def test_nothing_is_logged_when_nothing_is_due(self) -> None:
        before = AuditEntry.objects.count()
        self.assertEqual(self.erase(self.active), 0)
        self.assertEqual(AuditEntry.objects.count(), before)


@mock.patch("django.utils.timezone.now", return_value=NOW)
class RetentionPageTests(RetentionCase):
    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        cls.declined = cls.prospect(
            "Byalaget i Berga", status=Status.DECLINED, contact_name="Olle Olsson"
        )
        cls.quiet = cls.prospect("Tyst grupp", status=Status.FOUND, contact_name="Tilda Tyst")
        cls.active = cls.prospect(
            "Aktiv grupp", status=Status.CONTACTED, updated=LATELY, contact_name="Aktiva Anders"
        )
        cls.in_b = cls.prospect(
            "B grupp", status=Status.DECLINED, network=cls.network_b, contact_name="Bengt i B"
        )

    def test_the_page_lists_the_prospects_due(self, _now: Any) -> None:
        response = self.as_anna().get(PAGE)
        self.assertContains(response, f'action="{ERASE}"')
        self.assertContains(response, "Olle Olsson")
        self.assertContains(response, "Byalaget i Berga")
        self.assertContains(response, "Tilda Tyst")
        self.assertContains(response, f'name="records" value="{self.quiet.pk}"')
        self.assertNotContains(response, "Aktiva Anders")
        self.assertNotContains(response, "Bengt i B")
        [section] = [
            s for s in response.context["sections"] if s.provider.key == "recruitment.prospects"
        ]
        self.assertEqual([row.pk for row in section.rows], [self.declined.pk, self.quiet.pk])

    def test_the_admin_erases_the_chosen_contacts(self, _now: Any) -> None:
        response = self.as_anna().post(
            ERASE, {"records": [self.declined.pk, self.active.pk, self.in_b.pk]}
        )
        self.assertRedirects(response, PAGE, fetch_redirect_response=False)
        self.assertEqual(
            set(Prospect.objects.filter(contact_name="").values_list("pk", flat=True)),
            {self.declined.pk},
        )
        [message] = get_messages(response.wsgi_request)
        self.assertIn(": 1.", str(message))
        self.assertNotContains(self.as_anna().get(PAGE), "Olle Olsson")

    def test_choosing_nothing_erases_nothing(self, _now: Any) -> None:
        response = self.as_anna().post(ERASE, {})
        self.assertRedirects(response, PAGE, fetch_redirect_response=False)
        self.assertEqual(Prospect.objects.filter(contact_name="").count(), 0)
        [message] = get_messages(response.wsgi_request)
        self.assertEqual(message.level_tag, "error")

    def test_an_unknown_section_is_404(self, _now: Any) -> None:
        url = reverse("members:privacy-retention-erase-records", args=["nothing.here"])
        self.assertEqual(self.as_anna().post(url, {"records": [1]}).status_code, 404)

    def test_only_administrators_erase(self, _now: Any) -> None:
        data = {"records": [self.declined.pk]}
        for client in (
            self.as_bertil(),
            self.as_sara(),
            self.as_cecilia(),
            self.as_user(self.david, self.network_a),
        ):
            self.assertEqual(client.post(ERASE, data).status_code, 403)
        response = self.as_anonymous().post(ERASE, data)
        self.assertEqual(response.status_code, 302)
        self.assertTrue(response["Location"].startswith(reverse("core:login")))
        self.assertEqual(self.as_anonymous().get(PAGE).status_code, 302)
        self.assertEqual(self.as_bertil().get(PAGE).status_code, 403)
        self.declined.refresh_from_db()
        self.assertEqual(self.declined.contact_name, "Olle Olsson")

    def test_the_outsider_neither_sees_nor_erases_network_a(self, _now: Any) -> None:
        # David is staff in B, not an administrator: 403 on his own host too.
        self.assertEqual(self.as_david().get(PAGE).status_code, 403)
        self.assertEqual(
            self.as_david().post(ERASE, {"records": [self.declined.pk]}).status_code, 403
        )
        # B's administrator on B's host cannot erase A's prospects by their ids.
        from bygdebas.core.models import Role
        from bygdebas.testing import make_user

        b_admin = make_user(email="admin@b.test", role=Role.Kind.ADMIN, network=self.network_b)
        client = self.as_user(b_admin, self.network_b)
        page = client.get(PAGE)
        self.assertContains(page, "Bengt i B")
        self.assertNotContains(page, "Olle Olsson")
        client.post(ERASE, {"records": [self.declined.pk, self.quiet.pk]})
        self.assertEqual(Prospect.objects.filter(contact_name="").count(), 0)

    def test_the_query_count_does_not_grow_with_the_rows(self, _now: Any) -> None:
        client = self.as_anna()
        client.get(PAGE)
        # Network, session, user, role; the count of registry people due (none, so no page);
        # then one query per app's retention review: the prospects due with their last activity
        # in one query (and each other installed app's records due, one query each).
        with self.assertNumQueries(5 + len(retention_providers())) as few:
            client.get(PAGE)
        for i in range(15):
            prospect = self.prospect(f"Grupp {i}", status=Status.DECLINED)
            self.log(prospect, LONG_AGO)
        with self.assertNumQueries(len(few.captured_queries)):
            response = client.get(PAGE)
        [section] = [
            s for s in response.context["sections"] if s.provider.key == "recruitment.prospects"
        ]
        self.assertEqual(len(section.rows), 17)
