"""The API's permission matrix: every URL, for no key, a logged-in session, a key of network A
with each scope, one with every scope, and one of network B with every scope.

A key of B never reads A (A's rows are 404 to it, and no string of A's reaches it); a key without
``read_personal`` never sees an e-mail address, a phone number or a registered person's name.
"""

from __future__ import annotations

import datetime
import json
from collections.abc import Callable
from typing import Any

from django.db import transaction
from django.test import TestCase
from django.urls import reverse
from django.utils import timezone

from bygdebas.advocacy.models import Position
from bygdebas.api.tests.base import ApiCastMixin
from bygdebas.conditions.tests.helpers import make_report, make_square_municipality
from bygdebas.core.tests.matrix import url_names
from bygdebas.events.models import Event
from bygdebas.newsletter.models import Issue
from bygdebas.newsletter.tests.factories import make_issue
from bygdebas.projects.tests.factories import make_example
from bygdebas.testing import (
    make_action,
    make_event,
    make_membership,
    make_organisation,
    make_person,
    make_plan,
    make_registration,
)

WHO = (
    "none",
    "session",
    "a_read_public",
    "a_read_registry",
    "a_read_personal",
    "a_write_actions",
    "a_write_registrations",
    "a_all",
    "b_all",
)


def expect(*statuses: int) -> dict[str, int]:
    return dict(zip(WHO, statuses, strict=True))


OPEN = expect(200, 200, 200, 200, 200, 200, 200, 200, 200)
REGISTRY = expect(401, 401, 403, 200, 403, 403, 403, 200, 200)
REGISTRY_ROW = expect(401, 401, 403, 200, 403, 403, 403, 200, 404)
PERSONAL = expect(401, 401, 403, 403, 200, 403, 403, 200, 200)
PERSONAL_ROW = expect(401, 401, 403, 403, 200, 403, 403, 200, 404)
EVENTS = expect(401, 401, 200, 200, 403, 403, 403, 200, 200)
EVENT_ROW = expect(401, 401, 200, 200, 403, 403, 403, 200, 404)
# B's key names an activity (or event) of A: refused as if it did not exist.
WRITE_ACTIONS = expect(401, 401, 403, 403, 403, 201, 403, 201, 422)
WRITE_REGISTRATIONS = expect(401, 401, 403, 403, 403, 403, 201, 201, 404)

Kwargs = Callable[[Any], dict[str, Any]]


def no_kwargs(test: Any) -> dict[str, Any]:
    return {}


# name: (method, URL kwargs, JSON body, expected status per key)
MATRIX: dict[str, tuple[str, Kwargs, Callable[[Any], dict[str, Any]] | None, dict[str, int]]] = {
    "api-v1:docs": ("get", no_kwargs, None, OPEN),
    "api-v1:unknown": ("get", lambda test: {"rest": "no/such/thing"}, None, expect(*[404] * 9)),
    "api-v1:openapi-json": ("get", no_kwargs, None, OPEN),
    "api-v1:public-events-upcoming": ("get", no_kwargs, None, OPEN),
    "api-v1:public-positions": ("get", no_kwargs, None, OPEN),
    "api-v1:public-examples": ("get", no_kwargs, None, OPEN),
    "api-v1:public-newsletter-issues": ("get", no_kwargs, None, OPEN),
    "api-v1:public-conditions-reports": ("get", no_kwargs, None, OPEN),
    "api-v1:organisation-list": ("get", no_kwargs, None, REGISTRY),
    "api-v1:organisation-detail": (
        "get",
        lambda test: {"organisation_id": test.org.pk},
        None,
        REGISTRY_ROW,
    ),
    "api-v1:person-list": ("get", no_kwargs, None, PERSONAL),
    "api-v1:person-detail": ("get", lambda test: {"person_id": test.person.pk}, None, PERSONAL_ROW),
    "api-v1:membership-list": ("get", no_kwargs, None, REGISTRY),
    "api-v1:action-list": ("get", no_kwargs, None, REGISTRY),
    "api-v1:action-create": (
        "post",
        no_kwargs,
        lambda test: {
            "performed_on": "2025-05-02",
            "title": "Bygdemöte i Vretstorp",
            "activity_ids": [test.activity.pk],
            "participants": 12,
        },
        WRITE_ACTIONS,
    ),
    "api-v1:event-list": ("get", no_kwargs, None, EVENTS),
    "api-v1:event-detail": ("get", lambda test: {"event_id": test.event.pk}, None, EVENT_ROW),
    "api-v1:registration-list": ("get", no_kwargs, None, REGISTRY),
    "api-v1:registration-create": (
        "post",
        no_kwargs,
        lambda test: {"event_id": test.event.pk, "name": "Ny Deltagare", "email": "ny@example.org"},
        WRITE_REGISTRATIONS,
    ),
}

# Network A's strings: personal data, and what B's key must never read.
PERSONAL_STRINGS = (
    "a-reporter-secret@example.org",
    "a-org-mail@example.org",
    "070-111 11 11",
    "a-person-secret@example.org",
    "070-222 22 22",
    "a-reg-secret@example.org",
    "Registrerad Hemlighetsson",
)
A_STRINGS = (
    *PERSONAL_STRINGS,
    "A-org-secret",
    "A-action-secret",
    "A-event-secret",
    "A-position-secret",
    "A-example-secret",
    "A-issue-secret",
    "A-report-secret",
)


class ApiKeyMatrixTests(ApiCastMixin, TestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        a, b = cls.network_a, cls.network_b
        cls.org = make_organisation(
            network=a, name="A-org-secret", email="a-org-mail@example.org", phone="070-111 11 11"
        )
        make_membership(organisation=cls.org, year=2025)
        cls.person = make_person(
            network=a,
            name="Person Hemlig",
            email="a-person-secret@example.org",
            phone="070-222 22 22",
        )
        plan = make_plan(network=a, year=2025)
        cls.activity = plan.areas.first().activities.first()
        make_action(network=a, activities=[cls.activity], title="A-action-secret")
        cls.event = make_event(network=a, title="A-event-secret")
        make_event(network=a, title="A-event-secret draft", status=Event.Status.DRAFT)
        make_registration(
            event=cls.event, name="Registrerad Hemlighetsson", email="a-reg-secret@example.org"
        )
        # B's own rows, so that B's key reads something.
        make_organisation(network=b, name="B-org")
        make_event(network=b, title="B-event")
        # The apps' public lists: a published row of A (B never reads it) and a draft.
        Position.objects.create(
            network=a,
            title="A-position-secret",
            text="Text.",
            published_on=datetime.date(2025, 5, 2),
            is_published=True,
        )
        make_example(network=a, title="A-example-secret")
        make_issue(
            network=a, title="A-issue-secret", status=Issue.Status.SENT, sent_at=timezone.now()
        )
        make_issue(network=a, title="A-issue-secret draft")
        kumla = make_square_municipality(a.county)
        make_report(
            network=a,
            municipality=kumla,
            title="A-report-secret",
            submitter_email="a-reporter-secret@example.org",
        )
        make_report(
            network=a, municipality=kumla, title="A-report-secret unconfirmed", published=False
        )
        make_example(network=a, title="A-example-secret pending", published=False)
        Position.objects.create(
            network=a,
            title="A-position-secret draft",
            text="Utkast.",
            published_on=datetime.date(2025, 5, 2),
        )

    def call(self, who: str, method: str, url: str, body: dict[str, Any] | None) -> Any:
        # A logged-in session is no credential here (no CSRF token is asked for).
        client = self.as_anna() if who == "session" else self.api(None if who == "none" else who)
        if method == "post":
            return client.post(url, json.dumps(body or {}), content_type="application/json")
        return client.get(url)

    def test_every_api_url_is_in_the_matrix(self) -> None:
        names = {name for name in url_names() if name.startswith("api-v1:")}
        # url_names() leaves the API out of the site's matrix; ask the resolver directly.
        from django.urls import get_resolver

        api_names = {
            f"api-v1:{pattern.name}"
            for resolver in get_resolver().url_patterns
            if getattr(resolver, "namespace", None) == "api-v1"
            for pattern in resolver.url_patterns
        }
        self.assertEqual(names, set())
        self.assertEqual(api_names, set(MATRIX))

    def test_each_url_answers_each_key_as_expected(self) -> None:
        for name, (method, kwargs, body, expected) in MATRIX.items():
            url = reverse(name, kwargs=kwargs(self))
            for who in WHO:
                with self.subTest(url=name, who=who), transaction.atomic():
                    response = self.call(who, method, url, body(self) if body else None)
                    self.assertEqual(response.status_code, expected[who], response.content[:300])
                    if response.status_code >= 400:
                        self.assertEqual(response["Content-Type"], "application/problem+json")
                        self.assertEqual(json.loads(response.content)["status"], expected[who])
                    transaction.set_rollback(True)

    def test_no_key_without_read_personal_sees_personal_data(self) -> None:
        for name, (method, kwargs, body, _expected) in MATRIX.items():
            url = reverse(name, kwargs=kwargs(self))
            for who in WHO:
                if who in {"a_read_personal", "a_all"}:
                    continue
                with self.subTest(url=name, who=who), transaction.atomic():
                    content = self.call(who, method, url, body(self) if body else None).content
                    for secret in PERSONAL_STRINGS:
                        self.assertNotIn(secret.encode(), content)
                    transaction.set_rollback(True)

    def test_the_key_of_b_never_reads_a(self) -> None:
        for name, (method, kwargs, body, _expected) in MATRIX.items():
            url = reverse(name, kwargs=kwargs(self))
            with self.subTest(url=name), transaction.atomic():
                content = self.call("b_all", method, url, body(self) if body else None).content
                for secret in A_STRINGS:
                    self.assertNotIn(secret.encode(), content)
                transaction.set_rollback(True)

    def test_a_key_with_every_scope_reads_its_own_network(self) -> None:
        content = self.api("a_all").get(reverse("api-v1:organisation-list")).content.decode()
        self.assertIn("A-org-secret", content)
        self.assertIn("a-org-mail@example.org", content)
        self.assertNotIn("B-org", content)

    def test_read_public_sees_only_published_public_events(self) -> None:
        titles = [
            item["title"]
            for item in self.api("a_read_public").get(reverse("api-v1:event-list")).json()["items"]
        ]
        self.assertEqual(titles, ["A-event-secret"])
        registry = self.api("a_read_registry").get(reverse("api-v1:event-list")).json()["items"]
        self.assertEqual(len(registry), 2)

    def test_each_url_refuses_the_methods_it_does_not_take(self) -> None:
        routes: dict[str, set[str]] = {}
        for name, (method, kwargs, _body, _expected) in MATRIX.items():
            if name != "api-v1:unknown":  # 404 whatever the method
                routes.setdefault(reverse(name, kwargs=kwargs(self)), set()).add(method)
        for url, methods in routes.items():
            for method in {"get", "post", "put", "delete"} - methods:
                with self.subTest(url=url, method=method):
                    response = getattr(self.api("a_all"), method)(url)
                    self.assertEqual(response.status_code, 405)

    def test_an_expired_key_of_a_reads_nothing(self) -> None:
        api_key = self.api_keys["a_all"]
        api_key.expires_at = timezone.now() - datetime.timedelta(seconds=1)
        api_key.save()
        response = self.api("a_all").get(reverse("api-v1:organisation-list"))
        self.assertEqual(response.status_code, 401)
