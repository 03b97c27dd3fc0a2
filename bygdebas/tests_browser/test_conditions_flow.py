"""Landsbygdsläget in Chromium: a visitor reports a road problem by clicking the map and
uploading a photo, confirms by the link in the real mail; a second visitor says "me too"; staff
moderate it, make a dossier, mark it sent (an action on the follow-up dashboard) and the
reporter gets the status mail. The same report works with JavaScript off. axe-core checks each
page visited.
"""

from __future__ import annotations

import re
import time
from email.message import EmailMessage

import pytest
from django.utils import timezone
from playwright.sync_api import Page

from bygdebas.conditions.models import Dossier, Report, Status
from bygdebas.conditions.tests.helpers import make_square_municipality
from bygdebas.core.models import Role
from bygdebas.core.tests.test_images import photo_with_gps
from bygdebas.plan.models import Action, Activity
from bygdebas.testing import (
    PASSWORD,
    SmtpServerMixin,
    make_county,
    make_network,
    make_plan,
    make_user,
)
from bygdebas.tests_browser.base import BrowserTestCase

pytestmark = pytest.mark.browser

MAIL_TIMEOUT_S = 10


class ConditionsFlowTests(SmtpServerMixin, BrowserTestCase):
    def setUp(self) -> None:
        super().setUp()
        county = make_county()
        self.network = make_network(name="Nätverk A", slug="a", domain="localhost", county=county)
        self.kumla = make_square_municipality(county)
        plan = make_plan(network=self.network, year=timezone.localdate().year)
        self.activity = Activity.objects.filter(area__plan=plan).first()
        assert self.activity is not None
        self.activity.text = (
            "Driva infrastrukturfrågor, bland annat bredband och vägnätets kvalitet"
        )
        self.activity.save()
        self.staff = make_user(email="bertil@a.test", role=Role.Kind.STAFF, network=self.network)

    def mail_to(self, address: str, count: int = 1) -> list[EmailMessage]:
        deadline = time.monotonic() + MAIL_TIMEOUT_S
        while True:
            messages = self.smtp.messages_to(address)
            if len(messages) >= count or time.monotonic() > deadline:
                break
            time.sleep(0.1)
        self.assertEqual(len(messages), count, f"messages to {address}")
        return messages

    def link_in(self, message: EmailMessage) -> str:
        body = message.get_body(preferencelist=("plain",))
        assert body is not None
        links = re.findall(rf"{re.escape(self.live_server_url)}/\S+", body.get_content())
        self.assertTrue(links, "no link in the mail")
        return links[0]

    def submit(self, page: Page, form: str = "main form") -> None:
        with page.expect_navigation():
            page.locator(f"{form} button[type=submit]").first.click()
        # The live server shares the test's SQLite connection: let the page's requests finish
        # before the test reads the database.
        page.wait_for_load_state("networkidle")

    def confirm_by_mail(
        self, page: Page, address: str, count: int = 1, *, axe: bool = True
    ) -> None:
        page.goto(self.link_in(self.mail_to(address, count)[-1]))
        if axe:  # axe-core is a script: it cannot run in a page without JavaScript
            self.assert_accessible(page, where="the confirm page")
        self.submit(page)
        if axe:
            self.assert_accessible(page, where="the confirmed page")

    def fill_report(self, page: Page) -> None:
        page.select_option("#id_category", "road")
        page.fill("#id_title", "Djupa potthål på Byvägen")
        page.fill("#id_description", "Hålen har funnits sedan i mars och blir större.")
        page.fill("#id_name", "Eva Ek")
        page.fill("#id_email", "eva@byn.example")

    def log_in(self, page: Page) -> None:
        page.goto(self.url("/konto/logga-in/"))
        page.fill("#id_username", self.staff.email)
        page.fill("#id_password", PASSWORD)
        self.submit(page)

    def test_a_report_goes_from_the_map_to_the_authority(self) -> None:
        page = self.page
        page.goto(self.url("/landsbygdslaget/rapportera/"))
        page.wait_for_selector("#report-picker path.leaflet-interactive, #report-picker svg path")
        self.fill_report(page)
        page.locator("#report-picker").click()
        self.assertNotEqual(page.input_value("#id_lat"), "")
        page.set_input_files(
            "#id_photo_1",
            files=[{"name": "hal.jpg", "mimeType": "image/jpeg", "buffer": photo_with_gps()}],
        )
        page.fill("#id_photo_1_alt", "Ett stort hål i asfalten")
        self.assert_accessible(page, where="the report form")
        self.submit(page, "#report-form")
        self.assertTrue(page.url.endswith("/landsbygdslaget/rapportera/skickad/"), page.url)
        self.assert_accessible(page, where="the sent page")
        report = Report.objects.get()
        self.assertEqual(report.municipality, self.kumla)
        self.assertFalse(report.is_public)
        self.assertEqual(report.photos.count(), 1)

        self.confirm_by_mail(page, "eva@byn.example")
        report.refresh_from_db()
        self.assertTrue(report.is_public)

        # A neighbour finds it on the public list and says "me too".
        other = self.new_context().new_page()
        other.goto(self.url("/landsbygdslaget/lista/"))
        self.assert_accessible(other, where="the public list")
        with other.expect_navigation():
            other.get_by_role("link", name="Djupa potthål på Byvägen").click()
        self.assert_accessible(other, where="the report's page")
        other.fill("#id_email", "nils@byn.example")
        self.submit(other, "form:has(#id_email)")
        self.confirm_by_mail(other, "nils@byn.example")
        self.assertEqual(report.me_toos.confirmed().count(), 1)

        # Staff moderate: a public update, then a dossier of the road reports in Kumla.
        self.log_in(page)
        page.goto(self.url(f"/kansli/landsbygdslaget/{report.pk}/"))
        self.assert_accessible(page, where="the staff page of the report")
        page.fill("#id_update-text", "Vi har ringt Trafikverket.")
        self.submit(page, f"form[action$='/{report.pk}/uppdatering/']")
        page.goto(
            self.url(f"/kansli/landsbygdslaget/?category=road&municipality={self.kumla.code}")
        )
        self.assert_accessible(page, where="the staff list")
        with page.expect_navigation():
            page.locator("a[href*='/dossierer/ny/']").click()
        page.fill("#id_recipient", "Trafikverket")
        self.assert_accessible(page, where="the dossier form")
        self.submit(page)
        dossier = Dossier.objects.get()
        self.assertEqual(list(dossier.reports.all()), [report])
        pdf = page.request.get(
            self.url(f"/kansli/landsbygdslaget/dossierer/{dossier.pk}/dossier.pdf")
        )
        self.assertEqual(pdf.headers["content-type"], "application/pdf")
        self.assertTrue(pdf.body().startswith(b"%PDF"))
        self.assert_accessible(page, where="the dossier page")
        self.submit(page, "form[action$='/skickad/']")
        dossier.refresh_from_db()
        action = Action.objects.get()
        self.assertEqual(dossier.action, action)
        self.assertEqual(list(action.activities.all()), [self.activity])

        page.goto(self.url("/kansli/"))
        row = page.locator("tr", has_text=self.activity.text).inner_text()
        self.assertIn(timezone.localdate().isoformat(), row)
        self.assertIn("1", row)
        self.assert_accessible(page, where="the follow-up dashboard")

        report.refresh_from_db()
        self.assertEqual(report.status, Status.SENT)
        mails = self.mail_to("eva@byn.example", 3)  # confirm link, the update, the status
        status_mail = mails[-1].get_body(("plain",))
        assert status_mail is not None
        self.assertIn("Trafikverket", status_mail.get_content())
        self.assertIn("/landsbygdslaget/avsluta/", mails[-1]["List-Unsubscribe"])

    def test_the_same_report_works_with_javascript_off(self) -> None:
        page = self.new_context(java_script_enabled=False).new_page()
        page.goto(self.url("/landsbygdslaget/rapportera/"))
        self.fill_report(page)
        page.select_option("#id_municipality", str(self.kumla.pk))
        page.fill("#id_locality", "Ekeby")
        page.fill("#id_address", "Byvägen 4")
        page.set_input_files(
            "#id_photo_1",
            files=[{"name": "hal.jpg", "mimeType": "image/jpeg", "buffer": photo_with_gps()}],
        )
        page.fill("#id_photo_1_alt", "Ett stort hål i asfalten")
        self.submit(page, "#report-form")
        self.assertTrue(page.url.endswith("/skickad/"), page.url)
        report = Report.objects.get()
        self.assertTrue(report.is_position_approximate)
        self.confirm_by_mail(page, "eva@byn.example", axe=False)
        report.refresh_from_db()
        self.assertTrue(report.is_public)
        page.goto(self.url(report.get_absolute_url()))
        self.assertIn("Djupa potthål på Byvägen", page.inner_text("h1"))
