"""Crisis preparedness: a contact person's own profile and contact chain, the county overview,
the contact tree, alerts with replies, drills logged against the plan, and personal data."""

from __future__ import annotations

import re

from django.test import TestCase
from django.urls import reverse
from django.utils import timezone

from bygdebas.conditions import preparedness, privacy, sms
from bygdebas.conditions.models import AlertRecipient, ChainMember, PreparednessProfile
from bygdebas.conditions.tests.helpers import make_square_municipality
from bygdebas.core.models import AuditEntry
from bygdebas.plan.models import Action, Activity
from bygdebas.testing import CastMixin, SmtpServerMixin, make_organisation, make_plan, sv


def chain_form(*rows: tuple[str, str, str, bool], **fields: str) -> dict:
    data = {
        "meeting_point": "Bygdegården",
        "households": "42",
        "first_aid_trained": "3",
        "crisis_support_trained": "1",
        "has_generator": "on",
        "has_heat": "on",
        "chain-TOTAL_FORMS": str(len(rows)),
        "chain-INITIAL_FORMS": "0",
        "chain-MIN_NUM_FORMS": "0",
        "chain-MAX_NUM_FORMS": "20",
    }
    for n, (name, phone, email, consent) in enumerate(rows):
        data.update({f"chain-{n}-name": name, f"chain-{n}-phone": phone, f"chain-{n}-email": email})
        if consent:
            data[f"chain-{n}-has_consent"] = "on"
    data.update(fields)
    return data


class PreparednessTestCase(SmtpServerMixin, CastMixin, TestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        county = cls.network_a.county
        assert county is not None
        cls.kumla = make_square_municipality(county)
        cls.url = reverse("conditions:profile-edit", args=[cls.cecilia_org.pk])


class ProfileTests(PreparednessTestCase):
    def test_the_contact_person_saves_her_groups_profile_and_chain(self) -> None:
        data = chain_form(
            ("Kalle Kedja", "070-111 22 33", "kalle@example.org", True),
            ("Lisa Länk", "070-444 55 66", "", True),
            municipality=str(self.kumla.pk),
        )
        response = self.as_cecilia().post(self.url, data)
        self.assertRedirects(response, self.url)
        profile = PreparednessProfile.objects.get(organisation=self.cecilia_org)
        self.assertEqual((profile.meeting_point, profile.households), ("Bygdegården", 42))
        self.assertTrue(profile.has_generator)
        self.assertEqual([m.name for m in profile.chain.all()], ["Kalle Kedja", "Lisa Länk"])
        self.assertTrue(
            AuditEntry.objects.filter(verb="preparedness.created", actor=self.cecilia).exists()
        )

    def test_a_person_without_consent_is_refused_and_nothing_is_saved(self) -> None:
        response = self.as_cecilia().post(self.url, chain_form(("Kalle", "070", "", False)))
        self.assertContains(response, sv("Ask the person first, then tick this."), status_code=400)
        self.assertFalse(PreparednessProfile.objects.exists())

    def test_she_cannot_reach_another_groups_profile(self) -> None:
        other = make_organisation(network=self.network_a, name="Grannbyn")
        url = reverse("conditions:profile-edit", args=[other.pk])
        self.assertEqual(self.as_cecilia().get(url).status_code, 404)
        self.assertEqual(self.as_cecilia().post(url, chain_form()).status_code, 404)
        self.assertFalse(PreparednessProfile.objects.exists())
        self.assertEqual(self.as_bertil().get(self.url).status_code, 403)

    def test_the_overview_says_what_is_missing_per_municipality(self) -> None:
        profile = PreparednessProfile.objects.create(
            network=self.network_a,
            organisation=self.cecilia_org,
            municipality=self.kumla,
            meeting_point="Skolan",
            has_generator=True,
        )
        ChainMember.objects.create(
            profile=profile, name="Kalle", phone="070", consent_at=timezone.now()
        )
        rows = {r.municipality.pk: r for r in preparedness.readiness(self.network_a)}
        missing = rows[self.kumla.pk].missing
        self.assertIn(
            str(PreparednessProfile._meta.get_field("has_water_tank").verbose_name), missing
        )
        self.assertNotIn(
            str(PreparednessProfile._meta.get_field("has_generator").verbose_name), missing
        )
        response = self.as_sara().get(reverse("conditions:preparedness"))
        self.assertContains(response, "Skolan")
        self.assertNotContains(response, "Kalle")  # the board sees no contact chains


class AlertTests(PreparednessTestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        profile = PreparednessProfile.objects.create(
            network=cls.network_a,
            organisation=cls.cecilia_org,
            municipality=cls.kumla,
            meeting_point="Bygdegården",
        )
        ChainMember.objects.create(
            profile=profile,
            name="Kalle Kedja",
            phone="0701112233",
            email="kalle@example.org",
            consent_at=timezone.now(),
        )
        ChainMember.objects.create(
            profile=profile,
            name="Lisa Länk",
            phone="0704445566",
            consent_at=timezone.now(),
            position=1,
        )

    def setUp(self) -> None:
        super().setUp()
        sms.outbox.clear()

    def test_a_drill_goes_by_mail_and_sms_replies_land_on_the_board_and_an_action_is_logged(
        self,
    ) -> None:
        plan = make_plan(network=self.network_a, year=timezone.localdate().year)
        activity = Activity.objects.filter(area__plan=plan).first()
        assert activity is not None
        activity.text = "Driva frågor inom krisberedskapsområdet"
        activity.save()
        with self.captureOnCommitCallbacks(execute=True):
            response = self.as_bertil().post(
                reverse("conditions:alert-list"),
                {
                    "message": "Övning: samling i bygdegården",
                    "municipalities": [self.kumla.pk],
                    "is_drill": "on",
                },
            )
        recipients = AlertRecipient.objects.order_by("pk")
        self.assertRedirects(
            response, reverse("conditions:alert-detail", args=[recipients[0].alert_id])
        )
        self.assertEqual([r.name for r in recipients], ["Kalle Kedja", "Lisa Länk"])
        self.assertEqual([m.to for m in sms.outbox], ["0701112233", "0704445566"])
        (mail,) = self.smtp.messages_to("kalle@example.org")
        link = re.search(r"https?://\S+", mail.get_body(("plain",)).get_content())
        assert link is not None
        path = link.group(0).split("a.test", 1)[1]
        client = self.as_anonymous()
        self.assertContains(client.get(path), "Övning: samling i bygdegården")
        client.post(path, {"reply": "help", "note": "Behöver vatten"})
        self.assertEqual(recipients[0].__class__.objects.get(pk=recipients[0].pk).reply, "help")
        action = Action.objects.get()
        self.assertEqual((action.participants, list(action.activities.all())), (2, [activity]))
        board = self.as_bertil().get(
            reverse("conditions:alert-detail", args=[recipients[0].alert_id])
        )
        self.assertContains(board, "Behöver vatten")

    def test_an_alert_to_municipalities_without_chains_is_refused(self) -> None:
        other = self.network_a.municipalities().exclude(pk=self.kumla.pk).first() or self.kumla
        if other == self.kumla:
            ChainMember.objects.all().delete()
        response = self.as_bertil().post(
            reverse("conditions:alert-list"), {"message": "Hej", "municipalities": [other.pk]}
        )
        self.assertEqual(response.status_code, 400)
        self.assertFalse(AlertRecipient.objects.exists())
        self.assertEqual(sms.outbox, [])

    def test_the_contact_tree_is_a_dated_pdf_and_each_print_is_logged(self) -> None:
        response = self.as_bertil().get(reverse("conditions:contact-tree", args=[self.kumla.code]))
        self.assertEqual(response["Content-Type"], "application/pdf")
        self.assertTrue(response.content.startswith(b"%PDF"))
        self.assertTrue(
            AuditEntry.objects.filter(verb="preparedness.tree_printed", actor=self.bertil).exists()
        )
        self.assertEqual(
            self.as_sara()
            .get(reverse("conditions:contact-tree", args=[self.kumla.code]))
            .status_code,
            403,
        )

    def test_the_chain_is_in_the_register_extract_and_erased(self) -> None:
        subject = self.cecilia_person.__class__(network=self.network_a, email="kalle@example.org")
        rows = privacy.extract(subject)
        self.assertEqual([r["name"] for r in rows if r["kind"] == "contact_chain"], ["Kalle Kedja"])
        self.assertEqual(privacy.erase(subject), 1)
        self.assertEqual(list(ChainMember.objects.values_list("name", flat=True)), ["Lisa Länk"])


class ReporterRetentionTests(CastMixin, TestCase):
    def test_old_reports_lose_their_reporter_but_stay_on_the_map(self) -> None:
        import datetime

        from bygdebas.conditions.models import MeToo, Report
        from bygdebas.conditions.tests.helpers import make_report

        county = self.network_a.county
        assert county is not None
        kumla = make_square_municipality(county)
        old = make_report(network=self.network_a, municipality=kumla, title="Gammal")
        new = make_report(network=self.network_a, municipality=kumla, title="Ny")
        MeToo.objects.create(report=old, email="granne@example.org", confirmed_at=timezone.now())
        Report.objects.filter(pk=old.pk).update(
            updated_at=timezone.now() - datetime.timedelta(days=4 * 365)
        )
        rows = privacy.retention_rows(network=self.network_a, now=timezone.now(), years=3)
        self.assertEqual([row.pk for row in rows], [old.pk])
        self.assertEqual(
            privacy.retention_erase(network=self.network_a, ids=[old.pk, new.pk], actor=self.anna),
            2,
        )
        old.refresh_from_db()
        self.assertEqual(old.submitter_email, "")
        self.assertTrue(old.is_public)
        self.assertFalse(MeToo.objects.exists())
