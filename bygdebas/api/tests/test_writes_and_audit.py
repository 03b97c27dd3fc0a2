"""Creating actions and registrations through the API; the audit of personal data read."""

from __future__ import annotations

import json
from typing import Any

from django.core import mail
from django.test import TestCase

from bygdebas.api.tests.base import ApiCastMixin
from bygdebas.core.models import AuditEntry
from bygdebas.events.models import Event, Registration
from bygdebas.plan.models import Action
from bygdebas.testing import (
    make_event,
    make_municipality,
    make_organisation,
    make_person,
    make_plan,
    sv,
)


def post(client: Any, path: str, body: dict[str, Any]) -> Any:
    return client.post(path, json.dumps(body), content_type="application/json")


class CreateActionTests(ApiCastMixin, TestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        plan = make_plan(network=cls.network_a, year=2025)
        cls.activity = plan.areas.first().activities.first()
        cls.kumla = make_municipality(name="Kumla", code="1881", county=cls.network_a.county)

    def test_it_logs_an_action_against_the_plan(self) -> None:
        response = post(
            self.api("a_write_actions"),
            "/api/v1/actions",
            {
                "performed_on": "2025-05-02",
                "title": "Studiebesök i Kumla",
                "activity_ids": [self.activity.pk],
                "municipality_code": "1881",
                "participants": 14,
                "link": "https://example.org/rapport",
            },
        )
        self.assertEqual(response.status_code, 201, response.content)
        action = Action.objects.for_network(self.network_a).get(pk=response.json()["id"])
        self.assertEqual(action.title, "Studiebesök i Kumla")
        self.assertEqual(action.municipality, self.kumla)
        self.assertEqual(list(action.activities.all()), [self.activity])
        self.assertEqual(response.json()["activity_ids"], [self.activity.pk])

    def test_bad_input_is_refused_with_its_reason_and_nothing_is_saved(self) -> None:
        cases = {
            "another year's plan": ({"performed_on": "2024-05-02"}, 422, "2025"),
            "an unknown activity": (
                {"activity_ids": [999999]},
                422,
                sv("No such activity in this network's plans."),
            ),
            "a municipality elsewhere": (
                {"municipality_code": "0180"},
                422,
                sv("No such municipality in this network's county."),
            ),
            "a link that is no URL": ({"link": "javascript:alert(1)"}, 422, "http"),
            "a blank title": ({"title": "   "}, 422, "title"),
        }
        for case, (change, status, word) in cases.items():
            body = {
                "performed_on": "2025-05-02",
                "title": "Möte",
                "activity_ids": [self.activity.pk],
                **change,
            }
            with self.subTest(case):
                response = post(self.api("a_write_actions"), "/api/v1/actions", body)
                self.assertEqual(response.status_code, status)
                self.assertIn(word, response.content.decode())
        self.assertFalse(Action.objects.exists())


class CreateRegistrationTests(ApiCastMixin, TestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        cls.event = make_event(network=cls.network_a, capacity=1)

    def test_it_registers_and_mails_the_person(self) -> None:
        body = {"event_id": self.event.pk, "name": "Greta Gran", "email": "greta@example.org"}
        with self.captureOnCommitCallbacks(execute=True):
            response = post(self.api("a_write_registrations"), "/api/v1/registrations", body)
        self.assertEqual(response.status_code, 201, response.content)
        self.assertEqual(response.json()["status"], "confirmed")
        self.assertIsNone(response.json()["email"])  # the key may not read personal data
        registration = Registration.objects.get(pk=response.json()["id"])
        self.assertEqual(registration.email, "greta@example.org")
        self.assertEqual([message.to for message in mail.outbox], [["greta@example.org"]])
        # The event is full now: the next one waits.
        body = {"event_id": self.event.pk, "name": "Hugo", "email": "hugo@example.org"}
        waiting = post(self.api("a_all"), "/api/v1/registrations", body)
        self.assertEqual(waiting.json()["status"], "waiting")

    def test_a_second_registration_or_a_closed_event_is_a_conflict(self) -> None:
        body = {"event_id": self.event.pk, "name": "Greta", "email": "greta@example.org"}
        post(self.api("a_all"), "/api/v1/registrations", body)
        again = post(
            self.api("a_all"), "/api/v1/registrations", {**body, "email": "GRETA@example.org"}
        )
        self.assertEqual(again.status_code, 409)
        self.assertEqual(again["Content-Type"], "application/problem+json")
        draft = make_event(network=self.network_a, status=Event.Status.DRAFT)
        closed = post(self.api("a_all"), "/api/v1/registrations", {**body, "event_id": draft.pk})
        self.assertEqual(closed.status_code, 404)
        self.assertEqual(Registration.objects.count(), 1)


class PersonalDataAuditTests(ApiCastMixin, TestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        make_organisation(network=cls.network_a, email="info@byalag.example", phone="0581-123 45")
        cls.person = make_person(network=cls.network_a, name="Pia Persson")

    def entries(self) -> list[AuditEntry]:
        return list(
            AuditEntry.objects.for_network(self.network_a).filter(verb="api.personal_data_read")
        )

    def test_every_answer_with_personal_data_is_logged(self) -> None:
        self.api("a_read_personal").get("/api/v1/people")
        self.api("a_read_personal").get(f"/api/v1/people/{self.person.pk}")
        self.api("a_all").get("/api/v1/organisations")
        self.api("a_all").get("/api/v1/registrations")
        entries = self.entries()
        self.assertEqual(len(entries), 4)
        self.assertEqual(
            {entry.object_repr for entry in entries},
            {str(self.api_keys["a_read_personal"]), str(self.api_keys["a_all"])},
        )
        endpoints = sorted(entry.changes["endpoint"][1] for entry in entries)
        self.assertEqual(endpoints[0], "/api/v1/organisations")
        people = next(
            entry for entry in entries if entry.changes["endpoint"][1] == "/api/v1/people"
        )
        self.assertEqual(people.changes["rows"][1], "2")  # Pia and Cecilia

    def test_answers_without_personal_data_are_not_logged(self) -> None:
        self.api("a_read_registry").get("/api/v1/organisations")
        self.api("a_read_registry").get("/api/v1/registrations")
        self.api("a_read_personal").get("/api/v1/organisations")  # 403: no read_registry
        self.assertEqual(self.entries(), [])
