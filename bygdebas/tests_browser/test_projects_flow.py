"""A contact person sends in a good example with a photo, staff approve it, and a visitor finds
it by searching an inflected word and on the map; the shared link's Open Graph tags carry the
photo and the summary. axe-core finds no violations on the catalogue, the example's page and
the submission form."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from django.utils import timezone
from PIL import Image as PILImage

from bygdebas.core.geo import load_geography
from bygdebas.core.models import County, Municipality, Role
from bygdebas.projects.models import Example
from bygdebas.testing import (
    PASSWORD,
    make_engagement,
    make_membership,
    make_network,
    make_organisation,
    make_person,
    make_user,
)
from bygdebas.tests_browser.base import BrowserTestCase

pytestmark = pytest.mark.browser


class ProjectsFlowTests(BrowserTestCase):
    def setUp(self) -> None:
        super().setUp()
        load_geography()
        self.network = make_network(
            name="Nätverk A", slug="a", domain="localhost", county=County.objects.get(code="18")
        )
        self.bertil = make_user(
            email="bertil@kansliet.example", role=Role.Kind.STAFF, network=self.network
        )
        self.cecilia = make_user(
            email="cecilia@byn.example", role=Role.Kind.CONTACT, network=self.network
        )
        self.laxa = Municipality.objects.get(code="1860")
        organisation = make_organisation(
            network=self.network, name="Ramundebodas vänner", municipality=self.laxa
        )
        person = make_person(
            network=self.network, name="Cecilia C", email="cecilia@byn.example", user=self.cecilia
        )
        make_engagement(person=person, organisation=organisation)
        make_membership(organisation=organisation, year=timezone.localdate().year)

    def log_in(self, email: str) -> None:
        self.page.goto(self.url("/konto/logga-in/"))
        self.page.locator("input[name=username]").fill(email)
        self.page.locator("input[name=password]").fill(PASSWORD)
        with self.page.expect_navigation():
            self.page.locator("main form button[type=submit]").click()

    def log_out(self) -> None:
        self.context.clear_cookies()

    def photo(self) -> Path:
        path = Path(self.enterContext(__import__("tempfile").TemporaryDirectory())) / "skolan.jpg"
        out = io.BytesIO()
        PILImage.new("RGB", (1400, 900), (90, 140, 80)).save(out, "JPEG")
        path.write_bytes(out.getvalue())
        return path

    def test_a_submitted_example_is_approved_found_and_shared(self) -> None:
        page = self.page
        # Cecilia sends in an example from self-service.
        self.log_in("cecilia@byn.example")
        page.goto(self.url("/medlem/goda-exempel/skicka/"))
        self.assert_accessible(where="the submission form")
        page.get_by_label("Rubrik").fill("Byskola i Ramundeboda")
        page.get_by_label("Sammanfattning").fill("Föräldrarna startade en friskola i byn.")
        page.get_by_label("Berättelsen").fill("Allt började med ett **möte** i bygdegården.")
        page.locator("select[name=municipality]").select_option(str(self.laxa.pk))
        page.locator("input[name=lat]").fill("58.9790")
        page.locator("input[name=lon]").fill("14.6650")
        page.locator("input[name=image]").set_input_files(str(self.photo()))
        page.locator("input[name=image_alt]").fill("Skolhuset i vårsol")
        with page.expect_navigation():
            page.locator("main form button[type=submit]").click()
        self.assertTrue(page.url.endswith("/medlem/goda-exempel/"), page.url)
        example = Example.objects.get()
        self.assertTrue(example.is_pending)
        self.log_out()

        # Bertil approves it from the moderation queue.
        self.log_in("bertil@kansliet.example")
        page.goto(self.url("/kansli/goda-exempel/inlamnat/"))
        page.get_by_role("link", name="Byskola i Ramundeboda").click()
        page.locator("input[name=decision-decision][value=approve]").check()
        with page.expect_navigation():
            page.locator("form button[type=submit]").last.click()
        example.refresh_from_db()
        self.assertTrue(example.is_published)
        self.log_out()

        # A visitor searches an inflected form and finds it.
        page.goto(self.url("/goda-exempel/"))
        self.assert_accessible(where="the catalogue")
        page.locator("input[name=q]").fill("byskolan")
        with page.expect_navigation():
            page.locator("form.filters button[type=submit]").click()
        link = page.get_by_role("link", name="Byskola i Ramundeboda")
        self.assertEqual(link.count(), 1)

        # And on the map.
        errors: list[str] = []
        page.on("console", lambda message: errors.append(message.text))
        page.on("pageerror", lambda error: errors.append(str(error)))
        page.goto(self.url("/goda-exempel/karta/"))
        page.wait_for_selector("#examples-map[data-ready='1']", state="attached")
        self.assertEqual(errors, [])
        marker = page.locator("path.example-marker")
        self.assertEqual(marker.count(), 1)
        marker.first.click()
        with page.expect_navigation():
            page.locator(".leaflet-popup-content a").click()
        self.assertTrue(page.url.endswith(f"/goda-exempel/{example.pk}/"), page.url)

        # The page a shared link opens: its picture and summary in Open Graph.
        self.assert_accessible(where="the example's page")
        og_image = page.locator("meta[property='og:image']").get_attribute("content") or ""
        og_description = page.locator("meta[property='og:description']").get_attribute("content")
        self.assertIn("/bilder/", og_image)
        self.assertEqual(og_description, "Föräldrarna startade en friskola i byn.")
        image = page.request.get(og_image)
        self.assertEqual(image.status, 200)
        self.assertEqual(image.headers["content-type"], "image/jpeg")
