"""Staff pages for memberships: the year's list, approve/decline with mail, edits, registering."""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.test import TestCase
from django.urls import reverse
from django.utils import timezone

from bygdebas.core.models import AuditEntry
from bygdebas.members.models import Membership
from bygdebas.testing import (
    CastMixin,
    SmtpServerMixin,
    make_engagement,
    make_membership,
    make_organisation,
    make_person,
    messages_of,
    sv,
)


class MembershipStaffTestCase(SmtpServerMixin, CastMixin, TestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        cls.year = timezone.localdate().year
        cls.applicant_org = make_organisation(network=cls.network_a, name="Åsbro byalag")
        cls.applicant = make_person(
            network=cls.network_a, name="Astrid Lindqvist", email="astrid@example.org"
        )
        make_engagement(person=cls.applicant, organisation=cls.applicant_org)
        cls.application = make_membership(
            organisation=cls.applicant_org, year=cls.year, status=Membership.Status.APPLIED
        )
        cls.cecilia_membership = Membership.objects.get(organisation=cls.cecilia_org)


class MembershipListTests(MembershipStaffTestCase):
    def test_applications_come_first_and_other_years_are_left_out(self) -> None:
        make_membership(
            organisation=make_organisation(network=self.network_a, name="Aaa-föreningen"),
            year=self.year,
        )
        make_membership(
            organisation=make_organisation(network=self.network_a, name="Förra året"),
            year=self.year - 1,
        )
        make_membership(
            organisation=make_organisation(network=self.network_b, name="B:s förening"),
            year=self.year,
        )

        response = self.as_sara().get(reverse("members:membership-list"))

        self.assertEqual(response.status_code, 200)
        names = [m.organisation.name for m in response.context["page"]]
        self.assertEqual(names, ["Åsbro byalag", "Aaa-föreningen", "Cecilias byalag"])
        self.assertNotContains(response, "Förra året")
        self.assertNotContains(response, "B:s förening")
        # The board reads but cannot decide.
        self.assertNotContains(
            response, reverse("members:membership-approve", args=[self.application.pk])
        )

    def test_it_filters_by_year_and_status(self) -> None:
        make_membership(
            organisation=make_organisation(network=self.network_a, name="Förra året"),
            year=self.year - 1,
            status=Membership.Status.LAPSED,
        )

        response = self.as_bertil().get(
            reverse("members:membership-list"), {"ar": self.year - 1, "status": "lapsed"}
        )

        self.assertEqual([m.organisation.name for m in response.context["page"]], ["Förra året"])
        response = self.as_bertil().get(
            reverse("members:membership-list"), {"ar": self.year, "status": "applied"}
        )
        self.assertEqual([m.organisation.name for m in response.context["page"]], ["Åsbro byalag"])
        self.assertContains(
            response, reverse("members:membership-approve", args=[self.application.pk])
        )

    def _count_queries(self, n: int) -> int:
        for index in range(n):
            make_membership(
                organisation=make_organisation(network=self.network_a, name=f"Förening {index}"),
                year=self.year,
                fee=Decimal("300"),
            )
        client = self.as_bertil()
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        with CaptureQueriesContext(connection) as queries:
            response = client.get(reverse("members:membership-list"))
        self.assertEqual(response.status_code, 200)
        return len(queries)

    def test_the_query_count_is_flat_in_the_number_of_memberships(self) -> None:
        few = self._count_queries(3)
        Membership.objects.exclude(
            pk__in=[self.application.pk, self.cecilia_membership.pk]
        ).delete()
        many = self._count_queries(12)

        self.assertEqual(few, many)


class ApproveDeclineTests(MembershipStaffTestCase):
    def approve(self, membership: Membership, client: object = None) -> object:
        with self.captureOnCommitCallbacks(execute=True):
            return (client or self.as_bertil()).post(
                reverse("members:membership-approve", args=[membership.pk])
            )

    def test_approving_makes_a_member_and_sends_the_welcome_mail(self) -> None:
        response = self.approve(self.application)

        self.assertRedirects(
            response,
            reverse("members:membership-list") + f"?ar={self.year}",
            fetch_redirect_response=False,
        )
        self.application.refresh_from_db()
        self.assertEqual(self.application.status, Membership.Status.ACTIVE)
        self.assertEqual(self.application.decided_by, self.bertil)
        self.assertIsNotNone(self.application.decided_at)
        mails = self.smtp.messages_to("astrid@example.org")
        self.assertEqual(len(mails), 1)
        body = mails[0].get_body(("plain",)).get_content()
        self.assertIn("Åsbro byalag", body)
        self.assertIn("Astrid Lindqvist", body)
        self.assertTrue(
            AuditEntry.objects.filter(verb="membership.changed", actor=self.bertil).exists()
        )

    def test_only_an_application_can_be_approved(self) -> None:
        response = self.approve(self.cecilia_membership)

        self.assertIn(sv("Only an application can be approved."), messages_of(response))
        self.cecilia_membership.refresh_from_db()
        self.assertIsNone(self.cecilia_membership.decided_by)
        self.assertEqual(self.smtp.messages, [])

    def test_the_board_may_not_approve(self) -> None:
        response = self.approve(self.application, client=self.as_sara())

        self.assertEqual(response.status_code, 403)
        self.application.refresh_from_db()
        self.assertEqual(self.application.status, Membership.Status.APPLIED)

    def test_declining_tells_the_applicant_the_reason(self) -> None:
        url = reverse("members:membership-decline", args=[self.application.pk])
        self.assertContains(self.as_bertil().get(url), 'name="reason"')

        with self.captureOnCommitCallbacks(execute=True):
            response = self.as_bertil().post(url, {"reason": "Ni verkar i Västmanland."})

        self.assertEqual(response.status_code, 302)
        self.application.refresh_from_db()
        self.assertEqual(self.application.status, Membership.Status.DECLINED)
        self.assertEqual(self.application.decided_by, self.bertil)
        mails = self.smtp.messages_to("astrid@example.org")
        self.assertEqual(len(mails), 1)
        self.assertIn("Ni verkar i Västmanland.", mails[0].get_body(("plain",)).get_content())

    def test_an_organisation_without_contact_people_hears_at_its_own_address(self) -> None:
        organisation = make_organisation(
            network=self.network_a, name="Utan kontakt", email="styrelsen@utan.example"
        )
        membership = make_membership(
            organisation=organisation, year=self.year, status=Membership.Status.APPLIED
        )

        self.approve(membership)

        self.assertEqual(len(self.smtp.messages_to("styrelsen@utan.example")), 1)


class EditTests(MembershipStaffTestCase):
    def edit(self, membership: Membership, **data: str) -> object:
        payload = {"status": membership.status, "fee": "", "invoiced_on": "", "paid_on": ""}
        payload.update(data)
        with self.captureOnCommitCallbacks(execute=True):
            return self.as_bertil().post(
                reverse("members:membership-edit", args=[membership.pk]), payload
            )

    def test_the_page_offers_only_the_allowed_statuses(self) -> None:
        response = self.as_bertil().get(
            reverse("members:membership-edit", args=[self.cecilia_membership.pk])
        )

        self.assertEqual(response.status_code, 200)
        choices = [value for value, _ in response.context["form"].fields["status"].choices]
        self.assertEqual(choices, ["active", "ended"])
        self.assertContains(response, "Cecilia Carlsson")

    def test_fee_invoice_and_payment_are_saved(self) -> None:
        response = self.edit(
            self.cecilia_membership, fee="350", invoiced_on="2026-01-10", paid_on="2026-02-01"
        )

        self.assertEqual(response.status_code, 302)
        self.cecilia_membership.refresh_from_db()
        self.assertEqual(self.cecilia_membership.fee, Decimal("350"))
        self.assertEqual(self.cecilia_membership.invoiced_on, datetime.date(2026, 1, 10))
        self.assertEqual(self.cecilia_membership.paid_on, datetime.date(2026, 2, 1))
        self.assertEqual(self.smtp.messages, [])

    def test_a_move_the_service_does_not_allow_is_refused(self) -> None:
        # Forge a choice the form does not offer: the form refuses it.
        response = self.edit(self.cecilia_membership, status="lapsed", fee="999")

        self.assertEqual(response.status_code, 400)
        self.cecilia_membership.refresh_from_db()
        self.assertEqual(self.cecilia_membership.status, Membership.Status.ACTIVE)
        self.assertIsNone(self.cecilia_membership.fee)

    def test_the_service_enforces_the_transitions(self) -> None:
        from bygdebas.members.services import membership as services

        with self.assertRaises(services.MembershipError):
            services.update_membership(
                membership=self.cecilia_membership,
                actor=self.bertil,
                status=Membership.Status.APPLIED,
                fee=Decimal("100"),
                invoiced_on=None,
                paid_on=None,
            )
        self.cecilia_membership.refresh_from_db()
        self.assertIsNone(self.cecilia_membership.fee)

    def test_ending_a_membership(self) -> None:
        self.edit(self.cecilia_membership, status="ended")

        self.cecilia_membership.refresh_from_db()
        self.assertEqual(self.cecilia_membership.status, Membership.Status.ENDED)
        self.assertEqual(self.cecilia_membership.decided_by, self.bertil)

    def test_approving_through_the_edit_page_also_mails_the_applicant(self) -> None:
        self.edit(self.application, status="active", fee="200")

        self.application.refresh_from_db()
        self.assertEqual(self.application.status, Membership.Status.ACTIVE)
        self.assertEqual(self.application.fee, Decimal("200"))
        self.assertEqual(len(self.smtp.messages_to("astrid@example.org")), 1)


class RegisterTests(MembershipStaffTestCase):
    def test_staff_register_a_membership_for_an_organisation_of_the_registry(self) -> None:
        organisation = make_organisation(network=self.network_a, name="Nya föreningen")
        url = reverse("members:membership-create")
        response = self.as_bertil().get(url, {"organisation": organisation.pk})
        self.assertEqual(response.context["form"].initial["organisation"], organisation)

        response = self.as_bertil().post(
            url,
            {
                "organisation": organisation.pk,
                "year": self.year + 1,
                "status": "active",
                "fee": "300",
            },
        )

        self.assertEqual(response.status_code, 302)
        membership = Membership.objects.get(organisation=organisation)
        self.assertEqual(
            (membership.year, membership.status, membership.fee, membership.decided_by),
            (self.year + 1, Membership.Status.ACTIVE, Decimal("300"), self.bertil),
        )

    def test_a_second_membership_in_the_same_year_is_refused(self) -> None:
        response = self.as_bertil().post(
            reverse("members:membership-create"),
            {"organisation": self.cecilia_org.pk, "year": self.year, "status": "active"},
        )

        self.assertEqual(response.status_code, 400)
        self.assertIn("year", response.context["form"].errors)
        self.assertEqual(Membership.objects.filter(organisation=self.cecilia_org).count(), 1)

    def test_an_organisation_of_another_network_cannot_be_chosen(self) -> None:
        other = make_organisation(network=self.network_b, name="B:s förening")

        response = self.as_bertil().post(
            reverse("members:membership-create"),
            {"organisation": other.pk, "year": self.year, "status": "active"},
        )

        self.assertEqual(response.status_code, 400)
        self.assertFalse(Membership.objects.filter(organisation=other).exists())


class HistoryIncludeTests(MembershipStaffTestCase):
    def test_the_history_include_lists_years_with_actions_for_write_roles(self) -> None:
        from django.template.loader import render_to_string
        from django.test import RequestFactory

        request = RequestFactory().get("/")
        html = render_to_string(
            "members/membership/_history.html",
            {
                "organisation": self.applicant_org,
                "memberships": self.applicant_org.memberships.order_by("-year"),
                "can_write_office": True,
            },
            request=request,
        )
        self.assertIn(str(self.year), html)
        self.assertIn(reverse("members:membership-approve", args=[self.application.pk]), html)
        read_only = render_to_string(
            "members/membership/_history.html",
            {
                "organisation": self.applicant_org,
                "memberships": self.applicant_org.memberships.order_by("-year"),
                "can_write_office": False,
            },
        )
        self.assertNotIn(reverse("members:membership-edit", args=[self.application.pk]), read_only)
