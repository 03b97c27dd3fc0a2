"""Prospects through the pipeline: saving, moving, the contact log with its actions, converting."""

from __future__ import annotations

import datetime

from django.core.exceptions import ValidationError
from django.test import TestCase
from django.urls import reverse

from bygdebas.core.models import AuditEntry
from bygdebas.members.models import Engagement, Membership, Organisation, Person
from bygdebas.members.normalise import normalise_phone
from bygdebas.plan.models import Action, Activity
from bygdebas.recruitment import services
from bygdebas.recruitment.models import Prospect, ProspectContact, Status
from bygdebas.testing import (
    CastMixin,
    make_county,
    make_municipality,
    make_organisation,
    make_plan,
    make_user,
)


def make_prospect(network, **overrides) -> Prospect:
    defaults = {"name": "Ungdomsgruppen i Ås"}
    defaults.update(overrides)
    return Prospect.objects.create(network=network, **defaults)


class RecruitmentServiceTests(CastMixin, TestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        cls.municipality = make_municipality(county=cls.network_a.county, name="Lekeberg")
        cls.plan = make_plan(network=cls.network_a, year=2025, areas=(2, 2))
        cls.recruit = Activity.objects.filter(area__plan=cls.plan).order_by("pk")[1]
        cls.recruit.text = "Söka upp nya lokala grupper och inbjuda dessa till våra nätverk."
        cls.recruit.save()
        cls.other = Activity.objects.filter(area__plan=cls.plan).order_by("pk")[0]

    # --- finder -------------------------------------------------------------------------------

    def test_the_finder_picks_the_activity_about_new_local_groups(self) -> None:
        members = Activity.objects.filter(area__plan=self.plan).order_by("pk")[2]
        members.text = "Utveckla medlemskapet och jobba för ett högre medlemstal."
        members.save()

        found = services.find_recruitment_activities(self.network_a, 2025)

        self.assertEqual(found, [self.recruit])

    def test_the_finder_falls_back_to_membership_words_and_else_finds_nothing(self) -> None:
        self.recruit.text = "Utveckla medlemskapet för våra medlemmar."
        self.recruit.save()
        self.assertEqual(services.find_recruitment_activities(self.network_a, 2025), [self.recruit])
        self.assertEqual(services.find_recruitment_activities(self.network_a, 2024), [])
        self.assertEqual(services.find_recruitment_activities(self.network_b, 2025), [])

    # --- saving -------------------------------------------------------------------------------

    def test_saving_normalises_the_phone_and_audits_the_contact_details(self) -> None:
        prospect = services.save_prospect(
            network=self.network_a,
            actor=self.bertil,
            name="  Unga i Mullhyttan ",
            municipality=self.municipality,
            contact_name="Alva Ek",
            contact_email="Alva@Example.org",
            contact_phone="0701234567",
            responsible=self.bertil,
            is_youth_focus=True,
        )

        self.assertEqual(prospect.name, "Unga i Mullhyttan")
        # Written as the registry writes phone numbers.
        phone = normalise_phone("0701234567")
        self.assertEqual(prospect.contact_phone, phone)
        self.assertTrue(phone.startswith("070-"))
        self.assertEqual(prospect.contact_email, "alva@example.org")
        self.assertEqual(prospect.status, Status.FOUND)
        entry = AuditEntry.objects.get(verb="prospect.created")
        self.assertEqual(entry.actor, self.bertil)
        self.assertEqual(entry.changes["contact_phone"], ["", phone])

        services.save_prospect(
            network=self.network_a, actor=self.anna, prospect=prospect, contact_phone="019-123456"
        )
        changed = AuditEntry.objects.get(verb="prospect.changed")
        self.assertEqual(changed.changes, {"contact_phone": [phone, "019-12 34 56"]})

    def test_it_refuses_a_bad_phone_a_board_member_as_responsible_and_a_foreign_municipality(
        self,
    ) -> None:
        elsewhere = make_municipality(county=make_county(code="17", name="Värmlands län"))
        with self.assertRaises(ValidationError) as raised:
            services.save_prospect(
                network=self.network_a, actor=None, name="X", municipality=elsewhere
            )
        self.assertIn("municipality", raised.exception.error_dict)
        with self.assertRaises(ValidationError) as raised:
            services.save_prospect(network=self.network_a, actor=None, name="X", contact_phone="12")
        self.assertIn("contact_phone", raised.exception.error_dict)
        with self.assertRaises(ValidationError) as raised:
            services.save_prospect(
                network=self.network_a, actor=None, name="X", responsible=self.sara
            )
        self.assertIn("responsible", raised.exception.error_dict)
        with self.assertRaises(ValidationError):
            services.save_prospect(
                network=self.network_b, actor=None, name="X", responsible=self.bertil
            )
        self.assertFalse(Prospect.objects.exists())

    def test_a_new_next_step_date_earns_a_new_reminder(self) -> None:
        prospect = make_prospect(
            self.network_a,
            next_step_on=datetime.date(2025, 3, 1),
            reminded_for=datetime.date(2025, 3, 1),
        )
        services.save_prospect(network=self.network_a, actor=None, prospect=prospect, notes="x")
        self.assertEqual(prospect.reminded_for, datetime.date(2025, 3, 1))
        services.save_prospect(
            network=self.network_a,
            actor=None,
            prospect=prospect,
            next_step_on=datetime.date(2025, 4, 1),
        )
        prospect.refresh_from_db()
        self.assertIsNone(prospect.reminded_for)

    # --- moving -------------------------------------------------------------------------------

    def test_moving_forward_logs_the_change_and_going_back_needs_a_reason(self) -> None:
        prospect = make_prospect(self.network_a)

        services.move_prospect(prospect=prospect, status=Status.MEETING, user=self.bertil)
        self.assertEqual(prospect.status, Status.MEETING)
        with self.assertRaises(ValidationError) as raised:
            services.move_prospect(prospect=prospect, status=Status.CONTACTED)
        self.assertIn("reason", raised.exception.error_dict)
        services.move_prospect(
            prospect=prospect, status=Status.CONTACTED, reason="Mötet ställdes in."
        )

        prospect.refresh_from_db()
        self.assertEqual(prospect.status, Status.CONTACTED)
        log = list(prospect.contacts.order_by("pk").values_list("kind", "text"))
        self.assertEqual([kind for kind, _ in log], ["status", "status"])
        self.assertIn("Mötet ställdes in.", log[1][1])

    def test_declining_needs_no_reason_but_reopening_does_and_member_only_by_converting(
        self,
    ) -> None:
        prospect = make_prospect(self.network_a, status=Status.CONTACTED)
        services.move_prospect(prospect=prospect, status=Status.DECLINED)
        with self.assertRaises(ValidationError):
            services.move_prospect(prospect=prospect, status=Status.FOUND)
        services.move_prospect(prospect=prospect, status=Status.FOUND, reason="Ny styrelse.")
        with self.assertRaises(ValidationError):
            services.move_prospect(prospect=prospect, status=Status.MEMBER)
        with self.assertRaises(ValidationError):
            services.move_prospect(prospect=prospect, status="nonsense")
        self.assertEqual(Prospect.objects.get().status, Status.FOUND)

    # --- the contact log ------------------------------------------------------------------------

    def test_a_contact_logs_an_action_and_moves_a_found_prospect_on(self) -> None:
        prospect = make_prospect(self.network_a, municipality=self.municipality)

        contact = services.save_contact(
            prospect=prospect,
            kind=ProspectContact.Kind.CONTACT,
            happened_on=datetime.date(2025, 3, 4),
            text="Ringde ordföranden.",
            activities=[self.recruit],
            user=self.bertil,
        )

        action = contact.action
        assert action is not None
        self.assertEqual(action.performed_on, datetime.date(2025, 3, 4))
        self.assertEqual(action.description, "Ringde ordföranden.")
        self.assertEqual(action.municipality, self.municipality)
        self.assertEqual(action.source, contact)
        self.assertEqual(list(action.activities.all()), [self.recruit])
        self.assertIn(prospect.name, action.title)
        prospect.refresh_from_db()
        self.assertEqual(prospect.status, Status.CONTACTED)

    def test_editing_a_contact_updates_its_action_and_a_note_has_none(self) -> None:
        prospect = make_prospect(self.network_a, status=Status.MEETING)
        contact = services.save_contact(
            prospect=prospect,
            kind=ProspectContact.Kind.MEETING,
            happened_on=datetime.date(2025, 3, 4),
            activities=[self.recruit],
            participants=6,
        )
        action_pk = contact.action_id

        services.save_contact(
            prospect=prospect,
            contact=contact,
            kind=ProspectContact.Kind.MEETING,
            happened_on=datetime.date(2025, 5, 6),
            text="Träff i bygdegården.",
            participants=9,
            activities=[self.other],
        )
        action = Action.objects.get(pk=action_pk)
        self.assertEqual(action.performed_on, datetime.date(2025, 5, 6))
        self.assertEqual(action.participants, 9)
        self.assertEqual(list(action.activities.all()), [self.other])
        # A meeting never moves a prospect back, nor logs a status change where there is none.
        self.assertFalse(prospect.contacts.filter(kind="status").exists())

        services.save_contact(
            prospect=prospect,
            contact=contact,
            kind=ProspectContact.Kind.NOTE,
            happened_on=datetime.date(2025, 5, 6),
        )
        self.assertFalse(Action.objects.filter(pk=action_pk).exists())
        contact.refresh_from_db()
        self.assertIsNone(contact.action)

    def test_a_contact_needs_an_activity_of_the_plan_for_its_year_and_nothing_is_saved(
        self,
    ) -> None:
        prospect = make_prospect(self.network_a)
        with self.assertRaises(ValidationError):
            services.save_contact(
                prospect=prospect,
                kind=ProspectContact.Kind.CONTACT,
                happened_on=datetime.date(2025, 3, 4),
            )
        with self.assertRaises(ValidationError):
            services.save_contact(
                prospect=prospect,
                kind=ProspectContact.Kind.CONTACT,
                happened_on=datetime.date(2026, 3, 4),
                activities=[self.recruit],
            )
        self.assertFalse(ProspectContact.objects.exists())
        self.assertFalse(Action.objects.exists())
        prospect.refresh_from_db()
        self.assertEqual(prospect.status, Status.FOUND)

    def test_deleting_a_contact_deletes_its_action(self) -> None:
        prospect = make_prospect(self.network_a)
        contact = services.save_contact(
            prospect=prospect,
            kind=ProspectContact.Kind.CONTACT,
            happened_on=datetime.date(2025, 3, 4),
            activities=[self.recruit],
        )
        services.delete_contact(contact=contact)
        self.assertFalse(Action.objects.exists())
        self.assertFalse(ProspectContact.objects.filter(kind="contact").exists())

    def test_deleting_a_prospect_deletes_its_log_and_actions(self) -> None:
        prospect = make_prospect(self.network_a, contact_name="Alva Ek")
        services.save_contact(
            prospect=prospect,
            kind=ProspectContact.Kind.CONTACT,
            happened_on=datetime.date(2025, 3, 4),
            activities=[self.recruit],
        )
        services.delete_prospect(prospect=prospect, actor=self.anna)
        self.assertFalse(Prospect.objects.exists())
        self.assertFalse(ProspectContact.objects.exists())
        self.assertFalse(Action.objects.exists())
        entry = AuditEntry.objects.get(verb="prospect.deleted")
        self.assertEqual(entry.changes["contact_name"], ["Alva Ek", ""])

    # --- converting ---------------------------------------------------------------------------

    def test_the_member_organisations_page_lists_the_actions_about_the_prospect_it_was(
        self,
    ) -> None:
        """Through members.organisation_sources: members does not import recruitment."""
        prospect = make_prospect(self.network_a, status=Status.MEETING)
        organisation = services.convert_prospect(
            prospect=prospect,
            actor=self.bertil,
            activities=[self.recruit],
            converted_on=datetime.date(2025, 6, 1),
        )
        prospect.refresh_from_db()
        other = make_prospect(self.network_a, status=Status.MEETING, name="Annan grupp")
        services.convert_prospect(
            prospect=other,
            actor=self.bertil,
            activities=[self.recruit],
            converted_on=datetime.date(2025, 6, 2),
        )

        response = self.as_sara().get(
            reverse("members:organisation-detail", args=[organisation.pk])
        )

        self.assertEqual(list(response.context["actions"]), [prospect.member_action])

    def test_converting_creates_the_organisation_membership_contact_person_and_action(
        self,
    ) -> None:
        prospect = make_prospect(
            self.network_a,
            status=Status.MEETING,
            municipality=self.municipality,
            locality="Mullhyttan",
            contact_name="Alva Ek",
            contact_email="alva@example.org",
            contact_phone="070-123 45 67",
        )

        organisation = services.convert_prospect(
            prospect=prospect,
            actor=self.bertil,
            activities=[self.recruit],
            converted_on=datetime.date(2025, 6, 1),
            is_youth_led=True,
        )

        self.assertEqual(organisation.name, prospect.name)
        self.assertEqual(organisation.municipality, self.municipality)
        self.assertEqual(organisation.locality, "Mullhyttan")
        self.assertTrue(organisation.is_youth_led)
        membership = Membership.objects.get(organisation=organisation)
        self.assertEqual((membership.year, membership.status), (2025, Membership.Status.ACTIVE))
        person = Person.objects.get(email="alva@example.org")
        self.assertTrue(
            Engagement.objects.filter(
                person=person, organisation=organisation, role=Engagement.Role.CONTACT
            ).exists()
        )
        prospect.refresh_from_db()
        self.assertEqual(prospect.status, Status.MEMBER)
        self.assertEqual(prospect.organisation, organisation)
        assert prospect.member_action is not None
        self.assertEqual(list(prospect.member_action.activities.all()), [self.recruit])
        self.assertTrue(AuditEntry.objects.filter(verb="organisation.created").exists())
        with self.assertRaises(ValidationError):
            services.convert_prospect(
                prospect=prospect,
                actor=None,
                activities=[self.recruit],
                converted_on=datetime.date(2025, 6, 1),
            )

    def test_converting_to_an_organisation_already_in_the_registry_reuses_it_and_the_person(
        self,
    ) -> None:
        existing = make_organisation(network=self.network_a, name="Ås byalag")
        prospect = make_prospect(
            self.network_a, contact_name="Cecilia", contact_email="cecilia@a.test"
        )

        organisation = services.convert_prospect(
            prospect=prospect,
            actor=None,
            organisation=existing,
            membership_status=Membership.Status.APPLIED,
            activities=[self.recruit],
            converted_on=datetime.date(2025, 6, 1),
        )

        self.assertEqual(organisation, existing)
        self.assertEqual(Organisation.objects.filter(network=self.network_a).count(), 2)
        self.assertEqual(Person.objects.filter(email="cecilia@a.test").count(), 1)
        self.assertEqual(existing.memberships.get().status, Membership.Status.APPLIED)

    def test_converting_refuses_another_networks_organisation_and_saves_nothing(self) -> None:
        foreign = make_organisation(network=self.network_b)
        prospect = make_prospect(self.network_a, contact_name="Alva Ek")
        with self.assertRaises(ValidationError):
            services.convert_prospect(
                prospect=prospect,
                actor=None,
                organisation=foreign,
                activities=[self.recruit],
                converted_on=datetime.date(2025, 6, 1),
            )
        with self.assertRaises(ValidationError):
            services.convert_prospect(
                prospect=prospect, actor=None, activities=[], converted_on=datetime.date(2025, 6, 1)
            )
        self.assertFalse(Membership.objects.filter(organisation=foreign).exists())
        self.assertFalse(Person.objects.filter(name="Alva Ek").exists())
        self.assertEqual(Prospect.objects.get().status, Status.FOUND)

    def test_the_responsible_choices_are_the_networks_staff_and_administrators(self) -> None:
        make_user(email="gone@a.test", role="staff", network=self.network_a, is_active=False)
        self.assertEqual(
            set(services.responsible_choices(self.network_a)), {self.anna, self.bertil}
        )
