"""Public-form protection in one place (core.public_forms): rate limits per client address, per
network and per e-mail address, and the honeypot every public form shares."""

from __future__ import annotations

from django import forms
from django.core import mail
from django.core.cache import cache
from django.test import Client, SimpleTestCase, TestCase, override_settings
from django.urls import reverse

from bygdebas.core.public_forms import HoneypotInput, PublicFormMixin, RateLimit
from bygdebas.testing import CastMixin, client_for, sv

CONTACT = {"name": "Gunnel", "email": "gunnel@byalag.example", "message": "Hej!", "website": ""}


def client_at(network, address: str) -> Client:
    return Client(HTTP_HOST=network.domain, REMOTE_ADDR=address)


class RateLimitTests(CastMixin, TestCase):
    def setUp(self) -> None:
        cache.clear()

    @override_settings(BYGDEBAS_RATE_LIMIT_POSTS=100, BYGDEBAS_RATE_LIMIT_NETWORK_POSTS=3)
    def test_a_network_is_limited_across_client_addresses_and_other_networks_are_not(
        self,
    ) -> None:
        statuses = [
            client_at(self.network_a, f"192.0.2.{n}").post(reverse("public:contact"), CONTACT)
            for n in range(4)
        ]
        other = client_at(self.network_b, "192.0.2.9").post(reverse("public:contact"), CONTACT)

        self.assertEqual([r.status_code for r in statuses], [302, 302, 302, 429])
        self.assertEqual(other.status_code, 302)
        self.assertEqual(statuses[-1]["Retry-After"], "600")
        self.assertTemplateUsed(statuses[-1], "429.html")

    @override_settings(BYGDEBAS_RATE_LIMIT_POSTS=100, BYGDEBAS_RATE_LIMIT_EMAIL_POSTS=2)
    def test_one_address_is_not_flooded_with_mail_from_many_clients(self) -> None:
        url = reverse("core:password-reset")
        with self.captureOnCommitCallbacks(execute=True):
            statuses = [
                client_at(self.network_a, f"192.0.2.{n}")
                .post(url, {"email": " Bertil@A.test "})
                .status_code
                for n in range(3)
            ]
            another_address = client_at(self.network_a, "192.0.2.50").post(
                url, {"email": "anna@a.test"}
            )

        self.assertEqual(statuses, [302, 302, 429])
        self.assertEqual(another_address.status_code, 302)
        # Two reset mails to Bertil (the limit), one to Anna.
        recipients = sorted(m.to[0] for m in mail.outbox)
        self.assertEqual(recipients, ["anna@a.test", "bertil@a.test", "bertil@a.test"])

    @override_settings(BYGDEBAS_RATE_LIMIT_POSTS=2, BYGDEBAS_RATE_LIMIT_NETWORK_POSTS=4)
    def test_a_refused_client_does_not_use_up_the_networks_allowance(self) -> None:
        noisy = client_at(self.network_a, "192.0.2.1")
        for _ in range(10):
            noisy.post(reverse("public:contact"), CONTACT)

        # The noisy client was let through twice: two of the network's four are used.
        others = [
            client_at(self.network_a, f"192.0.2.{n}").post(reverse("public:contact"), CONTACT)
            for n in (2, 3)
        ]
        self.assertEqual([r.status_code for r in others], [302, 302])

    def test_showing_a_form_is_never_counted(self) -> None:
        client = client_for(self.network_a)
        with self.settings(BYGDEBAS_RATE_LIMIT_POSTS=1):
            for _ in range(5):
                self.assertEqual(client.get(reverse("public:contact")).status_code, 200)
            self.assertEqual(client.post(reverse("public:contact"), CONTACT).status_code, 302)

    def test_every_public_form_is_rate_limited(self) -> None:
        """Each ported form answers 429 once its client has used up the limit."""
        from bygdebas.testing import make_event

        event = make_event(network=self.network_a)
        posts = {
            "contact": (reverse("public:contact"), CONTACT),
            "join": (reverse("members:join"), {}),
            "login": (reverse("core:login"), {"username": "x@example.org", "password": "x"}),
            "password reset": (reverse("core:password-reset"), {"email": "x@example.org"}),
            "login link": (reverse("members:selfservice-login"), {"email": "x@example.org"}),
            "registration": (reverse("events:event-register", args=[event.pk]), {}),
        }
        with self.settings(BYGDEBAS_RATE_LIMIT_POSTS=1):
            for name, (url, data) in posts.items():
                with self.subTest(name):
                    client = client_at(self.network_a, f"198.51.100.{len(name)}")
                    self.assertNotEqual(client.post(url, data).status_code, 429)
                    self.assertEqual(client.post(url, data).status_code, 429)

    def test_a_rate_limit_names_known_dimensions_only(self) -> None:
        with self.assertRaisesMessage(ValueError, "Unknown rate-limit dimensions ['phone']"):
            RateLimit("x", per=("ip", "phone"))  # type: ignore[arg-type]

    def test_a_scope_is_short_and_plain(self) -> None:
        for scope in ("", "Kontakt formulär", "x" * 41):
            with self.subTest(scope=scope), self.assertRaisesMessage(ValueError, "1 to 40"):
                RateLimit(scope)
        self.assertEqual(RateLimit("conditions.report-me_too").scope, "conditions.report-me_too")


class TipForm(PublicFormMixin, forms.Form):
    tip = forms.CharField(label="Tips")


class HoneypotTests(SimpleTestCase):
    def test_the_honeypot_is_added_and_a_filled_one_is_an_error_on_it(self) -> None:
        form = TipForm({"tip": "Loppis", "website": "https://spam.example"})

        self.assertFalse(form.is_valid())
        self.assertEqual(form.errors, {"website": [sv("Leave this field empty.")]})
        self.assertTrue(TipForm({"tip": "Loppis", "website": ""}).is_valid())
        self.assertTrue(TipForm({"tip": "Loppis"}).is_valid())

    def test_it_never_shows_what_a_bot_typed_and_is_out_of_the_tab_order(self) -> None:
        form = TipForm({"tip": "Loppis", "website": "https://spam.example"})

        html = str(form.honeypot)

        self.assertNotIn("spam.example", html)
        self.assertIn('tabindex="-1"', html)
        self.assertIn('autocomplete="off"', html)
        self.assertIsInstance(form.fields["website"].widget, HoneypotInput)

    def test_a_form_with_a_real_field_of_that_name_must_choose_another(self) -> None:
        class WebsiteForm(PublicFormMixin, forms.Form):
            website = forms.URLField()

        with self.assertRaisesMessage(TypeError, "give the honeypot another name"):
            WebsiteForm()


class HoneypotOnThePagesTests(CastMixin, TestCase):
    def test_each_public_form_renders_the_shared_honeypot(self) -> None:
        from bygdebas.testing import make_event

        event = make_event(network=self.network_a)
        pages = {
            reverse("public:contact"): "website",
            reverse("members:join"): "homepage",
            reverse("members:selfservice-login"): "website",
            reverse("events:event-detail", args=[event.pk]): "website",
        }
        client = self.as_anonymous()
        for url, name in pages.items():
            with self.subTest(url):
                response = client.get(url)
                self.assertContains(
                    response,
                    f'<div class="honeypot" aria-hidden="true"><label for="id_{name}">'
                    f"{sv('Leave this field empty')}:</label>"
                    f'<input type="text" name="{name}" tabindex="-1" autocomplete="off" '
                    f'id="id_{name}"></div>',
                    html=True,
                )
