"""What every answer shares: problem details, ETags, cursors, rate limits, caching and CORS."""

from __future__ import annotations

import datetime
import json

from django.core.cache import cache
from django.test import TestCase, override_settings
from django.urls import reverse

from bygdebas.api.tests.base import ApiCastMixin, make_api_key
from bygdebas.testing import make_event, make_organisation

ORGANISATIONS = "/api/v1/organisations"
UPCOMING = "/api/v1/public/events/upcoming"


class ProblemDetailsTests(ApiCastMixin, TestCase):
    def test_an_unknown_row_is_a_404_problem(self) -> None:
        response = self.api("a_all").get(f"{ORGANISATIONS}/999999")
        self.assertEqual(response.status_code, 404)
        self.assertEqual(response["Content-Type"], "application/problem+json")
        body = response.json()
        self.assertEqual((body["status"], body["title"]), (404, "Not Found"))

    def test_an_unknown_path_or_method_is_a_problem_too(self) -> None:
        unknown = self.api("a_all").get("/api/v1/no/such/thing")
        self.assertEqual(
            (unknown.status_code, unknown["Content-Type"]), (404, "application/problem+json")
        )
        wrong = self.api("a_all").delete(ORGANISATIONS)
        self.assertEqual(
            (wrong.status_code, wrong["Content-Type"]), (405, "application/problem+json")
        )
        self.assertEqual(wrong["Allow"], "GET")

    def test_a_missing_key_is_a_401_with_the_bearer_challenge(self) -> None:
        response = self.api(None).get(ORGANISATIONS)
        self.assertEqual(response.status_code, 401)
        self.assertEqual(response["WWW-Authenticate"], 'Bearer realm="bygdebas"')
        self.assertEqual(response.json()["status"], 401)

    def test_invalid_input_names_each_field(self) -> None:
        response = self.api("a_all").post(
            "/api/v1/actions",
            json.dumps({"performed_on": "not a date", "title": "", "activity_ids": []}),
            content_type="application/json",
        )
        self.assertEqual(response.status_code, 422)
        self.assertEqual(response["Content-Type"], "application/problem+json")
        fields = {error["location"][-1] for error in response.json()["errors"]}
        self.assertEqual(fields, {"performed_on", "title", "activity_ids"})

    def test_input_no_database_could_store_is_refused_as_invalid(self) -> None:
        """Found by schemathesis: each of these was a server error."""
        self.assertEqual(self.api("a_all").get(f"{ORGANISATIONS}/{2**70}").status_code, 422)
        for body in (
            '{"performed_on": "2025-05-02", "title": "x", "activity_ids": [99999999999999999999]}',
            '{"performed_on": "2025-05-02", "title": "nul \\u0000", "activity_ids": [1]}',
            '{"performed_on": "2025-05-02", "title": "\\ud800", "activity_ids": [1]}',
        ):
            with self.subTest(body=body):
                response = self.api("a_all").post(
                    "/api/v1/actions", body, content_type="application/json"
                )
                self.assertEqual(response.status_code, 422, response.content)
        response = self.api(None).get(UPCOMING, {"municipality": "18\x0080"})
        self.assertEqual(response.status_code, 422)
        # An offset PostgreSQL refuses is moved to UTC; a time UTC cannot hold, or one without a
        # time zone, is refused.
        for since, status in (
            ("1471-08-23T17:09:59.95+23:32", 200),
            ("0001-01-01T00:00:00+05:00", 422),
            ("2025-01-01T00:00:00", 422),
        ):
            with self.subTest(since=since):
                response = self.api("a_all").get(ORGANISATIONS, {"updated_since": since})
                self.assertEqual(response.status_code, status, response.content)

    def test_a_limit_out_of_range_is_refused(self) -> None:
        response = self.api("a_all").get(ORGANISATIONS, {"limit": 101})
        self.assertEqual(response.status_code, 422)

    def test_a_made_up_cursor_is_a_400_problem(self) -> None:
        for cursor in ("nonsense", "WyJ4IiwxXQ", "W10", "eyJhIjoxfQ"):
            with self.subTest(cursor=cursor):
                response = self.api("a_all").get(ORGANISATIONS, {"cursor": cursor})
                self.assertEqual(response.status_code, 400)
                self.assertEqual(response["Content-Type"], "application/problem+json")


class ConditionalRequestTests(ApiCastMixin, TestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        cls.org = make_organisation(network=cls.network_a, name="Byalaget Etag")

    def test_the_same_answer_again_is_304_and_a_change_is_200(self) -> None:
        client = self.api("a_read_registry")
        first = client.get(ORGANISATIONS)
        etag = first["ETag"]
        self.assertTrue(etag.startswith('W/"'))
        again = client.get(ORGANISATIONS, headers={"If-None-Match": etag})
        self.assertEqual(again.status_code, 304)
        self.assertEqual(again.content, b"")
        self.assertEqual(again["ETag"], etag)
        self.org.name = "Byalaget Etag, nytt namn"
        self.org.save()
        changed = client.get(ORGANISATIONS, headers={"If-None-Match": etag})
        self.assertEqual(changed.status_code, 200)
        self.assertNotEqual(changed["ETag"], etag)

    def test_keyed_answers_are_private_and_personal_ones_not_stored(self) -> None:
        self.assertEqual(
            self.api("a_read_registry").get(ORGANISATIONS)["Cache-Control"], "private, no-cache"
        )
        self.assertEqual(self.api("a_all").get(ORGANISATIONS)["Cache-Control"], "private, no-store")
        self.assertIn("Authorization", self.api("a_all").get(ORGANISATIONS)["Vary"])


class CorsTests(ApiCastMixin, TestCase):
    def test_public_endpoints_are_open_to_every_origin(self) -> None:
        response = self.api(None).get(UPCOMING, headers={"Origin": "https://helasverige.se"})
        self.assertEqual(response.status_code, 200)
        self.assertEqual(response["Access-Control-Allow-Origin"], "*")
        self.assertIn("ETag", response["Access-Control-Expose-Headers"])
        self.assertEqual(response["Cache-Control"], "public, max-age=60")

    def test_a_preflight_for_a_public_endpoint_is_answered(self) -> None:
        response = self.api(None).options(
            UPCOMING,
            headers={
                "Origin": "https://helasverige.se",
                "Access-Control-Request-Method": "GET",
                "Access-Control-Request-Headers": "if-none-match",
            },
        )
        self.assertEqual(response.status_code, 204)
        self.assertEqual(response["Access-Control-Allow-Origin"], "*")
        self.assertIn("If-None-Match", response["Access-Control-Allow-Headers"])

    def test_keyed_endpoints_send_no_cors_headers(self) -> None:
        for client in (self.api("a_all"), self.api(None)):
            response = client.get(ORGANISATIONS, headers={"Origin": "https://evil.example"})
            self.assertNotIn("Access-Control-Allow-Origin", response)
        preflight = self.api(None).options(
            ORGANISATIONS,
            headers={"Origin": "https://evil.example", "Access-Control-Request-Method": "GET"},
        )
        self.assertNotIn("Access-Control-Allow-Origin", preflight)
        self.assertEqual(preflight.status_code, 405)


class RateLimitTests(ApiCastMixin, TestCase):
    def setUp(self) -> None:
        cache.clear()

    def test_a_key_past_its_limit_gets_429_with_retry_after(self) -> None:
        _api_key, key = make_api_key(network=self.network_a, rate_limit=3)
        client = self.client_class(HTTP_HOST="a.test", HTTP_AUTHORIZATION=f"Bearer {key}")
        remaining = [client.get(ORGANISATIONS)["RateLimit-Remaining"] for _ in range(3)]
        self.assertEqual(remaining, ["2", "1", "0"])
        refused = client.get(ORGANISATIONS)
        self.assertEqual(refused.status_code, 429)
        self.assertEqual(refused["Content-Type"], "application/problem+json")
        self.assertEqual(refused["RateLimit-Limit"], "3")
        self.assertEqual(refused["RateLimit-Remaining"], "0")
        self.assertTrue(1 <= int(refused["Retry-After"]) <= 60)
        self.assertEqual(refused["RateLimit-Policy"], "3;w=60")
        # Another key of the same network has its own allowance.
        self.assertEqual(self.api("a_all").get(ORGANISATIONS).status_code, 200)

    @override_settings(BYGDEBAS_API_PUBLIC_RATE_LIMIT=2)
    def test_public_endpoints_are_limited_per_client_address(self) -> None:
        statuses = [self.api(None).get(UPCOMING).status_code for _ in range(3)]
        self.assertEqual(statuses, [200, 200, 429])
        other = self.client_class(HTTP_HOST="a.test", REMOTE_ADDR="192.0.2.7")
        self.assertEqual(other.get(UPCOMING).status_code, 200)


class PublicEventsTests(ApiCastMixin, TestCase):
    def test_upcoming_lists_the_hosts_networks_public_events_in_order(self) -> None:
        later = make_event(network=self.network_a, title="Senare")
        sooner = make_event(
            network=self.network_a,
            title="Tidigare",
            starts_at=later.starts_at - datetime.timedelta(days=1),
        )
        make_event(network=self.network_a, title="Bara medlemmar", is_members_only=True)
        make_event(network=self.network_b, title="B:s möte")
        items = self.api(None).get(UPCOMING).json()["items"]
        self.assertEqual([item["title"] for item in items], [sooner.title, later.title])
        self.assertEqual(
            items[0]["url"], f"http://a.test{reverse('events:event-detail', args=[sooner.pk])}"
        )
        b_items = self.api(None, host="b.test").get(UPCOMING).json()["items"]
        self.assertEqual([item["title"] for item in b_items], ["B:s möte"])

    def test_a_host_without_a_network_is_404(self) -> None:
        response = self.api(None, host="nowhere.test").get(UPCOMING)
        self.assertEqual(response.status_code, 404)
        self.assertEqual(response["Content-Type"], "application/problem+json")
