"""Mail over real SMTP: password reset, the contact form and invitations.

An aiosmtpd server on 127.0.0.1 receives what Bygdebas sends; nothing is mocked between the view
and the socket. Tasks run immediately in tests and mail is enqueued on commit, hence
``captureOnCommitCallbacks(execute=True)`` around each request.
"""

from __future__ import annotations

import re
from email.message import EmailMessage
from typing import Any

from django.core.cache import cache
from django.test import TestCase
from django.urls import reverse

from bygdebas.core.models import AuditEntry, Role, User
from bygdebas.testing import (
    PASSWORD,
    CastMixin,
    SmtpServerMixin,
    client_for,
    parse_envelope,
    sv,
)


class SmtpTestCase(SmtpServerMixin, CastMixin, TestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        cls.network_a.sender_email = "kansli@a.test"
        cls.network_a.contact_email = "info@a.test"
        cls.network_a.save()

    def setUp(self) -> None:
        super().setUp()
        cache.clear()  # the rate limit counts posts in the cache

    def received(self) -> list[tuple[Any, EmailMessage]]:
        return [(envelope, parse_envelope(envelope)) for envelope in self.smtp.envelopes]

    def only_message(self) -> tuple[Any, EmailMessage]:
        received = self.received()
        self.assertEqual(len(received), 1, "expected exactly one message")
        return received[0]

    def assert_multipart(self, message: EmailMessage) -> tuple[str, str]:
        self.assertEqual(message.get_content_type(), "multipart/alternative")
        text = message.get_body(preferencelist=("plain",))
        html = message.get_body(preferencelist=("html",))
        assert text is not None and html is not None
        return text.get_content(), html.get_content()


class PasswordResetMailTests(SmtpTestCase):
    def test_the_reset_link_arrives_and_sets_a_new_password(self) -> None:
        client = client_for(self.network_a)

        with self.captureOnCommitCallbacks(execute=True):
            response = client.post(reverse("core:password-reset"), {"email": "bertil@a.test"})

        self.assertRedirects(response, reverse("core:password-reset-done"))
        envelope, message = self.only_message()
        self.assertEqual(envelope.mail_from, "kansli@a.test")
        self.assertEqual(envelope.rcpt_tos, ["bertil@a.test"])
        self.assertEqual(message["From"].addresses[0].addr_spec, "kansli@a.test")
        self.assertEqual(message["From"].addresses[0].display_name, "Nätverk A")
        self.assertEqual(
            message["Subject"], sv("Choose a new password for %(name)s", name="Nätverk A")
        )
        text, html = self.assert_multipart(message)
        links = re.findall(r"http://a\.test/konto/losenord/[^/\s]+/[^/\s]+/", text)
        self.assertEqual(len(links), 1)
        self.assertIn(links[0], html)

        page = client.get(links[0], follow=True)
        self.assertTrue(page.context["validlink"])
        set_password_url = page.redirect_chain[-1][0]
        response = client.post(
            set_password_url,
            {"new_password1": "ny-fin-losen-2025", "new_password2": "ny-fin-losen-2025"},
        )
        self.assertRedirects(response, reverse("core:password-reset-complete"))

        fresh = client_for(self.network_a)
        self.assertFalse(fresh.login(email="bertil@a.test", password=PASSWORD))
        self.assertTrue(fresh.login(email="bertil@a.test", password="ny-fin-losen-2025"))
        # The link is single use.
        again = client_for(self.network_a).get(links[0], follow=True)
        self.assertFalse(again.context["validlink"])

    def test_an_unknown_address_sends_nothing_but_shows_the_same_page(self) -> None:
        client = client_for(self.network_a)

        with self.captureOnCommitCallbacks(execute=True):
            response = client.post(
                reverse("core:password-reset"), {"email": "nobody@example.org"}, follow=True
            )

        self.assertEqual(response.redirect_chain, [(reverse("core:password-reset-done"), 302)])
        self.assertContains(response, sv("Check your e-mail"))
        self.assertEqual(self.smtp.envelopes, [])


class PasswordResetAcrossNetworksTests(SmtpTestCase):
    """A reset is sent only to people with a role in the network whose host they asked on."""

    def ask(self, network: Any, email: str) -> Any:
        with self.captureOnCommitCallbacks(execute=True):
            return client_for(network).post(
                reverse("core:password-reset"), {"email": email}, follow=True
            )

    def test_a_user_of_another_network_gets_no_mail_but_the_same_page(self) -> None:
        # David is staff of B only: A's host must not send him A's mail with a link on A.
        response = self.ask(self.network_a, "david@b.test")

        self.assertEqual(response.redirect_chain, [(reverse("core:password-reset-done"), 302)])
        self.assertContains(response, sv("Check your e-mail"))
        self.assertEqual(self.smtp.envelopes, [])

    def test_the_same_user_gets_the_mail_on_his_own_network_s_host(self) -> None:
        self.ask(self.network_b, "david@b.test")

        envelope, message = self.only_message()
        self.assertEqual(envelope.rcpt_tos, ["david@b.test"])
        text, _html = self.assert_multipart(message)
        self.assertRegex(text, r"http://b\.test/konto/losenord/[^/\s]+/[^/\s]+/")
        self.assertNotIn("a.test", text)

    def test_a_user_with_roles_in_both_networks_gets_each_network_s_mail(self) -> None:
        Role.objects.create(user=self.david, network=self.network_a, kind=Role.Kind.BOARD)

        self.ask(self.network_a, "david@b.test")

        _envelope, message = self.only_message()
        self.assertEqual(message["From"].addresses[0].display_name, "Nätverk A")

    def test_a_superuser_without_a_role_gets_the_mail_on_any_network(self) -> None:
        # The installation's operator runs every network and has no role in any.
        User.objects.create_superuser(email="drift@example.org", password=PASSWORD)

        self.ask(self.network_b, "drift@example.org")

        envelope, _message = self.only_message()
        self.assertEqual(envelope.rcpt_tos, ["drift@example.org"])


class ContactMailTests(SmtpTestCase):
    def test_the_contact_form_reaches_the_office_with_reply_to_the_sender(self) -> None:
        with self.captureOnCommitCallbacks(execute=True):
            response = client_for(self.network_a).post(
                reverse("public:contact"),
                {
                    "name": "Gunnel Gustafsson",
                    "email": "gunnel@byalag.example",
                    "message": "Kan ni komma till vårt byamöte i mars?",
                    "website": "",
                },
            )

        self.assertRedirects(response, reverse("public:contact"))
        envelope, message = self.only_message()
        self.assertEqual(envelope.rcpt_tos, ["info@a.test"])
        self.assertEqual(envelope.mail_from, "kansli@a.test")
        self.assertEqual(message["Reply-To"].addresses[0].addr_spec, "gunnel@byalag.example")
        self.assertEqual(
            message["Subject"],
            sv("Message from %(name)s via the website", name="Gunnel Gustafsson"),
        )
        text, html = self.assert_multipart(message)
        self.assertIn("Kan ni komma till vårt byamöte i mars?", text)
        self.assertIn("gunnel@byalag.example", text)
        self.assertIn("Kan ni komma till vårt byamöte i mars?", html)


class InvitationMailTests(SmtpTestCase):
    def test_an_invitation_creates_the_account_and_mails_a_set_password_link(self) -> None:
        with self.captureOnCommitCallbacks(execute=True):
            response = self.as_anna().post(
                reverse("core:role-invite"),
                {
                    "email": "Erik@Byalag.Example",
                    "first_name": "Erik",
                    "last_name": "Ek",
                    "kind": Role.Kind.STAFF,
                },
            )

        self.assertRedirects(response, reverse("core:role-list"))
        user = User.objects.get(email="erik@byalag.example")
        self.assertFalse(user.has_usable_password())
        role = Role.objects.get(user=user)
        self.assertEqual((role.network, role.kind), (self.network_a, Role.Kind.STAFF))
        entry = AuditEntry.objects.get(verb="role granted")
        self.assertEqual(
            (entry.network, entry.actor, entry.target), (self.network_a, self.anna, role)
        )

        envelope, message = self.only_message()
        self.assertEqual(envelope.rcpt_tos, ["erik@byalag.example"])
        text, _html = self.assert_multipart(message)
        link = re.search(r"http://a\.test/konto/losenord/\S+/\S+/", text)
        assert link is not None
        client = client_for(self.network_a)
        page = client.get(link.group(0), follow=True)
        self.assertTrue(page.context["validlink"])
        client.post(
            page.redirect_chain[-1][0],
            {"new_password1": "eriks-eget-losen-9", "new_password2": "eriks-eget-losen-9"},
        )
        self.assertTrue(
            client_for(self.network_a).login(
                email="erik@byalag.example", password="eriks-eget-losen-9"
            )
        )

    def test_an_existing_user_gets_a_login_link_instead(self) -> None:
        with self.captureOnCommitCallbacks(execute=True):
            self.as_anna().post(
                reverse("core:role-invite"),
                {"email": "david@b.test", "first_name": "David", "kind": Role.Kind.BOARD},
            )

        self.assertEqual(self.david.roles.get(network=self.network_a).kind, Role.Kind.BOARD)
        self.assertTrue(User.objects.get(pk=self.david.pk).check_password(PASSWORD))
        _envelope, message = self.only_message()
        text, _html = self.assert_multipart(message)
        self.assertIn("http://a.test" + reverse("core:login"), text)
        self.assertNotIn("/konto/losenord/", text)
