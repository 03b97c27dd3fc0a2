"""Confirmation by e-mail (core.confirmation) on the test app's Signup: GET never changes
anything, POST confirms once, every bad link shows a page that says so and changes nothing,
unconfirmed rows expire and purge_unconfirmed deletes them; and the RFC 8058 one-click POST."""

from __future__ import annotations

import datetime
import io
import re

from django.core.management import call_command
from django.test import Client, TestCase, override_settings
from django.urls import reverse
from django.utils import timezone

from bygdebas.core.confirmation import (
    confirm,
    confirmation_token,
    confirmation_url,
    one_click_headers,
    purge_unconfirmed,
    read_confirmation_token,
    register_confirmable,
)
from bygdebas.core.signed_links import make_token
from bygdebas.core.tests.testapp.models import Note, Signup
from bygdebas.core.tests.testapp.views import unsubscribe_token
from bygdebas.testing import CastMixin, client_for, sv

CONFIRM = "core_testapp:signup-confirm"
UNSUBSCRIBE = "core_testapp:signup-unsubscribe"


def days_ago(days: float) -> datetime.datetime:
    return timezone.now() - datetime.timedelta(days=days)


@override_settings(ROOT_URLCONF="bygdebas.core.tests.testapp.urls")
class ConfirmPageTests(CastMixin, TestCase):
    def setUp(self) -> None:
        self.signup = Signup.objects.create(network=self.network_a, email="eva@example.org")
        self.url = reverse(CONFIRM, args=[confirmation_token(self.signup)])

    def assert_unchanged(self) -> None:
        self.signup.refresh_from_db()
        self.assertIsNone(self.signup.confirmed_at)
        self.assertFalse(self.signup.is_welcomed)

    def test_the_link_is_absolute_on_the_networks_host(self) -> None:
        # The token is signed with the time it was made, so the links are compared by their
        # address and by the row their token names, not character by character.
        prefix = self.url.rsplit("/", 2)[0] + "/"
        for url, base in (
            (confirmation_url(self.signup), "http://a.test"),
            (
                confirmation_url(self.signup, base_url="https://orebro.example.se/"),
                "https://orebro.example.se",
            ),
        ):
            with self.subTest(base=base):
                self.assertTrue(url.startswith(f"{base}{prefix}"), url)
                token = url.removeprefix(f"{base}{prefix}").rstrip("/")
                self.assertEqual(
                    read_confirmation_token(Signup, self.network_a, token).pk, self.signup.pk
                )

    def test_get_shows_the_apps_page_with_a_button_and_changes_nothing(self) -> None:
        client = client_for(self.network_a)
        for _ in range(3):  # a mail scanner, a preview, the person
            response = client.get(self.url)
            self.assertEqual(response.status_code, 200)

        self.assertTemplateUsed(response, "core_testapp/signup_confirm.html")
        self.assertContains(response, "Bekräfta att eva@example.org vill ha testlistan.")
        self.assertContains(response, '<meta name="robots" content="noindex, nofollow">')
        self.assertContains(response, f'<button type="submit" class="primary">{sv("Confirm")}')
        self.assertEqual(
            response["Cache-Control"], "max-age=0, no-cache, no-store, must-revalidate, private"
        )
        self.assert_unchanged()

    def test_post_confirms_once_and_runs_the_apps_service(self) -> None:
        client = client_for(self.network_a)

        response = client.post(self.url)

        self.assertEqual(response.status_code, 200)
        self.assertContains(response, sv("Your e-mail address is confirmed."))
        self.signup.refresh_from_db()
        self.assertIsNotNone(self.signup.confirmed_at)
        self.assertTrue(self.signup.is_welcomed)
        confirmed_at = self.signup.confirmed_at
        # Used: a second POST or GET says so, with a 409, and changes nothing.
        for method in (client.post, client.get):
            with self.subTest(method.__name__):
                again = method(self.url)
                self.assertEqual(again.status_code, 409)
                self.assertContains(again, sv("Already confirmed"), status_code=409)
        self.signup.refresh_from_db()
        self.assertEqual(self.signup.confirmed_at, confirmed_at)

    def test_a_changed_made_up_or_cut_short_link_says_so_and_changes_nothing(self) -> None:
        token = confirmation_token(self.signup)
        other_purpose = make_token(
            purpose="bygdebas.confirm.newsletter.subscription",
            network_id=self.network_a.pk,
            i=self.signup.pk,
        )
        bad = {
            "changed": token[:-3] + ("aaa" if not token.endswith("aaa") else "bbb"),
            "cut short": token[: len(token) // 2],
            "made up": "eyJpIjoxfQ:1abcde:notasignature",
            "another purpose": other_purpose,
            "another row's time": make_token(
                purpose="bygdebas.confirm.core_testapp.signup",
                network_id=self.network_a.pk,
                i=self.signup.pk,
                t=12345,
            ),
        }
        client = client_for(self.network_a)
        for name, value in bad.items():
            for method in (client.get, client.post):
                with self.subTest(name, method=method.__name__):
                    response = method(reverse(CONFIRM, args=[value]))
                    self.assertEqual(response.status_code, 404)
                    self.assertContains(response, sv("The link does not work"), status_code=404)
                    self.assertContains(
                        response,
                        sv(
                            "This link is not valid. Check that you copied the whole link from "
                            "the e-mail. Nothing was changed."
                        ),
                        status_code=404,
                    )
        self.assert_unchanged()

    def test_a_link_on_another_networks_host_does_not_work(self) -> None:
        response = client_for(self.network_b).post(self.url)

        self.assertEqual(response.status_code, 404)
        self.assert_unchanged()

    def test_an_expired_link_says_so_and_changes_nothing(self) -> None:
        Signup.objects.filter(pk=self.signup.pk).update(created_at=days_ago(7.01))
        self.signup.refresh_from_db()
        url = reverse(CONFIRM, args=[confirmation_token(self.signup)])

        for method in ("get", "post"):
            with self.subTest(method):
                response = getattr(client_for(self.network_a), method)(url)
                self.assertEqual(response.status_code, 410)
                self.assertContains(
                    response,
                    sv(
                        "This confirmation link has expired, and what it was for has been "
                        "removed. Nothing was changed. Please start again."
                    ),
                    status_code=410,
                )
        self.assert_unchanged()

    def test_the_days_are_set_per_purpose(self) -> None:
        Signup.objects.filter(pk=self.signup.pk).update(created_at=days_ago(8))
        self.signup.refresh_from_db()
        url = reverse(CONFIRM, args=[confirmation_token(self.signup)])

        with self.settings(BYGDEBAS_CONFIRMATION_DAYS={"core_testapp.signup": 10}):
            self.assertEqual(client_for(self.network_a).post(url).status_code, 200)
        self.signup.refresh_from_db()
        self.assertTrue(self.signup.is_confirmed)

    def test_a_link_whose_row_is_gone_has_expired(self) -> None:
        self.signup.delete()

        response = client_for(self.network_a).post(self.url)

        self.assertEqual(response.status_code, 410)

    def test_the_button_needs_the_csrf_token(self) -> None:
        client = Client(HTTP_HOST="a.test", enforce_csrf_checks=True)

        refused = client.post(self.url)
        token = client.get(self.url).context["csrf_token"]
        accepted = client.post(self.url, {"csrfmiddlewaretoken": str(token)})

        self.assertEqual((refused.status_code, accepted.status_code), (403, 200))
        self.signup.refresh_from_db()
        self.assertTrue(self.signup.is_confirmed)

    def test_confirming_twice_at_once_runs_the_service_once(self) -> None:
        first = Signup.objects.get(pk=self.signup.pk)
        second = Signup.objects.get(pk=self.signup.pk)  # loaded before the first confirmed
        calls = []

        self.assertTrue(confirm(first, on_confirm=calls.append))
        self.assertFalse(confirm(second, on_confirm=calls.append))

        self.assertEqual(calls, [first])
        self.assertEqual(second.confirmed_at, first.confirmed_at)


class ExpiryTests(CastMixin, TestCase):
    def test_expired_is_unconfirmed_and_older_than_its_days(self) -> None:
        fresh = Signup.objects.create(network=self.network_a, email="ny@example.org")
        old = Signup.objects.create(
            network=self.network_a, email="gammal@example.org", created_at=days_ago(8)
        )
        Signup.objects.create(
            network=self.network_a,
            email="bekraftad@example.org",
            created_at=days_ago(30),
            confirmed_at=days_ago(29),
        )

        self.assertEqual(list(Signup.objects.expired()), [old])
        self.assertEqual(set(Signup.objects.unconfirmed()), {fresh, old})
        self.assertTrue(old.is_confirmation_expired())
        self.assertFalse(fresh.is_confirmation_expired())
        self.assertEqual(
            fresh.confirmation_expires_at, fresh.created_at + datetime.timedelta(days=7)
        )

    def test_purge_unconfirmed_deletes_what_expired_in_every_registered_model(self) -> None:
        keep = [
            Signup.objects.create(network=self.network_a, email="ny@example.org"),
            Signup.objects.create(
                network=self.network_a,
                email="bekraftad@example.org",
                created_at=days_ago(30),
                confirmed_at=days_ago(29),
            ),
        ]
        Signup.objects.create(network=self.network_a, email="a@example.org", created_at=days_ago(8))
        Signup.objects.create(network=self.network_b, email="b@example.org", created_at=days_ago(9))

        dry = io.StringIO()
        call_command("purge_unconfirmed", "--dry-run", stdout=dry)
        self.assertEqual(Signup.objects.count(), 4)
        self.assertIn("Test sign-ups (core_testapp.signup, 7 days): would delete 2", dry.getvalue())

        only_b = io.StringIO()
        call_command("purge_unconfirmed", "--network", "b", stdout=only_b)
        self.assertIn("deleted 1", only_b.getvalue())
        self.assertFalse(Signup.objects.filter(email="b@example.org").exists())

        out = io.StringIO()
        call_command("purge_unconfirmed", stdout=out)
        self.assertEqual(set(Signup.objects.all()), set(keep))
        self.assertIn("Unconfirmed rows deleted: 1.", out.getvalue())

    def test_purge_returns_counts_per_model(self) -> None:
        Signup.objects.create(network=self.network_a, email="a@example.org", created_at=days_ago(8))

        results = purge_unconfirmed(now=timezone.now() + datetime.timedelta(days=30))

        counts = [(r.purpose, r.count) for r in results if r.purpose.startswith("core_testapp")]
        self.assertEqual(counts, [("core_testapp.signup", 1)])

    def test_an_unknown_network_is_an_error(self) -> None:
        from django.core.management.base import CommandError

        with self.assertRaisesMessage(CommandError, "No network has the slug 'x'."):
            call_command("purge_unconfirmed", "--network", "x", stdout=io.StringIO())

    def test_only_confirmable_models_can_be_registered(self) -> None:
        with self.assertRaisesMessage(
            ValueError, "needs ConfirmationMixin and a confirmation_purpose"
        ):
            register_confirmable(Note, label="x")  # type: ignore[arg-type]


@override_settings(ROOT_URLCONF="bygdebas.core.tests.testapp.urls")
class OneClickTests(CastMixin, TestCase):
    def setUp(self) -> None:
        self.signup = Signup.objects.create(
            network=self.network_a, email="eva@example.org", confirmed_at=timezone.now()
        )
        self.url = reverse(UNSUBSCRIBE, args=[unsubscribe_token(self.signup)])

    def mail_client(self) -> Client:
        """A mail client's POST: no session, no cookies, no CSRF token."""
        return Client(HTTP_HOST="a.test", enforce_csrf_checks=True)

    def test_the_headers_for_the_mail(self) -> None:
        self.assertEqual(
            one_click_headers("https://a.test/x/", mailto="avsluta@a.test"),
            {
                "List-Unsubscribe": "<https://a.test/x/>, <mailto:avsluta@a.test>",
                "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
            },
        )

    def test_the_one_click_post_acts_without_a_page_or_csrf_token(self) -> None:
        for _ in range(2):  # and again: still fine, nothing more to do
            response = self.mail_client().post(
                self.url,
                "List-Unsubscribe=One-Click",
                content_type="application/x-www-form-urlencoded",
            )
            self.assertEqual(response.status_code, 200)

        self.signup.refresh_from_db()
        self.assertIsNotNone(self.signup.unsubscribed_at)

    def test_a_multipart_one_click_post_works_too(self) -> None:
        response = self.mail_client().post(self.url, {"List-Unsubscribe": "One-Click"})

        self.assertEqual(response.status_code, 200)
        self.signup.refresh_from_db()
        self.assertIsNotNone(self.signup.unsubscribed_at)

    def test_in_a_browser_get_shows_the_page_and_the_button_needs_the_csrf_token(self) -> None:
        browser = Client(HTTP_HOST="a.test", enforce_csrf_checks=True)

        page = browser.get(self.url)
        without_token = browser.post(self.url)
        self.signup.refresh_from_db()
        self.assertIsNone(self.signup.unsubscribed_at)
        done = browser.post(self.url, {"csrfmiddlewaretoken": str(page.context["csrf_token"])})

        self.assertEqual((page.status_code, without_token.status_code), (200, 403))
        self.assertEqual(done.status_code, 200)
        self.assertContains(done, sv("Thank you! It is done."))
        self.signup.refresh_from_db()
        self.assertIsNotNone(self.signup.unsubscribed_at)
        self.assertEqual(browser.get(self.url).status_code, 409)

    def test_a_bad_token_is_refused_for_the_one_click_post_too(self) -> None:
        url = reverse(UNSUBSCRIBE, args=[re.sub(r".$", "x", unsubscribe_token(self.signup))])

        response = self.mail_client().post(
            url, "List-Unsubscribe=One-Click", content_type="application/x-www-form-urlencoded"
        )

        self.assertEqual(response.status_code, 404)
        self.signup.refresh_from_db()
        self.assertIsNone(self.signup.unsubscribed_at)
