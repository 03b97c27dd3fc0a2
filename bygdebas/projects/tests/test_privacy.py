"""The knowledge bank in a registry person's extract and erasure."""

from __future__ import annotations

import json

from django.test import TestCase
from django.utils import timezone

from bygdebas.members.services.privacy import erase_person, extract_data
from bygdebas.projects import services
from bygdebas.projects.models import CallDigestSubscription, Example
from bygdebas.projects.tests.factories import make_example
from bygdebas.testing import CastMixin


class PrivacyTests(CastMixin, TestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        cls.named = make_example(
            network=cls.network_a,
            title="Med kontakt",
            contact_name="Cecilia Carlsson",
            contact_email="cecilia@a.test",
            contact_phone="070-123 45 67",
            has_contact_consent=True,
        )
        cls.sent = make_example(
            network=cls.network_a,
            title="Inskickat av Cecilia",
            published=False,
            submitted_by=cls.cecilia,
            submitter_name="Cecilia Carlsson",
            submitter_email="cecilia@a.test",
            submitted_at=timezone.now(),
        )
        services.set_call_digest(network=cls.network_a, user=cls.cecilia, wanted=True)
        # Someone else's example stays as it is.
        cls.other = make_example(
            network=cls.network_a,
            title="Annat",
            contact_email="olle@example.org",
            contact_name="Olle",
            has_contact_consent=True,
        )

    def test_the_extract_lists_the_examples_and_the_digest(self) -> None:
        data = extract_data(self.cecilia_person)
        rows = data["other_records"]["projects.examples"]["rows"]
        self.assertEqual(
            sorted(row.get("example", "digest") for row in rows),
            ["Inskickat av Cecilia", "Med kontakt", "digest"],
        )
        json.dumps(data)

    def test_erasure_blanks_the_contact_and_the_submitter_and_ends_the_digest(self) -> None:
        erase_person(person=self.cecilia_person, actor=self.anna)
        self.named.refresh_from_db()
        self.assertEqual((self.named.contact_name, self.named.contact_email), ("", ""))
        self.assertFalse(self.named.has_contact_consent)
        sent = Example.objects.get(pk=self.sent.pk)
        self.assertEqual(sent.submitter_email, "")
        self.assertIsNone(sent.submitted_by)
        self.assertFalse(CallDigestSubscription.objects.exists())
        self.other.refresh_from_db()
        self.assertEqual(self.other.contact_email, "olle@example.org")
