"""Fetching watched sources into the inbox, and the watch_sources command."""

from __future__ import annotations

import datetime
import io
import json

from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import TestCase, override_settings
from django.utils import timezone

from bygdebas.advocacy.models import Entry, Source
from bygdebas.advocacy.services import watch
from bygdebas.advocacy.tests.feedserver import CP1252_TITLE, RSS_ITEMS, FeedServer
from bygdebas.core.models import SearchDocument
from bygdebas.testing import make_network


@override_settings(
    BYGDEBAS_WATCH_TIMEOUT_S=1,
    BYGDEBAS_WATCH_MAX_BYTES=5 * 1024 * 1024,
    BYGDEBAS_WATCH_ALLOW_PRIVATE=True,  # the feed server is on 127.0.0.1
)
class FetchSourcesTests(TestCase):
    server: FeedServer

    @classmethod
    def setUpClass(cls) -> None:
        super().setUpClass()
        cls.server = FeedServer(stall_s=2.5).__enter__()

    @classmethod
    def tearDownClass(cls) -> None:
        cls.server.__exit__(None, None, None)
        super().tearDownClass()

    @classmethod
    def setUpTestData(cls) -> None:
        cls.network = make_network(slug="orebro")
        cls.other = make_network(slug="annat")

    def add(self, path: str, keywords: str = "kollektivtrafik, bredband*", **kw: object) -> Source:
        return watch.save_source(
            network=kw.pop("network", self.network),  # type: ignore[arg-type]  # a Network
            name=path,
            url=self.server.url(path),
            keywords=keywords,
            **kw,  # type: ignore[arg-type]  # keyword arguments of save_source
        )

    def test_good_feeds_bring_matched_entries_into_the_inbox(self) -> None:
        self.add("/rss")
        self.add("/atom", keywords="landsbygd*")

        report = watch.fetch_sources(network=self.network)

        self.assertEqual(
            report.as_json(),
            {
                "sources": 2,
                "fetched": 2,
                "not_modified": 0,
                "new_entries": 5,
                "matched": 3,
                "errors": [],
            },
        )
        matched = Entry.objects.for_network(self.network).matched().order_by("guid")
        self.assertEqual(
            [(e.guid, e.matched_terms) for e in matched],
            [
                ("rss-1", "kollektivtrafik"),
                ("rss-3", "bredband*"),
                ("urn:uuid:atom-1", "landsbygd*"),
            ],
        )
        # Matched entries are found by staff search; others are kept but not indexed.
        self.assertEqual(SearchDocument.objects.filter(kind="advocacy.entry").count(), 3)
        self.assertEqual(Source.objects.get(name="/rss").state, Source.State.OK)

    def test_the_second_fetch_sends_the_validators_and_counts_not_modified(self) -> None:
        rss = self.add("/rss")
        atom = self.add("/atom")
        watch.fetch_sources(network=self.network)

        report = watch.fetch_sources(network=self.network, force=True)

        self.assertEqual((report.fetched, report.not_modified, report.new_entries), (0, 2, 0))
        rss.refresh_from_db()
        atom.refresh_from_db()
        self.assertEqual(rss.etag, '"v1"')
        self.assertTrue(atom.last_modified)
        self.assertEqual(rss.state, Source.State.NOT_MODIFIED)

    def test_a_source_is_asked_at_most_once_per_interval(self) -> None:
        self.add("/rss")
        watch.fetch_sources(network=self.network)
        hits = self.server.hits["/rss"]

        report = watch.fetch_sources(network=self.network)

        self.assertEqual(report.sources, 0)
        self.assertEqual(self.server.hits["/rss"], hits)
        Source.objects.update(last_fetched_at=timezone.now() - datetime.timedelta(hours=2))
        self.assertEqual(watch.fetch_sources(network=self.network).sources, 1)

    def test_broken_sources_are_marked_and_never_stop_the_others(self) -> None:
        for path in ("/silent", "/huge", "/loop-a", "/html", "/error"):
            self.add(path)
        self.add("/rss")
        self.add("/cp1252", keywords="väg")

        report = watch.fetch_sources(network=self.network)

        self.assertEqual((report.sources, report.fetched), (7, 2))
        self.assertEqual(
            sorted(e["source"].rsplit("/", 1)[1] for e in report.errors),
            ["error", "html", "huge", "loop-a", "silent"],
        )
        states = dict(Source.objects.values_list("name", "state"))
        self.assertEqual(states["/silent"], Source.State.ERROR)
        self.assertEqual(states["/rss"], Source.State.OK)
        self.assertIn("inte ett RSS- eller Atom-flöde", Source.objects.get(name="/html").last_error)
        self.assertEqual(Entry.objects.get(guid="cp-1").title, CP1252_TITLE)
        self.assertTrue(Entry.objects.get(guid="cp-1").is_match)

    def test_entries_are_deduplicated_by_id_and_by_link_across_fetches(self) -> None:
        self.server.set_dupes(list(RSS_ITEMS[:2]))
        source = self.add("/dupes", keywords="")
        watch.fetch_source(source=source, force=True)
        same_link_new_id = ("rss-1-again", RSS_ITEMS[0][1], "Samma länk", "Ny id")
        brand_new = ("rss-9", "http://example.org/ny", "Helt ny", "Ny")
        self.server.set_dupes([*RSS_ITEMS[:2], same_link_new_id, brand_new, brand_new])

        report = watch.fetch_source(source=source, force=True)

        self.assertEqual(report.new_entries, 1)
        self.assertEqual(
            sorted(Entry.objects.filter(source=source).values_list("guid", flat=True)),
            ["rss-1", "rss-2", "rss-9"],
        )

    def test_fetching_one_network_leaves_the_others_sources_alone(self) -> None:
        self.add("/rss", network=self.other)
        self.assertEqual(watch.fetch_sources(network=self.network).sources, 0)
        self.assertEqual(Entry.objects.count(), 0)

    def test_a_bad_rule_or_address_is_refused_and_nothing_saved(self) -> None:
        with self.assertRaises(ValidationError) as caught:
            self.add("/rss", keywords="lands*bygd")
        self.assertIn("lands*bygd", str(caught.exception.message_dict["keywords"]))
        with self.assertRaises(ValidationError) as caught:
            watch.save_source(network=self.network, name="x", url="file:///etc/passwd")
        self.assertIn("url", caught.exception.message_dict)
        self.assertFalse(Source.objects.exists())

    # --- the command ---------------------------------------------------------------------------

    def test_the_command_adds_a_source(self) -> None:
        out = io.StringIO()
        call_command(
            "watch_sources",
            "add",
            self.server.url("/rss"),
            "--name",
            "Regeringen",
            "--keywords",
            "kollektivtrafik,bredband*",
            "--network",
            "orebro",
            stdout=out,
        )
        source = Source.objects.get()
        self.assertEqual(
            (source.name, source.keyword_list), ("Regeringen", ["kollektivtrafik", "bredband*"])
        )
        self.assertEqual(source.network, self.network)

    def test_the_command_prints_the_json_the_issue_states_and_exits_0_on_failures(self) -> None:
        self.add("/rss")
        self.add("/html")
        out = io.StringIO()

        call_command("watch_sources", "fetch", "--network", "orebro", "--json", stdout=out)

        data = json.loads(out.getvalue())
        self.assertEqual(
            list(data), ["sources", "fetched", "not_modified", "new_entries", "matched", "errors"]
        )
        self.assertEqual((data["sources"], data["fetched"], data["matched"]), (2, 1, 2))
        self.assertEqual(data["errors"][0]["source"], self.server.url("/html"))
        self.assertIn("RSS", data["errors"][0]["message"])

    def test_the_command_exits_2_when_it_cannot_run(self) -> None:
        with self.assertRaises(CommandError) as caught:
            call_command("watch_sources", "fetch", "--network", "nosuch", "--json")
        self.assertEqual(caught.exception.returncode, 2)
        with self.assertRaises(CommandError) as caught:
            call_command("watch_sources", "add", "ftp://x", "--name", "x", "--network", "orebro")
        self.assertEqual(caught.exception.returncode, 2)
