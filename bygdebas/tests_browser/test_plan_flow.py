"""The whole year in Chromium: import the plan, log an action, follow it up, download the report."""

from __future__ import annotations

import io
import re
from pathlib import Path

import pytest
from django.conf import settings
from django.utils import translation
from pypdf import PdfReader

from bygdebas.core.models import Role
from bygdebas.plan.followup import Status
from bygdebas.plan.models import Action, Activity, Plan
from bygdebas.testing import PASSWORD, make_county, make_municipality, make_network, make_user
from bygdebas.tests_browser.base import BrowserTestCase

pytestmark = pytest.mark.browser

SEED_PLAN = Path(settings.BASE_DIR) / "data" / "seeds" / "verksamhetsplan-2025-orebro-lan.txt"
AREA_TITLES = [
    "Opinionsbildning och kommunikation",
    "Rådgivning, stöd och utbildning",
    "Samverkan och nätverkande",
]


def status_label(status: str) -> str:
    with translation.override("sv"):
        return str(Status.labels[status])


class PlanFlowTests(BrowserTestCase):
    def setUp(self) -> None:
        super().setUp()
        county = make_county()
        # The only network: the live server's 127.0.0.1/localhost falls back to it.
        self.network = make_network(name="Nätverk A", slug="a", domain="localhost", county=county)
        self.lekeberg = make_municipality(county=county, code="1814", name="Lekeberg")
        make_municipality(county=county, code="1880", name="Örebro")
        self.bertil = make_user(
            email="bertil@a.test", role=Role.Kind.STAFF, network=self.network, first_name="Bertil"
        )

    def submit(self, form_selector: str = "main form") -> None:
        with self.page.expect_navigation():
            self.page.locator(f"{form_selector} button[type=submit]").first.click()

    def assert_row_status(self, activity: Activity, status: str) -> None:
        row = self.page.locator(f"#row-{activity.pk}")
        self.assertEqual(row.get_attribute("data-status"), status, activity.text)
        self.assertEqual(row.locator(".status").inner_text().strip(), status_label(status))

    def test_staff_import_the_plan_log_an_action_and_download_the_report(self) -> None:
        page = self.page

        # Log in through the form.
        page.goto(self.url("/konto/logga-in/"))
        page.fill("#id_username", self.bertil.email)
        page.fill("#id_password", PASSWORD)
        self.submit()
        self.assertRegex(page.url, r"/kansli/")

        # Upload the seed plan.
        page.goto(self.url("/kansli/plan/importera/"))
        self.assert_accessible(where="the import page")
        page.set_input_files("#id_document", SEED_PLAN)
        page.fill("#id_year", "2025")
        self.submit()

        # Review the preview: three areas, 29 activities, the vision in its textarea.
        area_titles = [
            value
            for value in page.locator("input[name^=areas-][name$=-title]").evaluate_all(
                "inputs => inputs.map(i => i.value)"
            )
            if value
        ]
        self.assertEqual(area_titles, AREA_TITLES)
        activity_texts = [
            text
            for text in page.locator("textarea[name^=activities-][name$=-text]").evaluate_all(
                "areas => areas.map(a => a.value)"
            )
            if text.strip()
        ]
        self.assertEqual(len(activity_texts), 29)
        self.assertEqual(activity_texts[0], "Bevaka landsbygdsfrågor.")
        self.assertIn("Hela Örebro län ska leva!", page.input_value("#id_plan-vision"))
        self.assertEqual(page.input_value("#id_plan-year"), "2025")
        # A compact list: one line per activity (it was 12,800 px tall with every field open).
        height = page.evaluate("() => document.scrollingElement.scrollHeight")
        self.assertLess(height, 3500)
        # An activity's fields open on demand.
        first = page.locator("details.preview-activity").first
        self.assertFalse(first.locator("textarea").is_visible())
        first.locator("summary").click()
        self.assertTrue(first.locator("textarea").is_visible())
        self.assertFalse(Plan.objects.exists(), "the preview must not save anything")
        self.assert_accessible(where="the import preview")

        # Save, and see the plan.
        self.submit("form[action$='/importera/spara/']")
        self.assertTrue(page.url.endswith("/kansli/plan/2025/"), page.url)
        self.assertEqual(
            [re.sub(r"^\d+\.\s*", "", h) for h in page.locator("main h2").all_inner_texts()],
            AREA_TITLES,
        )
        self.assert_accessible(where="the plan page")
        plan = Plan.objects.get(network=self.network, year=2025)
        self.assertEqual(Activity.objects.filter(area__plan=plan).count(), 29)
        watch = Activity.objects.get(area__plan=plan, text="Bevaka landsbygdsfrågor.")
        meetings = Activity.objects.get(
            area__plan=plan, text__startswith="Delta i möten med kommunbygderåd"
        )
        untouched = Activity.objects.get(area__plan=plan, text__startswith="Driva frågor inom Kris")

        # Before any action, the dashboard shows them not started.
        page.goto(self.url("/kansli/uppfoljning/2025/"))
        for activity in (watch, meetings, untouched):
            self.assert_row_status(activity, Status.NOT_STARTED)

        # Log one action against two activities.
        page.goto(self.url("/kansli/insatser/ny/?year=2025"))
        self.assert_accessible(where="the action form")
        page.fill("#id_performed_on", "2025-05-14")
        page.fill("#id_title", "Möte med kommunbygderådet i Lekeberg")
        page.check(f"input[name=activities][value='{watch.pk}']")
        page.check(f"input[name=activities][value='{meetings.pk}']")
        page.select_option("#id_municipality", str(self.lekeberg.pk))
        page.fill("#id_participants", "14")
        self.submit()
        action = Action.objects.get(network=self.network)
        self.assertTrue(page.url.endswith(f"/kansli/insatser/{action.pk}/"), page.url)
        self.assertEqual(set(action.activities.all()), {watch, meetings})
        self.assertEqual(
            (str(action.performed_on), action.municipality, action.participants),
            ("2025-05-14", self.lekeberg, 14),
        )

        # The dashboard now has both under way, and only those.
        page.goto(self.url("/kansli/uppfoljning/2025/"))
        self.assert_row_status(watch, Status.UNDER_WAY)
        self.assert_row_status(meetings, Status.UNDER_WAY)
        self.assert_row_status(untouched, Status.NOT_STARTED)
        self.assertEqual(page.locator(f"#row-{watch.pk} td.num").inner_text(), "1")
        self.assert_accessible(where="the follow-up dashboard")

        # The annual report names the action.
        with page.expect_download() as download_info:
            page.locator("a[href$='/uppfoljning/2025/verksamhetsberattelse.pdf']").click()
        download = download_info.value
        content = Path(download.path()).read_bytes()
        self.assertTrue(content.startswith(b"%PDF"), content[:20])
        text = " ".join(sheet.extract_text() for sheet in PdfReader(io.BytesIO(content)).pages)
        self.assertIn("Möte med kommunbygderådet i Lekeberg", " ".join(text.split()))
