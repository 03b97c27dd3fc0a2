"""The newsletter in Chromium, end to end, with mail over real SMTP to an aiosmtpd server:

a visitor subscribes and confirms through the link in the mail; a contact person sends in news;
staff approve it and send an issue containing it; the visitor receives it and unsubscribes with
the RFC 8058 one-click POST, sent as a mail client sends it (no cookies, no CSRF token); the
next issue does not reach them. axe-core checks the public and staff pages on the way.
"""

from __future__ import annotations

import re
import time
from email.message import EmailMessage
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import Page

from bygdebas.core.models import Role
from bygdebas.newsletter.models import Item, Subscription
from bygdebas.testing import (
    PASSWORD,
    SmtpServerMixin,
    make_county,
    make_engagement,
    make_network,
    make_organisation,
    make_person,
    make_user,
)
from bygdebas.tests_browser.base import BrowserTestCase

pytestmark = pytest.mark.browser

MAIL_TIMEOUT_S = 10
VISITOR = "vera@example.org"


class NewsletterFlowTests(SmtpServerMixin, BrowserTestCase):
    def setUp(self) -> None:
        super().setUp()
        self.network = make_network(
            name="Nätverk A", slug="a", domain="localhost", county=make_county()
        )
        self.bertil = make_user(email="bertil@a.test", role=Role.Kind.STAFF, network=self.network)
        self.cecilia = make_user(
            email="cecilia@a.test", role=Role.Kind.CONTACT, network=self.network
        )
        organisation = make_organisation(network=self.network, name="Åsbro byalag")
        person = make_person(
            network=self.network, name="Cecilia Carlsson", email="cecilia@a.test", user=self.cecilia
        )
        make_engagement(person=person, organisation=organisation)

    def mail_to(self, address: str, count: int) -> list[EmailMessage]:
        deadline = time.monotonic() + MAIL_TIMEOUT_S
        while True:
            messages = self.smtp.messages_to(address)
            if len(messages) >= count or time.monotonic() > deadline:
                break
            time.sleep(0.1)
        self.assertEqual(len(messages), count, f"messages to {address}")
        return messages

    def path_in(self, message: EmailMessage, path: str) -> str:
        body = message.get_body(preferencelist=("plain",))
        assert body is not None
        match = re.search(rf"https?://[^/\s]+({re.escape(path)}\S+)", body.get_content())
        assert match is not None, f"no link to {path} in the mail"
        return match.group(1)

    def log_in(self, email: str) -> Page:
        page = self.new_context().new_page()
        page.goto(self.url("/konto/logga-in/"))
        page.locator("input[name=username]").fill(email)
        page.locator("input[name=password]").fill(PASSWORD)
        with page.expect_navigation():
            page.locator("main form button[type=submit]").click()
        return page

    def submit(self, page: Page, selector: str = "main form button[type=submit]") -> None:
        with page.expect_navigation():
            page.locator(selector).first.click()

    def send_issue(self, staff: Page, title: str, *, insert: str | None = None) -> None:
        staff.goto(self.url("/kansli/nyhetsbrev/nytt/"))
        staff.locator("input[name=title]").fill(title)
        self.submit(staff)
        if insert:
            row = staff.locator("li", has_text=insert).first
            with staff.expect_navigation():
                row.locator("button").click()
        else:
            staff.goto(self.url("/kansli/nyhetsbrev/notiser/ny/"))
            staff.locator("input[name=title]").fill("Kort notis")
            staff.locator("textarea[name=text]").fill("Inget nytt i dag.")
            self.submit(staff)
            staff.go_back()
            staff.go_back()
            staff.reload()
            row = staff.locator("li", has_text="Kort notis").first
            with staff.expect_navigation():
                row.locator("button").click()
        self.assertIn(title, staff.content())
        with staff.expect_navigation():
            staff.locator("button", has_text="Skicka nu").click()

    def test_subscribe_confirm_receive_and_leave_with_one_click(self) -> None:
        # A visitor subscribes.
        visitor = self.page
        visitor.goto(self.url("/nyhetsbrev/prenumerera/"))
        self.assert_accessible(visitor, where="subscribe")
        visitor.locator("input[name=email]").fill(VISITOR)
        visitor.locator("input[name=name]").fill("Vera Viklund")
        self.submit(visitor)
        self.assertIn("Kolla din e-post", visitor.content())
        (confirm,) = self.mail_to(VISITOR, 1)
        visitor.goto(self.url(self.path_in(confirm, "/nyhetsbrev/bekrafta/")))
        self.assert_accessible(visitor, where="confirm")
        self.submit(visitor)
        self.assertIn("Nu prenumererar du", visitor.content())
        self.assertTrue(Subscription.objects.get(email=VISITOR).is_active)

        # A contact person sends in news from self-service.
        cecilia = self.log_in("cecilia@a.test")
        cecilia.goto(self.url("/medlem/nyhetsbrev/skicka/"))
        self.assert_accessible(cecilia, where="item submit")
        cecilia.locator("input[name=title]").fill("Byfest i Åsbro")
        cecilia.locator("textarea[name=text]").fill("Välkomna till **byfest** den 3 maj!")
        self.submit(cecilia)
        item = Item.objects.get()

        # Staff approve it and send an issue with it.
        staff = self.log_in("bertil@a.test")
        staff.goto(self.url(f"/kansli/nyhetsbrev/inlamnat/{item.pk}/"))
        self.assert_accessible(staff, where="moderation")
        staff.locator("input[name='decision-decision'][value=approve]").check()
        self.submit(staff, "main form button.primary")
        staff.goto(self.url("/kansli/nyhetsbrev/"))
        self.assert_accessible(staff, where="issue list")
        self.send_issue(staff, "Vårnumret", insert="Byfest i Åsbro")
        staff.goto(staff.url.rstrip("/") + "/forhandsvisa/")
        self.assert_accessible(staff, where="preview")
        staff.go_back()
        self.assert_accessible(staff, where="issue detail")
        issue_mails = [m for m in self.mail_to(VISITOR, 2) if "Vårnumret" in str(m["Subject"])]
        self.assertEqual(len(issue_mails), 1)
        letter = issue_mails[0]
        self.assertIn("Byfest i Åsbro", letter.get_body(("plain",)).get_content())
        self.assertEqual(letter["List-Unsubscribe-Post"], "List-Unsubscribe=One-Click")

        # The visitor's mail client unsubscribes with one click: a bare POST, no cookies.
        https_link = re.search(r"<(https?://[^>]+)>", letter["List-Unsubscribe"]).group(1)
        client = self.playwright.request.new_context()
        self.addCleanup(client.dispose)
        answer = client.post(
            self.url(urlsplit(https_link).path),
            data="List-Unsubscribe=One-Click",
            headers={"Content-Type": "application/x-www-form-urlencoded"},
        )
        self.assertEqual(answer.status, 200)
        self.assertIsNotNone(Subscription.objects.get(email=VISITOR).unsubscribed_at)

        # The next issue does not reach them.
        self.send_issue(staff, "Sommarnumret")
        time.sleep(0.5)
        subjects = [str(m["Subject"]) for m in self.smtp.messages_to(VISITOR)]
        self.assertFalse(any("Sommarnumret" in s for s in subjects), subjects)

        # The archive shows both issues, without anything personal.
        visitor.goto(self.url("/nyhetsbrev/"))
        self.assert_accessible(visitor, where="archive")
        self.assertIn("Vårnumret", visitor.content())
        visitor.locator("a", has_text="Vårnumret").click()
        visitor.wait_for_load_state()
        self.assertIn("Byfest i Åsbro", visitor.content())
        self.assertNotIn("Vera", visitor.content())
        self.assert_accessible(visitor, where="archive issue")
