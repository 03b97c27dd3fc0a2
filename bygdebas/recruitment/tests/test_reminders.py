"""Reminders of overdue next steps, over a real SMTP server: one digest per person, once per date."""

from __future__ import annotations

import datetime
import io

from django.core.management import call_command
from django.test import TestCase
from django.utils import timezone

from bygdebas.core.models import Role
from bygdebas.recruitment import services
from bygdebas.recruitment.models import Prospect, Status
from bygdebas.recruitment.tasks import send_recruitment_reminders
from bygdebas.testing import CastMixin, SmtpServerMixin, make_municipality


class ReminderTests(SmtpServerMixin, CastMixin, TestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        cls.today = timezone.localdate()
        past = cls.today - datetime.timedelta(days=2)
        municipality = make_municipality(county=cls.network_a.county, name="Laxå")

        def prospect(name: str, **fields: object) -> Prospect:
            defaults: dict[str, object] = {
                "network": cls.network_a,
                "responsible": cls.bertil,
                "next_step": f"Ring {name}",
                "next_step_on": past,
            }
            defaults.update(fields)
            return Prospect.objects.create(name=name, **defaults)

        cls.first = prospect("Unga i Laxå", municipality=municipality)
        cls.second = prospect("Bygdegruppen Ramundeboda", status=Status.CONTACTED)
        cls.annas = prospect("Hasselfors byalag", responsible=cls.anna)
        # Not due: today's step, a future step, no date, ended, nobody responsible.
        prospect("Idag", next_step_on=cls.today)
        prospect("Sedan", next_step_on=cls.today + datetime.timedelta(days=5))
        prospect("Utan datum", next_step_on=None)
        prospect("Avböjde", status=Status.DECLINED)
        prospect("Ingen ansvarig", responsible=None)
        # David's prospect in B, reminded separately through B's host name.
        cls.davids = Prospect.objects.create(
            network=cls.network_b, name="B-gruppen", responsible=cls.david, next_step_on=past
        )

    def run_command(self) -> str:
        out = io.StringIO()
        with self.captureOnCommitCallbacks(execute=True):
            call_command("run_recruitment_reminders", stdout=out)
        return out.getvalue().strip()

    def test_each_responsible_person_gets_one_digest_of_their_overdue_prospects(self) -> None:
        output = self.run_command()

        self.assertEqual(output, "Reminders sent: 3.")
        [bertils] = self.smtp.messages_to("bertil@a.test")
        body = bertils.get_body(preferencelist=("plain",)).get_content()
        self.assertIn("Unga i Laxå", body)
        self.assertIn("Bygdegruppen Ramundeboda", body)
        self.assertIn("Ring Unga i Laxå", body)
        self.assertIn(f"http://a.test/kansli/rekrytering/{self.first.pk}/", body)
        for not_due in ("Idag", "Sedan", "Utan datum", "Avböjde", "Hasselfors"):
            self.assertNotIn(not_due, body)
        html = bertils.get_body(preferencelist=("html",)).get_content()
        self.assertIn("Unga i Laxå", html)
        [annas] = self.smtp.messages_to("anna@a.test")
        self.assertIn("Hasselfors byalag", annas.get_body(preferencelist=("plain",)).get_content())
        [davids] = self.smtp.messages_to("david@b.test")
        self.assertIn("http://b.test/", davids.get_body(preferencelist=("plain",)).get_content())
        self.assertEqual(len(self.smtp.messages), 3)
        self.first.refresh_from_db()
        self.assertEqual(self.first.reminded_for, self.first.next_step_on)

    def test_a_second_run_sends_nothing_until_a_new_date_passes(self) -> None:
        self.run_command()
        self.smtp.clear()

        self.assertEqual(self.run_command(), "Reminders sent: 0.")
        self.assertEqual(self.smtp.messages, [])

        # Bertil sets a new date, which passes too: one more reminder, of that prospect only.
        services.save_prospect(
            network=self.network_a,
            actor=self.bertil,
            prospect=self.first,
            next_step_on=self.today - datetime.timedelta(days=1),
        )
        self.assertEqual(self.run_command(), "Reminders sent: 1.")
        [message] = self.smtp.messages
        body = message.get_body(preferencelist=("plain",)).get_content()
        self.assertIn("Unga i Laxå", body)
        self.assertNotIn("Ramundeboda", body)

    def test_someone_no_longer_staff_gets_no_reminder(self) -> None:
        Role.objects.filter(user=self.bertil, network=self.network_a).update(kind=Role.Kind.BOARD)

        self.run_command()

        self.assertEqual(self.smtp.messages_to("bertil@a.test"), [])
        self.first.refresh_from_db()
        self.assertIsNone(self.first.reminded_for)

    def test_the_task_sends_the_same_digests(self) -> None:
        with self.captureOnCommitCallbacks(execute=True):
            result = send_recruitment_reminders.enqueue()
        self.assertEqual(result.return_value, 3)
        self.assertEqual(len(self.smtp.messages), 3)
