"""The public catalogue: what the public sees (and does not), search with filters, the map,
the page's metadata, the feeds and the calls' iCalendar."""

from __future__ import annotations

import datetime
import json

import feedparser
from django.db import connection
from django.test import TestCase
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from bygdebas.core.images import process_image, save_image
from bygdebas.core.moderation import ModerationStatus
from bygdebas.projects.models import Goal, Theme
from bygdebas.projects.tests.factories import jpeg_upload, make_call, make_example
from bygdebas.testing import CastMixin, make_municipality


class CatalogueTests(CastMixin, TestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        cls.kumla = (
            make_municipality(name="Kumla", county=cls.network_a.county)
            if cls.network_a.county
            else make_municipality(name="Kumla")
        )
        cls.school = make_example(
            network=cls.network_a,
            title="Byskolan i Ramundeboda",
            summary="Föräldrarna räddade skolan.",
            municipality=cls.kumla,
            lat=59.1,
            lon=15.1,
            is_youth=True,
        )
        cls.school.goals.set([Goal.objects.get(number=4)])
        cls.school.themes.set([Theme.objects.get(key="school")])
        cls.shop = make_example(
            network=cls.network_a, title="Lanthandeln i Svartå", summary="Byborna köpte butiken."
        )
        cls.draft = make_example(
            network=cls.network_a,
            title="Hemlig byskola",
            published=False,
            moderation_status=ModerationStatus.PENDING,
        )
        cls.declined = make_example(
            network=cls.network_a,
            title="Avböjd byskola",
            published=False,
            moderation_status=ModerationStatus.DECLINED,
        )
        cls.unpublished = make_example(
            network=cls.network_a,
            title="Avpublicerad byskola",
            published_at=None,
        )
        cls.other = make_example(network=cls.network_b, title="B:s byskola")

    def catalogue(self, **params: str) -> list[str]:
        response = self.as_anonymous().get("/goda-exempel/", params)
        self.assertEqual(response.status_code, 200)
        return [e.title for e in response.context["page"].examples]

    def test_the_public_sees_only_published_examples_of_this_network(self) -> None:
        self.assertEqual(self.catalogue(), ["Lanthandeln i Svartå", "Byskolan i Ramundeboda"])
        self.assertEqual(self.catalogue(q="byskola"), ["Byskolan i Ramundeboda"])
        for hidden in (self.draft, self.declined, self.unpublished, self.other):
            self.assertEqual(
                self.as_anonymous().get(f"/goda-exempel/{hidden.pk}/").status_code, 404
            )
            self.assertEqual(self.as_bertil().get(f"/goda-exempel/{hidden.pk}/").status_code, 404)

    def test_an_inflected_word_finds_the_example(self) -> None:
        self.assertEqual(self.catalogue(q="byskolor"), ["Byskolan i Ramundeboda"])
        self.assertEqual(self.catalogue(q="butik"), ["Lanthandeln i Svartå"])

    def test_filters_narrow_the_list_and_the_search(self) -> None:
        self.assertEqual(self.catalogue(goal="4"), ["Byskolan i Ramundeboda"])
        self.assertEqual(self.catalogue(theme="school"), ["Byskolan i Ramundeboda"])
        self.assertEqual(self.catalogue(youth="on"), ["Byskolan i Ramundeboda"])
        self.assertEqual(self.catalogue(q="byborna", youth="on"), [])
        self.assertEqual(self.catalogue(q="skolan", theme="school"), ["Byskolan i Ramundeboda"])

    def test_a_bad_filter_is_a_clear_error(self) -> None:
        response = self.as_anonymous().get("/goda-exempel/", {"goal": "99"})
        self.assertEqual(response.status_code, 400)
        self.assertContains(response, "errorlist", status_code=400)

    def test_the_list_costs_the_same_queries_with_more_examples(self) -> None:
        def queries(**params: str) -> int:
            with CaptureQueriesContext(connection) as captured:
                self.as_anonymous().get("/goda-exempel/", params)
            return len(captured)

        before = (queries(), queries(q="byskola"), queries(q="byskola", youth="on"))
        for n in range(15):
            make_example(
                network=self.network_a,
                title=f"Byskola nummer {n}",
                is_youth=True,
                lat=59.0,
                lon=15.0,
            )
        self.assertEqual(
            (queries(), queries(q="byskola"), queries(q="byskola", youth="on")), before
        )

    def test_the_map_has_the_examples_with_a_place(self) -> None:
        response = self.as_anonymous().get("/goda-exempel/karta.json", {"q": "byskolan"})
        data = json.loads(response.content)
        self.assertEqual([e["title"] for e in data["examples"]], ["Byskolan i Ramundeboda"])
        self.assertEqual(data["examples"][0]["url"], f"/goda-exempel/{self.school.pk}/")
        page = self.as_anonymous().get("/goda-exempel/karta/")
        self.assertContains(page, "Byskolan i Ramundeboda")
        self.assertNotContains(page, "Hemlig")

    def test_the_feed_has_published_examples_only(self) -> None:
        feed = feedparser.parse(self.as_anonymous().get("/goda-exempel.atom").content)
        self.assertEqual(
            sorted(entry.title for entry in feed.entries),
            ["Byskolan i Ramundeboda", "Lanthandeln i Svartå"],
        )
        data = json.loads(self.as_anonymous().get("/goda-exempel.json").content)
        self.assertEqual(data["version"], "https://jsonfeed.org/version/1.1")


class ExamplePageTests(CastMixin, TestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        photo = save_image(
            network=cls.network_a,
            image=process_image(jpeg_upload(size=(1600, 900))),
            alt_text="Barn i skolträdgården",
        )
        cls.example = make_example(
            network=cls.network_a,
            title="Skolträdgården",
            summary="Eleverna odlar grönsaker åt skolköket.",
            story=(
                "Det **växer**.\n\n<script>alert('x')</script>\n\n"
                '<img src="x" onerror="alert(1)">\n\n[länk](javascript:alert(2))'
            ),
            photo=photo,
            contact_name="Greta Grön",
            contact_email="greta@example.org",
            has_contact_consent=False,
        )

    def test_open_graph_and_schema_org_carry_the_photo_and_the_summary(self) -> None:
        response = self.as_anonymous().get(f"/goda-exempel/{self.example.pk}/")
        html = response.content.decode()
        self.assertIn('<meta property="og:title" content="Skolträdgården">', html)
        self.assertIn(
            '<meta property="og:description" content="Eleverna odlar grönsaker åt skolköket.">',
            html,
        )
        self.assertIn('<meta property="og:image" content="http://a.test/bilder/', html)
        self.assertIn('<meta property="og:image:alt" content="Barn i skolträdgården">', html)
        self.assertIn('"@type":"Article"', html)
        self.assertIn('<meta property="og:type" content="article">', html)

    def test_markdown_is_sanitised(self) -> None:
        response = self.as_anonymous().get(f"/goda-exempel/{self.example.pk}/")
        story = response.content.decode().split('class="example-story"')[1].split("</div>")[0]
        self.assertIn("<strong>växer</strong>", story)
        self.assertNotIn("<script", story)
        self.assertNotIn("onerror", story)
        self.assertNotIn("javascript:", story)

    def test_the_contact_shows_only_with_consent(self) -> None:
        response = self.as_anonymous().get(f"/goda-exempel/{self.example.pk}/")
        self.assertNotContains(response, "greta@example.org")
        self.example.has_contact_consent = True
        self.example.save()
        response = self.as_anonymous().get(f"/goda-exempel/{self.example.pk}/")
        self.assertContains(response, "greta@example.org")


class CallListTests(CastMixin, TestCase):
    def test_the_open_calls_by_deadline_and_as_icalendar(self) -> None:
        today = timezone.localdate()
        make_call(
            network=self.network_a, title="Senare", deadline_on=today + datetime.timedelta(days=60)
        )
        make_call(
            network=self.network_a, title="Snart", deadline_on=today + datetime.timedelta(days=5)
        )
        make_call(
            network=self.network_a, title="Stängd", deadline_on=today - datetime.timedelta(days=1)
        )
        make_call(network=self.network_b, title="B:s utlysning")
        response = self.as_anonymous().get("/utlysningar/")
        self.assertEqual([c.title for c in response.context["calls"]], ["Snart", "Senare"])
        ics = self.as_anonymous().get("/utlysningar.ics")
        self.assertEqual(ics["Content-Type"], "text/calendar; charset=utf-8")
        text = ics.content.decode()
        self.assertEqual(text.count("BEGIN:VEVENT"), 2)
        self.assertIn(f"DTSTART;VALUE=DATE:{today + datetime.timedelta(days=5):%Y%m%d}", text)
        self.assertNotIn("Stängd", text)


class MatchingIdsTests(CastMixin, TestCase):
    def test_matching_ids_rank_as_search_does_without_snippets(self) -> None:
        from bygdebas.core.search import matching_ids, search

        for n in range(5):
            make_example(network=self.network_a, title=f"Byskola {n}", summary="byskola " * n)
        make_example(network=self.network_b, title="Byskola i B")
        found = search("byskolan", network=self.network_a, kinds=["projects.example"])
        ids = matching_ids("byskolan", network=self.network_a, kinds=["projects.example"])
        self.assertEqual(ids, [r.object_id for r in found.results])
        self.assertEqual(len(ids), 5)
        self.assertEqual(matching_ids("byskolan", network=self.network_a, limit=2), ids[:2])
        self.assertEqual(matching_ids("", network=self.network_a), [])
