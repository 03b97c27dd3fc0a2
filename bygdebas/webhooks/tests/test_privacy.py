"""The webhook log's personal data: in the register extract, erased on request, purged in time."""

from __future__ import annotations

import datetime
from io import StringIO

from django.core.management import call_command
from django.test import TestCase
from django.utils import timezone

from bygdebas.testing import CastMixin, make_person
from bygdebas.webhooks import privacy
from bygdebas.webhooks.models import Endpoint, Message


class WebhookPrivacyTests(CastMixin, TestCase):
    def setUp(self) -> None:
        self.endpoint = Endpoint.objects.create(
            network=self.network_a, url="http://127.0.0.1:9/", is_active=False
        )
        self.person = make_person(network=self.network_a, email="eva@example.org")
        self.about_eva = Message.objects.create(
            endpoint=self.endpoint,
            event_name="registration.created",
            body='{"type":"registration.created","data":{"email":"eva@example.org"}}',
        )
        self.other = Message.objects.create(
            endpoint=self.endpoint,
            event_name="registration.created",
            body='{"type":"registration.created","data":{"email":"evald@example.org"}}',
        )

    def test_the_extract_and_the_erasure_find_only_the_persons_messages(self) -> None:
        [row] = privacy.extract(self.person)
        self.assertIn("eva@example.org", row["body"])
        self.assertEqual(privacy.erase(self.person), 1)
        self.assertEqual(list(Message.objects.all()), [self.other])

    def test_delivered_messages_are_deleted_after_the_retention(self) -> None:
        old = timezone.now() - datetime.timedelta(days=31)
        Message.objects.filter(pk=self.about_eva.pk).update(status="delivered", delivered_at=old)
        call_command("send_webhooks", stdout=StringIO())
        self.assertEqual(list(Message.objects.all()), [self.other])  # pending ones stay
