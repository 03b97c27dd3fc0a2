"""The organisation map's labels never overlap; staff pick an event's place on a map."""

from __future__ import annotations

import pytest

from bygdebas.core.geo import load_geography
from bygdebas.core.models import County, Municipality, Role
from bygdebas.testing import PASSWORD, make_network, make_organisation, make_user
from bygdebas.tests_browser.base import BrowserTestCase

pytestmark = pytest.mark.browser

# Overlap of two labels' boxes, by their client rectangles.
_OVERLAPS = """
(labels) => {
    const boxes = labels.map((label) => label.getBoundingClientRect());
    const pairs = [];
    boxes.forEach((a, i) => boxes.slice(i + 1).forEach((b, j) => {
        if (a.left < b.right && b.left < a.right && a.top < b.bottom && b.top < a.bottom) {
            pairs.push([labels[i].textContent, labels[i + 1 + j].textContent]);
        }
    }));
    return pairs;
}
"""


class MapTests(BrowserTestCase):
    def setUp(self) -> None:
        super().setUp()
        load_geography()
        self.network = make_network(
            name="Hela Sverige ska leva Örebro län",
            slug="orebro",
            domain="localhost",
            county=County.objects.get(code="18"),
        )
        for index, municipality in enumerate(Municipality.objects.filter(county__code="18")):
            for _n in range(index % 4 + 1):
                make_organisation(network=self.network, municipality=municipality)
        bertil = make_user(email="bertil@a.test", role=Role.Kind.STAFF, network=self.network)
        self.page.goto(self.url("/konto/logga-in/"))
        self.page.fill("#id_username", bertil.email)
        self.page.fill("#id_password", PASSWORD)
        with self.page.expect_navigation():
            self.page.locator("main form button[type=submit]").click()

    def visible_labels(self) -> list[str]:
        return self.page.locator(
            "#members-map .map-count-label:not(.map-label-hidden)"
        ).all_inner_texts()

    def test_the_organisation_map_s_labels_do_not_overlap(self) -> None:
        page = self.page
        page.goto(self.url("/kansli/organisationer/karta/"))
        page.wait_for_selector("#members-map .map-count-label")

        labels = page.locator("#members-map .map-count-label")
        self.assertEqual(labels.count(), 12, "a label for each municipality with members")
        shown = "#members-map .map-count-label:not(.map-label-hidden)"
        self.assertEqual(page.locator(shown).evaluate_all(_OVERLAPS), [])
        self.assertGreaterEqual(len(self.visible_labels()), 3)

        # A label that gave way shows while the pointer is over its municipality.
        hidden = page.locator("#members-map .map-count-label.map-label-hidden")
        self.assertGreater(hidden.count(), 0, "at the county's zoom some labels give way")
        name = (hidden.first.text_content() or "").split(":")[0]
        index = page.evaluate(
            """(name) => Array.from(document.querySelectorAll('#members-map path.leaflet-interactive'))
                .findIndex((path) => {
                    const id = path.getAttribute('aria-describedby');
                    const tip = id && document.getElementById(id);
                    return tip && tip.textContent.startsWith(name + ':');
                })""",
            name,
        )
        self.assertGreaterEqual(index, 0)
        page.locator("#members-map path.leaflet-interactive").nth(index).dispatch_event("mouseover")
        self.assertIn(name, " ".join(self.visible_labels()))

        # Zoomed in, there is room: still no overlap.
        page.locator("#members-map .leaflet-control-zoom-in").click()
        page.wait_for_timeout(600)
        self.assertEqual(page.locator(shown).evaluate_all(_OVERLAPS), [])
        self.assert_accessible(where="the organisation map")

    def test_staff_pick_the_event_s_place_on_the_map(self) -> None:
        page = self.page
        errors: list[str] = []
        page.on("pageerror", lambda error: errors.append(str(error)))
        page.goto(self.url("/kansli/evenemang/nytt/"))
        picker = page.locator("#point-picker")
        page.wait_for_selector("#point-picker path")
        self.assertEqual(page.input_value("#id_lat"), "")

        box = picker.bounding_box()
        assert box is not None
        picker.click(position={"x": box["width"] / 2, "y": box["height"] / 2})

        lat, lon = float(page.input_value("#id_lat")), float(page.input_value("#id_lon"))
        # The middle of Örebro county.
        self.assertTrue(58.6 < lat < 60.2 and 14.2 < lon < 15.9, (lat, lon))
        self.assertEqual(page.locator("#point-picker .point-picker-marker").count(), 1)

        # Typing the position moves the point.
        marker = page.locator("#point-picker .point-picker-marker")
        before = marker.bounding_box()
        page.fill("#id_lat", "59.9")
        page.fill("#id_lon", "15.0")
        page.locator("#id_lon").blur()
        self.assertEqual(marker.count(), 1)
        self.assertNotEqual(marker.bounding_box(), before)
        self.assert_accessible(where="the event form with its map")
        self.assertEqual(errors, [])

    def test_without_javascript_the_position_is_typed(self) -> None:
        context = self.new_context(java_script_enabled=False)
        context.add_cookies(self.context.cookies())
        page = context.new_page()
        page.goto(self.url("/kansli/evenemang/nytt/"))
        self.assertTrue(page.locator("#id_lat").is_visible())
        self.assertTrue(page.locator("#id_lon").is_visible())
