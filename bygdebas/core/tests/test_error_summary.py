"""After a failed submit, a summary of the errors at the top of the page (the GOV.UK pattern).

The summary is rendered once, by ``base.html`` (``{% error_summary %}``), for every bound form
with errors the page holds: a heading, then each error linked to its field. The page title
starts with "Fel:". Focus moves to the summary with a few lines of script (``js/forms.js``);
without script the summary is still the first thing in the page's content. The browser test
(``tests_browser/test_error_summary.py``) checks the focus and axe.
"""

from __future__ import annotations

import re
from pathlib import Path

from django.conf import settings
from django.core.cache import cache
from django.test import SimpleTestCase, TestCase
from django.urls import reverse

from bygdebas.testing import CastMixin, make_person, sv


def summary_of(html: str) -> str:
    found = re.search(r'<div class="error-summary".*?</div>', html, re.S)
    assert found, "no error summary on the page"
    return found.group(0)


class ErrorSummaryTests(CastMixin, TestCase):
    def setUp(self) -> None:
        super().setUp()
        cache.clear()

    def test_a_failed_public_form_lists_each_error_linked_to_its_field(self) -> None:
        response = self.as_anonymous().post(
            reverse("public:contact"), {"name": "", "email": "greta-at-example.org", "message": ""}
        )

        html = response.content.decode()
        summary = summary_of(html)
        self.assertIn('tabindex="-1"', summary)
        self.assertIn(sv("There is a problem"), summary)
        links = re.findall(r'<a href="#(id_\w+)">', summary)
        self.assertEqual(links, ["id_name", "id_email", "id_message"])
        for field_id in links:
            self.assertIn(f'id="{field_id}"', html)
        self.assertIn(sv("Your name"), summary)
        self.assertRegex(html, r"<title>" + re.escape(sv("Error:")))
        # Before the page's heading, as the first thing in its content.
        self.assertLess(html.index('class="error-summary"'), html.index("<h1>"))

    def test_a_page_without_errors_has_no_summary(self) -> None:
        html = self.as_anonymous().get(reverse("public:contact")).content.decode()

        self.assertNotIn("error-summary", html)
        self.assertNotIn(sv("Error:"), html)

    def test_a_staff_form_and_its_non_field_error_are_summed_up(self) -> None:
        response = self.as_bertil().post(reverse("plan:plan-import"), {"year": "1066"})

        summary = summary_of(response.content.decode())
        self.assertIn('href="#id_document"', summary)
        self.assertIn('href="#id_year"', summary)

    def test_every_form_on_a_page_with_several_is_summed_up_once(self) -> None:
        person = make_person(network=self.network_a)

        response = self.as_bertil().post(
            reverse("members:privacy-consent-add", args=[person.pk]), {"purpose": ""}
        )

        summary = summary_of(response.content.decode())
        self.assertEqual(summary.count('href="#id_purpose"'), 1)


class EveryFormPageTests(SimpleTestCase):
    def test_every_page_with_a_form_extends_the_base_that_renders_the_summary(self) -> None:
        root = Path(settings.BASE_DIR) / "bygdebas" / "templates"
        pages = [
            path
            for path in root.rglob("*.html")
            # Partials (_x.html), mails and PDFs are parts of pages or not pages at all.
            if not path.name.startswith("_")
            and "mail" not in path.parts
            and "pdf" not in path.parts
            and "<form" in path.read_text()
        ]
        self.assertTrue(pages)
        for path in pages:
            with self.subTest(template=str(path.relative_to(root))):
                self.assertTrue(
                    path.name == "base.html" or "base.html" in self.ancestors(root, path),
                    "a page with a form must extend base.html, which shows the error summary",
                )

    @staticmethod
    def ancestors(root: Path, path: Path) -> list[str]:
        """The templates ``path`` extends, nearest first (through pages that extend pages)."""
        chain: list[str] = []
        while (match := re.match(r'{% extends "([^"]+)" %}', path.read_text())) is not None:
            name = match.group(1)
            if name in chain:
                break
            chain.append(name)
            path = root / name
            if not path.exists():
                break
        return chain
