"""The fetcher against a real local HTTP server serving good and nasty answers."""

from __future__ import annotations

import datetime

from django.test import SimpleTestCase, override_settings

from bygdebas.advocacy.fetcher import FetchError, fetch_feed
from bygdebas.advocacy.tests.feedserver import CP1252_TITLE, LAST_MODIFIED, FeedServer


@override_settings(
    BYGDEBAS_WATCH_TIMEOUT_S=1,
    BYGDEBAS_WATCH_MAX_BYTES=5 * 1024 * 1024,
    BYGDEBAS_WATCH_ALLOW_PRIVATE=True,  # the feed server is on 127.0.0.1
)
class FetchFeedTests(SimpleTestCase):
    server: FeedServer

    @classmethod
    def setUpClass(cls) -> None:
        super().setUpClass()
        cls.server = FeedServer(stall_s=2.5).__enter__()

    @classmethod
    def tearDownClass(cls) -> None:
        cls.server.__exit__(None, None, None)
        super().tearDownClass()

    def assertFails(self, path: str, message: str) -> None:
        with self.assertRaises(FetchError) as caught:
            fetch_feed(self.server.url(path))
        self.assertIn(message, str(caught.exception))

    def test_it_reads_an_rss_2_feed_with_its_etag(self) -> None:
        result = fetch_feed(self.server.url("/rss"))
        self.assertFalse(result.not_modified)
        self.assertEqual(result.etag, '"v1"')
        self.assertEqual([e.guid for e in result.entries], ["rss-1", "rss-2", "rss-3"])
        first = result.entries[0]
        self.assertEqual(first.title, "Remiss: kollektivtrafiken i länet")
        self.assertEqual(first.link, "http://example.org/remiss/kollektivtrafik")
        self.assertEqual(
            first.published_at, datetime.datetime(2025, 3, 5, 7, 0, tzinfo=datetime.UTC)
        )

    def test_it_reads_an_atom_1_feed_as_text_with_its_last_modified(self) -> None:
        result = fetch_feed(self.server.url("/atom"))
        self.assertEqual(result.last_modified, LAST_MODIFIED)
        self.assertEqual(result.entries[0].guid, "urn:uuid:atom-1")
        self.assertEqual(
            result.entries[0].summary, "Regionen vill ha synpunkter på landsbygdsprogrammet."
        )

    def test_an_etag_gets_not_modified(self) -> None:
        result = fetch_feed(self.server.url("/rss"), etag='"v1"')
        self.assertTrue(result.not_modified)
        self.assertEqual(result.entries, [])

    def test_a_last_modified_gets_not_modified(self) -> None:
        result = fetch_feed(self.server.url("/atom"), last_modified=LAST_MODIFIED)
        self.assertTrue(result.not_modified)

    def test_a_windows_1252_feed_that_declares_utf_8_is_read_right(self) -> None:
        result = fetch_feed(self.server.url("/cp1252"))
        self.assertEqual(result.entries[0].title, CP1252_TITLE)
        self.assertEqual(result.entries[0].summary, "Väg 50 – förslag")

    def test_a_20_mb_answer_is_refused_while_reading(self) -> None:
        self.assertFails("/huge", "större än 5.0 MB")

    def test_a_declared_20_mb_answer_is_refused_before_reading(self) -> None:
        self.assertFails("/huge-declared", "större än 5.0 MB")

    def test_a_redirect_loop_is_an_error(self) -> None:
        self.assertFails("/loop-a", "omdirigering")

    def test_redirects_are_followed_within_the_limit(self) -> None:
        self.assertEqual(len(fetch_feed(self.server.url("/hop/5")).entries), 1)
        self.assertFails("/hop/6", "För många omdirigeringar")

    def test_a_redirect_to_another_scheme_is_refused(self) -> None:
        self.assertFails("/to-file", "Bara http- och https-adresser")

    def test_private_addresses_are_refused_unless_allowed(self) -> None:
        with override_settings(BYGDEBAS_WATCH_ALLOW_PRIVATE=False):
            self.assertFails("/rss", "privat nätverk")
            with self.assertRaises(FetchError) as caught:
                fetch_feed("http://[::1]:9/x")
            self.assertIn("privat nätverk", str(caught.exception))

    def test_a_server_that_never_answers_times_out(self) -> None:
        self.assertFails("/silent", "svarade inte inom 1 sekunder")

    def test_a_server_that_drips_its_answer_times_out_as_a_whole(self) -> None:
        self.assertFails("/drip", "svarade inte inom 1 sekunder")

    def test_html_instead_of_a_feed_is_an_error(self) -> None:
        self.assertFails("/html", "inte ett RSS- eller Atom-flöde")

    def test_an_http_error_is_reported(self) -> None:
        self.assertFails("/error", "svarade 500")

    def test_a_closed_port_is_reported(self) -> None:
        with FeedServer() as other:
            url = other.url("/rss")
        with self.assertRaises(FetchError) as caught:
            fetch_feed(url)
        self.assertIn("gick inte att nå", str(caught.exception))

    def test_only_http_addresses_are_fetched(self) -> None:
        for url in ("file:///etc/passwd", "ftp://example.org/feed", "http://"):
            with self.subTest(url=url), self.assertRaises(FetchError):
                fetch_feed(url)
