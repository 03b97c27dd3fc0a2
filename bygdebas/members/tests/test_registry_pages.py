"""Organisation and person pages: creating, editing, roles, history and what the detail page shows."""

from __future__ import annotations

from django.contrib.contenttypes.models import ContentType
from django.test import TestCase
from django.urls import reverse

from bygdebas.core.models import AuditEntry
from bygdebas.members.models import Engagement, Membership, Organisation, Person
from bygdebas.members.normalise import normalise_phone
from bygdebas.plan.models import Action
from bygdebas.testing import (
    CastMixin,
    make_action,
    make_engagement,
    make_membership,
    make_municipality,
    make_organisation,
    make_person,
    messages_of,
    sv,
)

CREATE = reverse("members:organisation-create")


def org_form(**overrides: str) -> dict[str, str]:
    data = {
        "name": "Hjulsjö byalag",
        "kind": "village",
        "org_number": "8024123450",
        "locality": "Hjulsjö",
        "latitude": "59.78",
        "longitude": "14.52",
        "email": "Info@Hjulsjo.example.org",
        "phone": "0701234567",
        "founded_year": "1987",
        "tag_names": "bygdegård, ungdom, bygdegård",
    }
    data.update(overrides)
    return data


class OrganisationFormTests(CastMixin, TestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        cls.hallefors = make_municipality(code="1863", name="Hällefors")

    def test_staff_create_an_organisation_with_normalised_values_and_tags(self) -> None:
        response = self.as_bertil().post(CREATE, org_form(municipality=str(self.hallefors.pk)))

        organisation = Organisation.objects.get(name="Hjulsjö byalag")
        self.assertRedirects(
            response, reverse("members:organisation-detail", args=[organisation.pk])
        )
        self.assertEqual(organisation.network, self.network_a)
        self.assertEqual(organisation.org_number, "802412-3450")
        self.assertEqual(organisation.phone, normalise_phone("070-1234567"))
        self.assertEqual(organisation.email, "info@hjulsjo.example.org")
        self.assertEqual(organisation.municipality, self.hallefors)
        self.assertEqual((organisation.latitude, organisation.longitude), (59.78, 14.52))
        self.assertEqual(sorted(t.name for t in organisation.tags.all()), ["bygdegård", "ungdom"])
        entry = AuditEntry.objects.get(verb="organisation.created")
        self.assertEqual(entry.actor, self.bertil)
        self.assertEqual(messages_of(response), [sv("The organisation was saved.")])

    def test_a_bad_check_digit_is_shown_on_the_field_and_nothing_is_saved(self) -> None:
        response = self.as_bertil().post(CREATE, org_form(org_number="802412-3458"))

        self.assertEqual(response.status_code, 400)
        self.assertIn("org_number", response.context["form"].errors)
        self.assertFalse(Organisation.objects.filter(name="Hjulsjö byalag").exists())

    def test_a_phone_that_is_not_swedish_is_an_error(self) -> None:
        response = self.as_bertil().post(CREATE, org_form(phone="12"))
        self.assertIn("phone", response.context["form"].errors)

    def test_a_position_needs_both_coordinates(self) -> None:
        response = self.as_bertil().post(CREATE, org_form(longitude=""))

        self.assertEqual(response.status_code, 400)
        self.assertTrue(response.context["form"].non_field_errors())

    def test_an_organisation_number_already_in_the_network_is_an_error(self) -> None:
        make_organisation(network=self.network_a, name="Annan", org_number="802412-3450")
        response = self.as_bertil().post(CREATE, org_form())

        self.assertEqual(response.status_code, 400)
        self.assertTrue(response.context["form"].errors)
        self.assertEqual(Organisation.objects.filter(org_number="802412-3450").count(), 1)

    def test_the_same_organisation_number_in_another_network_is_fine(self) -> None:
        make_organisation(network=self.network_b, name="B", org_number="802412-3450")
        response = self.as_bertil().post(CREATE, org_form())
        self.assertEqual(response.status_code, 302)

    def test_editing_audits_what_changed_and_replaces_the_tags(self) -> None:
        organisation = make_organisation(network=self.network_a, name="Sikfors byalag")
        url = reverse("members:organisation-edit", args=[organisation.pk])
        form = self.as_bertil().get(url).context["form"]
        self.assertEqual(form.initial["name"], "Sikfors byalag")

        response = self.as_anna().post(
            url, org_form(name="Sikfors bygdeförening", tag_names="fiber")
        )

        self.assertEqual(response.status_code, 302)
        organisation.refresh_from_db()
        self.assertEqual(organisation.name, "Sikfors bygdeförening")
        self.assertEqual([t.name for t in organisation.tags.all()], ["fiber"])
        entry = AuditEntry.objects.get(verb="organisation.changed")
        self.assertEqual(entry.changes["name"], ["Sikfors byalag", "Sikfors bygdeförening"])
        self.assertEqual(entry.actor, self.anna)

    def test_another_networks_organisation_is_404(self) -> None:
        other = make_organisation(network=self.network_b)
        for name in ("members:organisation-detail", "members:organisation-edit"):
            response = self.as_bertil().get(reverse(name, args=[other.pk]))
            self.assertEqual(response.status_code, 404)


class OrganisationDetailTests(CastMixin, TestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        cls.org = make_organisation(network=cls.network_a, name="Gyttorps byalag")
        cls.chair = make_person(
            network=cls.network_a, name="Olle Ordförande", email="olle@example.org"
        )
        cls.engagement = make_engagement(person=cls.chair, organisation=cls.org, role="chair")
        erased = make_person(network=cls.network_a, name="Borttagen", email="")
        Person.objects.filter(pk=erased.pk).update(erased_at=cls.org.created_at)
        make_engagement(person=erased, organisation=cls.org, role="board")
        make_membership(organisation=cls.org, year=2024, status=Membership.Status.ACTIVE)
        make_membership(organisation=cls.org, year=2025, status=Membership.Status.LAPSED)
        cls.action = make_action(network=cls.network_a, title="Besök hos Gyttorps byalag")
        Action.objects.filter(pk=cls.action.pk).update(
            source_type=ContentType.objects.get_for_model(Organisation), source_id=str(cls.org.pk)
        )
        make_action(network=cls.network_a, title="Något annat")
        cls.url = reverse("members:organisation-detail", args=[cls.org.pk])

    def test_it_shows_people_history_and_the_organisations_actions(self) -> None:
        response = self.as_sara().get(self.url)

        self.assertContains(response, "Olle Ordförande")
        self.assertNotContains(response, "Borttagen")
        self.assertEqual([m.year for m in response.context["memberships"]], [2025, 2024])
        self.assertEqual(list(response.context["actions"]), [self.action])
        self.assertNotContains(response, "Något annat")
        # The board reads; it does not get the forms that change.
        self.assertNotContains(response, reverse("members:engagement-add", args=[self.org.pk]))

    def test_staff_get_the_membership_actions_in_the_history(self) -> None:
        applied = make_membership(
            organisation=self.org, year=2026, status=Membership.Status.APPLIED
        )

        response = self.as_bertil().get(self.url)

        self.assertContains(response, reverse("members:membership-approve", args=[applied.pk]))
        self.assertContains(response, reverse("members:membership-decline", args=[applied.pk]))
        self.assertContains(response, reverse("members:membership-edit", args=[applied.pk]))
        self.assertContains(
            response, f"{reverse('members:membership-create')}?organisation={self.org.pk}"
        )

    def test_the_board_reads_the_history_without_its_actions(self) -> None:
        applied = make_membership(
            organisation=self.org, year=2026, status=Membership.Status.APPLIED
        )

        response = self.as_sara().get(self.url)

        self.assertContains(response, "2026")
        self.assertNotContains(response, reverse("members:membership-approve", args=[applied.pk]))
        self.assertNotContains(response, reverse("members:membership-create"))

    def test_the_query_count_does_not_grow_with_people_and_years(self) -> None:
        client = self.as_bertil()
        client.get(self.url)
        # One query more for each app that registers rows standing for an organisation.
        from bygdebas.members import organisation_sources

        sources = len(organisation_sources._sources)
        with self.assertNumQueries(9 + sources) as small:
            client.get(self.url)
        for year in range(2010, 2020):
            make_membership(organisation=self.org, year=year, status=Membership.Status.APPLIED)
            person = make_person(network=self.network_a)
            make_engagement(person=person, organisation=self.org, role="board")
        with self.assertNumQueries(len(small.captured_queries)):
            client.get(self.url)

    def test_staff_add_a_role_for_a_person_found_by_email(self) -> None:
        person = make_person(network=self.network_a, name="Kassör Karin", email="karin@example.org")
        response = self.as_bertil().post(
            reverse("members:engagement-add", args=[self.org.pk]),
            {"email": "KARIN@example.org", "role": "treasurer"},
        )

        self.assertRedirects(response, self.url)
        self.assertTrue(
            Engagement.objects.filter(
                person=person, organisation=self.org, role="treasurer"
            ).exists()
        )
        self.assertTrue(AuditEntry.objects.filter(verb="person.role_added").exists())

    def test_an_unknown_email_or_another_networks_person_is_an_error(self) -> None:
        make_person(network=self.network_b, email="b@example.org")
        for email in ("nobody@example.org", "b@example.org"):
            response = self.as_bertil().post(
                reverse("members:engagement-add", args=[self.org.pk]),
                {"email": email, "role": "chair"},
            )
            self.assertEqual(response.status_code, 400)
        self.assertEqual(self.org.engagements.count(), 2)

    def test_staff_remove_a_role(self) -> None:
        response = self.as_bertil().post(
            reverse("members:engagement-remove", args=[self.engagement.pk])
        )

        self.assertRedirects(response, self.url)
        self.assertFalse(Engagement.objects.filter(pk=self.engagement.pk).exists())
        self.assertTrue(AuditEntry.objects.filter(verb="person.role_removed").exists())

    def test_removing_a_role_needs_post(self) -> None:
        response = self.as_bertil().get(
            reverse("members:engagement-remove", args=[self.engagement.pk])
        )
        self.assertEqual(response.status_code, 405)


class PersonPageTests(CastMixin, TestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        cls.org = make_organisation(network=cls.network_a, name="Loka byalag")

    def test_a_new_person_with_a_role_in_the_organisation(self) -> None:
        url = reverse("members:person-create") + f"?organisation={self.org.pk}"
        response = self.as_bertil().post(
            url,
            {
                "name": "Stina Sekreterare",
                "email": "Stina@Example.org",
                "phone": "019-123456",
                "language": "sv",
                "legal_basis": "contract",
                "role": "secretary",
            },
        )

        self.assertRedirects(response, reverse("members:organisation-detail", args=[self.org.pk]))
        person = Person.objects.get(name="Stina Sekreterare")
        self.assertEqual(person.email, "stina@example.org")
        self.assertEqual(person.phone, "019-12 34 56")
        self.assertEqual(person.engagements.get().role, "secretary")
        self.assertTrue(
            AuditEntry.objects.filter(verb="person.created", actor=self.bertil).exists()
        )

    def test_an_email_already_in_the_network_is_an_error_and_saves_nothing(self) -> None:
        response = self.as_bertil().post(
            reverse("members:person-create"),
            {
                "name": "Dubblett",
                "email": "cecilia@a.test",
                "language": "sv",
                "legal_basis": "consent",
            },
        )

        self.assertEqual(response.status_code, 400)
        self.assertFalse(Person.objects.filter(name="Dubblett").exists())

    def test_another_networks_organisation_in_the_link_is_404(self) -> None:
        other = make_organisation(network=self.network_b)
        response = self.as_bertil().get(
            reverse("members:person-create") + f"?organisation={other.pk}"
        )
        self.assertEqual(response.status_code, 404)

    def test_editing_a_person_audits_the_change(self) -> None:
        person = make_person(network=self.network_a, name="Per Persson", email="per@example.org")
        url = reverse("members:person-edit", args=[person.pk])
        response = self.as_bertil().post(
            url,
            {
                "name": "Per Persson",
                "email": "per@example.org",
                "phone": "070 111 22 33",
                "language": "en",
                "legal_basis": "consent",
            },
        )

        self.assertRedirects(response, reverse("members:person-detail", args=[person.pk]))
        entry = AuditEntry.objects.get(verb="person.changed")
        self.assertEqual(entry.changes["phone"], ["", normalise_phone("0701112233")])

    def test_an_erased_person_cannot_be_edited(self) -> None:
        person = make_person(network=self.network_a, name="Raderad", email="")
        Person.objects.filter(pk=person.pk).update(erased_at=self.org.created_at)

        response = self.as_bertil().get(reverse("members:person-edit", args=[person.pk]))

        self.assertEqual(response.status_code, 404)

    def test_a_role_added_from_the_person_page(self) -> None:
        person = make_person(network=self.network_a)
        response = self.as_bertil().post(
            reverse("members:person-engagement-add", args=[person.pk]),
            {"organisation": self.org.pk, "role": "board"},
        )

        self.assertRedirects(response, reverse("members:person-detail", args=[person.pk]))
        self.assertEqual(person.engagements.get().organisation, self.org)

    def test_a_role_in_another_networks_organisation_is_refused(self) -> None:
        person = make_person(network=self.network_a)
        other = make_organisation(network=self.network_b)
        self.as_bertil().post(
            reverse("members:person-engagement-add", args=[person.pk]),
            {"organisation": other.pk, "role": "board"},
        )
        self.assertFalse(person.engagements.exists())

    def test_the_person_page_lists_roles_with_their_organisations(self) -> None:
        response = self.as_sara().get(
            reverse("members:person-detail", args=[self.cecilia_person.pk])
        )

        self.assertContains(response, "Cecilias byalag")
        self.assertContains(response, "cecilia@a.test")

    def test_staff_find_the_privacy_page_from_the_person_page(self) -> None:
        url = reverse("members:person-detail", args=[self.cecilia_person.pk])
        privacy = reverse("members:privacy-person", args=[self.cecilia_person.pk])

        self.assertContains(self.as_bertil().get(url), privacy)
        self.assertContains(self.as_anna().get(url), privacy)
        self.assertNotContains(self.as_sara().get(url), privacy)

    def test_the_person_page_query_count_does_not_grow_with_roles_or_organisations(self) -> None:
        client = self.as_bertil()
        url = reverse("members:person-detail", args=[self.cecilia_person.pk])
        client.get(url)
        with self.assertNumQueries(7) as small:
            client.get(url)
        organisations = [make_organisation(network=self.network_a) for _ in range(10)]
        for org in organisations:
            make_engagement(person=self.cecilia_person, organisation=org, role="board")
        with self.assertNumQueries(len(small.captured_queries)):
            response = client.get(url)
        # The menu of organisations for a new role lists them all, by name.
        for org in organisations:
            self.assertContains(response, f'<option value="{org.pk}">{org.name}</option>')
