"""The yearly renewal: requests, the personal link, reminders, lapsing and the statistics."""

from __future__ import annotations

import base64
import datetime
import io
import json
import re
import time
from decimal import Decimal
from typing import Any
from unittest import mock

from django.core.management import call_command
from django.test import TestCase, override_settings
from django.urls import reverse
from django.utils import timezone

from bygdebas.core.models import AuditEntry
from bygdebas.members.models import Membership, Organisation, Person
from bygdebas.members.services import membership as services
from bygdebas.members.tokens import make_renewal_token
from bygdebas.testing import (
    CastMixin,
    SmtpServerMixin,
    make_membership,
    make_organisation,
    make_person,
    messages_of,
    sv,
    sv_plural,
)

LINK = re.compile(r"http://a\.test(/medlemskap/fornya/[^/\s]+/)")


class RenewalTestCase(SmtpServerMixin, CastMixin, TestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        cls.year = timezone.localdate().year
        cls.next_year = cls.year + 1
        Membership.objects.filter(organisation=cls.cecilia_org).update(fee=Decimal("300"))
        # A member whose only address is the organisation's own.
        cls.plain_org = make_organisation(
            network=cls.network_a, name="Bygdeföreningen Berga", email="styrelsen@berga.example"
        )
        make_membership(organisation=cls.plain_org, year=cls.year)
        # Not members this year: no request.
        cls.lapsed_org = make_organisation(network=cls.network_a, name="Gamla byalaget")
        make_membership(organisation=cls.lapsed_org, year=cls.year, status=Membership.Status.LAPSED)
        cls.b_org = make_organisation(
            network=cls.network_b, name="B-föreningen", email="b@b.example"
        )
        make_membership(organisation=cls.b_org, year=cls.year)

    def send(self, client: Any = None, year: int | None = None) -> Any:
        with self.captureOnCommitCallbacks(execute=True):
            return (client or self.as_bertil()).post(
                reverse("members:membership-renewal-send"), {"year": year or self.next_year}
            )

    def request_renewal(self, now: datetime.datetime | None = None) -> Membership:
        """Cecilia's organisation asked to renew for next year (no mail through the view)."""
        with self.captureOnCommitCallbacks(execute=True):
            services.send_renewal_requests(
                network=self.network_a, year=self.next_year, actor=self.bertil, now=now
            )
        self.smtp.clear()
        return Membership.objects.get(organisation=self.cecilia_org, year=self.next_year)

    def link_for(self, membership: Membership, person: Person | None) -> str:
        token = make_renewal_token(
            network_id=self.network_a.pk,
            membership_id=membership.pk,
            person_id=person.pk if person else None,
        )
        return reverse("members:renewal", kwargs={"token": token})


class SendRenewalTests(RenewalTestCase):
    def test_the_page_says_how_many_will_be_asked(self) -> None:
        response = self.as_sara().get(reverse("members:membership-renewal"), {"ar": self.next_year})

        self.assertEqual(response.status_code, 200)
        self.assertEqual(response.context["overview"].to_send, 2)
        # The board reads the page; only write roles get the button.
        self.assertNotContains(response, reverse("members:membership-renewal-send"))
        response = self.as_bertil().get(
            reverse("members:membership-renewal"), {"ar": self.next_year}
        )
        self.assertContains(response, reverse("members:membership-renewal-send"))

    def test_every_member_is_asked_once_by_mail_with_a_personal_link(self) -> None:
        response = self.send()

        self.assertEqual(response.status_code, 302)
        requested = Membership.objects.filter(year=self.next_year).order_by("organisation__name")
        self.assertEqual(
            [(m.organisation.name, m.status) for m in requested],
            [
                ("Bygdeföreningen Berga", Membership.Status.RENEWAL_REQUESTED),
                ("Cecilias byalag", Membership.Status.RENEWAL_REQUESTED),
            ],
        )
        cecilias = requested.get(organisation=self.cecilia_org)
        self.assertIsNotNone(cecilias.renewal_requested_at)
        self.assertEqual(cecilias.fee, Decimal("300"))  # last year's fee
        to_cecilia = self.smtp.messages_to("cecilia@a.test")
        self.assertEqual(len(to_cecilia), 1)
        self.assertIn(str(self.next_year), to_cecilia[0]["Subject"])
        self.assertRegex(to_cecilia[0].get_body(("plain",)).get_content(), LINK)
        self.assertEqual(len(self.smtp.messages_to("styrelsen@berga.example")), 1)
        self.assertEqual(len(self.smtp.messages), 2)  # none to B, none to the lapsed
        self.assertIn(
            sv_plural(
                "A renewal request for %(year)s was sent to %(count)d organisation.",
                "Renewal requests for %(year)s were sent to %(count)d organisations.",
                2,
                year=self.next_year,
                count=2,
            ),
            messages_of(response),
        )

    def test_sending_twice_does_not_send_twice(self) -> None:
        self.send()
        self.smtp.clear()

        response = self.send()

        self.assertEqual(self.smtp.messages, [])
        self.assertEqual(Membership.objects.filter(year=self.next_year).count(), 2)
        self.assertIn(
            sv("Every member organisation already has its request."), messages_of(response)
        )

    def test_a_member_who_joined_since_gets_the_request_on_the_next_run(self) -> None:
        self.send()
        self.smtp.clear()
        late = make_organisation(network=self.network_a, name="Sen", email="sen@example.org")
        make_membership(organisation=late, year=self.year)

        self.send()

        self.assertEqual(len(self.smtp.messages), 1)
        self.assertEqual(len(self.smtp.messages_to("sen@example.org")), 1)

    def test_an_organisation_without_an_address_is_reported(self) -> None:
        nowhere = make_organisation(network=self.network_a, name="Adresslösa byalaget")
        make_membership(organisation=nowhere, year=self.year)

        response = self.send()

        self.assertTrue(any("Adresslösa byalaget" in m for m in messages_of(response)))
        self.assertTrue(
            Membership.objects.filter(organisation=nowhere, year=self.next_year).exists()
        )

    def test_the_page_counts_renewed_pending_and_lapsed(self) -> None:
        self.request_renewal()
        Membership.objects.filter(organisation=self.plain_org, year=self.next_year).update(
            status=Membership.Status.LAPSED
        )
        Membership.objects.filter(organisation=self.cecilia_org, year=self.next_year).update(
            status=Membership.Status.ACTIVE
        )
        third = make_organisation(network=self.network_a, name="Tredje")
        make_membership(organisation=third, year=self.year)
        make_membership(
            organisation=third,
            year=self.next_year,
            status=Membership.Status.RENEWAL_REQUESTED,
            renewal_requested_at=timezone.now(),
        )

        overview = (
            self.as_bertil()
            .get(reverse("members:membership-renewal"), {"ar": self.next_year})
            .context["overview"]
        )

        self.assertEqual(
            (
                overview.requested,
                overview.renewed,
                overview.pending,
                overview.lapsed,
                overview.to_send,
            ),
            (3, 1, 1, 1, 0),
        )


class RenewalLinkTests(RenewalTestCase):
    def test_the_link_from_the_mail_shows_the_details_and_post_confirms(self) -> None:
        self.send()
        body = self.smtp.messages_to("cecilia@a.test")[0].get_body(("plain",)).get_content()
        path = LINK.search(body).group(1)

        page = self.as_anonymous().get(path)

        self.assertEqual(page.status_code, 200)
        self.assertContains(page, "Cecilias byalag")
        self.assertContains(page, 'value="cecilia@a.test"')
        membership = Membership.objects.get(organisation=self.cecilia_org, year=self.next_year)
        self.assertEqual(
            membership.status, Membership.Status.RENEWAL_REQUESTED
        )  # GET changes nothing
        self.smtp.clear()

        data = {**page.context["form"].initial, "contact_phone": "0701234567"}
        data = {k: v for k, v in data.items() if v is not None}
        with self.captureOnCommitCallbacks(execute=True):
            response = self.as_anonymous().post(path, data)

        self.assertRedirects(response, path, fetch_redirect_response=False)
        membership.refresh_from_db()
        self.assertEqual(membership.status, Membership.Status.ACTIVE)
        self.assertIsNotNone(membership.renewal_confirmed_at)
        self.cecilia_person.refresh_from_db()
        self.assertTrue(self.cecilia_person.phone.startswith("070-123"))
        change = AuditEntry.objects.get(
            verb="person.changed", object_id=str(self.cecilia_person.pk)
        )
        self.assertEqual(change.source, AuditEntry.Source.SELF_SERVICE)
        self.assertIn("phone", change.changes)
        self.assertEqual(len(self.smtp.messages_to("cecilia@a.test")), 1)  # the thank-you
        # The link now says it is done, and a second POST changes nothing.
        again = self.as_anonymous().get(path)
        self.assertContains(again, "Cecilias byalag")
        self.assertIsNone(again.context["form"])

    def test_the_organisation_details_can_be_corrected(self) -> None:
        membership = self.request_renewal()
        path = self.link_for(membership, self.cecilia_person)

        with self.captureOnCommitCallbacks(execute=True):
            response = self.as_anonymous().post(
                path,
                {
                    "name": "Cecilias byalag",
                    "email": "info@cecilia.example",
                    "contact_email": "cecilia@a.test",
                    "postal_town": "Fjugesta",
                },
            )

        self.assertEqual(response.status_code, 302)
        self.cecilia_org.refresh_from_db()
        self.assertEqual(
            (self.cecilia_org.email, self.cecilia_org.postal_town),
            ("info@cecilia.example", "Fjugesta"),
        )
        change = AuditEntry.objects.get(verb="organisation.changed")
        self.assertEqual(change.source, AuditEntry.Source.SELF_SERVICE)

    def test_invalid_details_confirm_nothing(self) -> None:
        membership = self.request_renewal()
        path = self.link_for(membership, self.cecilia_person)

        response = self.as_anonymous().post(
            path, {"name": "", "contact_email": "cecilia@a.test", "phone": "nej"}
        )

        self.assertEqual(response.status_code, 400)
        membership.refresh_from_db()
        self.assertEqual(membership.status, Membership.Status.RENEWAL_REQUESTED)

    def test_a_link_to_the_organisation_address_has_no_person_fields(self) -> None:
        self.request_renewal()
        membership = Membership.objects.get(organisation=self.plain_org, year=self.next_year)

        response = self.as_anonymous().get(self.link_for(membership, None))

        self.assertEqual(response.status_code, 200)
        self.assertNotIn("contact_email", response.context["form"].fields)
        with self.captureOnCommitCallbacks(execute=True):
            self.as_anonymous().post(
                self.link_for(membership, None),
                {"name": "Bygdeföreningen Berga", "email": "styrelsen@berga.example"},
            )
        membership.refresh_from_db()
        self.assertEqual(membership.status, Membership.Status.ACTIVE)

    def test_an_expired_link_is_refused_clearly(self) -> None:
        membership = self.request_renewal()
        long_ago = time.time() - 61 * 24 * 3600
        with mock.patch("django.core.signing.time.time", return_value=long_ago):
            path = self.link_for(membership, self.cecilia_person)

        get = self.as_anonymous().get(path)
        post = self.as_anonymous().post(path, {"name": "X", "contact_email": "x@example.org"})

        self.assertEqual(get.status_code, 400)
        self.assertContains(get, sv("The link does not work"), status_code=400)
        self.assertEqual(post.status_code, 400)
        membership.refresh_from_db()
        self.assertEqual(membership.status, Membership.Status.RENEWAL_REQUESTED)
        self.assertEqual(Organisation.objects.get(pk=self.cecilia_org.pk).name, "Cecilias byalag")

    @override_settings(BYGDEBAS_MEMBERSHIP_TOKEN_MAX_AGE_DAYS=90)
    def test_the_age_limit_is_a_setting(self) -> None:
        membership = self.request_renewal()
        long_ago = time.time() - 61 * 24 * 3600
        with mock.patch("django.core.signing.time.time", return_value=long_ago):
            path = self.link_for(membership, self.cecilia_person)

        self.assertEqual(self.as_anonymous().get(path).status_code, 200)

    def test_a_tampered_link_is_not_found_and_changes_nothing(self) -> None:
        membership = self.request_renewal()
        other = make_organisation(network=self.network_a, name="Annan")
        other_membership = make_membership(
            organisation=other, year=self.next_year, status=Membership.Status.RENEWAL_REQUESTED
        )
        path = self.link_for(membership, self.cecilia_person)
        token = path.split("/")[-2]
        forged = token[:-3] + ("AAA" if not token.endswith("AAA") else "BBB")
        # A genuine signature with another membership's id swapped in does not verify either.
        payload, signature = token.split(":", 1)
        data = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
        data["m"] = other_membership.pk
        swapped_payload = base64.urlsafe_b64encode(json.dumps(data, separators=(",", ":")).encode())
        swapped = swapped_payload.decode().rstrip("=") + ":" + signature
        self.assertNotEqual(swapped, token)

        for bad in (forged, swapped, "nonsense"):
            with self.subTest(token=bad):
                url = reverse("members:renewal", kwargs={"token": bad})
                response = self.as_anonymous().post(
                    url, {"name": "Hackat", "contact_email": "h@x.se"}
                )
                self.assertEqual(response.status_code, 404)
                self.assertContains(
                    self.as_anonymous().get(url), sv("The link does not work"), status_code=404
                )
        membership.refresh_from_db()
        other_membership.refresh_from_db()
        self.assertEqual(membership.status, Membership.Status.RENEWAL_REQUESTED)
        self.assertEqual(other_membership.status, Membership.Status.RENEWAL_REQUESTED)
        self.assertFalse(Organisation.objects.filter(name="Hackat").exists())

    def test_a_link_of_network_a_does_not_work_on_network_b(self) -> None:
        membership = self.request_renewal()

        response = self.as_david().get(self.link_for(membership, self.cecilia_person))

        self.assertEqual(response.status_code, 404)
        self.assertNotContains(response, "Cecilias byalag", status_code=404)

    def test_a_lapsed_renewal_can_no_longer_be_confirmed(self) -> None:
        membership = self.request_renewal()
        Membership.objects.filter(pk=membership.pk).update(status=Membership.Status.LAPSED)
        path = self.link_for(membership, self.cecilia_person)

        page = self.as_anonymous().get(path)
        self.as_anonymous().post(path, {"name": "X", "contact_email": "cecilia@a.test"})

        self.assertEqual(page.status_code, 200)
        self.assertIsNone(page.context["form"])
        membership.refresh_from_db()
        self.assertEqual(membership.status, Membership.Status.LAPSED)

    def test_a_person_no_longer_contact_of_the_organisation_gets_no_person_fields(self) -> None:
        membership = self.request_renewal()
        stranger = make_person(network=self.network_a, name="Främling")

        response = self.as_anonymous().get(self.link_for(membership, stranger))

        self.assertEqual(response.status_code, 200)
        self.assertIsNone(response.context["person"])
        self.assertNotContains(response, stranger.email)


class ScheduleTests(RenewalTestCase):
    def run_schedule(self, now: datetime.datetime) -> tuple[int, int]:
        with self.captureOnCommitCallbacks(execute=True):
            lapsed = services.lapse_overdue_renewals(now=now)
            reminded = services.send_due_reminders(now=now)
        return lapsed, reminded

    def test_reminders_follow_after_14_and_28_days_and_lapse_after_60(self) -> None:
        start = timezone.now() - datetime.timedelta(days=100)
        membership = self.request_renewal(now=start)
        day = lambda n: start + datetime.timedelta(days=n, minutes=1)  # noqa: E731

        self.assertEqual(self.run_schedule(day(13)), (0, 0))
        self.assertEqual(self.smtp.messages, [])

        self.assertEqual(self.run_schedule(day(14)), (0, 2))  # Cecilia's and Berga's
        reminder = self.smtp.messages_to("cecilia@a.test")
        self.assertEqual(len(reminder), 1)
        self.assertIn(str(self.next_year), reminder[0]["Subject"])
        self.assertRegex(reminder[0].get_body(("plain",)).get_content(), LINK)
        membership.refresh_from_db()
        self.assertEqual((membership.reminders_sent, membership.last_reminder_at), (1, day(14)))

        self.assertEqual(self.run_schedule(day(15)), (0, 0))  # not twice
        self.assertEqual(self.run_schedule(day(28)), (0, 2))
        self.assertEqual(self.run_schedule(day(40)), (0, 0))
        self.assertEqual(len(self.smtp.messages_to("cecilia@a.test")), 2)

        # Berga confirms in time; Cecilia's lapses at the deadline, and the office is told.
        Membership.objects.filter(organisation=self.plain_org, year=self.next_year).update(
            status=Membership.Status.ACTIVE
        )
        self.smtp.clear()
        self.assertEqual(self.run_schedule(day(60)), (1, 0))
        membership.refresh_from_db()
        self.assertEqual(membership.status, Membership.Status.LAPSED)
        to_office = self.smtp.messages_to(self.network_a.contact_email)
        self.assertEqual(len(to_office), 1)
        self.assertIn("Cecilias byalag", to_office[0].get_body(("plain",)).get_content())
        self.assertEqual(len(self.smtp.messages), 1)
        self.assertEqual(self.run_schedule(day(61)), (0, 0))

    def test_a_late_run_sends_one_reminder_not_a_backlog(self) -> None:
        start = timezone.now() - datetime.timedelta(days=100)
        membership = self.request_renewal(now=start)

        self.run_schedule(start + datetime.timedelta(days=30))

        self.assertEqual(len(self.smtp.messages_to("cecilia@a.test")), 1)
        membership.refresh_from_db()
        self.assertEqual(membership.reminders_sent, 2)

    @override_settings(BYGDEBAS_MEMBERSHIP_REMINDER_DAYS=[7], BYGDEBAS_MEMBERSHIP_LAPSE_DAYS=10)
    def test_the_days_are_settings(self) -> None:
        start = timezone.now() - datetime.timedelta(days=100)
        self.request_renewal(now=start)

        self.assertEqual(self.run_schedule(start + datetime.timedelta(days=7)), (0, 2))
        self.assertEqual(self.run_schedule(start + datetime.timedelta(days=10)), (2, 0))

    def test_confirmed_renewals_get_no_reminder(self) -> None:
        start = timezone.now() - datetime.timedelta(days=100)
        self.request_renewal(now=start)
        Membership.objects.filter(year=self.next_year).update(status=Membership.Status.ACTIVE)

        self.assertEqual(self.run_schedule(start + datetime.timedelta(days=70)), (0, 0))
        self.assertEqual(self.smtp.messages, [])

    def test_the_command_runs_the_schedule(self) -> None:
        start = timezone.now() - datetime.timedelta(days=20)
        self.request_renewal(now=start)
        out = io.StringIO()

        with self.captureOnCommitCallbacks(execute=True):
            call_command("run_membership_schedule", stdout=out)

        self.assertIn("Renewals lapsed: 0; reminders sent: 2.", out.getvalue())
        self.assertEqual(len(self.smtp.messages_to("cecilia@a.test")), 1)
