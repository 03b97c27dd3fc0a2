from __future__ import annotations

import re

from django.test import Client, TestCase

from bygdebas.api import demo
from bygdebas.api.models import ApiKey
from bygdebas.testing import make_network


class DemoTests(TestCase):
    def test_the_demo_key_is_made_once_and_reads_the_registry(self) -> None:
        network = make_network(domain="orebro.test")
        summary = demo.load(network, year=2025)
        key = re.search(r"bb_\S+", summary).group(0)
        client = Client(HTTP_HOST="orebro.test", HTTP_AUTHORIZATION=f"Bearer {key}")
        self.assertEqual(client.get("/api/v1/organisations").status_code, 200)
        self.assertEqual(client.get("/api/v1/people").status_code, 403)
        self.assertIn("exists", demo.load(network, year=2025))
        self.assertEqual(ApiKey.objects.for_network(network).count(), 1)
