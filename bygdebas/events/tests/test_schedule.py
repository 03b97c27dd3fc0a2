"""The events schedule: the task and the run_event_schedule command for cron."""

from __future__ import annotations

import datetime
import io

from django.core import mail
from django.core.management import call_command
from django.test import TestCase, override_settings
from django.utils import timezone

from bygdebas.events.models import Event, Registration
from bygdebas.events.tasks import process_event_schedule
from bygdebas.testing import make_event, make_network, make_registration


@override_settings(BYGDEBAS_BASE_URL="https://bygd.example.org")
class ScheduleTests(TestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        # A network without a host name of its own: links fall back to BYGDEBAS_BASE_URL.
        cls.network = make_network(domain="")
        now = timezone.now()
        # Starts in a day: its reminder is due.
        cls.soon = make_event(network=cls.network, starts_at=now + datetime.timedelta(days=1))
        cls.soon_participant = make_registration(event=cls.soon)
        # A lapsed offer with someone waiting behind it.
        cls.full = make_event(network=cls.network, capacity=1, reminder_days=0)
        cls.lapsed = make_registration(
            event=cls.full,
            status=Registration.Status.OFFERED,
            offer_expires_at=now - datetime.timedelta(minutes=5),
        )
        cls.next_in_line = make_registration(event=cls.full, status=Registration.Status.WAITING)
        # Ended an hour ago, with a follow-up message.
        cls.past = make_event(
            network=cls.network,
            starts_at=now - datetime.timedelta(hours=3),
            follow_up_message="Tack för att du kom!",
        )
        cls.past_participant = make_registration(event=cls.past)

    def run_command(self) -> str:
        out = io.StringIO()
        with self.captureOnCommitCallbacks(execute=True):
            call_command("run_event_schedule", stdout=out)
        return out.getvalue()

    def test_the_command_expires_offers_and_sends_reminders_and_follow_ups(self) -> None:
        output = self.run_command()

        self.assertEqual(
            output.strip(), "Offers expired: 1; reminders sent: 1; follow-ups sent: 1."
        )
        self.lapsed.refresh_from_db()
        self.next_in_line.refresh_from_db()
        self.assertEqual(self.lapsed.status, Registration.Status.EXPIRED)
        self.assertEqual(self.next_in_line.status, Registration.Status.OFFERED)
        recipients = sorted(m.to[0] for m in mail.outbox)
        self.assertEqual(
            recipients,
            sorted(
                [
                    self.soon_participant.email,
                    self.lapsed.email,
                    self.next_in_line.email,
                    self.past_participant.email,
                ]
            ),
        )
        # Links point at the configured address, since there is no request to take it from.
        reminder = next(m for m in mail.outbox if m.to == [self.soon_participant.email])
        self.assertIn(
            f"https://bygd.example.org/anmalan/{self.soon_participant.token}/", reminder.body
        )
        self.assertTrue(Event.objects.get(pk=self.soon.pk).reminder_sent_at)

    def test_running_twice_sends_nothing_twice(self) -> None:
        self.run_command()
        sent = len(mail.outbox)

        output = self.run_command()

        self.assertEqual(len(mail.outbox), sent)
        self.assertEqual(
            output.strip(), "Offers expired: 0; reminders sent: 0; follow-ups sent: 0."
        )

    def test_the_task_reports_what_it_did(self) -> None:
        with self.captureOnCommitCallbacks(execute=True):
            result = process_event_schedule.call()

        self.assertEqual(result, {"offers_expired": 1, "reminders_sent": 1, "follow_ups_sent": 1})

    def test_the_command_can_hand_the_work_to_the_worker(self) -> None:
        out = io.StringIO()
        with self.captureOnCommitCallbacks(execute=True):
            call_command("run_event_schedule", "--enqueue", stdout=out)

        # Tests run tasks immediately, so the work is done all the same.
        self.assertIn("Enqueued", out.getvalue())
        self.lapsed.refresh_from_db()
        self.assertEqual(self.lapsed.status, Registration.Status.EXPIRED)


class ScheduleLinksTests(TestCase):
    def test_scheduled_mail_links_to_the_events_own_network(self) -> None:
        # Links in mail sent by the worker must open on the participant's network, whose pages
        # only know its own registrations.
        network = make_network(domain="orebro.test")
        event = make_event(network=network, starts_at=timezone.now() + datetime.timedelta(days=1))
        registration = make_registration(event=event)

        with self.captureOnCommitCallbacks(execute=True):
            call_command("run_event_schedule", stdout=io.StringIO())

        (reminder,) = mail.outbox
        self.assertIn(f"http://orebro.test/anmalan/{registration.token}/", reminder.body)
        self.assertNotIn("127.0.0.1", reminder.body)
