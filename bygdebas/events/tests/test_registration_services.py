"""Registration services: places, the waiting list, offers, reminders and follow-ups."""

from __future__ import annotations

import datetime

from django.core import mail
from django.test import TestCase
from django.utils import timezone

from bygdebas.events.models import Event, Registration
from bygdebas.events.services import registrations as services
from bygdebas.testing import make_event, make_network, make_registration

BASE = "http://a.test/"


class RegistrationServiceTestCase(TestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        cls.network = make_network(name="Nätverk A", domain="a.test")

    def register(self, event: Event, email: str, **kwargs: object) -> Registration:
        with self.captureOnCommitCallbacks(execute=True):
            return services.register(
                event=event, name=email.split("@")[0], email=email, base_url=BASE, **kwargs
            )

    def mails_to(self, email: str) -> list[mail.EmailMessage]:
        return [m for m in mail.outbox if email in m.to]


class RegisterTests(RegistrationServiceTestCase):
    def test_places_are_confirmed_up_to_the_capacity_then_people_wait(self) -> None:
        event = make_event(network=self.network, capacity=2)

        statuses = [self.register(event, f"p{n}@example.org").status for n in range(4)]

        self.assertEqual(statuses, ["confirmed", "confirmed", "waiting", "waiting"])
        confirmation = self.mails_to("p0@example.org")[0]
        self.assertEqual(confirmation.attachments[0][0], "inbjudan.ics")
        self.assertIn("BEGIN:VEVENT", confirmation.attachments[0][1])
        self.assertEqual(self.mails_to("p2@example.org")[0].attachments, [])
        for message in mail.outbox:  # every mail carries the personal link
            registration = Registration.objects.get(email=message.to[0])
            self.assertIn(f"{BASE}anmalan/{registration.token}/", message.body)

    def test_a_newcomer_does_not_jump_the_waiting_list(self) -> None:
        event = make_event(network=self.network, capacity=1)
        first = self.register(event, "first@example.org")
        waiting = self.register(event, "waiting@example.org")
        # A place frees up and is offered to the one waiting; someone new arrives meanwhile.
        with self.captureOnCommitCallbacks(execute=True):
            services.cancel_registration(registration=first, base_url=BASE)

        newcomer = self.register(event, "new@example.org")

        waiting.refresh_from_db()
        self.assertEqual(waiting.status, Registration.Status.OFFERED)
        self.assertEqual(newcomer.status, Registration.Status.WAITING)

    def test_someone_waiting_keeps_precedence_even_with_a_free_place(self) -> None:
        event = make_event(network=self.network, capacity=2)
        make_registration(event=event)
        make_registration(event=event, status=Registration.Status.WAITING)

        newcomer = self.register(event, "new@example.org")

        self.assertEqual(newcomer.status, Registration.Status.WAITING)

    def test_the_same_address_is_refused_whatever_its_case(self) -> None:
        event = make_event(network=self.network)
        self.register(event, "Astrid@Example.org")

        with self.assertRaises(services.RegistrationError):
            self.register(event, "astrid@example.ORG")
        self.assertEqual(event.registrations.count(), 1)

    def test_a_cancelled_person_may_register_again(self) -> None:
        event = make_event(network=self.network)
        make_registration(
            event=event, email="astrid@example.org", status=Registration.Status.CANCELLED
        )

        again = self.register(event, "astrid@example.org")

        self.assertEqual(again.status, Registration.Status.CONFIRMED)

    def test_closed_registration_is_refused(self) -> None:
        now = timezone.now()
        cases = {
            "before it opens": {"registration_opens_at": now + datetime.timedelta(days=1)},
            "after it closes": {"registration_closes_at": now - datetime.timedelta(minutes=1)},
            "after the start": {"starts_at": now - datetime.timedelta(minutes=1)},
            "a draft": {"status": Event.Status.DRAFT},
            "a cancelled event": {"status": Event.Status.CANCELLED},
        }
        for case, fields in cases.items():
            with self.subTest(case=case):
                event = make_event(network=self.network, **fields)
                with self.assertRaises(services.RegistrationError):
                    self.register(event, "x@example.org")
                self.assertFalse(event.registrations.exists())
        self.assertEqual(mail.outbox, [])

    def test_an_unlimited_event_confirms_everyone(self) -> None:
        event = make_event(network=self.network, capacity=None)

        statuses = {self.register(event, f"p{n}@example.org").status for n in range(5)}

        self.assertEqual(statuses, {"confirmed"})


class OfferTests(RegistrationServiceTestCase):
    def setUp(self) -> None:
        self.event = make_event(network=self.network, capacity=1, offer_hours=48)
        self.holder = make_registration(event=self.event, email="holder@example.org")
        self.first = make_registration(
            event=self.event, email="first@example.org", status=Registration.Status.WAITING
        )
        self.second = make_registration(
            event=self.event, email="second@example.org", status=Registration.Status.WAITING
        )

    def cancel_holder(self, now: datetime.datetime | None = None) -> None:
        with self.captureOnCommitCallbacks(execute=True):
            services.cancel_registration(registration=self.holder, base_url=BASE, now=now)

    def test_a_cancellation_offers_the_place_to_the_first_waiting(self) -> None:
        now = timezone.now()
        self.cancel_holder(now)

        self.holder.refresh_from_db()
        self.first.refresh_from_db()
        self.second.refresh_from_db()
        self.assertEqual(self.holder.status, Registration.Status.CANCELLED)
        self.assertEqual(self.first.status, Registration.Status.OFFERED)
        self.assertEqual(self.first.offer_expires_at, now + datetime.timedelta(hours=48))
        self.assertEqual(self.second.status, Registration.Status.WAITING)
        offer = self.mails_to("first@example.org")[0]
        self.assertIn(f"{BASE}anmalan/{self.first.token}/acceptera/", offer.body)
        self.assertEqual(self.mails_to("second@example.org"), [])
        self.assertEqual(len(self.mails_to("holder@example.org")), 1)

    def test_the_offer_ends_at_the_latest_when_the_event_starts(self) -> None:
        now = self.event.starts_at - datetime.timedelta(hours=5)
        self.cancel_holder(now)

        self.first.refresh_from_db()
        self.assertEqual(self.first.offer_expires_at, self.event.starts_at)

    def test_accepting_in_time_confirms_with_an_invitation(self) -> None:
        self.cancel_holder()
        self.first.refresh_from_db()
        mail.outbox.clear()

        with self.captureOnCommitCallbacks(execute=True):
            services.accept_offer(registration=self.first, base_url=BASE)

        self.first.refresh_from_db()
        self.assertEqual(self.first.status, Registration.Status.CONFIRMED)
        [confirmation] = mail.outbox
        self.assertEqual(confirmation.to, ["first@example.org"])
        self.assertEqual(confirmation.attachments[0][0], "inbjudan.ics")

    def test_accepting_after_the_deadline_is_refused(self) -> None:
        self.cancel_holder()
        self.first.refresh_from_db()

        with self.assertRaises(services.RegistrationError):
            services.accept_offer(
                registration=self.first,
                base_url=BASE,
                now=self.first.offer_expires_at + datetime.timedelta(seconds=1),
            )
        self.first.refresh_from_db()
        self.assertEqual(self.first.status, Registration.Status.OFFERED)

    def test_a_lapsed_offer_passes_to_the_next_waiting(self) -> None:
        self.cancel_holder()
        self.first.refresh_from_db()
        mail.outbox.clear()
        later = self.first.offer_expires_at + datetime.timedelta(minutes=1)

        with self.captureOnCommitCallbacks(execute=True):
            expired = services.expire_offers(base_url=BASE, now=later)

        self.assertEqual(expired, 1)
        self.first.refresh_from_db()
        self.second.refresh_from_db()
        self.assertEqual(self.first.status, Registration.Status.EXPIRED)
        self.assertEqual(self.second.status, Registration.Status.OFFERED)
        self.assertEqual(self.second.offer_expires_at, later + datetime.timedelta(hours=48))
        self.assertEqual(len(self.mails_to("first@example.org")), 1)  # the offer has expired
        self.assertEqual(len(self.mails_to("second@example.org")), 1)  # the new offer
        # Running again changes nothing until the new offer lapses too.
        with self.captureOnCommitCallbacks(execute=True):
            self.assertEqual(services.expire_offers(base_url=BASE, now=later), 0)

    def test_staff_can_promote_beyond_the_capacity(self) -> None:
        with self.captureOnCommitCallbacks(execute=True):
            services.promote(registration=self.second, base_url=BASE)

        self.second.refresh_from_db()
        self.assertEqual(self.second.status, Registration.Status.CONFIRMED)
        self.assertEqual(self.event.registrations.holding_places().count(), 2)
        self.assertEqual(len(self.mails_to("second@example.org")), 1)
        with self.assertRaises(services.RegistrationError):
            services.promote(registration=self.holder, base_url=BASE)


class ScheduledMailTests(RegistrationServiceTestCase):
    def test_reminders_go_out_once_two_days_before(self) -> None:
        event = make_event(network=self.network, reminder_days=2)
        confirmed = make_registration(event=event)
        make_registration(event=event, status=Registration.Status.WAITING)
        make_registration(event=event, status=Registration.Status.CANCELLED)

        def remind(now: datetime.datetime) -> int:
            with self.captureOnCommitCallbacks(execute=True):
                return services.send_due_reminders(base_url=BASE, now=now)

        self.assertEqual(remind(event.starts_at - datetime.timedelta(days=2, minutes=1)), 0)
        self.assertEqual(remind(event.starts_at - datetime.timedelta(days=2)), 1)
        self.assertEqual(remind(event.starts_at - datetime.timedelta(days=1)), 0)
        [reminder] = mail.outbox
        self.assertEqual(reminder.to, [confirmed.email])
        self.assertIn(event.title, reminder.subject)
        self.assertIn(f"{BASE}anmalan/{confirmed.token}/", reminder.body)

    def test_follow_ups_go_out_once_after_the_end(self) -> None:
        event = make_event(
            network=self.network, follow_up_message="Tack för i går! Här är bilderna."
        )
        make_event(network=self.network)  # without a follow-up message: nothing is sent
        confirmed = make_registration(event=event)
        make_registration(event=event, status=Registration.Status.CANCELLED)

        def follow_up(now: datetime.datetime) -> int:
            with self.captureOnCommitCallbacks(execute=True):
                return services.send_due_follow_ups(base_url=BASE, now=now)

        self.assertEqual(follow_up(event.ends_at - datetime.timedelta(minutes=1)), 0)
        self.assertEqual(follow_up(event.ends_at + datetime.timedelta(hours=1)), 1)
        self.assertEqual(follow_up(event.ends_at + datetime.timedelta(hours=2)), 0)
        [message] = mail.outbox
        self.assertEqual(message.to, [confirmed.email])
        self.assertIn("Tack för i går! Här är bilderna.", message.body)

    def test_cancelling_an_event_tells_everyone_registered(self) -> None:
        event = make_event(network=self.network, capacity=1)
        confirmed = make_registration(event=event)
        waiting = make_registration(event=event, status=Registration.Status.WAITING)
        make_registration(event=event, status=Registration.Status.CANCELLED)

        with self.captureOnCommitCallbacks(execute=True):
            services.cancel_event(event=event, message="Vägen är avstängd.", base_url=BASE)

        self.assertEqual({m.to[0] for m in mail.outbox}, {confirmed.email, waiting.email})
        self.assertIn("Vägen är avstängd.", mail.outbox[0].body)

    def test_a_staff_message_uses_their_subject_and_text(self) -> None:
        event = make_event(network=self.network)
        make_registration(event=event, name="Åsa & Co")

        with self.captureOnCommitCallbacks(execute=True):
            sent = services.message_participants(
                event=event,
                subject="Ändrad lokal <viktigt>",
                body="Vi ses i skolan & inte i kyrkan.",
                include_waiting=False,
                base_url=BASE,
            )

        self.assertEqual(sent, 1)
        [message] = mail.outbox
        self.assertEqual(message.subject, "Ändrad lokal <viktigt>")
        # The plain text is not HTML-escaped; the HTML part is.
        self.assertIn("Vi ses i skolan & inte i kyrkan.", message.body)
        self.assertIn("Åsa & Co", message.body)
        self.assertIn("skolan &amp; inte", message.alternatives[0].content)
