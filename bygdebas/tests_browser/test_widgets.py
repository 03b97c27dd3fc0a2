"""Widgets embedded in pages of other origins on 127.0.0.1, in Chromium.

A page served from an origin the network lists shows each widget and sizes its iframe to the
content; a page from an origin it does not list gets nothing (``frame-ancestors``). Without
JavaScript the widget still shows, at its fixed height. axe finds no violations inside any
widget, in the light and the dark theme.
"""

from __future__ import annotations

import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, ClassVar

import pytest

from bygdebas.conditions.tests.helpers import make_report, make_square_municipality
from bygdebas.core.images import process_image, save_image
from bygdebas.core.widgets import widgets
from bygdebas.newsletter.models import Issue
from bygdebas.newsletter.tests.factories import make_issue
from bygdebas.projects.tests.factories import jpeg_upload, make_example
from bygdebas.testing import make_county, make_event, make_network
from bygdebas.tests_browser.base import BrowserTestCase, format_violations, run_axe
from bygdebas.widgets import services

pytestmark = pytest.mark.browser


class HostSite:
    """Another website: a server on 127.0.0.1 that serves one page embedding the widgets."""

    def __init__(self) -> None:
        self.page = b""
        site = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                self.send_response(200)
                self.send_header("Content-Type", "text/html; charset=utf-8")
                self.send_header("Content-Length", str(len(site.page)))
                self.end_headers()
                self.wfile.write(site.page)

            def log_message(self, format: str, *args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.origin = f"http://127.0.0.1:{self.server.server_address[1]}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()


class WidgetEmbeddingTests(BrowserTestCase):
    listed: ClassVar[HostSite]
    unlisted: ClassVar[HostSite]

    @classmethod
    def setUpClass(cls) -> None:
        super().setUpClass()
        cls.listed = HostSite()
        cls.unlisted = HostSite()

    @classmethod
    def tearDownClass(cls) -> None:
        cls.listed.stop()
        cls.unlisted.stop()
        super().tearDownClass()

    def setUp(self) -> None:
        super().setUp()
        # The only network: the live server's host falls back to it.
        county = make_county()
        self.network = make_network(
            name="Hela Sverige ska leva Örebro län", domain="localhost", county=county
        )
        for n in range(6):
            make_event(network=self.network, title=f"Bygdekväll {n + 1}")
        # Something in every widget: an example with a photo, a sent issue, open reports.
        photo = save_image(
            network=self.network,
            image=process_image(jpeg_upload(size=(800, 600))),
            alt_text="Byborna bygger om skolan",
        )
        make_example(network=self.network, title="Byskolan blev bygdegård", photo=photo)
        make_issue(network=self.network, title="Vårnumret", status=Issue.Status.SENT, items=0)
        kumla = make_square_municipality(county)
        for category in ("road", "road", "broadband"):
            make_report(network=self.network, municipality=kumla, category=category)
        services.save_settings(
            network=self.network, allowed_origins=self.listed.origin, colour="#1f5f3a"
        )

    def host_page(self, site: HostSite, key: str, height: int) -> str:
        src = self.url(f"/widget/{key}/")
        site.page = (
            '<!doctype html><html lang="sv"><head><meta charset="utf-8"><title>Värdsida</title>'
            f"</head><body><main><h1>Länets sida</h1>"
            f'<iframe id="w" src="{src}" title="Widget" width="100%" height="{height}" '
            'style="border:0" data-bygdebas-widget></iframe>'
            f'<script src="{self.url("/static/js/widget-embed.js")}"></script>'
            "</main></body></html>"
        ).encode()
        return site.origin + "/"

    def widget_frame(self, page: Any) -> Any:
        page.wait_for_load_state("load")
        return page.frame_locator("#w")

    def test_each_widget_shows_on_a_listed_origin_and_fits_its_content(self) -> None:
        for widget in widgets():
            with self.subTest(widget=widget.key):
                self.page.goto(self.host_page(self.listed, widget.key, widget.height))
                frame = self.widget_frame(self.page)
                frame.locator("h1").wait_for()
                self.assertTrue(frame.locator("main").is_visible())
                # The script resized the iframe to the content (no longer its fixed height).
                self.page.wait_for_function("document.getElementById('w').style.height !== ''")
                content = frame.locator("html").evaluate("e => e.getBoundingClientRect().height")
                frame_height = self.page.evaluate(
                    "document.getElementById('w').getBoundingClientRect().height"
                )
                self.assertAlmostEqual(frame_height, content, delta=2)
                self.assertNotEqual(frame_height, widget.height)  # grown or shrunk to fit

    def test_an_origin_that_is_not_listed_is_refused(self) -> None:
        refusals: list[str] = []
        self.page.on(
            "console",
            lambda message: (
                refusals.append(message.text) if "frame-ancestors" in message.text else None
            ),
        )
        for widget in widgets():
            with self.subTest(widget=widget.key):
                self.page.goto(self.host_page(self.unlisted, widget.key, widget.height))
                self.page.wait_for_load_state("load")
                child = self.page.frames[1]
                # Chromium shows its own error page instead of the widget.
                self.assertEqual(child.locator("main").count(), 0, child.url)
        self.assertTrue(refusals, "Chromium reported no frame-ancestors refusal")

    def test_without_javascript_a_widget_shows_at_its_fixed_height(self) -> None:
        context = self.new_context(java_script_enabled=False)
        page = context.new_page()
        page.goto(self.host_page(self.listed, "kalender", 480))
        frame = self.widget_frame(page)
        frame.locator("h1").wait_for()
        self.assertIn("Bygdekväll 1", frame.locator("main").inner_text())
        height = page.evaluate("document.getElementById('w').getBoundingClientRect().height")
        self.assertEqual(height, 480)

    def test_the_conditions_widget_for_a_municipality_has_no_violations(self) -> None:
        for theme in ("light", "dark"):
            with self.subTest(theme=theme):
                self.page.goto(self.url(f"/widget/landsbygdslaget/?kommun=1881&theme={theme}"))
                self.assertIn("Kumla", self.page.locator("h1").inner_text())
                self.assertEqual(self.page.locator("table td").first.inner_text(), "2")
                violations = run_axe(self.page)
                self.assertEqual(violations, [], format_violations(violations, where=self.page.url))
        # Without a code, a municipality is chosen inside the frame.
        self.page.goto(self.url("/widget/landsbygdslaget/"))
        self.page.get_by_role("link", name="Kumla").click()
        self.page.locator("table").wait_for()
        self.assertIn("kommun=1881", self.page.url)

    def test_axe_finds_no_violations_inside_any_widget_in_either_theme(self) -> None:
        for widget in widgets():
            for theme in ("light", "dark"):
                with self.subTest(widget=widget.key, theme=theme):
                    self.page.goto(self.url(f"/widget/{widget.key}/?theme={theme}"))
                    violations = run_axe(self.page)
                    self.assertEqual(
                        violations, [], format_violations(violations, where=self.page.url)
                    )
