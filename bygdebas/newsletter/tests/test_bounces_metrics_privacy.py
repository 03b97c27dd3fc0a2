"""The bounce intake command, the plan metrics and target proposal, and personal data."""

from __future__ import annotations

import io
import tempfile
from types import SimpleNamespace

from django.core.management import call_command
from django.test import TestCase
from django.utils import timezone

from bygdebas.newsletter import privacy, services
from bygdebas.newsletter.metrics import count_issues_sent, count_member_items
from bygdebas.newsletter.models import Delivery, Issue, Subscription, Suppression
from bygdebas.newsletter.tests.factories import make_issue, make_item, make_subscription
from bygdebas.plan.importer.proposals import apply_proposals
from bygdebas.plan.importer.targets import suggest_targets
from bygdebas.plan.models import Activity
from bygdebas.testing import CastMixin, make_network, make_plan

DSN = """\
From: MAILER-DAEMON@mx.example.org
To: unsubscribe@orebro.test
Subject: Undelivered Mail Returned to Sender
MIME-Version: 1.0
Content-Type: multipart/report; report-type=delivery-status; boundary="B"

--B
Content-Type: text/plain

The mail could not be delivered.

--B
Content-Type: message/delivery-status

Reporting-MTA: dns; mx.example.org

Final-Recipient: rfc822; {email}
Original-Recipient: rfc822;{email}
Action: {action}
Status: {status}
Diagnostic-Code: smtp; 550 5.1.1 No such user

--B
Content-Type: text/rfc822-headers

From: Nätverket <noreply@orebro.test>
To: {email}
Message-ID: <nl.{delivery}.abc123@orebro.test>
Subject: Nyhetsbrev

--B--
"""


class BounceTests(TestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        cls.network = make_network(domain="orebro.test")
        cls.other = make_network(domain="other.test")
        cls.subscription = make_subscription(
            network=cls.network, email="gone@example.org", hard_bounces=2
        )
        # The same address on another network is not marked by a bounce that names this one.
        cls.elsewhere = make_subscription(network=cls.other, email="gone@example.org")
        cls.issue = make_issue(network=cls.network, status=Issue.Status.SENDING)
        cls.delivery = Delivery.objects.create(
            issue=cls.issue, subscription=cls.subscription, email="gone@example.org", status="sent"
        )

    def run_command(self, text: str, *, mbox: bool = False) -> str:
        out = io.StringIO()
        if mbox:
            with tempfile.NamedTemporaryFile("w", suffix=".mbox", delete=False) as handle:
                handle.write("From MAILER-DAEMON Sat Dec  5 08:00:00 2026\n" + text + "\n")
            call_command("newsletter_bounces", handle.name, stdout=out)
        else:
            import sys

            stdin = sys.stdin
            sys.stdin = SimpleNamespace(buffer=io.BytesIO(text.encode()))  # type: ignore[assignment]
            try:
                call_command("newsletter_bounces", stdout=out)
            finally:
                sys.stdin = stdin
        return out.getvalue()

    def test_a_piped_permanent_failure_marks_the_address_and_the_third_suppresses_it(self) -> None:
        output = self.run_command(
            DSN.format(
                email="gone@example.org", action="failed", status="5.1.1", delivery=self.delivery.pk
            )
        )
        self.assertIn("1", output)
        self.subscription.refresh_from_db()
        self.assertEqual(self.subscription.hard_bounces, 3)
        self.assertTrue(
            Suppression.objects.filter(network=self.network, email="gone@example.org").exists()
        )
        self.assertFalse(Suppression.objects.filter(network=self.other).exists())
        self.delivery.refresh_from_db()
        self.assertEqual(self.delivery.status, Delivery.Status.FAILED)
        self.elsewhere.refresh_from_db()
        self.assertEqual(self.elsewhere.hard_bounces, 0)

    def test_a_temporary_failure_in_an_mbox_marks_nothing(self) -> None:
        self.run_command(
            DSN.format(
                email="gone@example.org",
                action="delayed",
                status="4.2.2",
                delivery=self.delivery.pk,
            ),
            mbox=True,
        )
        self.subscription.refresh_from_db()
        self.assertEqual(self.subscription.hard_bounces, 2)

    def test_a_complaint_unsubscribes_and_suppresses_the_address(self) -> None:
        report = (
            DSN.replace("delivery-status", "feedback-report")
            .replace("Final-Recipient: rfc822; {email}\n", "Feedback-Type: abuse\n")
            .replace("Original-Recipient: rfc822;{email}", "Original-Rcpt-To: {email}")
        )
        self.run_command(
            report.format(email="gone@example.org", action="", status="", delivery=self.delivery.pk)
        )
        self.subscription.refresh_from_db()
        self.assertIsNotNone(self.subscription.unsubscribed_at)
        suppression = Suppression.objects.get(network=self.network, email="gone@example.org")
        self.assertEqual(suppression.reason, Suppression.Reason.COMPLAINED)

    def test_a_message_that_is_no_report_is_ignored(self) -> None:
        output = self.run_command("From: a@b\nSubject: Hej\n\nHej!\n")
        self.assertIn("0", output)


class MetricTests(CastMixin, TestCase):
    def test_issues_and_member_items_count_against_the_newsletter_activity(self) -> None:
        year = timezone.localdate().year
        plan = make_plan(network=self.network_a, year=year)
        activity = Activity.objects.filter(area__plan=plan).first()
        activity.text = "Vi ska ge ut digitalt nyhetsbrev vid minst tre tillfällen per år."
        activity.save()
        other = Activity.objects.filter(area__plan=plan).exclude(pk=activity.pk).first()
        make_subscription(network=self.network_a)
        for _ in range(2):
            issue = make_issue(network=self.network_a)
            services.add_item(
                issue=issue, item=make_item(network=self.network_a, organisation=self.cecilia_org)
            )
            with self.captureOnCommitCallbacks(execute=True):
                services.start_sending(issue=issue)
        activities = [activity, other]
        self.assertEqual(
            count_issues_sent(self.network_a, year, activities), {activity.pk: 2, other.pk: 0}
        )
        self.assertEqual(
            count_member_items(self.network_a, year, activities), {activity.pk: 2, other.pk: 0}
        )
        self.assertEqual(count_issues_sent(self.network_b, year, activities)[activity.pk], 0)

    def test_the_importer_proposes_issues_sent_at_least_three_a_year(self) -> None:
        text = "Vi ska ge ut digitalt nyhetsbrev vid minst tre tillfällen per år."
        targets = apply_proposals(text, suggest_targets(text))
        self.assertIn(
            ("newsletter.issues_sent", 3, "year"),
            [(t.metric, t.value, t.period) for t in targets],
        )


class PrivacyTests(CastMixin, TestCase):
    def test_the_extract_and_erasure_include_subscriptions_and_items(self) -> None:
        subscription = make_subscription(network=self.network_a, email="cecilia@a.test")
        services.subscribe_contact(network=self.network_a, user=self.cecilia)
        make_item(
            network=self.network_a,
            submitter_email="cecilia@a.test",
            submitter_name="Cecilia Carlsson",
            moderation_status="pending",
        )
        rows = privacy.extract(self.cecilia_person)
        self.assertEqual(rows[0]["email"], "cecilia@a.test")
        self.assertTrue(rows[0]["consents"])
        self.assertEqual(len(rows), 2)
        self.assertGreaterEqual(privacy.erase(self.cecilia_person), 2)
        self.assertFalse(Subscription.objects.filter(pk=subscription.pk).exists())
        self.assertTrue(
            Suppression.objects.filter(network=self.network_a, email="cecilia@a.test").exists()
        )
