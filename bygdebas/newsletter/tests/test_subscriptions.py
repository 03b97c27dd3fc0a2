"""Subscribing with double opt-in, the consent record, one-click unsubscribe (RFC 8058),
preferences and suppression, through the public pages and a real SMTP server."""

from __future__ import annotations

import datetime
import re

from django.test import Client, TestCase, override_settings
from django.urls import reverse
from django.utils import timezone

from bygdebas.core.confirmation import confirmation_token
from bygdebas.newsletter import sending, services
from bygdebas.newsletter.models import Consent, Subscription, Suppression, Topic
from bygdebas.newsletter.tests.factories import make_subscription
from bygdebas.testing import CastMixin, SmtpServerMixin, sv


def link_in(message, path: str) -> str:
    text = message.get_body(("plain",)).get_content()
    return re.search(rf"https?://[^/\s]+({re.escape(path)}[^\s]+)", text).group(1)


class SubscribeTests(SmtpServerMixin, CastMixin, TestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        cls.topic = Topic.objects.create(network=cls.network_a, name="Bredband")

    def subscribe(self, **data):
        payload = {"email": "eva@example.org", "name": "Eva Ek", "topics": [self.topic.pk]}
        payload.update(data)
        with self.captureOnCommitCallbacks(execute=True):
            return self.as_anonymous().post(
                reverse("newsletter:subscribe"), payload, REMOTE_ADDR="10.1.2.3"
            )

    def test_subscribing_mails_a_link_that_confirms_only_on_post(self) -> None:
        response = self.subscribe()
        self.assertContains(response, "eva@example.org")
        subscription = Subscription.objects.get(email="eva@example.org")
        self.assertFalse(subscription.is_confirmed)
        self.assertEqual(list(subscription.topics.all()), [self.topic])
        consent = Consent.objects.get(subscription=subscription)
        self.assertEqual(consent.source, Subscription.Source.FORM)
        self.assertIn("avsluta", consent.text)
        self.assertEqual(consent.ip_hash, services.hash_ip("10.1.2.3"))
        self.assertNotIn("10.1.2.3", consent.ip_hash)

        (message,) = self.smtp.messages_to("eva@example.org")
        path = link_in(message, "/nyhetsbrev/bekrafta/")
        # A mail scanner's GET changes nothing.
        self.assertContains(self.as_anonymous().get(path), sv("Yes, send me the newsletter"))
        subscription.refresh_from_db()
        self.assertFalse(subscription.is_confirmed)
        response = self.as_anonymous().post(path)
        self.assertContains(response, sv("You are subscribed"))
        subscription.refresh_from_db()
        self.assertTrue(subscription.is_active)

    def test_an_invalid_address_rerenders_with_the_error_and_saves_nothing(self) -> None:
        response = self.subscribe(email="inte-en-adress")
        self.assertEqual(response.status_code, 400)
        self.assertFalse(Subscription.objects.exists())
        self.assertEqual(self.smtp.messages, [])

    def test_typing_a_subscribers_address_changes_nothing_and_tells_the_owner(self) -> None:
        existing = make_subscription(network=self.network_a, email="eva@example.org")
        self.subscribe()
        existing.refresh_from_db()
        self.assertTrue(existing.is_active)
        (message,) = self.smtp.messages_to("eva@example.org")
        self.assertIn("/nyhetsbrev/installningar/", message.get_body(("plain",)).get_content())

    def test_confirming_again_lifts_a_suppression(self) -> None:
        old = make_subscription(network=self.network_a, email="eva@example.org")
        services.unsubscribe(subscription=old)
        self.assertTrue(Suppression.objects.filter(email="eva@example.org").exists())
        self.subscribe()
        subscription = Subscription.objects.get(email="eva@example.org")
        self.as_anonymous().post(
            reverse("newsletter:subscription-confirm", args=[confirmation_token(subscription)])
        )
        self.assertFalse(Suppression.objects.filter(email="eva@example.org").exists())
        subscription.refresh_from_db()
        self.assertTrue(subscription.is_active)
        # The same row: its history (consents, what it was sent) is kept.
        self.assertEqual(subscription.pk, old.pk)
        self.assertEqual(subscription.consents.count(), 1)

    def test_a_forged_or_expired_confirmation_link_changes_nothing(self) -> None:
        self.subscribe()
        subscription = Subscription.objects.get()
        token = confirmation_token(subscription)
        url = reverse("newsletter:subscription-confirm", args=[token[:-3] + "abc"])
        self.assertEqual(self.as_anonymous().post(url).status_code, 404)
        url = reverse("newsletter:subscription-confirm", args=[token])
        with self.settings(BYGDEBAS_CONFIRMATION_DAYS={"newsletter.subscription": 0}):
            response = self.as_anonymous().post(url)
        self.assertEqual(response.status_code, 410)
        subscription.refresh_from_db()
        self.assertFalse(subscription.is_confirmed)


class UnsubscribeTests(CastMixin, TestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        cls.subscription = make_subscription(network=cls.network_a, email="eva@example.org")

    def url(self) -> str:
        return reverse(
            "newsletter:unsubscribe", args=[sending.unsubscribe_token(self.subscription)]
        )

    def test_the_one_click_post_works_without_cookies_or_csrf_token(self) -> None:
        client = Client(HTTP_HOST="a.test", enforce_csrf_checks=True)
        response = client.post(
            self.url(),
            "List-Unsubscribe=One-Click",
            content_type="application/x-www-form-urlencoded",
        )
        self.assertEqual(response.status_code, 200)
        self.subscription.refresh_from_db()
        self.assertIsNotNone(self.subscription.unsubscribed_at)
        self.assertTrue(
            Suppression.objects.filter(network=self.network_a, email="eva@example.org").exists()
        )
        # Twice does no harm.
        again = client.post(
            self.url(),
            "List-Unsubscribe=One-Click",
            content_type="application/x-www-form-urlencoded",
        )
        self.assertEqual(again.status_code, 200)

    def test_any_other_post_without_a_csrf_token_is_refused(self) -> None:
        client = Client(HTTP_HOST="a.test", enforce_csrf_checks=True)
        self.assertEqual(client.post(self.url()).status_code, 403)
        self.subscription.refresh_from_db()
        self.assertIsNone(self.subscription.unsubscribed_at)

    def test_the_link_in_a_browser_shows_a_page_with_a_button_and_topics(self) -> None:
        response = self.as_anonymous().get(self.url())
        self.assertContains(response, sv("Unsubscribe from the newsletter"))
        self.assertContains(response, "/nyhetsbrev/installningar/")
        self.subscription.refresh_from_db()
        self.assertIsNone(self.subscription.unsubscribed_at)

    def test_a_forged_link_shows_a_page_and_changes_nothing(self) -> None:
        response = self.as_anonymous().post(self.url()[:-6] + "xxxxx/")
        self.assertEqual(response.status_code, 404)
        self.assertContains(response, sv("The link does not work"), status_code=404)
        self.subscription.refresh_from_db()
        self.assertIsNone(self.subscription.unsubscribed_at)

    def test_another_networks_host_does_not_know_the_link(self) -> None:
        response = self.as_david().post(self.url(), {"List-Unsubscribe": "One-Click"})
        self.assertEqual(response.status_code, 404)

    def test_preferences_pause_and_choose_topics(self) -> None:
        topic = Topic.objects.create(network=self.network_a, name="Evenemang")
        url = reverse("newsletter:preferences", args=[sending.preferences_token(self.subscription)])
        response = self.as_anonymous().post(url, {"topics": [topic.pk], "is_paused": "on"})
        self.assertContains(response, sv("Your settings were saved."))
        self.subscription.refresh_from_db()
        self.assertTrue(self.subscription.is_paused)
        self.assertEqual(list(self.subscription.topics.all()), [topic])
        self.assertNotIn(
            self.subscription, Subscription.objects.for_network(self.network_a).active()
        )

    @override_settings(BYGDEBAS_CONFIRMATION_DAYS={"newsletter.subscription": 1})
    def test_purge_deletes_unconfirmed_sign_ups_after_their_days(self) -> None:
        from bygdebas.core.confirmation import purge_unconfirmed

        old = make_subscription(network=self.network_a, confirmed_at=None)
        Subscription.objects.filter(pk=old.pk).update(
            created_at=timezone.now() - datetime.timedelta(days=2)
        )
        purge_unconfirmed()
        self.assertFalse(Subscription.objects.filter(pk=old.pk).exists())
        self.assertTrue(Subscription.objects.filter(pk=self.subscription.pk).exists())
