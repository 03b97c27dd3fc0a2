"""A group applies through the public form, staff approve it, the contact person logs in by the
e-mail link and changes her phone number, and an administrator finds the change in the audit log.

Mail goes over real SMTP to an aiosmtpd server started here; the live server runs tasks
immediately and sends mail when the request's transaction commits.
"""

from __future__ import annotations

import re
import time
from email.message import EmailMessage

import pytest
from playwright.sync_api import Page

from bygdebas.core.models import AuditEntry, Role
from bygdebas.members.models import Membership, Organisation, Person
from bygdebas.testing import PASSWORD, SmtpServerMixin, make_county, make_network, make_user
from bygdebas.tests_browser.base import BrowserTestCase

pytestmark = pytest.mark.browser

MAIL_TIMEOUT_S = 10


class MembersFlowTests(SmtpServerMixin, BrowserTestCase):
    def setUp(self) -> None:
        super().setUp()
        # The only network: the live server's localhost falls back to it.
        self.network = make_network(
            name="Nätverk A", slug="a", domain="localhost", county=make_county()
        )
        self.anna = make_user(
            email="anna@kansliet.example", role=Role.Kind.ADMIN, network=self.network
        )

    def mail_with(self, address: str, path: str) -> str:
        """The first link to ``path`` in a message to ``address``, waiting for it to arrive."""
        pattern = re.compile(rf"{re.escape(self.live_server_url)}{path}")
        deadline = time.monotonic() + MAIL_TIMEOUT_S
        while time.monotonic() < deadline:
            for message in self.smtp.messages_to(address):
                links = pattern.findall(self.text_of(message))
                if links:
                    return links[0]
            time.sleep(0.1)
        self.fail(f"no mail to {address} with a link to {path}")

    def text_of(self, message: EmailMessage) -> str:
        body = message.get_body(preferencelist=("plain",))
        assert body is not None
        return body.get_content()

    def submit(self, page: Page, selector: str = "main form button[type=submit]") -> None:
        with page.expect_navigation():
            page.locator(selector).first.click()

    def log_in_with_password(self, page: Page, email: str) -> None:
        page.goto(self.url("/konto/logga-in/"))
        page.locator("input[name=username]").fill(email)
        page.locator("input[name=password]").fill(PASSWORD)
        self.submit(page)

    def test_a_group_applies_is_approved_and_its_contact_updates_her_phone(self) -> None:
        # A village association applies through the public form.
        visitor = self.page
        visitor.goto(self.url("/bli-medlem/"))
        visitor.locator("input[name=name]").fill("Byalaget Östra Ringen")
        visitor.locator("input[name=contact_name]").fill("Maja Lind")
        visitor.locator("input[name=contact_email]").fill("maja@ostraringen.example")
        visitor.locator("input[name=contact_phone]").fill("070-111 22 33")
        visitor.locator("input[name=consent]").check()
        self.submit(visitor)
        self.assertTrue(visitor.url.endswith("/bli-medlem/tack/"), visitor.url)
        organisation = Organisation.objects.get(name="Byalaget Östra Ringen")
        membership = Membership.objects.get(organisation=organisation)
        self.assertEqual(membership.status, Membership.Status.APPLIED)

        # Anna, at the office, approves the application.
        office = self.new_context().new_page()
        self.log_in_with_password(office, "anna@kansliet.example")
        office.goto(self.url("/kansli/medlemskap/"))
        self.submit(office, f"form[action$='/kansli/medlemskap/{membership.pk}/godkann/'] button")
        membership.refresh_from_db()
        self.assertEqual(membership.status, Membership.Status.ACTIVE)

        # Maja asks for a login link: no password, just her address.
        contact = self.new_context().new_page()
        contact.goto(self.url("/medlem/logga-in/"))
        contact.locator("input[name=email]").fill("maja@ostraringen.example")
        self.submit(contact)
        self.assertTrue(contact.url.endswith("/medlem/logga-in/skickat/"), contact.url)
        link = self.mail_with("maja@ostraringen.example", r"/medlem/logga-in/[^\s/]+/")

        # The link shows a button (mail scanners follow links); the button logs her in.
        contact.goto(link)
        maja = Person.objects.get(email="maja@ostraringen.example")
        self.assertIsNone(maja.user, "a GET must not log in")
        self.submit(contact)
        self.assertTrue(contact.url.endswith("/medlem/"), contact.url)

        # She opens her organisation and changes her phone number.
        with contact.expect_navigation():
            contact.get_by_role("link", name="Byalaget Östra Ringen").click()
        with contact.expect_navigation():
            contact.get_by_role("link", name="Maja Lind").click()
        contact.locator("input[name=phone]").fill("070-999 88 77")
        self.submit(contact)
        self.assertTrue(contact.url.endswith(f"/medlem/{organisation.pk}/"), contact.url)
        self.assertIn("070", contact.locator("main table").first.inner_text())
        maja.refresh_from_db()
        self.assertEqual(re.sub(r"\D", "", maja.phone), "0709998877")

        # The used link does not work a second time.
        again = self.new_context().new_page()
        again.goto(link)
        self.assertEqual(again.locator("main form button[type=submit]").count(), 0)

        # Anna finds the change, made through self-service, in the audit log.
        office.goto(self.url(f"/kansli/integritet/logg/?source=self_service&person={maja.pk}"))
        log = office.locator("main table").inner_text()
        self.assertIn("Person ändrad", log)
        self.assertIn(maja.phone, log)
        entry = AuditEntry.objects.get(verb="person.changed", object_id=str(maja.pk))
        self.assertEqual(entry.source, AuditEntry.Source.SELF_SERVICE)
        self.assertEqual(entry.actor, maja.user)
