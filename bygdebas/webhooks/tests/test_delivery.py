"""Webhook deliveries to a real HTTP server on 127.0.0.1: signed per Standard Webhooks, in order
per endpoint, retried with back-off, at least once, and an endpoint that keeps failing disabled."""

from __future__ import annotations

import datetime
from typing import Any

from django.db import transaction
from django.test import TestCase, override_settings
from django.utils import timezone
from standardwebhooks.webhooks import Webhook, WebhookVerificationError

from bygdebas.core.hooks import emit
from bygdebas.events.services import registrations
from bygdebas.plan import services as plan_services
from bygdebas.plan.models import Activity
from bygdebas.testing import (
    CastMixin,
    SmtpServerMixin,
    make_event,
    make_plan,
    sv,
)
from bygdebas.webhooks import delivery
from bygdebas.webhooks.models import Endpoint, Message
from bygdebas.webhooks.tests.receiver import Receiver


def later(**delta: float) -> datetime.datetime:
    return timezone.now() + datetime.timedelta(**delta)


class DeliveryTestCase(CastMixin, SmtpServerMixin, TestCase):
    receiver: Receiver
    endpoint: Endpoint

    def setUp(self) -> None:
        super().setUp()
        self.receiver = Receiver()
        self.addCleanup(self.receiver.stop)
        self.endpoint = Endpoint.objects.create(
            network=self.network_a, url=self.receiver.url, description="Medlemsregistret"
        )
        self.event = make_event(network=self.network_a, title="Bygdemöte i Kilsmo")

    def register(self, n: int) -> Any:
        with self.captureOnCommitCallbacks(execute=True):
            return registrations.register(
                event=self.event,
                name=f"Deltagare {n}",
                email=f"deltagare{n}@example.org",
                base_url="http://a.test",
            )

    def received(self) -> list[dict[str, Any]]:
        """Each request the receiver got, verified with the reference verifier."""
        verifier = Webhook(self.endpoint.secret)
        bodies = []
        for headers, body in self.receiver.requests:
            payload = verifier.verify(body, headers)
            bodies.append({"id": headers["webhook-id"], **payload})
        return bodies

    def send_due(self, at: datetime.datetime) -> int:
        with self.captureOnCommitCallbacks(execute=True):
            return delivery.send_messages(self.endpoint.pk, now=at)


class SignedDeliveryTests(DeliveryTestCase):
    def test_every_delivery_verifies_with_the_standard_webhooks_verifier(self) -> None:
        self.receiver.start()
        registration = self.register(1)
        activity = Activity.objects.filter(area__plan=make_plan(network=self.network_a)).first()
        assert activity is not None
        with self.captureOnCommitCallbacks(execute=True):
            plan_services.log_action(
                network=self.network_a,
                performed_on=datetime.date(2025, 5, 1),
                title="Studiebesök i Ramundeboda",
                activities=[activity],
            )
        [first, second] = self.received()
        self.assertEqual(first["type"], "registration.created")
        self.assertEqual(first["data"]["id"], registration.pk)
        self.assertEqual(first["data"]["event"]["title"], "Bygdemöte i Kilsmo")
        self.assertEqual(second["type"], "action.logged")
        self.assertEqual(second["data"]["title"], "Studiebesök i Ramundeboda")
        self.assertEqual(
            list(Message.objects.order_by("pk").values_list("status", "attempt_count")),
            [("delivered", 1), ("delivered", 1)],
        )

    def test_a_changed_body_or_another_secret_fails_verification(self) -> None:
        self.receiver.start()
        self.register(1)
        [(headers, body)] = self.receiver.requests
        with self.assertRaises(WebhookVerificationError):
            Webhook(self.endpoint.secret).verify(body.replace(b"Deltagare", b"Deltagarx"), headers)
        other = Endpoint(network=self.network_a, url=self.receiver.url)
        with self.assertRaises(WebhookVerificationError):
            Webhook(other.secret).verify(body, headers)

    def test_a_rolled_back_change_announces_nothing(self) -> None:
        self.receiver.start()
        with self.captureOnCommitCallbacks(execute=True), transaction.atomic():
            emit(self.network_a, "registration.created", {"id": 1})
            transaction.set_rollback(True)
        self.assertFalse(Message.objects.exists())
        self.assertEqual(self.receiver.requests, [])

    def test_only_the_chosen_events_of_the_endpoints_own_network_are_sent(self) -> None:
        self.receiver.start()
        self.endpoint.event_names = ["registration.cancelled"]
        self.endpoint.save()
        registration = self.register(1)  # not chosen
        their_event = make_event(network=self.network_b)
        with self.captureOnCommitCallbacks(execute=True):
            their = registrations.register(
                event=their_event, name="B", email="b@example.org", base_url="http://b.test"
            )
            registrations.cancel_registration(registration=their, base_url="http://b.test")
        self.assertEqual(self.receiver.requests, [])
        with self.captureOnCommitCallbacks(execute=True):
            registrations.cancel_registration(registration=registration, base_url="http://a.test")
        [message] = self.received()
        self.assertEqual(message["type"], "registration.cancelled")
        self.assertEqual(message["data"]["status"], "cancelled")

    def test_the_test_event_button_sends_a_signed_test_event(self) -> None:
        self.receiver.start()
        with self.captureOnCommitCallbacks(execute=True):
            response = self.as_anna().post(f"/kansli/webhooks/{self.endpoint.pk}/testa/")
        self.assertEqual(response.status_code, 302)
        [message] = self.received()
        self.assertEqual(message["type"], "webhook.test")
        self.assertEqual(message["data"]["network"], "Nätverk A")
        page = self.as_anna().get(f"/kansli/webhooks/{self.endpoint.pk}/")
        self.assertContains(page, "webhook.test")
        self.assertContains(page, "HTTP 204")


class DownReceiverTests(DeliveryTestCase):
    def test_a_receiver_that_is_down_gets_every_event_in_order_once_it_is_back(self) -> None:
        # Down: nothing listens on the port. Five people register, one by one.
        for n in range(5):
            self.register(n)
        messages = list(Message.objects.order_by("pk"))
        self.assertEqual(len(messages), 5)
        # Only the oldest was tried: the others wait behind it, and it waits for its back-off.
        self.assertEqual([m.attempt_count for m in messages], [1, 0, 0, 0, 0])
        self.assertTrue(messages[0].attempts.get().error)
        self.assertEqual(self.endpoint.attempts_total(), 1)
        # Still down at the first retry.
        self.send_due(later(seconds=10))
        self.assertEqual(Message.objects.pending().count(), 5)
        # Back, but the first answer after the outage is an error.
        self.receiver.start()
        self.receiver.fail_next = 1
        self.send_due(later(minutes=10))  # the 500: the oldest waits again, nobody overtakes
        self.assertEqual(len(self.received()), 1)
        self.assertEqual(Message.objects.pending().count(), 5)  # a 500 is not a delivery
        self.assertEqual(Message.objects.order_by("pk").first().attempt_count, 3)  # type: ignore[union-attr]
        self.receiver.requests.clear()
        self.send_due(later(hours=1))
        got = self.received()
        self.assertEqual([m["id"] for m in got], [m.message_id for m in messages])
        self.assertEqual([m["data"]["name"] for m in got], [f"Deltagare {n}" for n in range(5)])
        self.assertFalse(Message.objects.pending().exists())
        self.endpoint.refresh_from_db()
        self.assertEqual(self.endpoint.failure_count, 0)
        self.assertTrue(self.endpoint.is_active)

    def test_the_cron_command_sends_what_is_due(self) -> None:
        from django.core.management import call_command

        self.register(1)
        self.receiver.start()
        Message.objects.update(next_attempt_at=timezone.now())
        with self.captureOnCommitCallbacks(execute=True):
            call_command("send_webhooks", stdout=open("/dev/null", "w"))  # noqa: SIM115
        self.assertEqual(len(self.received()), 1)

    @override_settings(BYGDEBAS_WEBHOOK_TIMEOUT_S=0.5)
    def test_an_answer_lost_after_the_receiver_acted_resends_the_same_message_id(self) -> None:
        # At least once: the receiver took the message but answered too late.
        self.receiver.start()
        self.receiver.delay_next = 1.5
        self.register(1)
        self.send_due(later(minutes=1))
        ids = [headers["webhook-id"] for headers, _ in self.receiver.requests]
        self.assertEqual(len(ids), 2)
        self.assertEqual(ids[0], ids[1])  # the documented duplicate: same id, to deduplicate on
        self.assertFalse(Message.objects.pending().exists())

    @override_settings(BYGDEBAS_WEBHOOK_MAX_FAILURES=3)
    def test_an_endpoint_that_keeps_failing_is_disabled_and_its_administrator_told(self) -> None:
        self.receiver.status = 503
        self.receiver.start()
        self.register(1)
        self.register(2)
        self.send_due(later(minutes=1))
        self.send_due(later(hours=1))
        self.endpoint.refresh_from_db()
        self.assertFalse(self.endpoint.is_active)
        self.assertEqual(self.endpoint.disabled_reason, "HTTP 503")
        [mail] = self.smtp.messages_to("anna@a.test")
        self.assertIn(
            sv("Webhook disabled: %(name)s") % {"name": "Medlemsregistret"}, mail["Subject"]
        )
        self.assertIn(
            f"/kansli/webhooks/{self.endpoint.pk}/", mail.get_body(("plain",)).get_content()
        )
        self.assertEqual(self.smtp.messages_to("bertil@a.test"), [])  # staff, not administrator
        # Disabled: nothing more is tried, whatever time it is.
        tries = len(self.receiver.requests)
        self.send_due(later(days=3))
        self.assertEqual(len(self.receiver.requests), tries)
        # Fixed and enabled again: both go, in order.
        self.receiver.status = 200
        self.receiver.requests.clear()
        with self.captureOnCommitCallbacks(execute=True):
            self.as_anna().post(f"/kansli/webhooks/{self.endpoint.pk}/aktivera/")
        self.assertEqual(
            [m["data"]["name"] for m in self.received()], ["Deltagare 1", "Deltagare 2"]
        )


class NextTryTests(DeliveryTestCase):
    def test_the_next_try_is_known_only_while_the_endpoint_is_active(self) -> None:
        self.register(1)  # down: the first try failed
        due = delivery.next_due(self.endpoint.pk)
        self.assertIsNotNone(due)
        assert due is not None
        self.assertGreater(due, timezone.now())
        Endpoint.objects.filter(pk=self.endpoint.pk).update(is_active=False)
        self.assertIsNone(delivery.next_due(self.endpoint.pk))


@override_settings(TASKS={"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}})
class DeferredRetryTests(DeliveryTestCase):
    def test_a_failed_delivery_queues_its_retry_in_the_task_backend_at_its_back_off(self) -> None:
        from django_tasks_db.models import DBTaskResult

        from bygdebas.webhooks import tasks

        with self.captureOnCommitCallbacks(execute=True):
            emit(self.network_a, "action.logged", {"id": 1})
        queued = DBTaskResult.objects.filter(task_path__endswith="send_messages")
        self.assertEqual(queued.count(), 1)  # queued on commit, not run (a worker would)
        tasks.send_messages.call(self.endpoint.pk)  # what the worker does: the receiver is down
        message = Message.objects.get()
        self.assertEqual(message.attempt_count, 1)
        retry = queued.order_by("-enqueued_at").first()
        assert retry is not None
        self.assertEqual(queued.count(), 2)
        self.assertEqual(retry.run_after, message.next_attempt_at)
        self.assertEqual(retry.args_kwargs["args"], [self.endpoint.pk])


class MembershipEventTests(DeliveryTestCase):
    def test_an_approved_application_is_an_organisation_joining(self) -> None:
        from bygdebas.members.models import Membership
        from bygdebas.members.services import membership as membership_services
        from bygdebas.testing import make_membership, make_organisation

        self.receiver.start()
        organisation = make_organisation(network=self.network_a, name="Byalaget Kilsmo")
        applied = make_membership(organisation=organisation, status=Membership.Status.APPLIED)
        with self.captureOnCommitCallbacks(execute=True):
            membership_services.approve_application(membership=applied, actor=self.anna)
        [message] = self.received()
        self.assertEqual(message["type"], "organisation.joined")
        self.assertEqual(message["data"]["organisation"]["name"], "Byalaget Kilsmo")
        self.assertEqual(message["data"]["membership"]["year"], applied.year)


@override_settings(BYGDEBAS_WEBHOOK_ALLOW_PRIVATE_HOSTS=False)
class PrivateAddressTests(DeliveryTestCase):
    def test_production_never_calls_into_its_own_network(self) -> None:
        self.receiver.start()
        self.register(1)
        self.assertEqual(self.receiver.requests, [])  # refused before any connection
        message = Message.objects.get()
        self.assertEqual(message.status, "pending")
        self.assertEqual(message.attempts.get().error, sv("The URL leads to a private address."))
        with self.assertRaises(delivery.DeliveryRefusedError):
            delivery.check_url("ftp://example.org/")
