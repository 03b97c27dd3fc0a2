"""Staff in Chromium: upload the SJ feed, start an analysis, watch it finish, read the result."""

from __future__ import annotations

import pytest

from bygdebas.connectivity.models import Analysis, Feed
from bygdebas.connectivity.tests.helpers import FEW_PLACES, SJ_FEED
from bygdebas.core.models import Role
from bygdebas.testing import PASSWORD, make_county, make_network, make_user
from bygdebas.tests_browser.base import BrowserTestCase

pytestmark = pytest.mark.browser


class ConnectivityFlowTests(BrowserTestCase):
    def setUp(self) -> None:
        super().setUp()
        # The only network: the live server's localhost falls back to it.
        self.network = make_network(
            name="Nätverk A", slug="a", domain="localhost", county=make_county()
        )
        self.bertil = make_user(email="bertil@a.test", role=Role.Kind.STAFF, network=self.network)

    def submit(self, timeout_ms: float = 10_000) -> None:
        with self.page.expect_navigation(timeout=timeout_ms):
            self.page.locator("main form button[type=submit]").first.click(timeout=timeout_ms)

    def test_staff_upload_a_feed_analyse_it_and_read_the_matrix_and_map(self) -> None:
        page = self.page
        page.goto(self.url("/konto/logga-in/"))
        page.fill("#id_username", self.bertil.email)
        page.fill("#id_password", PASSWORD)
        self.submit()

        page.goto(self.url("/kansli/kollektivtrafik/trafikdata/ladda-upp/"))
        self.assert_accessible(where="the upload page")
        page.set_input_files("#id_file", SJ_FEED)
        page.fill("#id_name", "SJ 2023")
        self.submit()
        feed = Feed.objects.get()
        self.assertTrue(page.url.endswith(f"/trafikdata/{feed.pk}/"), page.url)

        page.locator("main a.button[href*='/analyser/ny/']").click()
        page.wait_for_url("**/analyser/ny/**")
        self.assert_accessible(where="the analysis form")
        page.fill("#id_date", "2023-11-28")
        places = "\n".join(
            f"{p['name']};{p['lat']};{p['lon']};{p['population']}" for p in FEW_PLACES
        )
        page.fill("#id_places", places)
        # The test server runs the task at once, so the analysis finishes before the redirect.
        self.submit(timeout_ms=90_000)

        analysis = Analysis.objects.get()
        self.assertEqual(analysis.status, Analysis.Status.DONE)
        page.wait_for_selector("#matrix table")
        # The map draws the boundaries' and the journeys' lines once its JSON has arrived.
        page.wait_for_selector("#connectivity-map path.leaflet-interactive >> nth=5")
        self.assert_accessible(where="the result page")
        cell = page.locator("#matrix td[title='Örebro → Kumla']")
        journeys = cell.inner_text()
        self.assertGreater(int(journeys.replace("✓", "").split()[0]), 20)

        # htmx swaps the matrix to the fastest times without leaving the page.
        page.locator("#matrix a[href*='visa=snabbast']").click()
        page.wait_for_url("**visa=snabbast**")
        self.assertRegex(
            page.locator("#matrix td[title='Örebro → Kumla']").inner_text(), r"^0:\d\d"
        )
        self.assertEqual(page.locator("#connectivity-map").count(), 1)
