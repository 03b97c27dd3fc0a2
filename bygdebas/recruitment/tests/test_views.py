"""The staff pages of the pipeline: board, list, forms, contact log and converting."""

from __future__ import annotations

import datetime

from django.db import connection
from django.test import TestCase
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from bygdebas.members.models import Membership, Organisation
from bygdebas.plan.models import Action, Activity
from bygdebas.recruitment.models import Prospect, ProspectContact, Status
from bygdebas.testing import CastMixin, make_municipality, make_plan, messages_of, sv


class RecruitmentViewTests(CastMixin, TestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        cls.today = timezone.localdate()
        cls.municipality = make_municipality(county=cls.network_a.county, name="Hällefors")
        cls.plan = make_plan(network=cls.network_a, year=cls.today.year, areas=(2, 1))
        cls.recruit = Activity.objects.filter(area__plan=cls.plan).order_by("pk")[1]
        cls.recruit.text = "Söka upp nya lokala grupper och inbjuda dessa till våra nätverk."
        cls.recruit.save()
        cls.prospect = Prospect.objects.create(
            network=cls.network_a,
            name="Unga i Grythyttan",
            municipality=cls.municipality,
            responsible=cls.bertil,
            next_step="Ring ordföranden",
            next_step_on=cls.today - datetime.timedelta(days=3),
            is_youth_focus=True,
        )

    def make_prospects(self, n: int, **overrides: object) -> None:
        Prospect.objects.bulk_create(
            Prospect(
                network=self.network_a,
                name=f"Grupp {i}",
                municipality=self.municipality,
                responsible=self.bertil,
                status=[Status.FOUND, Status.CONTACTED, Status.MEETING, Status.DECLINED][i % 4],
                next_step_on=self.today + datetime.timedelta(days=i - n // 2),
                **overrides,
            )
            for i in range(n)
        )

    # --- board and list -----------------------------------------------------------------------

    def test_the_board_shows_prospects_in_their_status_section_with_move_forms(self) -> None:
        response = self.as_bertil().get(reverse("recruitment:board"))

        self.assertContains(response, "Unga i Grythyttan")
        sections = response.context["sections"]
        found = next(s for s in sections if s["status"] == Status.FOUND)
        self.assertEqual([p.name for p in found["prospects"]], ["Unga i Grythyttan"])
        self.assertContains(response, reverse("recruitment:prospect-move", args=[self.prospect.pk]))
        self.assertContains(response, 'class="overdue"')

    def test_a_board_member_sees_the_board_without_move_forms(self) -> None:
        response = self.as_sara().get(reverse("recruitment:board"))
        self.assertContains(response, "Unga i Grythyttan")
        self.assertNotContains(
            response, reverse("recruitment:prospect-move", args=[self.prospect.pk])
        )

    def test_the_board_and_the_list_cost_the_same_queries_for_few_and_many_prospects(
        self,
    ) -> None:
        client = self.as_bertil()
        counts = []
        for n in (5, 15):
            Prospect.objects.filter(network=self.network_a).exclude(pk=self.prospect.pk).delete()
            self.make_prospects(n)
            for url in (reverse("recruitment:board"), reverse("recruitment:prospect-list")):
                with CaptureQueriesContext(connection) as queries:
                    response = client.get(url, {"youth": ""})
                self.assertEqual(response.status_code, 200)
                counts.append(len(queries))
        self.assertEqual(counts[:2], counts[2:])

    def test_the_list_filters_by_status_responsible_municipality_youth_and_overdue(
        self,
    ) -> None:
        other = make_municipality(county=self.network_a.county, name="Nora")
        Prospect.objects.create(
            network=self.network_a, name="Nora hembygd", municipality=other, status="contacted"
        )
        Prospect.objects.create(network=self.network_b, name="B-gruppen")
        client = self.as_bertil()
        url = reverse("recruitment:prospect-list")

        def names(**params: object) -> list[str]:
            return [p.name for p in client.get(url, params).context["page"]]

        self.assertEqual(names(), ["Nora hembygd", "Unga i Grythyttan"])
        self.assertEqual(names(status="contacted"), ["Nora hembygd"])
        self.assertEqual(names(responsible=self.bertil.pk), ["Unga i Grythyttan"])
        self.assertEqual(names(municipality=other.pk), ["Nora hembygd"])
        self.assertEqual(names(youth="on"), ["Unga i Grythyttan"])
        self.assertEqual(names(overdue="on"), ["Unga i Grythyttan"])
        self.assertEqual(names(q="nora"), ["Nora hembygd"])

    # --- create, edit, move -------------------------------------------------------------------

    def test_staff_create_a_prospect(self) -> None:
        response = self.as_bertil().post(
            reverse("recruitment:prospect-create"),
            {
                "name": "Ungdomsrådet i Ljusnarsberg",
                "municipality": self.municipality.pk,
                "contact_name": "Elin Ek",
                "contact_email": "elin@example.org",
                "contact_phone": "019-123456",
                "responsible": self.anna.pk,
                "next_step": "Skicka inbjudan",
                "next_step_on": "2030-01-15",
                "is_youth_focus": "on",
            },
        )

        prospect = Prospect.objects.get(name="Ungdomsrådet i Ljusnarsberg")
        self.assertRedirects(response, reverse("recruitment:prospect-detail", args=[prospect.pk]))
        self.assertEqual(prospect.contact_phone, "019-12 34 56")
        self.assertEqual(prospect.responsible, self.anna)
        self.assertTrue(prospect.is_youth_focus)
        self.assertEqual(prospect.status, Status.FOUND)

    def test_an_invalid_prospect_form_rerenders_with_errors(self) -> None:
        response = self.as_bertil().post(
            reverse("recruitment:prospect-create"),
            {"name": "Grupp", "contact_phone": "abc", "responsible": self.sara.pk},
        )
        self.assertEqual(response.status_code, 400)
        form = response.context["form"]
        self.assertIn("contact_phone", form.errors)
        self.assertIn("responsible", form.errors)  # not a choice: the board cannot be responsible
        self.assertEqual(Prospect.objects.count(), 1)

    def test_staff_edit_a_prospect(self) -> None:
        response = self.as_anna().post(
            reverse("recruitment:prospect-edit", args=[self.prospect.pk]),
            {"name": "Unga i Grythyttan", "next_step": "Möte", "next_step_on": "2030-02-01"},
        )
        self.assertEqual(response.status_code, 302)
        self.prospect.refresh_from_db()
        self.assertEqual(self.prospect.next_step, "Möte")
        self.assertIsNone(self.prospect.responsible)

    def test_moving_from_the_board_returns_to_the_board(self) -> None:
        response = self.as_bertil().post(
            reverse("recruitment:prospect-move", args=[self.prospect.pk]),
            {"status": "contacted", "back": "board"},
        )
        self.assertRedirects(response, reverse("recruitment:board"))
        self.prospect.refresh_from_db()
        self.assertEqual(self.prospect.status, Status.CONTACTED)

    def test_moving_back_without_a_reason_asks_for_one(self) -> None:
        Prospect.objects.filter(pk=self.prospect.pk).update(status=Status.MEETING)
        client = self.as_bertil()
        url = reverse("recruitment:prospect-move", args=[self.prospect.pk])

        response = client.post(url, {"status": "found", "back": "board"})
        self.assertEqual(response.status_code, 400)
        self.assertIn("reason", response.context["form"].errors)
        self.assertEqual(Prospect.objects.get(pk=self.prospect.pk).status, Status.MEETING)

        response = client.post(url, {"status": "found", "reason": "Ny kontakt behövs."})
        self.assertRedirects(
            response, reverse("recruitment:prospect-detail", args=[self.prospect.pk])
        )
        self.assertEqual(Prospect.objects.get(pk=self.prospect.pk).status, Status.FOUND)

    # --- the contact log ------------------------------------------------------------------------

    def test_the_contact_form_ticks_the_recruitment_activity(self) -> None:
        response = self.as_bertil().get(
            reverse("recruitment:contact-create", args=[self.prospect.pk])
        )
        self.assertEqual(response.context["form"].initial["activities"], [self.recruit.pk])
        self.assertContains(response, "nya lokala grupper")

    def test_logging_a_meeting_logs_an_action_and_shows_it_in_the_log(self) -> None:
        client = self.as_bertil()
        response = client.post(
            reverse("recruitment:contact-create", args=[self.prospect.pk]),
            {
                "kind": "meeting",
                "happened_on": self.today.isoformat(),
                "text": "Träffade fem ungdomar.",
                "participants": "5",
                "activities": [self.recruit.pk],
            },
        )
        self.assertRedirects(
            response, reverse("recruitment:prospect-detail", args=[self.prospect.pk])
        )
        self.assertEqual(messages_of(response), [sv("The contact log was saved.")])
        contact = ProspectContact.objects.get(kind="meeting")
        assert contact.action is not None
        self.assertEqual(contact.action.participants, 5)
        self.prospect.refresh_from_db()
        self.assertEqual(self.prospect.status, Status.MEETING)

        page = client.get(reverse("recruitment:prospect-detail", args=[self.prospect.pk]))
        self.assertContains(page, "Träffade fem ungdomar.")
        self.assertContains(page, reverse("plan:action-detail", args=[contact.action.pk]))

    def test_a_contact_in_a_year_without_a_plan_is_refused_but_a_note_is_not(self) -> None:
        url = reverse("recruitment:contact-create", args=[self.prospect.pk])
        next_year = datetime.date(self.today.year + 1, 1, 10).isoformat()
        response = self.as_bertil().post(url, {"kind": "contact", "happened_on": next_year})
        self.assertEqual(response.status_code, 400)
        self.assertIn("happened_on", response.context["form"].errors)
        self.assertFalse(ProspectContact.objects.exists())

        response = self.as_bertil().post(
            url, {"kind": "note", "happened_on": next_year, "text": "Hörde av sig."}
        )
        self.assertEqual(response.status_code, 302)
        self.assertFalse(ProspectContact.objects.get().action_id)

    def test_editing_and_deleting_a_contact_follow_through_to_its_action(self) -> None:
        client = self.as_bertil()
        client.post(
            reverse("recruitment:contact-create", args=[self.prospect.pk]),
            {
                "kind": "contact",
                "happened_on": self.today.isoformat(),
                "activities": [self.recruit.pk],
            },
        )
        contact = ProspectContact.objects.get(kind="contact")
        edit = client.get(reverse("recruitment:contact-edit", args=[contact.pk]))
        self.assertEqual(edit.context["form"].initial["activities"], [self.recruit.pk])

        client.post(
            reverse("recruitment:contact-edit", args=[contact.pk]),
            {
                "kind": "contact",
                "happened_on": self.today.isoformat(),
                "text": "Mejlade inbjudan.",
                "activities": [self.recruit.pk],
            },
        )
        self.assertEqual(Action.objects.get().description, "Mejlade inbjudan.")

        response = client.post(reverse("recruitment:contact-delete", args=[contact.pk]))
        self.assertRedirects(
            response, reverse("recruitment:prospect-detail", args=[self.prospect.pk])
        )
        self.assertFalse(Action.objects.exists())

    def test_a_status_change_in_the_log_is_not_edited(self) -> None:
        status = ProspectContact.objects.create(
            prospect=self.prospect, kind="status", happened_on=self.today, text="x"
        )
        response = self.as_bertil().get(reverse("recruitment:contact-edit", args=[status.pk]))
        self.assertEqual(response.status_code, 302)

    # --- converting -----------------------------------------------------------------------------

    def test_converting_makes_a_member_organisation(self) -> None:
        client = self.as_bertil()
        url = reverse("recruitment:prospect-convert", args=[self.prospect.pk])
        form = client.get(url).context["form"]
        self.assertTrue(form.initial["is_youth_led"])

        response = client.post(
            url,
            {
                "kind": "local_group",
                "is_youth_led": "on",
                "membership_status": "active",
                "converted_on": self.today.isoformat(),
                "activities": [self.recruit.pk],
            },
        )

        self.assertRedirects(
            response, reverse("recruitment:prospect-detail", args=[self.prospect.pk])
        )
        organisation = Organisation.objects.get(name="Unga i Grythyttan")
        self.assertTrue(organisation.is_youth_led)
        self.assertEqual(organisation.memberships.get().status, Membership.Status.ACTIVE)
        self.prospect.refresh_from_db()
        self.assertEqual(self.prospect.status, Status.MEMBER)
        # A member is converted once.
        again = client.get(url)
        self.assertEqual(again.status_code, 302)

    def test_converting_without_an_activity_rerenders_with_an_error(self) -> None:
        response = self.as_bertil().post(
            reverse("recruitment:prospect-convert", args=[self.prospect.pk]),
            {
                "kind": "local_group",
                "membership_status": "active",
                "converted_on": self.today.isoformat(),
            },
        )
        self.assertEqual(response.status_code, 400)
        self.assertIn("activities", response.context["form"].errors)
        self.assertFalse(Organisation.objects.filter(name="Unga i Grythyttan").exists())

    def test_deleting_a_prospect(self) -> None:
        response = self.as_bertil().post(
            reverse("recruitment:prospect-delete", args=[self.prospect.pk])
        )
        self.assertRedirects(response, reverse("recruitment:board"))
        self.assertFalse(Prospect.objects.exists())
