"""The sending engine against a real SMTP server: exactly once, retries, bounces, rate limit."""

from __future__ import annotations

import re
import smtplib
from typing import Any

from django.test import TestCase, TransactionTestCase, override_settings

from bygdebas.core.hooks import HookEvent, subscribe, unsubscribe
from bygdebas.core.signed_links import read_token
from bygdebas.newsletter import sending, services
from bygdebas.newsletter.models import Delivery, Issue, Subscription, Suppression
from bygdebas.newsletter.tests.factories import (
    make_issue,
    make_subscription,
    make_subscriptions,
)
from bygdebas.testing import SmtpServer, SmtpServerMixin, make_network, make_plan


class Refusing:
    """An aiosmtpd handler that answers RCPT for some addresses with a given code."""

    def __init__(self, refuse: dict[str, str], envelopes: list[Any]) -> None:
        self.refuse = refuse
        self.envelopes = envelopes
        self.peers: list[Any] = []  # the client end of the connection each message came over

    async def handle_RCPT(
        self, server: Any, session: Any, envelope: Any, address: str, options: Any
    ) -> str:
        if address in self.refuse:
            return self.refuse[address]
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        self.envelopes.append(envelope)
        self.peers.append(session.peer)
        return "250 Message accepted for delivery"


class SendingTests(SmtpServerMixin, TestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        cls.network = make_network(name="Hela Sverige ska leva Örebro län", domain="orebro.test")
        cls.other = make_network(domain="other.test")

    def _send(self, issue: Issue) -> Issue:
        services.start_sending(issue=issue)
        self.run_on_commit()
        issue.refresh_from_db()
        return issue

    def run_on_commit(self) -> None:
        # TestCase holds the transaction open; run what would run on commit.
        pass

    def send(self, issue: Issue) -> Issue:
        with self.captureOnCommitCallbacks(execute=True):
            services.start_sending(issue=issue)
        issue.refresh_from_db()
        return issue

    def test_it_sends_one_personal_message_per_confirmed_subscriber(self) -> None:
        anna = make_subscription(
            network=self.network, name="Anna Andersson", email="anna@example.org"
        )
        make_subscription(network=self.network, email="bo@example.org", name="")
        make_subscription(network=self.network, email="unconfirmed@example.org", confirmed_at=None)
        make_subscription(network=self.other, email="other@example.org")
        issue = self.send(make_issue(network=self.network, items=2))

        self.assertEqual(issue.status, Issue.Status.SENT)
        self.assertEqual(issue.delivered_count, 2)
        recipients = sorted(a for e in self.smtp.envelopes for a in e.rcpt_tos)
        self.assertEqual(recipients, ["anna@example.org", "bo@example.org"])
        message = self.smtp.messages_to("anna@example.org")[0]
        self.assertIn("Hej Anna", message.get_body(("plain",)).get_content())
        html = message.get_body(("html",)).get_content()
        self.assertIn("Hej Anna", html)
        self.assertIn("Nyhetsbrev 1", html)
        unsubscribe = message["List-Unsubscribe"]
        self.assertIn("://orebro.test/nyhetsbrev/avregistrera/", unsubscribe)
        self.assertIn("<mailto:unsubscribe@orebro.test>", unsubscribe)
        self.assertEqual(message["List-Unsubscribe-Post"], "List-Unsubscribe=One-Click")
        # The links name Anna's subscription (a token carries the second it was made).
        token = re.search(r"/avregistrera/([^/>]+)/", unsubscribe).group(1)
        values = read_token(token, purpose=sending.UNSUBSCRIBE, network=self.network, max_age=60)
        self.assertEqual(values["s"], anna.pk)
        self.assertIn(token, html)
        # No tracking: every link is the item's own, no pixel.
        self.assertNotIn("<img", html)

    def test_a_second_run_sends_nothing_again(self) -> None:
        make_subscriptions(network=self.network, count=5)
        issue = self.send(make_issue(network=self.network))
        self.assertEqual(len(self.smtp.envelopes), 5)
        sending.run_issue(issue.pk)
        services.materialise(issue)
        sending.run_issue(issue.pk)
        self.assertEqual(len(self.smtp.envelopes), 5)
        self.assertEqual(Delivery.objects.filter(issue=issue).count(), 5)

    def test_suppressed_paused_and_unsubscribed_addresses_are_not_mailed(self) -> None:
        make_subscription(network=self.network, email="ok@example.org")
        make_subscription(network=self.network, email="paused@example.org", is_paused=True)
        gone = make_subscription(network=self.network, email="gone@example.org")
        services.unsubscribe(subscription=gone)
        make_subscription(network=self.network, email="Bounced@example.org")
        Suppression.objects.create(
            network=self.network, email="bounced@example.org", reason="bounced"
        )
        self.send(make_issue(network=self.network))
        self.assertEqual([a for e in self.smtp.envelopes for a in e.rcpt_tos], ["ok@example.org"])

    def test_a_segment_narrows_the_recipients(self) -> None:
        make_subscription(network=self.network, email="member@example.org", is_member_contact=True)
        make_subscription(network=self.network, email="public@example.org")
        issue = make_issue(network=self.network, segment_member_contacts=True)
        self.send(issue)
        self.assertEqual(
            [a for e in self.smtp.envelopes for a in e.rcpt_tos], ["member@example.org"]
        )

    def test_sending_logs_an_action_against_the_newsletter_activity(self) -> None:
        make_plan(network=self.network, year=2026)
        make_subscriptions(network=self.network, count=3)
        from bygdebas.plan.models import Activity

        activity = Activity.objects.filter(area__plan__network=self.network).first()
        activity.text = "Vi ska ge ut digitalt nyhetsbrev vid minst tre tillfällen per år."
        activity.save()
        issue = self.send(make_issue(network=self.network))
        action = issue.action
        assert action is not None
        self.assertEqual(action.participants, 3)
        self.assertEqual(list(action.activities.all()), [activity])
        self.assertEqual(action.source_id, str(issue.pk))

    def test_a_sent_issue_tells_webhook_subscribers_once(self) -> None:
        heard: list[HookEvent] = []
        subscribe(heard.append)
        self.addCleanup(unsubscribe, heard.append)
        make_subscriptions(network=self.network, count=2)
        issue = self.send(make_issue(network=self.network))
        sending.finish_if_done(issue)  # a second look at a sent issue says nothing again
        [event] = [e for e in heard if e.name == "newsletter.sent"]
        self.assertEqual(event.network_id, self.network.pk)
        self.assertEqual((event.payload["id"], event.payload["delivered"]), (issue.pk, 2))


@override_settings(BYGDEBAS_NEWSLETTER_RETRY_DELAY_S=60)
class FailureTests(TestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        cls.network = make_network(domain="fail.test")

    def serve(self, refuse: dict[str, str]) -> SmtpServer:
        server = SmtpServer()
        from aiosmtpd.controller import Controller

        self.handler = Refusing(refuse, server.envelopes)
        server._controller = Controller(self.handler, hostname="127.0.0.1", port=server.port)
        server._controller.start()
        self.addCleanup(server.stop)
        return server

    def test_4xx_defers_with_back_off_and_5xx_fails_and_counts_a_bounce(self) -> None:
        server = self.serve(
            {"later@example.org": "451 Try later", "nobody@example.org": "550 No such user"}
        )
        make_subscription(network=self.network, email="ok@example.org")
        make_subscription(network=self.network, email="later@example.org")
        nobody = make_subscription(network=self.network, email="nobody@example.org")
        issue = make_issue(network=self.network)
        with override_settings(MAILERS=server.mailers), self.captureOnCommitCallbacks(execute=True):
            services.start_sending(issue=issue)
        later = Delivery.objects.get(issue=issue, email="later@example.org")
        self.assertEqual(later.status, Delivery.Status.DEFERRED)
        self.assertEqual(later.attempts, 1)
        self.assertGreater(later.next_attempt_at, later.claimed_at)
        failed = Delivery.objects.get(issue=issue, email="nobody@example.org")
        self.assertEqual(failed.status, Delivery.Status.FAILED)
        self.assertIn("550", failed.error)
        nobody.refresh_from_db()
        self.assertEqual(nobody.hard_bounces, 1)
        issue.refresh_from_db()
        self.assertEqual(issue.status, Issue.Status.SENT)
        self.assertEqual(
            (issue.delivered_count, issue.deferred_count, issue.failed_count), (1, 1, 1)
        )
        self.assertEqual([a for e in server.envelopes for a in e.rcpt_tos], ["ok@example.org"])

    def test_the_third_hard_bounce_suppresses_the_address(self) -> None:
        make_subscription(network=self.network, email="nobody@example.org", hard_bounces=2)
        self.assertTrue(
            sending.record_hard_bounce(network=self.network, email="nobody@example.org")
        )
        self.assertTrue(
            Suppression.objects.filter(network=self.network, email="nobody@example.org").exists()
        )

    def test_a_closed_server_defers_and_nothing_is_marked_sent(self) -> None:
        from bygdebas.testing import free_port, smtp_mailers

        make_subscription(network=self.network, email="ok@example.org")
        issue = make_issue(network=self.network)
        with (
            override_settings(MAILERS=smtp_mailers(free_port())),
            self.captureOnCommitCallbacks(execute=True),
        ):
            services.start_sending(issue=issue)
        delivery = Delivery.objects.get(issue=issue)
        self.assertEqual(delivery.status, Delivery.Status.DEFERRED)

    @override_settings(BYGDEBAS_NEWSLETTER_BATCH_SIZE=10)
    def test_a_batch_reuses_one_smtp_connection(self) -> None:
        server = self.serve({})
        make_subscriptions(network=self.network, count=25)
        issue = make_issue(network=self.network)
        with override_settings(MAILERS=server.mailers), self.captureOnCommitCallbacks(execute=True):
            services.start_sending(issue=issue)
        self.assertEqual(len(server.envelopes), 25)
        # Three batches (10, 10, 5): three connections, not 25.
        self.assertEqual(len(set(self.handler.peers)), 3)

    @override_settings(BYGDEBAS_NEWSLETTER_RATE_PER_MINUTE=3)
    def test_the_rate_limit_holds_back_what_exceeds_a_minute(self) -> None:
        server = self.serve({})
        make_subscriptions(network=self.network, count=5)
        issue = make_issue(network=self.network, status=Issue.Status.SENDING)
        services.materialise(issue)
        with override_settings(MAILERS=server.mailers):
            sent = sending.send_all(issue, sleep=False)
        self.assertEqual(sent, 3)
        self.assertEqual(Delivery.objects.filter(issue=issue, status="pending").count(), 2)


class ClaimTests(TransactionTestCase):
    """Two workers on the same issue: a row is claimed by one of them only."""

    def test_two_claims_never_share_a_row(self) -> None:
        network = make_network()
        make_subscriptions(network=network, count=10)
        issue = make_issue(network=network, status=Issue.Status.SENDING)
        services.materialise(issue)
        first = sending.claim(issue, 1, 6)
        second = sending.claim(issue, 2, 6)
        self.assertEqual(len(first), 6)
        self.assertEqual(len(second), 4)
        self.assertFalse(set(first) & set(second))

    @override_settings(BYGDEBAS_NEWSLETTER_CLAIM_TIMEOUT_S=0)
    def test_a_dead_workers_claims_are_sent_again(self) -> None:
        network = make_network()
        make_subscriptions(network=network, count=3)
        issue = make_issue(network=network, status=Issue.Status.SENDING)
        services.materialise(issue)
        sending.claim(issue, 12345, 2)  # a worker that claimed two rows and died (no such pid)
        self.assertEqual(sending.release_orphaned_claims(issue), 2)
        self.assertEqual(Delivery.objects.filter(issue=issue, status="pending").count(), 3)


class SmtpErrorCodes(TestCase):
    def test_codes_are_read_from_refusals(self) -> None:
        error = smtplib.SMTPRecipientsRefused({"a@b": (452, b"full")})
        self.assertEqual(sending._smtp_code(error), 452)
        self.assertEqual(sending._smtp_code(smtplib.SMTPDataError(554, b"no")), 554)
        _ = Subscription
