"""The public pages in Chromium: no axe violations in either language, no outside requests."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.core.validators import EmailValidator
from django.utils import translation

from bygdebas.core.geo import load_geography
from bygdebas.core.models import County, Municipality
from bygdebas.events.models import Question
from bygdebas.plan import services
from bygdebas.plan.importer import parse_plan_document
from bygdebas.testing import make_event, make_network, make_registration
from bygdebas.tests_browser.base import BrowserTestCase, format_violations, run_axe

pytestmark = pytest.mark.browser

SEED_PLAN = Path(settings.BASE_DIR) / "data" / "seeds" / "verksamhetsplan-2025-orebro-lan.txt"
PUBLIC_PAGES = [
    "/",
    "/om/",
    "/kontakt/",
    "/konto/logga-in/",
    "/konto/losenord/",
    "/konto/losenord/skickat/",
    "/api/v1/",
]


class PublicPagesTests(BrowserTestCase):
    def setUp(self) -> None:
        super().setUp()
        load_geography()
        # The only network: the live server's 127.0.0.1/localhost falls back to it.
        self.network = make_network(
            name="Hela Sverige ska leva Örebro län",
            slug="orebro",
            domain="localhost",
            county=County.objects.get(code="18"),
            contact_email="orebro@example.org",
            phone="019-10 20 30",
            address="Box 123\n701 00 Örebro",
        )
        parsed = parse_plan_document(filename=SEED_PLAN.name, data=SEED_PLAN.read_bytes())
        services.create_plan(
            network=self.network, year=2025, data=parsed.to_dict(), source_filename=SEED_PLAN.name
        )
        # An event with a map, questions and one registration, for the calendar pages.
        self.event = make_event(
            network=self.network,
            title="Bygdekväll i Kumla",
            municipality=Municipality.objects.get(code="1881"),
            lat=59.1264,
            lon=15.1403,
            sdgs=[11, 17],
        )
        Question.objects.create(event=self.event, label="Önskemål om kost")
        registration = make_registration(event=self.event)
        start = self.event.starts_at
        self.pages = [
            *PUBLIC_PAGES,
            "/kalender/",
            f"/kalender/{start.year}/{start.month}/",
            f"/kalender/{self.event.pk}/",
            f"/anmalan/{registration.token}/",
            f"/anmalan/{registration.token}/avboka/",
        ]

    def visit_public_pages(self, language: str) -> dict[str, list[dict[str, Any]]]:
        """Each public page's axe violations, keyed by "<language> <path>"."""
        found = {}
        for path in self.pages:
            self.page.goto(self.url(path))
            self.assertEqual(self.page.locator("html").get_attribute("lang"), language, path)
            if path in {"/om/", f"/kalender/{self.event.pk}/"}:
                # The map draws from the GeoJSON after load; check the page as people see it.
                self.page.wait_for_selector("#map path.leaflet-interactive")
            violations = run_axe(self.page)
            if violations:
                found[f"{language} {path}"] = violations
        return found

    def switch_to_english(self) -> None:
        with self.page.expect_response(lambda r: "/i18n/setlang/" in r.url) as setlang:
            self.page.locator("header button[name=language][value=en]").click()
        self.assertEqual(setlang.value.request.method, "POST")
        self.page.wait_for_load_state()
        self.assertEqual(self.page.locator("html").get_attribute("lang"), "en")

    def test_public_pages_have_no_axe_violations_in_swedish_or_english(self) -> None:
        requested: list[str] = []
        self.page.on("request", lambda request: requested.append(request.url))

        found = self.visit_public_pages("sv")
        self.switch_to_english()
        found |= self.visit_public_pages("en")

        self.assertFalse(
            found,
            "\n\n".join(format_violations(v, where=page) for page, v in found.items()),
        )
        # The pages really rendered the realistic data the checks are meant to cover.
        self.page.goto(self.url("/om/"))
        # Örebro län has twelve municipalities, each a row under the map.
        self.assertEqual(self.page.locator("main table tbody tr").count(), 12)
        outside = [url for url in requested if not url.startswith(self.live_server_url + "/")]
        self.assertEqual(outside, [], "requests left the site")
        self.assertTrue(any(url.endswith(".geojson") for url in requested), requested)

    def test_the_contact_form_explains_an_invalid_address_without_javascript(self) -> None:
        context = self.new_context(java_script_enabled=False)
        page = context.new_page()
        page.goto(self.url("/kontakt/"))
        page.fill("#id_name", "Greta Gran")
        page.fill("#id_email", "greta-at-example.org")
        page.fill("#id_message", "Hej! Vi vill bli medlemmar.")
        with page.expect_navigation() as navigation:
            page.locator("main form button[type=submit]").click()

        self.assertEqual(navigation.value.status, 400)
        email_field = page.locator(".field", has=page.locator("#id_email"))
        self.assertIn("has-error", email_field.get_attribute("class") or "")
        with translation.override("sv"):
            expected = str(EmailValidator.message)
        self.assertEqual(email_field.locator(".errorlist").inner_text().strip(), expected)
        self.assertEqual(page.locator(".has-error").count(), 1)
        # What the visitor typed is kept, so only the address needs correcting.
        self.assertEqual(page.input_value("#id_name"), "Greta Gran")
        self.assertEqual(page.input_value("#id_message"), "Hej! Vi vill bli medlemmar.")
