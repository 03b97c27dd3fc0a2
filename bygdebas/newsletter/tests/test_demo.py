"""The demo newsletter: subscribers, items waiting and approved, a sent issue in the archive."""

from __future__ import annotations

from django.test import TestCase
from django.urls import reverse
from django.utils import timezone

from bygdebas.core.models import Role
from bygdebas.newsletter.demo import SUBSCRIBERS, load
from bygdebas.newsletter.models import Issue, Item, Subscription
from bygdebas.testing import client_for, make_network, make_organisation, make_user


class DemoTests(TestCase):
    def test_the_demo_fills_the_newsletter_once(self) -> None:
        network = make_network()
        make_user(role=Role.Kind.STAFF, network=network)
        make_organisation(network=network, name="Åsbro byalag")
        summary = load(network, year=timezone.localdate().year)

        self.assertEqual(
            Subscription.objects.for_network(network).active().count(), len(SUBSCRIBERS)
        )
        self.assertEqual(Item.objects.for_network(network).pending().count(), 1)
        sent = Issue.objects.for_network(network).sent().get()
        self.assertEqual(sent.delivered_count, len(SUBSCRIBERS))
        page = client_for(network).get(reverse("newsletter:archive-detail", args=[sent.number]))
        self.assertContains(page, "Byfest i Åsbro")
        self.assertIn("subscribers", summary)
        self.assertEqual(load(network, year=2025), "newsletter: already loaded")
