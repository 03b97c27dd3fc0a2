"""JSON-LD and images in Chromium: data blocks are not run, nothing breaks the CSP, and the
structured data a crawler reads is what the page is about."""

from __future__ import annotations

import shutil
import tempfile
from typing import Any

import pytest
from django.test import override_settings

from bygdebas.core.images import save_image
from bygdebas.core.tests.test_images import photo_with_gps
from bygdebas.testing import make_event, make_network
from bygdebas.tests_browser.base import BrowserTestCase

pytestmark = pytest.mark.browser

# Registered before any page script: every CSP violation the page causes is kept.
COLLECT_VIOLATIONS = """
window.__violations = [];
document.addEventListener("securitypolicyviolation", (e) => {
    window.__violations.push(`${e.violatedDirective} ${e.blockedURI} ${e.sample}`);
});
"""
HOSTILE_TITLE = "Bygdekväll </script><script>window.__pwned = true</script> & fika"


class PageMetadataTests(BrowserTestCase):
    def setUp(self) -> None:
        super().setUp()
        media = tempfile.mkdtemp(prefix="bygdebas-browser-media-")
        self.addCleanup(shutil.rmtree, media, ignore_errors=True)
        media_settings = override_settings(MEDIA_ROOT=media)
        media_settings.enable()
        self.addCleanup(media_settings.disable)
        # The only network: the live server's 127.0.0.1 falls back to it.
        self.network = make_network(name="Hela Sverige ska leva Örebro län", domain="localhost")
        self.event = make_event(network=self.network, title=HOSTILE_TITLE, lat=59.27, lon=15.21)
        self.console: list[str] = []
        self.page.on(
            "console",
            lambda message: self.console.append(message.text) if message.type == "error" else None,
        )
        self.page.add_init_script(COLLECT_VIOLATIONS)

    def structured_data(self) -> list[dict[str, Any]]:
        return self.page.evaluate(
            """() => [...document.querySelectorAll('script[type="application/ld+json"]')]
                     .map((s) => JSON.parse(s.textContent))"""
        )

    def assert_no_csp_violations(self) -> None:
        self.assertEqual(self.page.evaluate("window.__violations"), [])
        self.assertEqual(
            [text for text in self.console if "Content Security Policy" in text], [], self.console
        )
        self.assertIsNone(self.page.evaluate("window.__pwned"))

    def test_the_event_page_carries_its_schema_org_event_without_csp_violations(self) -> None:
        response = self.page.goto(self.url(f"/kalender/{self.event.pk}/"))
        assert response is not None
        self.assertIn("script-src 'self'", response.headers["content-security-policy"])
        self.page.wait_for_selector("#map path.leaflet-interactive")  # the page's own scripts ran
        [event] = self.structured_data()
        self.assertEqual(event["@type"], "Event")
        self.assertEqual(event["name"], HOSTILE_TITLE)
        self.assertEqual(self.page.locator("h1").inner_text(), HOSTILE_TITLE)
        og_title = self.page.locator('meta[property="og:title"]').get_attribute("content")
        self.assertEqual(og_title, HOSTILE_TITLE)
        self.assert_no_csp_violations()

    def test_home_and_a_responsive_image_load_without_csp_violations(self) -> None:
        self.page.goto(self.url("/"))
        types = [block["@type"] for block in self.structured_data()]
        self.assertEqual(types, ["Organization", "WebSite"])
        self.assert_no_csp_violations()
        # A stored image, served by its own view, is displayed at the size the browser picks.
        image = save_image(network=self.network, image=photo_with_gps((2000, 1000)), alt_text="Ån")
        self.page.evaluate(
            """(src) => { const img = new Image(); img.id = "probe"; img.alt = "Ån";
                          img.srcset = src.srcset; img.sizes = "480px"; img.src = src.src;
                          document.body.append(img); }""",
            {
                "src": image.url_for(960),
                "srcset": ", ".join(f"{s['url']} {s['width']}w" for s in image.sizes),
            },
        )
        # Not wait_for_function: its polling evaluates a string in the page, which the CSP
        # (rightly) refuses; evaluate() waits for the promise without that.
        self.page.locator("#probe").evaluate("(img) => img.decode()")
        natural = self.page.evaluate("document.getElementById('probe').naturalWidth")
        self.assertIn(natural, {480, 960})
        self.assert_no_csp_violations()
