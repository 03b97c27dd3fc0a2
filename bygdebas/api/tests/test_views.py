"""The administrators' pages: a key is shown once, listed by its prefix, and revoked."""

from __future__ import annotations

import datetime

from django.test import TestCase
from django.urls import reverse
from django.utils import timezone

from bygdebas.api.models import ApiKey
from bygdebas.api.tests.base import key_client, make_api_key
from bygdebas.core.models import AuditEntry
from bygdebas.testing import CastMixin, sv


def form(**changes: str) -> dict[str, object]:
    data: dict[str, object] = {
        "name": "Länsstyrelsens statistik",
        "scopes": ["read_registry", "read_public"],
        "expires_on": (timezone.localdate() + datetime.timedelta(days=90)).isoformat(),
        "rate_limit": "120",
    }
    data.update(changes)
    return data


class KeyPagesTests(CastMixin, TestCase):
    def test_a_new_key_is_shown_once_and_works(self) -> None:
        response = self.as_anna().post(reverse("api:key-create"), form())
        self.assertEqual(response.status_code, 200)
        key = response.context["key"]
        self.assertContains(response, key)
        self.assertIn("no-store", response["Cache-Control"])
        api_key = ApiKey.objects.for_network(self.network_a).get()
        self.assertEqual(api_key.scopes, ["read_public", "read_registry"])
        self.assertEqual(api_key.rate_limit, 120)
        self.assertEqual(api_key.created_by, self.anna)
        self.assertTrue(
            AuditEntry.objects.for_network(self.network_a).filter(verb="api_key.created").exists()
        )
        listing = self.as_anna().get(reverse("api:key-list"))
        self.assertContains(listing, f"bb_{api_key.prefix}_")
        self.assertNotContains(listing, key)
        self.assertEqual(key_client(key).get("/api/v1/organisations").status_code, 200)

    def test_an_invalid_form_is_shown_again_with_its_errors_and_nothing_is_made(self) -> None:
        yesterday = (timezone.localdate() - datetime.timedelta(days=1)).isoformat()
        response = self.as_anna().post(
            reverse("api:key-create"), form(expires_on=yesterday, scopes=[])
        )
        self.assertEqual(response.status_code, 400)
        self.assertContains(response, sv("The key must be valid after today."), status_code=400)
        self.assertFalse(ApiKey.objects.exists())

    def test_revoking_refuses_the_key_at_once(self) -> None:
        api_key, key = make_api_key(network=self.network_a)
        self.assertEqual(key_client(key).get("/api/v1/organisations").status_code, 200)
        response = self.as_anna().post(reverse("api:key-revoke", args=[api_key.pk]))
        self.assertRedirects(response, reverse("api:key-list"))
        self.assertEqual(key_client(key).get("/api/v1/organisations").status_code, 401)
        api_key.refresh_from_db()
        self.assertEqual(api_key.revoked_by, self.anna)

    def test_the_outsiders_key_is_404_to_anna(self) -> None:
        api_key, _key = make_api_key(network=self.network_b)
        response = self.as_anna().post(reverse("api:key-revoke", args=[api_key.pk]))
        self.assertEqual(response.status_code, 404)
        api_key.refresh_from_db()
        self.assertIsNone(api_key.revoked_at)

    def test_the_list_costs_a_fixed_number_of_queries(self) -> None:
        for n in range(3):
            make_api_key(network=self.network_a, name=f"Nyckel {n}", created_by=self.anna)
        client = self.as_anna()
        client.get(reverse("api:key-list"))
        with self.assertNumQueries(6) as few:
            client.get(reverse("api:key-list"))
        for n in range(5):
            make_api_key(network=self.network_a, name=f"Fler {n}", created_by=self.anna)
        with self.assertNumQueries(len(few.captured_queries)):
            client.get(reverse("api:key-list"))
