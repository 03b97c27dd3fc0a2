"""Every map label is text, never HTML: a hostile name shows as written and makes no link.

Leaflet puts a string tooltip or popup in place as HTML. A place or municipality named
``<a href=//evil.example>x</a>`` must stay those characters on every map: the event's map, the
about page, the organisation map and the public-transport map.
"""

from __future__ import annotations

import datetime

import pytest
from playwright.sync_api import Page

from bygdebas.connectivity.tests.helpers import FEW_PLACES, finished_analysis, store_sj_feed
from bygdebas.core.geo import load_geography
from bygdebas.core.models import County, Municipality, Role
from bygdebas.testing import PASSWORD, make_event, make_network, make_organisation, make_user
from bygdebas.tests_browser.base import BrowserTestCase

pytestmark = pytest.mark.browser

HOSTILE = "<a href=//evil.example>x</a>"


class MapLabelTests(BrowserTestCase):
    def setUp(self) -> None:
        super().setUp()
        load_geography()
        self.network = make_network(
            name="Hela Sverige ska leva Örebro län",
            slug="orebro",
            domain="localhost",
            county=County.objects.get(code="18"),
        )
        # A municipality whose name was edited in the admin into markup.
        self.kumla = Municipality.objects.get(code="1881")
        self.kumla.name = HOSTILE
        self.kumla.save()
        self.event = make_event(
            network=self.network,
            title="Bygdekväll",
            place_name=HOSTILE,
            municipality=self.kumla,
            lat=59.1264,
            lon=15.1403,
        )
        make_organisation(
            network=self.network,
            name=HOSTILE,
            municipality=self.kumla,
            latitude=59.12,
            longitude=15.14,
        )
        self.bertil = make_user(email="bertil@a.test", role=Role.Kind.STAFF, network=self.network)

    def log_in(self) -> None:
        self.page.goto(self.url("/konto/logga-in/"))
        self.page.fill("#id_username", self.bertil.email)
        self.page.fill("#id_password", PASSWORD)
        with self.page.expect_navigation():
            self.page.locator("main form button[type=submit]").click()

    def show_every_label(self, page: Page, selector: str) -> None:
        """Open the tooltip of every shape on the map, as a pointer passing over each would."""
        page.wait_for_selector(f"{selector} path.leaflet-interactive")
        shapes = page.locator(f"{selector} path.leaflet-interactive")
        for index in range(shapes.count()):
            shapes.nth(index).dispatch_event("mouseover")

    def assert_text_not_html(self, page: Page, selector: str) -> None:
        links = page.locator(f"{selector} a[href*='evil.example']")
        self.assertEqual(links.count(), 0, page.locator(selector).inner_html()[:2000])
        labels = page.locator(f"{selector} .leaflet-tooltip, {selector} .leaflet-popup-content")
        shown = [labels.nth(i).inner_text() for i in range(labels.count())]
        self.assertTrue(any(HOSTILE in text for text in shown), shown)
        self.assert_accessible(page)

    def test_the_event_map_shows_a_hostile_place_name_as_text(self) -> None:
        self.page.goto(self.url(f"/kalender/{self.event.pk}/"))
        self.show_every_label(self.page, "#map")
        self.assert_text_not_html(self.page, "#map")

    def test_the_about_map_shows_a_hostile_municipality_name_as_text(self) -> None:
        self.page.goto(self.url("/om/"))
        self.show_every_label(self.page, "#map")
        self.assert_text_not_html(self.page, "#map")

    def test_the_organisation_map_shows_a_hostile_municipality_name_as_text(self) -> None:
        self.log_in()
        self.page.goto(self.url("/kansli/organisationer/karta/"))
        self.show_every_label(self.page, "#members-map")
        self.assert_text_not_html(self.page, "#members-map")

    def test_the_connectivity_map_shows_hostile_place_names_as_text(self) -> None:
        feed = store_sj_feed(self.network)
        places = [{**FEW_PLACES[0], "name": HOSTILE}, *FEW_PLACES[1:3]]
        analysis = finished_analysis(
            self.network, feed, places=places, date=datetime.date(2023, 11, 28)
        )
        self.log_in()
        self.page.goto(self.url(f"/kansli/kollektivtrafik/analyser/{analysis.pk}/"))
        # Wait for the journeys' lines and the places' dots, then pass over every one.
        self.page.wait_for_selector("#connectivity-map path.leaflet-interactive >> nth=14")
        self.show_every_label(self.page, "#connectivity-map")
        self.assert_text_not_html(self.page, "#connectivity-map")
