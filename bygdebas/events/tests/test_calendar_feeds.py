"""iCalendar feeds (RFC 5545), checked with icalendar and with the independent vobject parser."""

from __future__ import annotations

import datetime
import zoneinfo

import icalendar
import vobject
from django.test import TestCase
from django.urls import reverse
from django.utils import timezone

from bygdebas.events.models import Event
from bygdebas.testing import CastMixin, make_event, make_municipality

STOCKHOLM = zoneinfo.ZoneInfo("Europe/Stockholm")


def parse_both(content: bytes) -> tuple[list, list]:
    """The VEVENTs as icalendar and as vobject see them."""
    with_icalendar = list(icalendar.Calendar.from_ical(content).walk("VEVENT"))
    [with_vobject] = list(vobject.readComponents(content.decode("utf-8")))
    return with_icalendar, list(getattr(with_vobject, "vevent_list", []))


class FeedTests(CastMixin, TestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        cls.lekeberg = make_municipality(code="1814", name="Lekeberg")
        cls.karlskoga = make_municipality(code="1883", name="Karlskoga")
        cls.starts = (
            (timezone.now() + datetime.timedelta(days=20))
            .astimezone(STOCKHOLM)
            .replace(hour=18, minute=30, second=0, microsecond=0)
        )
        cls.stamma = make_event(
            network=cls.network_a,
            title="Bygdestämma i Fjugesta",
            starts_at=cls.starts,
            municipality=cls.lekeberg,
            place_name="Folkets hus",
            address="Storgatan 1",
            description="Alla är välkomna, även grannarna; kaffe serveras.",
        )
        cls.seminar = make_event(
            network=cls.network_a,
            title="Seminarium i Karlskoga",
            municipality=cls.karlskoga,
            starts_at=cls.starts + datetime.timedelta(days=3),
        )
        cls.webinar = make_event(
            network=cls.network_a,
            title="Webbinarium",
            format=Event.Format.DIGITAL,
            place_name="",
            address="",
            video_url="https://meet.example.org/hemligt-rum",
        )
        cls.recent = make_event(
            network=cls.network_a,
            title="Förra månadens möte",
            starts_at=timezone.now() - datetime.timedelta(days=30),
        )
        make_event(
            network=cls.network_a,
            title="Gammalt möte",
            starts_at=timezone.now() - datetime.timedelta(days=120),
        )
        make_event(network=cls.network_a, title="Utkast", status=Event.Status.DRAFT)
        make_event(network=cls.network_a, title="Medlemsmöte", is_members_only=True)
        make_event(network=cls.network_b, title="B:s möte", municipality=cls.lekeberg)

    def get(self, url: str) -> bytes:
        response = self.as_anonymous().get(url)
        self.assertEqual(response.status_code, 200)
        self.assertEqual(response["Content-Type"], "text/calendar; charset=utf-8")
        return response.content

    def test_the_network_feed_holds_public_events_upcoming_and_of_the_last_90_days(self) -> None:
        content = self.get(reverse("events:feed"))

        by_icalendar, by_vobject = parse_both(content)
        summaries = {str(e["SUMMARY"]) for e in by_icalendar}
        self.assertEqual(
            summaries,
            {
                "Bygdestämma i Fjugesta",
                "Seminarium i Karlskoga",
                "Webbinarium",
                "Förra månadens möte",
            },
        )
        self.assertEqual({e.summary.value for e in by_vobject}, summaries)
        for entry in by_icalendar:  # every entry has the event's address, place and description
            self.assertTrue(str(entry["URL"]).startswith("http://a.test/kalender/"))
            self.assertIn("LOCATION", entry)
            self.assertIn("DESCRIPTION", entry)

    def test_entries_have_the_right_time_url_and_place_in_both_parsers(self) -> None:
        by_icalendar, by_vobject = parse_both(self.get(reverse("events:feed")))
        url = f"http://a.test/kalender/{self.stamma.pk}/"

        [entry] = [e for e in by_icalendar if str(e["SUMMARY"]) == "Bygdestämma i Fjugesta"]
        self.assertEqual(entry.decoded("DTSTART"), self.starts)
        self.assertEqual(entry.decoded("DTSTART").astimezone(STOCKHOLM).hour, 18)
        self.assertEqual(str(entry["URL"]), url)
        self.assertEqual(str(entry["LOCATION"]), "Folkets hus, Storgatan 1, Lekeberg")
        self.assertIn("kaffe serveras", str(entry["DESCRIPTION"]))
        self.assertIn(url, str(entry["DESCRIPTION"]))

        [other] = [e for e in by_vobject if e.summary.value == "Bygdestämma i Fjugesta"]
        self.assertEqual(other.dtstart.value, self.starts)
        self.assertEqual(other.dtstart.value.astimezone(STOCKHOLM).strftime("%H:%M"), "18:30")
        self.assertEqual(other.url.value, url)
        self.assertEqual(other.location.value, "Folkets hus, Storgatan 1, Lekeberg")
        self.assertIn("grannarna; kaffe", other.description.value)

    def test_a_digital_event_is_located_online_and_never_shows_its_video_link(self) -> None:
        content = self.get(reverse("events:feed"))
        by_icalendar, by_vobject = parse_both(content)

        [entry] = [e for e in by_vobject if e.summary.value == "Webbinarium"]
        self.assertEqual(entry.location.value, "Digitalt")
        [same] = [e for e in by_icalendar if str(e["SUMMARY"]) == "Webbinarium"]
        self.assertEqual(str(same["LOCATION"]), "Digitalt")
        self.assertNotIn(b"hemligt-rum", content)

    def test_the_municipality_feed_holds_that_municipalitys_events(self) -> None:
        by_icalendar, by_vobject = parse_both(
            self.get(reverse("events:feed-municipality", args=["1814"]))
        )

        self.assertEqual([str(e["SUMMARY"]) for e in by_icalendar], ["Bygdestämma i Fjugesta"])
        self.assertEqual([e.summary.value for e in by_vobject], ["Bygdestämma i Fjugesta"])

    def test_an_unknown_municipality_is_404(self) -> None:
        response = self.as_anonymous().get(reverse("events:feed-municipality", args=["9999"]))

        self.assertEqual(response.status_code, 404)

    def test_one_event_as_a_file(self) -> None:
        response = self.as_anonymous().get(reverse("events:event-ics", args=[self.seminar.pk]))

        self.assertEqual(response["Content-Type"], "text/calendar; charset=utf-8")
        self.assertIn("attachment", response["Content-Disposition"])
        by_icalendar, by_vobject = parse_both(response.content)
        self.assertEqual([str(e["SUMMARY"]) for e in by_icalendar], ["Seminarium i Karlskoga"])
        self.assertEqual(by_vobject[0].url.value, f"http://a.test/kalender/{self.seminar.pk}/")
        self.assertEqual(by_vobject[0].location.value, "Bygdegården, Byvägen 1, Karlskoga")

    def test_a_cancelled_event_stays_in_the_feed_marked_cancelled(self) -> None:
        Event.objects.filter(pk=self.seminar.pk).update(status=Event.Status.CANCELLED)

        by_icalendar, by_vobject = parse_both(self.get(reverse("events:feed")))

        [entry] = [e for e in by_vobject if e.summary.value == "Seminarium i Karlskoga"]
        self.assertEqual(entry.status.value, "CANCELLED")
        [same] = [e for e in by_icalendar if str(e["SUMMARY"]) == "Seminarium i Karlskoga"]
        self.assertEqual(str(same["STATUS"]), "CANCELLED")

    def test_another_networks_host_serves_its_own_events_only(self) -> None:
        content = self.as_david().get(reverse("events:feed")).content
        by_icalendar, _ = parse_both(content)

        self.assertEqual([str(e["SUMMARY"]) for e in by_icalendar], ["B:s möte"])
        response = self.as_david().get(reverse("events:event-ics", args=[self.seminar.pk]))
        self.assertEqual(response.status_code, 404)

    def test_the_feed_costs_the_same_queries_for_few_and_many_events(self) -> None:
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        with CaptureQueriesContext(connection) as few:
            self.get(reverse("events:feed"))
        for n in range(20):
            make_event(network=self.network_a, municipality=self.lekeberg, title=f"Extra {n}")
        with CaptureQueriesContext(connection) as many:
            self.get(reverse("events:feed"))

        self.assertEqual(len(few), len(many))
