"""The event lists make as many queries for 30 events as for 3: nothing is fetched per row."""

from __future__ import annotations

import datetime

from django.db import connection
from django.test import Client, TestCase
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from bygdebas.core.models import Municipality
from bygdebas.events.models import Event, Registration
from bygdebas.testing import CastMixin, make_event, make_municipality, make_registration


class ListQueryCountTests(CastMixin, TestCase):
    municipalities: list[Municipality]
    month_start: datetime.datetime

    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        cls.municipalities = [make_municipality(county=cls.network_a.county) for _ in range(3)]
        # All in one month a little ahead, so that the month view shows every one of them.
        today = timezone.localdate()
        first = (today.replace(day=1) + datetime.timedelta(days=62)).replace(day=1)
        cls.month_start = datetime.datetime.combine(
            first, datetime.time(18), tzinfo=timezone.get_current_timezone()
        )
        cls.add_events(3)

    @classmethod
    def add_events(cls, count: int) -> None:
        """``count`` more events, varied, each with confirmed and waiting registrations."""
        start = Event.objects.filter(network=cls.network_a).count()
        for i in range(start, start + count):
            event = make_event(
                network=cls.network_a,
                starts_at=cls.month_start + datetime.timedelta(days=i % 27, minutes=i),
                municipality=cls.municipalities[i % 3],
                kind=Event.Kind.values[i % len(Event.Kind.values)],
                format=Event.Format.HYBRID if i % 2 else Event.Format.PHYSICAL,
                capacity=2 if i % 3 else None,
                sdgs=[i % 17 + 1],
            )
            for status in (
                Registration.Status.CONFIRMED,
                Registration.Status.CONFIRMED,
                Registration.Status.WAITING,
                Registration.Status.CANCELLED,
            ):
                make_registration(event=event, status=status)

    def shown(self, content: bytes, url_name: str) -> int:
        """How many of the network's events the page links to."""
        page = content.decode()
        return sum(
            f'href="{reverse(url_name, args=[pk])}"' in page
            for pk in Event.objects.filter(network=self.network_a).values_list("pk", flat=True)
        )

    def assert_flat(self, client: Client, url: str, url_name: str) -> None:
        with CaptureQueriesContext(connection) as small:
            small_page = client.get(url)
        self.assertEqual(small_page.status_code, 200)
        self.assertEqual(self.shown(small_page.content, url_name), 3)
        self.add_events(27)
        with self.assertNumQueries(len(small)):
            large_page = client.get(url)
        # A page of 20 in the lists, all 30 in the month.
        self.assertGreaterEqual(self.shown(large_page.content, url_name), 20)

    def test_the_public_calendar_makes_the_same_queries_for_3_and_30_events(self) -> None:
        self.assert_flat(self.as_anonymous(), reverse("events:event-list"), "events:event-detail")

    def test_the_month_view_makes_the_same_queries_for_3_and_30_events(self) -> None:
        url = reverse("events:event-month", args=[self.month_start.year, self.month_start.month])
        self.assert_flat(self.as_anonymous(), url, "events:event-detail")

    def test_the_staff_event_list_makes_the_same_queries_for_3_and_30_events(self) -> None:
        url = reverse("events:staff-event-list")
        self.assert_flat(self.as_bertil(), url, "events:staff-event-detail")
