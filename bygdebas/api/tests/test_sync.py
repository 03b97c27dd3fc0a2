"""A client synchronises organisations and actions through the API, with cursors and
updated_since, and ends with what the database holds; a revoked or expired key is refused at
once."""

from __future__ import annotations

import datetime
from typing import Any

from django.core.serializers.json import DjangoJSONEncoder
from django.test import Client, TestCase
from django.utils import timezone

from bygdebas.api.models import ApiKey
from bygdebas.api.services import revoke_api_key
from bygdebas.api.tests.base import ApiCastMixin
from bygdebas.members.models import Organisation
from bygdebas.plan.models import Action
from bygdebas.testing import make_action, make_organisation, make_plan


def sync(client: Client, path: str, mirror: dict[int, dict[str, Any]], since: str | None) -> int:
    """Page through ``path`` (3 rows a page) into ``mirror``; the number of pages read."""
    params: dict[str, Any] = {"limit": 3}
    if since:
        params["updated_since"] = since
    pages = 0
    while True:
        response = client.get(path, params)
        assert response.status_code == 200, response.content
        body = response.json()
        pages += 1
        for item in body["items"]:
            mirror[item["id"]] = item
        if body["next_cursor"] is None:
            return pages
        params["cursor"] = body["next_cursor"]


class SyncTests(ApiCastMixin, TestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        a = cls.network_a
        for n in range(10):
            make_organisation(network=a, name=f"Byalag {n:02}")
        plan = make_plan(network=a, year=2025)
        cls.activity = plan.areas.first().activities.first()
        for n in range(8):
            make_action(network=a, activities=[cls.activity], title=f"Insats {n}")
        make_organisation(network=cls.network_b, name="B:s byalag")

    def expected_organisations(self) -> dict[int, tuple[str, str]]:
        return {
            org.pk: (org.name, DjangoJSONEncoder().default(org.updated_at))
            for org in Organisation.objects.for_network(self.network_a)
        }

    def test_a_full_sync_then_an_incremental_one_equal_the_database(self) -> None:
        client = self.api("a_read_registry")
        organisations: dict[int, dict[str, Any]] = {}
        actions: dict[int, dict[str, Any]] = {}
        started = timezone.now()
        self.assertEqual(sync(client, "/api/v1/organisations", organisations, None), 4)
        sync(client, "/api/v1/actions", actions, None)

        # Changes after the first pass: one renamed, one added, one action edited and one added.
        renamed = Organisation.objects.for_network(self.network_a).order_by("pk").first()
        renamed.name = "Byalaget med nytt namn"
        renamed.save()
        make_organisation(network=self.network_a, name="Nybildat byalag")
        edited = Action.objects.for_network(self.network_a).order_by("pk").first()
        edited.title = "Ändrad insats"
        edited.save()
        make_action(network=self.network_a, activities=[self.activity], title="Ny insats")

        changed_orgs: dict[int, dict[str, Any]] = {}
        pages = sync(client, "/api/v1/organisations", changed_orgs, started.isoformat())
        self.assertEqual((pages, len(changed_orgs)), (1, 2))
        organisations.update(changed_orgs)
        sync(client, "/api/v1/actions", actions, started.isoformat())

        self.assertEqual(
            {pk: (item["name"], item["updated_at"]) for pk, item in organisations.items()},
            self.expected_organisations(),
        )
        self.assertEqual(
            {pk: (item["title"], item["activity_ids"]) for pk, item in actions.items()},
            {
                action.pk: (action.title, [self.activity.pk])
                for action in Action.objects.for_network(self.network_a)
            },
        )

    def test_a_row_changed_while_paging_is_not_lost(self) -> None:
        client = self.api("a_read_registry")
        first = client.get("/api/v1/organisations", {"limit": 3}).json()
        # A row not yet reached moves to the end; a row already read moves there too.
        seen = Organisation.objects.get(pk=first["items"][0]["id"])
        seen.name = "Läst och sedan ändrad"
        seen.save()
        mirror = {item["id"]: item for item in first["items"]}
        params = {"limit": 3, "cursor": first["next_cursor"]}
        while params["cursor"]:
            body = client.get("/api/v1/organisations", params).json()
            mirror.update({item["id"]: item for item in body["items"]})
            params["cursor"] = body["next_cursor"]
        self.assertEqual(
            {pk: (item["name"], item["updated_at"]) for pk, item in mirror.items()},
            self.expected_organisations(),
        )


class KeyRefusalTests(ApiCastMixin, TestCase):
    def test_a_revoked_key_is_refused_at_once(self) -> None:
        client = self.api("a_all")
        self.assertEqual(client.get("/api/v1/organisations").status_code, 200)
        revoke_api_key(
            api_key=ApiKey.objects.get(pk=self.api_keys["a_all"].pk), revoked_by=self.anna
        )
        self.assertEqual(client.get("/api/v1/organisations").status_code, 401)
        self.assertEqual(client.get("/api/v1/people").status_code, 401)

    def test_an_expired_key_is_refused_at_once(self) -> None:
        client = self.api("a_all")
        self.assertEqual(client.get("/api/v1/organisations").status_code, 200)
        ApiKey.objects.filter(pk=self.api_keys["a_all"].pk).update(
            expires_at=timezone.now() - datetime.timedelta(microseconds=1)
        )
        self.assertEqual(client.get("/api/v1/organisations").status_code, 401)

    def test_a_changed_or_made_up_key_is_refused(self) -> None:
        key = self.keys["a_all"]
        for wrong in (
            key[:-1] + ("A" if key[-1] != "A" else "B"),
            key + "x",
            "bb_x_y",
            "nonsense",
            "",
        ):
            with self.subTest(key=wrong):
                client = Client(HTTP_HOST="a.test", HTTP_AUTHORIZATION=f"Bearer {wrong}")
                self.assertEqual(client.get("/api/v1/organisations").status_code, 401)

    def test_only_a_hash_of_the_key_is_stored(self) -> None:
        api_key = ApiKey.objects.get(pk=self.api_keys["a_all"].pk)
        secret = self.keys["a_all"].split("_", 2)[2]
        stored = " ".join(
            str(value) for value in ApiKey.objects.filter(pk=api_key.pk).values().get().values()
        )
        self.assertNotIn(secret, stored)
        self.assertTrue(api_key.matches(self.keys["a_all"]))


class RegistrationSyncTests(ApiCastMixin, TestCase):
    def test_a_cancelled_or_attended_registration_comes_back_in_the_next_sync(self) -> None:
        from bygdebas.events.models import Registration
        from bygdebas.events.services.registrations import cancel_registration, mark_attendance
        from bygdebas.testing import make_event, make_registration

        event = make_event(network=self.network_a)
        cancelled, attended = make_registration(event=event), make_registration(event=event)
        Registration.objects.update(updated_at=timezone.now() - datetime.timedelta(hours=1))
        started = timezone.now()
        cancel_registration(registration=cancelled, base_url="http://a.test")
        mark_attendance(event=event, attended_ids={attended.pk})
        mirror: dict[int, dict[str, Any]] = {}
        sync(self.api("a_read_registry"), "/api/v1/registrations", mirror, started.isoformat())
        self.assertEqual(
            {pk: (item["status"], item["attended"]) for pk, item in mirror.items()},
            {cancelled.pk: ("cancelled", None), attended.pk: ("confirmed", True)},
        )
