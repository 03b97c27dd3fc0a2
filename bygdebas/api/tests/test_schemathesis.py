"""Schemathesis against a live server on 127.0.0.1: every operation of the exported document,
with no key, with a key of network A for each scope, one with every scope, and one of network B.

No answer may be a server error, break the document (status, content type, headers, body), or
leak: no e-mail address, phone number or registered person's name to a key without
``read_personal``, no draft to a key without ``read_registry``, nothing of A's to B's key.
"""

from __future__ import annotations

import datetime
from typing import Any

import schemathesis
from django.core.cache import cache
from django.test import LiveServerTestCase, override_settings
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from schemathesis.checks import not_a_server_error
from schemathesis.generation import GenerationMode
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from bygdebas.advocacy.models import Position
from bygdebas.api.models import ApiKey
from bygdebas.api.tests.base import ALL_SCOPES, make_api_key
from bygdebas.conditions.tests.helpers import make_report, make_square_municipality
from bygdebas.events.models import Event
from bygdebas.newsletter.models import Issue
from bygdebas.newsletter.tests.factories import make_issue
from bygdebas.projects.tests.factories import make_example
from bygdebas.testing import (
    make_action,
    make_county,
    make_event,
    make_membership,
    make_network,
    make_organisation,
    make_person,
    make_plan,
    make_registration,
)

PERSONAL = (
    "a-reporter@example.org",
    "a-org-mail@example.org",
    "070-111 11 11",
    "a-person@example.org",
    "Registrerad Rut",
)
DRAFTS = ("A-draft-secret",)
A_ONLY = (
    *PERSONAL,
    *DRAFTS,
    "A-org-secret",
    "A-action-secret",
    "A-public-event",
    "A-public-position",
    "A-public-example",
    "A-public-issue",
    "A-public-report",
)
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
]
EXAMPLES = {GenerationMode.POSITIVE: 10, GenerationMode.NEGATIVE: 5}


@override_settings(BYGDEBAS_API_PUBLIC_RATE_LIMIT=1_000_000)
class SchemathesisTests(LiveServerTestCase):
    def setUp(self) -> None:
        cache.clear()
        county = make_county()
        a = make_network(name="Nätverk A", slug="a", domain="a.test", county=county)
        b = make_network(name="Nätverk B", slug="b", domain="b.test", county=county)
        org = make_organisation(
            network=a, name="A-org-secret", email="a-org-mail@example.org", phone="070-111 11 11"
        )
        make_membership(organisation=org)
        make_person(network=a, name="Person A", email="a-person@example.org")
        plan = make_plan(network=a, year=2025)
        activity = plan.areas.first().activities.first()
        make_action(network=a, activities=[activity], title="A-action-secret")
        event = make_event(network=a, title="A-public-event")
        make_event(network=a, title="A-draft-secret", status=Event.Status.DRAFT)
        make_registration(event=event, name="Registrerad Rut", email="rut@example.org")
        make_organisation(network=b, name="B-org")
        make_event(network=b, title="B-event")
        make_example(network=a, title="A-public-example")
        make_issue(
            network=a, title="A-public-issue", status=Issue.Status.SENT, sent_at=timezone.now()
        )
        make_issue(network=a, title="A-draft-secret issue")
        kumla = make_square_municipality(county)
        make_report(
            network=a,
            municipality=kumla,
            title="A-public-report",
            submitter_email="a-reporter@example.org",
        )
        make_report(network=a, municipality=kumla, title="A-draft-secret report", published=False)
        make_example(network=a, title="A-draft-secret example", published=False)
        Position.objects.create(
            network=a,
            title="A-public-position",
            text="Text.",
            published_on=datetime.date(2025, 5, 2),
            is_published=True,
        )
        Position.objects.create(
            network=a,
            title="A-draft-secret position",
            text="Utkast.",
            published_on=datetime.date(2025, 5, 2),
        )
        self.keys: dict[str, tuple[ApiKey | None, str, str]] = {"none": (None, "", "a.test")}
        for scope in ALL_SCOPES:
            api_key, key = make_api_key(network=a, scopes=(scope,), rate_limit=1_000_000)
            self.keys[scope] = (api_key, key, "a.test")
        for name, network in (("a_all", a), ("b_all", b)):
            api_key, key = make_api_key(network=network, rate_limit=1_000_000)
            self.keys[name] = (api_key, key, network.domain)

    def no_leak_check(self, api_key: ApiKey | None) -> Any:
        forbidden: set[str] = set()
        if api_key is None or not api_key.has_scope(ApiKey.Scope.READ_PERSONAL):
            forbidden.update(PERSONAL)
        if api_key is None or not api_key.has_scope(ApiKey.Scope.READ_REGISTRY):
            forbidden.update(DRAFTS)
        if api_key is not None and api_key.network.slug == "b":
            forbidden.update(A_ONLY)

        def no_leak(ctx: Any, response: Any, case: Any) -> bool:
            text = response.content.decode("utf-8", "replace")
            leaked = sorted(secret for secret in forbidden if secret in text)
            assert not leaked, f"{case.method} {case.formatted_path} leaked {leaked}"
            return True

        return no_leak

    def test_the_leak_check_catches_a_leak(self) -> None:
        class Answer:
            content = b'{"email": "a-person@example.org"}'

        class Case:
            method, formatted_path = "GET", "/api/v1/people"

        with self.assertRaisesMessage(AssertionError, "a-person@example.org"):
            self.no_leak_check(None)(None, Answer(), Case())
        self.assertTrue(self.no_leak_check(self.keys["read_personal"][0])(None, Answer(), Case()))
        with self.assertRaisesMessage(AssertionError, "leaked"):
            self.no_leak_check(self.keys["b_all"][0])(None, Answer(), Case())

    def test_every_operation_with_every_key(self) -> None:
        from bygdebas.api.v1 import api

        document = api.get_openapi_schema(path_prefix="/api/v1/")
        schema = schemathesis.openapi.from_dict(document)
        operations = [result.ok() for result in schema.get_all_operations()]
        self.assertEqual(len(operations), 16)
        for name, (api_key, key, host) in self.keys.items():
            headers = {"Host": host}
            if key:
                headers["Authorization"] = f"Bearer {key}"
            leak = self.no_leak_check(api_key)
            for operation in operations:
                for mode, examples in EXAMPLES.items():
                    with self.subTest(key=name, operation=operation.label, mode=mode.value):
                        self.run_operation(operation, mode, examples, headers, leak)

    def run_operation(
        self, operation: Any, mode: GenerationMode, examples: int, headers: dict, leak: Any
    ) -> None:
        base_url = self.live_server_url

        @given(case=operation.as_strategy(generation_mode=mode))
        @settings(
            max_examples=examples,
            deadline=None,
            database=None,
            derandomize=True,
            suppress_health_check=list(HealthCheck),
        )
        def run(case: Any) -> None:
            response = case.call(base_url=base_url, headers=headers)
            case.validate_response(response, checks=[*CHECKS, leak], headers=headers)

        run()
