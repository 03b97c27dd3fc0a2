"""The daily digest of new matches and the deadline reminders, over a real SMTP server."""

from __future__ import annotations

import datetime
import io

from django.core.management import call_command
from django.test import TestCase, override_settings
from django.urls import reverse
from django.utils import timezone

from bygdebas.advocacy.models import Case, DigestRecipient, Entry, Source
from bygdebas.advocacy.services import cases, watch
from bygdebas.testing import CastMixin, SmtpServerMixin


class DigestTests(SmtpServerMixin, CastMixin, TestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        source = Source.objects.create(network=cls.network_a, name="Regionen", url="http://x.test/")
        for i, is_match in enumerate((True, True, False)):
            Entry.objects.create(
                network=cls.network_a,
                source=source,
                guid=f"g{i}",
                title=f"Nyhet {i} om kollektivtrafiken",
                is_match=is_match,
                matched_terms="kollektivtrafik" if is_match else "",
            )
        DigestRecipient.objects.create(network=cls.network_a, user=cls.bertil)

    def run_daily(self) -> str:
        out = io.StringIO()
        with self.captureOnCommitCallbacks(execute=True):
            call_command("advocacy_daily", stdout=out)
        return out.getvalue().strip()

    def test_recipients_get_each_new_match_once(self) -> None:
        self.assertEqual(self.run_daily(), "Digests sent: 1. Reminders sent: 0.")

        [mail] = self.smtp.messages_to("bertil@a.test")
        self.assertIn("2", mail["Subject"])
        body = mail.get_body(("plain",)).get_content()
        self.assertIn("Nyhet 0 om kollektivtrafiken", body)
        self.assertNotIn("Nyhet 2", body)
        self.assertIn("http://a.test/kansli/bevakning/", body)

        self.smtp.clear()
        self.assertEqual(self.run_daily(), "Digests sent: 0. Reminders sent: 0.")
        self.assertEqual(self.smtp.messages, [])

    def test_staff_turn_the_digest_on_and_off(self) -> None:
        watch.set_digest(network=self.network_a, user=self.anna, wanted=True)
        watch.set_digest(network=self.network_a, user=self.anna, wanted=True)
        self.assertEqual(DigestRecipient.objects.filter(user=self.anna).count(), 1)
        watch.set_digest(network=self.network_a, user=self.anna, wanted=False)
        self.assertFalse(DigestRecipient.objects.filter(user=self.anna).exists())


@override_settings(BYGDEBAS_ADVOCACY_REMINDER_DAYS=(14, 3))
class ReminderTests(SmtpServerMixin, CastMixin, TestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        cls.today = timezone.localdate()

        def case(title: str, days: int, **fields: object) -> Case:
            defaults: dict[str, object] = {
                "network": cls.network_a,
                "authority": "Länsstyrelsen",
                "received_on": cls.today - datetime.timedelta(days=30),
                "deadline_on": cls.today + datetime.timedelta(days=days),
                "responsible": cls.bertil,
            }
            defaults.update(fields)
            return Case.objects.create(title=title, **defaults)

        cls.in_ten = case("Om tio dagar", 10)
        cls.in_two = case("Om två dagar", 2)
        case("Om en månad", 30)
        case("Skickad", 2, status=Case.Status.SENT)
        case("Ingen ansvarig", 2, responsible=None)

    def test_the_responsible_person_is_reminded_at_14_and_3_days_once_each(self) -> None:
        with self.captureOnCommitCallbacks(execute=True):
            self.assertEqual(cases.send_deadline_reminders(today=self.today), 2)
        subjects = sorted(m["Subject"] for m in self.smtp.messages_to("bertil@a.test"))
        self.assertEqual(len(subjects), 2)
        self.assertTrue(any("Om två dagar" in s for s in subjects))
        self.in_two.refresh_from_db()
        self.assertEqual(self.in_two.reminded_days, [3, 14])

        self.smtp.clear()
        with self.captureOnCommitCallbacks(execute=True):
            self.assertEqual(cases.send_deadline_reminders(today=self.today), 0)
        # Seven days on, the ten-day case reaches its three-day reminder.
        with self.captureOnCommitCallbacks(execute=True):
            sent = cases.send_deadline_reminders(today=self.today + datetime.timedelta(days=7))
        self.assertEqual(sent, 1)
        [mail] = self.smtp.messages
        self.assertIn("Om tio dagar", mail["Subject"])


class InvitationTests(SmtpServerMixin, CastMixin, TestCase):
    def test_the_member_organisations_contact_persons_get_the_link(self) -> None:
        case = Case.objects.create(
            network=self.network_a,
            authority="Region Örebro län",
            title="Trafikförsörjningsprogram",
            received_on=timezone.localdate(),
        )
        with self.captureOnCommitCallbacks(execute=True):
            response = self.as_bertil().post(reverse("advocacy:case-invite", args=[case.pk]))
        self.assertRedirects(response, reverse("advocacy:case-detail", args=[case.pk]))
        [mail] = self.smtp.messages  # Cecilia, the contact person of A's one member
        self.assertEqual(mail["To"], "cecilia@a.test")
        body = mail.get_body(("plain",)).get_content()
        self.assertIn("http://a.test/remiss/synpunkter/", body)
        case.refresh_from_db()
        self.assertIsNotNone(case.invited_at)
        self.assertIn("1", case.comments.get().text)

    def test_a_case_under_board_review_takes_no_invitations(self) -> None:
        case = Case.objects.create(
            network=self.network_a,
            authority="Regionen",
            title="Remiss",
            received_on=timezone.localdate(),
            status=Case.Status.BOARD_REVIEW,
        )
        self.as_bertil().post(reverse("advocacy:case-invite", args=[case.pk]))
        self.assertEqual(self.smtp.messages, [])
        case.refresh_from_db()
        self.assertIsNone(case.invited_at)
