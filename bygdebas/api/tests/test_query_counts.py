"""A page of any list costs the same number of queries however many rows it holds."""

from __future__ import annotations

from django.db import connection
from django.test import TestCase
from django.test.utils import CaptureQueriesContext

from bygdebas.api.tests.base import ApiCastMixin
from bygdebas.testing import (
    make_action,
    make_engagement,
    make_event,
    make_membership,
    make_municipality,
    make_organisation,
    make_person,
    make_plan,
    make_registration,
)

LISTS = (
    "/api/v1/organisations",
    "/api/v1/people",
    "/api/v1/memberships",
    "/api/v1/actions",
    "/api/v1/events",
    "/api/v1/registrations",
    "/api/v1/public/events/upcoming",
    "/api/v1/public/positions/",
    "/api/v1/public/examples/",
    "/api/v1/public/newsletter/issues",
    "/api/v1/public/conditions/reports",
)


class QueryCountTests(ApiCastMixin, TestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        plan = make_plan(network=cls.network_a, year=2025)
        cls.activities = list(plan.areas.first().activities.all())
        cls.municipality = make_municipality(county=cls.network_a.county)

    def add_rows(self, count: int) -> None:
        a = self.network_a
        for _ in range(count):
            org = make_organisation(
                network=a, municipality=self.municipality, email="x@example.org"
            )
            make_membership(organisation=org)
            person = make_person(network=a)
            make_engagement(person=person, organisation=org)
            make_action(network=a, activities=self.activities, municipality=self.municipality)
            event = make_event(network=a, municipality=self.municipality)
            event.activities.set(self.activities)
            make_registration(event=event)

    def counts(self) -> dict[str, int]:
        client = self.api("a_all")
        found = {}
        for path in LISTS:
            client.get(path)  # the rate-limit window's first request clears old windows
            with CaptureQueriesContext(connection) as context:
                response = client.get(path)
            self.assertEqual(response.status_code, 200)
            found[path] = len(context.captured_queries)
        return found

    def test_a_page_costs_a_fixed_number_of_queries(self) -> None:
        self.add_rows(2)
        few = self.counts()
        self.add_rows(6)
        self.assertEqual(self.counts(), few)
        # The key, the rate-limit count, the page, its prefetches and (people, registrations,
        # organisations for this key) the audit entry: a handful, never one per row.
        self.assertLessEqual(max(few.values()), 7, few)
