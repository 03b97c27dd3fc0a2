"""A visitor in Chromium: find an event, register, get the mail with the .ics, cancel by the link;
the person on the waiting list then gets the freed place offered by mail and takes it.

Mail goes over real SMTP to an aiosmtpd server started here; the live server runs tasks
immediately and sends mail when the registration's transaction commits.
"""

from __future__ import annotations

import re
import time
from email.message import EmailMessage

import icalendar
import pytest
from playwright.sync_api import Page

from bygdebas.core.models import Role
from bygdebas.events.models import Registration
from bygdebas.testing import (
    PASSWORD,
    SmtpServerMixin,
    make_county,
    make_event,
    make_network,
    make_registration,
    make_user,
)
from bygdebas.tests_browser.base import BrowserTestCase

pytestmark = pytest.mark.browser

MAIL_TIMEOUT_S = 10


class EventFlowTests(SmtpServerMixin, BrowserTestCase):
    def setUp(self) -> None:
        super().setUp()
        # The only network: the live server's localhost falls back to it.
        self.network = make_network(
            name="Nätverk A", slug="a", domain="localhost", county=make_county()
        )
        # One place, so that the second visitor ends up on the waiting list.
        self.event = make_event(
            network=self.network, title="Bygdemöte om skolskjutsarna", capacity=1
        )
        make_event(network=self.network, title="Studiebesök på sågverket")

    def mail_to(self, address: str, count: int = 1) -> list[EmailMessage]:
        """The messages received for ``address``, waiting until there are ``count`` of them."""
        deadline = time.monotonic() + MAIL_TIMEOUT_S
        while True:
            messages = self.smtp.messages_to(address)
            if len(messages) >= count or time.monotonic() > deadline:
                break
            time.sleep(0.1)
        self.assertEqual(len(messages), count, f"messages to {address}")
        return messages

    def text_of(self, message: EmailMessage) -> str:
        body = message.get_body(preferencelist=("plain",))
        assert body is not None
        return body.get_content()

    def link_in(self, message: EmailMessage, path: str) -> str:
        links = re.findall(rf"{re.escape(self.live_server_url)}{path}", self.text_of(message))
        self.assertTrue(links, f"no link matching {path} in the mail")
        return links[0]

    def assert_ics(self, message: EmailMessage) -> None:
        """The message carries an .ics invitation that parses, for this event."""
        parts = [
            part
            for part in message.iter_attachments()
            if part.get_content_type() == "text/calendar"
            or (part.get_filename() or "").endswith(".ics")
        ]
        self.assertEqual(len(parts), 1, "one .ics attachment")
        content = parts[0].get_content()
        calendar = icalendar.Calendar.from_ical(
            content if isinstance(content, bytes) else content.encode()
        )
        events = list(calendar.walk("VEVENT"))
        self.assertEqual(len(events), 1)
        self.assertEqual(str(events[0]["SUMMARY"]), self.event.title)
        self.assertEqual(events[0].decoded("DTSTART"), self.event.starts_at)

    def register(self, page: Page, name: str, email: str) -> None:
        """Open the calendar, find the event, and send the registration form."""
        page.goto(self.url("/kalender/"))
        with page.expect_navigation():
            page.get_by_role("link", name=self.event.title).click()
        self.assertTrue(page.url.endswith(f"/kalender/{self.event.pk}/"), page.url)
        form = page.locator("form:has(input[name=email])")
        form.locator("input[name=name]").fill(name)
        form.locator("input[name=email]").fill(email)
        with page.expect_navigation():
            form.locator("button[type=submit]").click()
        self.assertRegex(page.url, r"/anmalan/[^/]+/$")

    def submit_main_form(self, page: Page) -> None:
        with page.expect_navigation():
            page.locator("main form button[type=submit]").first.click()

    def test_a_visitor_registers_and_cancels_and_the_next_in_line_takes_the_place(self) -> None:
        page = self.page

        # Gunnel finds the event in the calendar and takes its only place.
        self.register(page, "Gunnel Gustafsson", "gunnel@byalag.example")
        gunnel = Registration.objects.get(event=self.event, email="gunnel@byalag.example")
        self.assertEqual(gunnel.status, Registration.Status.CONFIRMED)
        (confirmation,) = self.mail_to("gunnel@byalag.example")
        self.assertIn(self.event.title, confirmation["Subject"])
        self.assert_ics(confirmation)

        # Erik, in a browser of his own, comes second and is put on the waiting list.
        erik_page = self.new_context().new_page()
        self.register(erik_page, "Erik Ek", "erik@byalag.example")
        erik = Registration.objects.get(event=self.event, email="erik@byalag.example")
        self.assertEqual(erik.status, Registration.Status.WAITING)
        self.mail_to("erik@byalag.example")

        # Gunnel opens her personal link from the mail: a page with a button, not yet a
        # cancellation (mail scanners follow links).
        page.goto(self.link_in(confirmation, rf"/anmalan/{gunnel.token}/"))
        gunnel.refresh_from_db()
        self.assertEqual(gunnel.status, Registration.Status.CONFIRMED, "GET must not cancel")
        # Cancelling asks first, on a page of its own, as accepting an offer does.
        with page.expect_navigation():
            page.get_by_role("link", name="Avboka min anmälan").click()
        self.assertTrue(page.url.endswith(f"/anmalan/{gunnel.token}/avboka/"), page.url)
        gunnel.refresh_from_db()
        self.assertEqual(gunnel.status, Registration.Status.CONFIRMED, "one click must not cancel")
        self.assert_accessible(where="the confirmation of the cancellation")
        with page.expect_navigation():
            page.get_by_role("button", name="Ja, avboka min anmälan").click()
        self.assertTrue(page.url.endswith(f"/anmalan/{gunnel.token}/"), page.url)
        gunnel.refresh_from_db()
        self.assertEqual(gunnel.status, Registration.Status.CANCELLED)

        # The freed place is offered to Erik, by mail with a link to accept it.
        erik.refresh_from_db()
        self.assertEqual(erik.status, Registration.Status.OFFERED)
        _waiting, offer = self.mail_to("erik@byalag.example", count=2)
        erik_page.goto(self.link_in(offer, rf"/anmalan/{erik.token}/acceptera/"))
        erik.refresh_from_db()
        self.assertEqual(erik.status, Registration.Status.OFFERED, "GET must not accept")
        self.submit_main_form(erik_page)
        self.assertTrue(erik_page.url.endswith(f"/anmalan/{erik.token}/"), erik_page.url)
        erik.refresh_from_db()
        self.assertEqual(erik.status, Registration.Status.CONFIRMED)
        *_earlier, confirmed = self.mail_to("erik@byalag.example", count=3)
        self.assert_ics(confirmed)

    def test_staff_cancel_a_registration_only_after_saying_yes(self) -> None:
        page = self.page
        bertil = make_user(email="bertil@a.test", role=Role.Kind.STAFF, network=self.network)
        gunnel = make_registration(event=self.event, name="Gunnel Gustafsson")
        page.goto(self.url("/konto/logga-in/"))
        page.fill("#id_username", bertil.email)
        page.fill("#id_password", PASSWORD)
        self.submit_main_form(page)

        page.goto(self.url(f"/kansli/evenemang/{self.event.pk}/"))
        with page.expect_navigation():
            page.get_by_role("link", name="Avboka anmälan Gunnel Gustafsson").click()
        gunnel.refresh_from_db()
        self.assertEqual(gunnel.status, Registration.Status.CONFIRMED, "one click must not cancel")
        self.assertIn("Gunnel Gustafsson", page.locator("main").inner_text())
        self.assert_accessible(where="the staff confirmation of the cancellation")
        with page.expect_navigation():
            page.get_by_role("button", name="Ja, avboka anmälan").click()
        gunnel.refresh_from_db()
        self.assertEqual(gunnel.status, Registration.Status.CANCELLED)
        self.mail_to(gunnel.email)
