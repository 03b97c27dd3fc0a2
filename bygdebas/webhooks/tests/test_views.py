"""The administrators' webhook pages: forms, errors, the log, and a flat query count."""

from __future__ import annotations

from django.test import TestCase, override_settings

from bygdebas.core.models import AuditEntry
from bygdebas.testing import CastMixin, sv
from bygdebas.webhooks.models import Attempt, Endpoint, Message


class EndpointViewTests(CastMixin, TestCase):
    def test_an_administrator_adds_an_endpoint_for_chosen_events(self) -> None:
        response = self.as_anna().post(
            "/kansli/webhooks/ny/",
            {
                "url": "https://crm.example.org/hooks",
                "description": "CRM",
                "event_names": ["registration.created", "organisation.joined"],
            },
        )
        endpoint = Endpoint.objects.get()
        self.assertRedirects(response, f"/kansli/webhooks/{endpoint.pk}/")
        self.assertEqual(endpoint.network, self.network_a)
        self.assertEqual(endpoint.event_names, ["organisation.joined", "registration.created"])
        self.assertTrue(endpoint.secret.startswith("whsec_"))
        self.assertTrue(endpoint.wants("organisation.joined"))
        self.assertFalse(endpoint.wants("action.logged"))
        self.assertTrue(AuditEntry.objects.filter(verb="webhook.created").exists())
        page = self.as_anna().get(f"/kansli/webhooks/{endpoint.pk}/")
        self.assertContains(page, endpoint.secret)

    def test_a_bad_url_or_an_unknown_event_is_refused_and_nothing_saved(self) -> None:
        response = self.as_anna().post(
            "/kansli/webhooks/ny/", {"url": "ftp://x", "event_names": ["nothing.happened"]}
        )
        self.assertEqual(response.status_code, 400)
        self.assertContains(response, sv("Enter a valid URL."), status_code=400)
        self.assertFalse(Endpoint.objects.exists())

    @override_settings(PRODUCTION=True)
    def test_production_wants_https(self) -> None:
        response = self.as_anna().post("/kansli/webhooks/ny/", {"url": "http://crm.example.org/"})
        self.assertContains(response, sv("Use an https address."), status_code=400)
        self.assertFalse(Endpoint.objects.exists())

    def test_rotating_the_secret_and_pausing(self) -> None:
        endpoint = Endpoint.objects.create(network=self.network_a, url="https://x.example.org/")
        old = endpoint.secret
        self.as_anna().post(f"/kansli/webhooks/{endpoint.pk}/ny-nyckel/")
        self.as_anna().post(f"/kansli/webhooks/{endpoint.pk}/aktivera/")
        endpoint.refresh_from_db()
        self.assertNotEqual(endpoint.secret, old)
        self.assertFalse(endpoint.is_active)

    def test_the_endpoint_page_costs_the_same_queries_for_more_messages(self) -> None:
        endpoint = Endpoint.objects.create(network=self.network_a, url="https://x.example.org/")

        def add(n: int) -> None:
            for _ in range(n):
                message = Message.objects.create(
                    endpoint=endpoint, event_name="action.logged", body="{}"
                )
                Attempt.objects.create(message=message, status_code=500, response_body="nej")

        add(2)
        client = self.as_anna()
        client.get(f"/kansli/webhooks/{endpoint.pk}/")  # sessions, roles, caches warmed
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        with CaptureQueriesContext(connection) as few:
            client.get(f"/kansli/webhooks/{endpoint.pk}/")
        add(10)
        with self.assertNumQueries(len(few)):
            response = client.get(f"/kansli/webhooks/{endpoint.pk}/")
        self.assertContains(response, "HTTP 500", count=12)
