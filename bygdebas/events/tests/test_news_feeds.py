"""The calendar as Atom 1.0 (read back with feedparser) and JSON Feed 1.1 (json + the spec's fields)."""

from __future__ import annotations

import datetime
import json
import re
import time
import zoneinfo

import feedparser
from django.test import TestCase
from django.urls import reverse
from django.utils import timezone

from bygdebas.events.models import Event
from bygdebas.testing import CastMixin, make_event, make_municipality

STOCKHOLM = zoneinfo.ZoneInfo("Europe/Stockholm")


class NewsFeedTests(CastMixin, TestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        starts = (timezone.now() + datetime.timedelta(days=20)).astimezone(STOCKHOLM)
        cls.starts = starts.replace(hour=18, minute=30, second=0, microsecond=0)
        cls.stamma = make_event(
            network=cls.network_a,
            title="Bygdestämma i Fjugesta",
            starts_at=cls.starts,
            municipality=make_municipality(code="1814", name="Lekeberg"),
            place_name="Folkets hus",
            address="Storgatan 1",
            organisers="Fjugesta byalag",
            description="Alla är **välkomna** <script>alert('x')</script> & kaffe serveras.",
        )
        cls.cancelled = make_event(
            network=cls.network_a,
            title="Inställd träff",
            status=Event.Status.CANCELLED,
            starts_at=cls.starts + datetime.timedelta(days=2),
        )
        cls.old = make_event(
            network=cls.network_a,
            title="Träff för länge sedan",
            starts_at=timezone.now() - datetime.timedelta(days=200),
        )
        make_event(network=cls.network_a, title="Utkast", status=Event.Status.DRAFT)
        make_event(network=cls.network_a, title="Bara medlemmar", is_members_only=True)
        make_event(network=cls.network_b, title="B:s träff")

    def test_the_atom_feed_reads_as_valid_atom_with_absolute_links_dates_and_author(self) -> None:
        response = self.as_anonymous().get(reverse("events:feed-atom"))
        self.assertEqual(response["Content-Type"], "application/atom+xml; charset=utf-8")
        parsed = feedparser.parse(response.content)
        self.assertFalse(parsed.bozo, parsed.get("bozo_exception"))
        self.assertEqual(parsed.version, "atom10")
        self.assertEqual(parsed.feed.title, "Kalender – Nätverk A")
        self.assertEqual(parsed.feed.language, "sv")
        self.assertEqual(parsed.feed.link, "http://a.test/kalender/")
        self.assertEqual(parsed.feed.author, "Nätverk A")
        links = {link.rel: link.href for link in parsed.feed.links}
        self.assertEqual(links["self"], "http://a.test/kalender.atom")
        titles = [entry.title for entry in parsed.entries]
        self.assertEqual(len(titles), 2)
        [stamma] = [e for e in parsed.entries if e.link.endswith(f"/{self.stamma.pk}/")]
        self.assertEqual(stamma.link, f"http://a.test/kalender/{self.stamma.pk}/")
        self.assertTrue(stamma.title.startswith("Bygdestämma i Fjugesta – "))
        self.assertIn("18:30", stamma.title)
        self.assertEqual(stamma.author, "Fjugesta byalag")
        self.assertEqual(
            time.mktime(stamma.published_parsed), time.mktime(self.stamma.created_at.utctimetuple())
        )
        self.assertEqual(
            time.mktime(stamma.updated_parsed), time.mktime(self.stamma.updated_at.utctimetuple())
        )
        self.assertIn("<strong>välkomna</strong>", stamma.summary)
        self.assertIn("Folkets hus, Storgatan 1, Lekeberg", stamma.summary)
        self.assertNotIn("<script", response.content.decode())
        self.assertIn("Inställt: Inställd träff", " ".join(titles))
        for absent in ("Utkast", "Bara medlemmar", "B:s träff", "Träff för länge sedan"):
            self.assertNotIn(absent, response.content.decode())

    def test_the_json_feed_has_the_fields_json_feed_1_1_requires(self) -> None:
        response = self.as_anonymous().get(reverse("events:feed-json"))
        self.assertEqual(response["Content-Type"], "application/feed+json; charset=utf-8")
        feed = json.loads(response.content)
        self.assertEqual(feed["version"], "https://jsonfeed.org/version/1.1")
        self.assertEqual(feed["title"], "Kalender – Nätverk A")
        self.assertEqual(feed["home_page_url"], "http://a.test/kalender/")
        self.assertEqual(feed["feed_url"], "http://a.test/kalender.json")
        self.assertEqual(feed["language"], "sv")
        self.assertEqual(feed["authors"], [{"name": "Nätverk A"}])
        self.assertEqual(len(feed["items"]), 2)
        for item in feed["items"]:
            # Required per item: id, and content_html or content_text.
            self.assertIsInstance(item["id"], str)
            self.assertTrue(item["content_html"])
            self.assertTrue(item["url"].startswith("http://a.test/kalender/"))
            datetime.datetime.fromisoformat(item["date_published"])  # RFC 3339
        [stamma] = [i for i in feed["items"] if i["url"].endswith(f"/{self.stamma.pk}/")]
        self.assertEqual(
            datetime.datetime.fromisoformat(stamma["date_modified"]), self.stamma.updated_at
        )
        self.assertEqual(stamma["authors"], [{"name": "Fjugesta byalag"}])
        self.assertEqual(stamma["tags"], ["Möte"])
        self.assertNotIn("<script", stamma["content_html"])

    def test_each_network_gets_its_own_feed_on_its_own_host(self) -> None:
        feed = json.loads(self.as_david().get(reverse("events:feed-json")).content)
        self.assertEqual([i["title"].split(" – ")[0] for i in feed["items"]], ["B:s träff"])
        self.assertEqual(feed["home_page_url"], "http://b.test/kalender/")

    def test_the_calendar_page_announces_its_feeds(self) -> None:
        response = self.as_anonymous().get(reverse("events:event-list"))
        self.assertContains(
            response,
            '<link rel="alternate" type="application/atom+xml" title="Kalender (Atom)" '
            'href="/kalender.atom">',
        )
        self.assertContains(
            response,
            '<link rel="alternate" type="application/feed+json" title="Kalender (JSON Feed)" '
            'href="/kalender.json">',
        )


class CalendarMetadataTests(CastMixin, TestCase):
    def test_the_calendar_lists_its_events_as_schema_org_events(self) -> None:
        make_event(network=self.network_a, title="Bygdestämma i Fjugesta")
        response = self.as_anonymous().get(reverse("events:event-list"))
        blocks = re.findall(
            r'<script type="application/ld\+json">(.*?)</script>', response.content.decode(), re.S
        )
        data = [json.loads(block) for block in blocks]
        [listing] = [d for d in data if d.get("@type") == "ItemList"]
        [item] = listing["itemListElement"]
        self.assertEqual(item["item"]["@type"], "Event")
        self.assertEqual(item["item"]["name"], "Bygdestämma i Fjugesta")
        self.assertContains(response, '<meta property="og:title"')
