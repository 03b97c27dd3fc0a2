"""Abuse protection on the public forms and the login form: rate limit, CSRF, honeypot."""

from __future__ import annotations

from django.core import mail
from django.core.cache import cache
from django.test import Client, TestCase, override_settings
from django.urls import reverse

from bygdebas.testing import PASSWORD, CastMixin, client_for, sv

CONTACT = {
    "name": "Gunnel",
    "email": "gunnel@byalag.example",
    "message": "Hej!",
    "website": "",
}


@override_settings(BYGDEBAS_RATE_LIMIT_POSTS=3)
class RateLimitTests(CastMixin, TestCase):
    def setUp(self) -> None:
        cache.clear()

    def test_the_contact_form_is_refused_after_the_limit(self) -> None:
        client = client_for(self.network_a)
        with self.captureOnCommitCallbacks(execute=True):
            statuses = [
                client.post(reverse("public:contact"), CONTACT).status_code for _ in range(4)
            ]

        self.assertEqual(statuses, [302, 302, 302, 429])
        self.assertEqual(len(mail.outbox), 3)
        # Reading the page is not limited.
        self.assertEqual(client.get(reverse("public:contact")).status_code, 200)

    def test_the_login_form_is_refused_after_the_limit_even_with_the_right_password(
        self,
    ) -> None:
        client = client_for(self.network_a)
        url = reverse("core:login")
        wrong = {"username": "bertil@a.test", "password": "fel"}

        statuses = [client.post(url, wrong).status_code for _ in range(3)]
        right = client.post(url, {"username": "bertil@a.test", "password": PASSWORD})

        self.assertEqual(statuses, [200, 200, 200])
        self.assertEqual(right.status_code, 429)
        self.assertTemplateUsed(right, "429.html")
        self.assertNotIn("_auth_user_id", client.session)

    def test_each_form_has_its_own_count(self) -> None:
        client = client_for(self.network_a)
        for _ in range(4):
            client.post(reverse("core:login"), {"username": "x@example.org", "password": "x"})

        response = client.post(
            reverse("core:login"), {"username": "bertil@a.test", "password": PASSWORD}
        )
        contact = client.post(reverse("public:contact"), CONTACT)

        self.assertEqual(response.status_code, 429)
        self.assertEqual(contact.status_code, 302)

    def test_the_limit_is_per_client_address(self) -> None:
        first = client_for(self.network_a)
        for _ in range(4):
            first.post(reverse("public:contact"), CONTACT)
        other = Client(HTTP_HOST="a.test", REMOTE_ADDR="192.0.2.7")

        self.assertEqual(other.post(reverse("public:contact"), CONTACT).status_code, 302)
        self.assertEqual(first.post(reverse("public:contact"), CONTACT).status_code, 429)


class CsrfTests(CastMixin, TestCase):
    def setUp(self) -> None:
        cache.clear()

    def test_a_post_without_a_csrf_token_is_refused(self) -> None:
        client = Client(enforce_csrf_checks=True, HTTP_HOST="a.test")

        with self.captureOnCommitCallbacks(execute=True):
            contact = client.post(reverse("public:contact"), CONTACT)
            login = client.post(
                reverse("core:login"), {"username": "bertil@a.test", "password": PASSWORD}
            )

        self.assertEqual(contact.status_code, 403)
        self.assertEqual(login.status_code, 403)
        self.assertEqual(mail.outbox, [])
        self.assertNotIn("_auth_user_id", client.session)

    def test_a_post_with_the_token_from_the_form_is_accepted(self) -> None:
        client = Client(enforce_csrf_checks=True, HTTP_HOST="a.test")
        page = client.get(reverse("public:contact"))
        token = page.context["csrf_token"]

        with self.captureOnCommitCallbacks(execute=True):
            response = client.post(
                reverse("public:contact"), {**CONTACT, "csrfmiddlewaretoken": str(token)}
            )

        self.assertEqual(response.status_code, 302)
        self.assertEqual(len(mail.outbox), 1)

    def test_a_staff_form_without_a_token_changes_nothing(self) -> None:
        client = Client(enforce_csrf_checks=True, HTTP_HOST="a.test")
        client.force_login(self.anna)

        response = client.post(reverse("core:role-invite"), {"email": "x@example.org"})

        self.assertEqual(response.status_code, 403)
        self.assertFalse(self.network_a.roles.filter(user__email="x@example.org").exists())


class HoneypotTests(CastMixin, TestCase):
    def setUp(self) -> None:
        cache.clear()

    def test_a_filled_honeypot_is_a_form_error_and_nothing_is_sent(self) -> None:
        with self.captureOnCommitCallbacks(execute=True):
            response = client_for(self.network_a).post(
                reverse("public:contact"), {**CONTACT, "website": "https://spam.example"}
            )

        self.assertEqual(response.status_code, 400)
        self.assertEqual(
            response.context["form"].errors["website"], [sv("Leave this field empty.")]
        )
        self.assertEqual(mail.outbox, [])
