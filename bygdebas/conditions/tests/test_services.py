"""The report services: where a report may be, confirmation, moderation steps, "me too",
status mail, merging and dossiers."""

from __future__ import annotations

import datetime
import re

from django.core.exceptions import ValidationError
from django.test import TestCase

from bygdebas.conditions import services
from bygdebas.conditions.models import MeToo, Report, ReportLog, Status
from bygdebas.conditions.tests.helpers import (
    INSIDE,
    OUTSIDE,
    make_report,
    make_square_municipality,
)
from bygdebas.core import moderation
from bygdebas.core.confirmation import confirm
from bygdebas.core.hooks import HookEvent, subscribe, unsubscribe
from bygdebas.plan.models import Action, Activity
from bygdebas.testing import CastMixin, SmtpServerMixin, make_plan


class ConditionsTestCase(SmtpServerMixin, CastMixin, TestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        county = cls.network_a.county
        assert county is not None
        cls.kumla = make_square_municipality(county)

    def report(self, **overrides: object) -> Report:
        values: dict = {
            "network": self.network_a,
            "category": "road",
            "title": "Potthål",
            "description": "Djupa hål vid skolan.",
            "name": "Eva Ek",
            "email": "Eva@Example.org",
            "lat": INSIDE[0],
            "lon": INSIDE[1],
        }
        values.update(overrides)
        with self.captureOnCommitCallbacks(execute=True):
            return services.report_problem(**values)

    def link_in(self, address: str) -> str:
        body = self.smtp.messages_to(address)[-1].get_body(("plain",)).get_content()
        match = re.search(r"https?://\S+", body)
        assert match is not None, body
        return match.group(0)


class ReportProblemTests(ConditionsTestCase):
    def test_a_report_waits_unpublished_for_its_confirmation_by_mail(self) -> None:
        report = self.report()
        self.assertEqual(report.municipality, self.kumla)
        self.assertEqual(report.submitter_email, "eva@example.org")
        self.assertFalse(report.is_public)
        self.assertEqual(report.moderation_status, "")
        self.assertFalse(Report.objects.for_network(self.network_a).published().exists())
        self.assertIn("/landsbygdslaget/bekrafta/", self.link_in("eva@example.org"))

    def test_it_refuses_a_point_outside_the_networks_municipalities(self) -> None:
        with self.assertRaises(ValidationError) as raised:
            self.report(lat=OUTSIDE[0], lon=OUTSIDE[1])
        self.assertIn("lat", raised.exception.error_dict)
        self.assertFalse(Report.objects.exists())
        self.assertEqual(self.smtp.messages, [])

    def test_without_the_map_the_position_is_the_municipal_seat(self) -> None:
        report = self.report(lat=None, lon=None, municipality=self.kumla, locality="Hällabrottet")
        self.assertEqual((report.lat, report.lon), (59.127, 15.143))
        self.assertTrue(report.is_position_approximate)

    def test_confirming_publishes_a_category_not_held(self) -> None:
        report = self.report()
        with self.captureOnCommitCallbacks(execute=True):
            confirm(report, on_confirm=services.report_confirmed)
        report.refresh_from_db()
        self.assertTrue(report.is_public)
        self.assertEqual(
            list(report.log.values_list("action", flat=True)), [ReportLog.Action.PUBLISHED]
        )

    def test_confirming_tells_webhook_subscribers_without_naming_the_reporter(self) -> None:
        heard: list[HookEvent] = []
        subscribe(heard.append)
        self.addCleanup(unsubscribe, heard.append)
        report = self.report()
        with self.captureOnCommitCallbacks(execute=True):
            confirm(report, on_confirm=services.report_confirmed)
        [event] = [e for e in heard if e.name == "report.confirmed"]
        self.assertEqual(event.network_id, self.network_a.pk)
        self.assertEqual(event.payload["id"], report.pk)
        self.assertFalse(event.payload["held_for_moderation"])
        self.assertNotIn(report.submitter_email, str(event.payload))
        self.assertNotIn(report.submitter_name, str(event.payload))

    def test_a_held_category_waits_for_staff_after_confirmation(self) -> None:
        services.set_held_categories(network=self.network_a, categories=["broadband"])
        report = self.report(category="broadband", title="Inget bredband")
        with self.captureOnCommitCallbacks(execute=True):
            confirm(report, on_confirm=services.report_confirmed)
        report.refresh_from_db()
        self.assertTrue(report.is_pending)
        self.assertFalse(report.is_public)
        with self.captureOnCommitCallbacks(execute=True):
            moderation.approve(report, by=self.bertil, edits={"title": "Bredband saknas"})
        report.refresh_from_db()
        self.assertTrue(report.is_public)
        self.assertEqual(report.title, "Bredband saknas")
        self.assertEqual(report.original["title"], "Inget bredband")


class MeTooTests(ConditionsTestCase):
    def test_a_me_too_counts_once_per_address_once_confirmed(self) -> None:
        report = make_report(network=self.network_a, municipality=self.kumla)
        with self.captureOnCommitCallbacks(execute=True):
            first = services.add_me_too(report=report, name="Stina", email="stina@example.org")
            again = services.add_me_too(report=report, name="Stina", email="STINA@example.org")
        self.assertEqual(first.pk, again.pk)
        self.assertEqual(len(self.smtp.messages_to("stina@example.org")), 2)
        self.assertEqual(report.me_toos.confirmed().count(), 0)
        confirm(first)
        with self.captureOnCommitCallbacks(execute=True):
            services.add_me_too(report=report, name="Stina", email="stina@example.org")
        self.assertEqual(report.me_toos.confirmed().count(), 1)
        self.assertEqual(len(self.smtp.messages_to("stina@example.org")), 2)

    def test_a_hidden_report_takes_no_me_too(self) -> None:
        report = make_report(network=self.network_a, municipality=self.kumla, is_hidden=True)
        with self.assertRaises(ValidationError):
            services.add_me_too(report=report, name="", email="x@example.org")
        self.assertFalse(MeToo.objects.exists())


class ModerationStepTests(ConditionsTestCase):
    def test_a_status_change_is_logged_public_and_mailed_with_an_unsubscribe_link(self) -> None:
        report = make_report(network=self.network_a, municipality=self.kumla)
        with self.captureOnCommitCallbacks(execute=True):
            services.set_status(
                report=report, by=self.bertil, status=Status.ANSWERED, text="Kommunen svarade."
            )
        report.refresh_from_db()
        self.assertEqual(report.status, Status.ANSWERED)
        self.assertEqual(report.updates.get().text, "Kommunen svarade.")
        entry = report.log.get()
        self.assertEqual(
            (entry.actor, entry.before, entry.after),
            (self.bertil, {"status": "open"}, {"status": "answered"}),
        )
        (mail,) = self.smtp.messages_to("eva@example.org")
        self.assertIn("/landsbygdslaget/avsluta/", mail["List-Unsubscribe"])
        self.assertIn("Kommunen svarade.", mail.get_body(("plain",)).get_content())

    def test_an_unsubscribed_reporter_gets_no_mail(self) -> None:
        report = make_report(network=self.network_a, municipality=self.kumla)
        self.assertTrue(services.unsubscribe_reporter(report=report))
        self.assertFalse(services.unsubscribe_reporter(report=report))
        report.refresh_from_db()
        with self.captureOnCommitCallbacks(execute=True):
            services.set_status(report=report, by=self.bertil, status=Status.FIXED)
        self.assertEqual(self.smtp.messages, [])

    def test_hiding_needs_a_reason_and_takes_the_report_off_the_public_list(self) -> None:
        report = make_report(network=self.network_a, municipality=self.kumla)
        with self.assertRaises(ValidationError):
            services.hide_report(report=report, by=self.bertil, reason=" ")
        services.hide_report(report=report, by=self.bertil, reason="Namn på en granne")
        self.assertFalse(Report.objects.for_network(self.network_a).published().exists())
        self.assertEqual(report.log.get().reason, "Namn på en granne")

    def test_editing_keeps_the_reporters_words(self) -> None:
        report = make_report(network=self.network_a, municipality=self.kumla)
        services.edit_report(
            report=report, by=self.bertil, title="Hål", description="Hål i vägen.", reason="Kortare"
        )
        report.refresh_from_db()
        self.assertEqual((report.title, report.reported_title), ("Hål", "Potthål på Byvägen"))
        self.assertEqual(report.log.get().before["title"], "Potthål på Byvägen")

    def test_merging_moves_me_too_once_per_address_and_counts_the_reporter(self) -> None:
        original = make_report(network=self.network_a, municipality=self.kumla)
        duplicate = make_report(
            network=self.network_a, municipality=self.kumla, submitter_email="olle@example.org"
        )
        MeToo.objects.create(
            report=original, email="stina@example.org", confirmed_at=original.published_at
        )
        MeToo.objects.create(
            report=duplicate, email="stina@example.org", confirmed_at=original.published_at
        )
        MeToo.objects.create(
            report=duplicate, email="nils@example.org", confirmed_at=original.published_at
        )
        services.merge_reports(
            duplicate=duplicate, into=original, by=self.bertil, reason="Samma hål"
        )
        self.assertEqual(
            sorted(original.me_toos.confirmed().values_list("email", flat=True)),
            ["nils@example.org", "olle@example.org", "stina@example.org"],
        )
        duplicate.refresh_from_db()
        self.assertEqual(duplicate.duplicate_of, original)
        self.assertEqual(list(Report.objects.for_network(self.network_a).published()), [original])
        with self.assertRaises(ValidationError):
            services.merge_reports(duplicate=original, into=original, by=self.bertil, reason="x")


class DossierTests(ConditionsTestCase):
    def test_marking_a_dossier_sent_logs_an_infrastructure_action_and_moves_reports_to_sent(
        self,
    ) -> None:
        plan = make_plan(network=self.network_a, year=2025)
        activity = Activity.objects.filter(area__plan=plan).first()
        assert activity is not None
        activity.text = "Driva infrastrukturfrågor, bland annat bredband och vägnätets kvalitet"
        activity.save()
        reports = [
            make_report(network=self.network_a, municipality=self.kumla),
            make_report(network=self.network_a, municipality=self.kumla, status=Status.ANSWERED),
        ]
        dossier = services.create_dossier(
            network=self.network_a,
            by=self.bertil,
            title="Vägar i Kumla",
            recipient="Trafikverket",
            reports=reports,
            municipality=self.kumla,
        )
        with self.captureOnCommitCallbacks(execute=True):
            services.mark_dossier_sent(
                dossier=dossier, by=self.bertil, sent_on=datetime.date(2025, 6, 2)
            )
        action = Action.objects.get()
        self.assertEqual(dossier.action, action)
        self.assertEqual(list(action.activities.all()), [activity])
        self.assertIn("2", action.title)
        self.assertEqual(
            [r.status for r in Report.objects.order_by("pk")], [Status.SENT, Status.ANSWERED]
        )
        (mail,) = self.smtp.messages_to("eva@example.org")
        self.assertIn("Trafikverket", mail.get_body(("plain",)).get_content())
        with self.assertRaises(ValidationError):
            services.mark_dossier_sent(
                dossier=dossier, by=self.bertil, sent_on=datetime.date(2025, 6, 3)
            )

    def test_a_dossier_takes_only_published_reports(self) -> None:
        hidden = make_report(network=self.network_a, municipality=self.kumla, is_hidden=True)
        with self.assertRaises(ValidationError):
            services.create_dossier(
                network=self.network_a, by=self.bertil, title="x", recipient="y", reports=[hidden]
            )
