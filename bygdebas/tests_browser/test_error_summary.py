"""After a failed submit in Chromium: focus on the error summary, its links focus the fields,
and the page passes axe; without script the summary is there all the same."""

from __future__ import annotations

import pytest

from bygdebas.core.models import Role
from bygdebas.testing import PASSWORD, make_county, make_network, make_user
from bygdebas.tests_browser.base import BrowserTestCase

pytestmark = pytest.mark.browser


class ErrorSummaryTests(BrowserTestCase):
    def setUp(self) -> None:
        super().setUp()
        self.network = make_network(
            name="Nätverk A", slug="a", domain="localhost", county=make_county()
        )

    def active(self) -> str:
        return self.page.evaluate(
            "() => document.activeElement.id || document.activeElement.className"
        )

    def test_a_failed_contact_form_puts_focus_on_the_summary_that_links_the_fields(self) -> None:
        page = self.page
        page.goto(self.url("/kontakt/"))
        page.fill("#id_email", "greta-at-example.org")
        with page.expect_navigation():
            page.locator("main form button[type=submit]").click()

        summary = page.locator("[data-error-summary]")
        self.assertEqual(summary.locator("a").count(), 3)
        self.assertTrue(page.title().startswith("Fel:"), page.title())
        self.assertEqual(self.active(), "error-summary")
        self.assert_accessible(where="the contact form with errors")

        summary.locator("a[href='#id_email']").click()
        self.assertEqual(self.active(), "id_email")
        # What is typed now goes into the field.
        page.keyboard.type("greta@example.org ")
        self.assertIn("greta@example.org ", page.input_value("#id_email"))

    def test_a_staff_form_with_errors_gets_the_same_summary(self) -> None:
        bertil = make_user(email="bertil@a.test", role=Role.Kind.STAFF, network=self.network)
        page = self.page
        page.goto(self.url("/konto/logga-in/"))
        page.fill("#id_username", bertil.email)
        page.fill("#id_password", PASSWORD)
        with page.expect_navigation():
            page.locator("main form button[type=submit]").click()

        page.goto(self.url("/kansli/evenemang/nytt/"))
        with page.expect_navigation():
            page.locator("main form button[type=submit]").last.click()

        self.assertGreater(page.locator("[data-error-summary] a").count(), 0)
        self.assertEqual(self.active(), "error-summary")
        first = page.locator("[data-error-summary] a").first
        target = (first.get_attribute("href") or "#")[1:]
        first.click()
        self.assertEqual(self.active(), target)
        self.assert_accessible(where="the event form with errors")

    def test_without_javascript_the_summary_is_the_first_thing_in_the_content(self) -> None:
        page = self.new_context(java_script_enabled=False).new_page()
        page.goto(self.url("/kontakt/"))
        with page.expect_navigation():
            page.locator("main form button[type=submit]").click()

        first = page.locator("main > *:not(.messages)").first
        self.assertEqual(first.get_attribute("class"), "error-summary")
        self.assertEqual(first.locator("a").count(), 3)
