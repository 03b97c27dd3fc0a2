"""Contact persons log in by a one-time e-mail link; nobody learns whose address is known."""

from __future__ import annotations

import re
import time
from unittest import mock

from django.core.cache import cache
from django.test import TestCase, override_settings
from django.urls import reverse
from django.utils import timezone

from bygdebas.core.models import Role, User
from bygdebas.members.models import Engagement
from bygdebas.members.services import selfservice
from bygdebas.testing import (
    PASSWORD,
    CastMixin,
    SmtpServerMixin,
    client_for,
    make_engagement,
    make_organisation,
    make_person,
)

LOGIN = reverse("members:selfservice-login")


def link_path(token: str) -> str:
    return reverse("members:selfservice-login-link", kwargs={"token": token})


class LoginLinkTests(SmtpServerMixin, CastMixin, TestCase):
    def setUp(self) -> None:
        super().setUp()
        cache.clear()

    def request_link(self, email: str, client=None, **extra: str):
        client = client or self.as_anonymous()
        with self.captureOnCommitCallbacks(execute=True):
            return client.post(LOGIN, {"email": email, "website": "", **extra})

    def link_from_mail(self, address: str) -> str:
        messages = self.smtp.messages_to(address)
        self.assertEqual(len(messages), 1, f"one message to {address}")
        text = messages[0].get_body(preferencelist=("plain",)).get_content()
        match = re.search(r"http://a\.test(/medlem/logga-in/[^\s/]+/)", text)
        self.assertIsNotNone(match, text)
        return match.group(1)

    def test_a_contact_gets_a_link_that_logs_in_once(self) -> None:
        response = self.request_link("Cecilia@A.test")
        self.assertRedirects(response, reverse("members:selfservice-login-sent"))
        path = self.link_from_mail("cecilia@a.test")

        browser = self.as_anonymous()
        page = browser.get(path)
        self.assertEqual(page.status_code, 200)
        self.assertContains(page, "Cecilia Carlsson")
        self.assertNotIn("_auth_user_id", browser.session, "a GET must not log in")

        response = browser.post(path)
        self.assertRedirects(response, reverse("members:selfservice-home"))
        self.assertEqual(int(browser.session["_auth_user_id"]), self.cecilia.pk)
        self.assertContains(browser.get(reverse("members:selfservice-home")), "Cecilias byalag")

        # Used once: neither the same browser nor another one can use it again.
        again = self.as_anonymous()
        self.assertEqual(again.post(path).status_code, 400)
        self.assertNotIn("_auth_user_id", again.session)
        self.assertEqual(again.get(path).status_code, 400)

    def test_a_contact_without_a_login_gets_one_with_the_contact_role_and_no_password(
        self,
    ) -> None:
        organisation = make_organisation(network=self.network_a)
        person = make_person(network=self.network_a, name="Gun Gustafsson", email="gun@by.se")
        make_engagement(person=person, organisation=organisation)
        self.request_link("gun@by.se")
        browser = self.as_anonymous()
        browser.post(self.link_from_mail("gun@by.se"))

        user = User.objects.get(email="gun@by.se")
        person.refresh_from_db()
        self.assertEqual(person.user, user)
        self.assertFalse(user.has_usable_password())
        self.assertEqual(user.role_in(self.network_a), Role.Kind.CONTACT)
        self.assertIsNone(User.objects.get(pk=user.pk).role_in(self.network_b))
        self.assertEqual(int(browser.session["_auth_user_id"]), user.pk)
        page = browser.get(reverse("members:selfservice-organisation", args=[organisation.pk]))
        self.assertContains(page, organisation.name)

    def test_a_staff_role_is_never_downgraded(self) -> None:
        person = make_person(network=self.network_a, name="Bertil B", email="bertil@a.test")
        make_engagement(person=person, organisation=make_organisation(network=self.network_a))
        self.request_link("bertil@a.test")
        self.as_anonymous().post(self.link_from_mail("bertil@a.test"))
        self.assertEqual(
            Role.objects.get(user=self.bertil, network=self.network_a).kind, Role.Kind.STAFF
        )

    def test_an_expired_link_is_refused(self) -> None:
        long_ago = time.time() - selfservice.LOGIN_LINK_MAX_AGE_S - 60
        with mock.patch("django.core.signing.time.time", return_value=long_ago):
            token = selfservice.make_login_token(self.cecilia_person)
        browser = self.as_anonymous()
        self.assertEqual(browser.get(link_path(token)).status_code, 400)
        self.assertEqual(browser.post(link_path(token)).status_code, 400)
        self.assertNotIn("_auth_user_id", browser.session)

    def test_a_fresh_link_made_the_same_way_works(self) -> None:
        token = selfservice.make_login_token(self.cecilia_person)
        self.assertEqual(self.as_anonymous().post(link_path(token)).status_code, 302)

    def test_a_tampered_link_is_refused(self) -> None:
        token = selfservice.make_login_token(self.cecilia_person)
        head, tail = token[:-3], token[-3:]
        tampered = head + ("A" if tail[0] != "A" else "B") + tail[1:]
        browser = self.as_anonymous()
        self.assertEqual(browser.post(link_path(tampered)).status_code, 400)
        self.assertEqual(browser.post(link_path("not-a-token")).status_code, 400)
        self.assertNotIn("_auth_user_id", browser.session)

    def test_a_link_is_refused_on_another_networks_host(self) -> None:
        token = selfservice.make_login_token(self.cecilia_person)
        browser = client_for(self.network_b)
        self.assertEqual(browser.get(link_path(token)).status_code, 400)
        self.assertEqual(browser.post(link_path(token)).status_code, 400)
        self.assertNotIn("_auth_user_id", browser.session)

    def test_a_link_stops_working_when_the_person_is_erased(self) -> None:
        token = selfservice.make_login_token(self.cecilia_person)
        self.cecilia_person.erased_at = timezone.now()
        self.cecilia_person.save()
        self.assertEqual(self.as_anonymous().post(link_path(token)).status_code, 400)

    def test_the_answer_is_the_same_whether_or_not_the_address_is_known(self) -> None:
        board_only = make_person(network=self.network_a, email="board@by.se")
        make_engagement(
            person=board_only,
            organisation=self.cecilia_org,
            role=Engagement.Role.BOARD,
        )
        erased = make_person(network=self.network_a, email="gone@by.se", erased_at=timezone.now())
        make_engagement(person=erased, organisation=self.cecilia_org)
        pages = []
        for email in ("cecilia@a.test", "nobody@example.org", "board@by.se", "gone@by.se"):
            response = self.request_link(email)
            self.assertRedirects(response, reverse("members:selfservice-login-sent"))
            page = self.as_anonymous().get(response["Location"]).content.decode()
            # Each page has its own (masked) CSRF token in the language switch.
            pages.append(re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", page))
        self.assertEqual(len(set(pages)), 1)
        self.assertEqual([m["To"] for m in self.smtp.messages], ["cecilia@a.test"])

    def test_a_contact_in_network_a_gets_no_link_on_network_b(self) -> None:
        self.request_link("cecilia@a.test", client=client_for(self.network_b))
        self.assertEqual(self.smtp.messages, [])

    def test_the_honeypot_stops_bots(self) -> None:
        response = self.request_link("cecilia@a.test", website="http://spam.example")
        self.assertEqual(response.status_code, 400)
        self.assertEqual(self.smtp.messages, [])

    @override_settings(BYGDEBAS_RATE_LIMIT_POSTS=2)
    def test_asking_for_links_is_rate_limited(self) -> None:
        codes = [self.request_link("nobody@example.org").status_code for _ in range(3)]
        self.assertEqual(codes, [302, 302, 429])

    def test_the_form_needs_the_csrf_token(self) -> None:
        from django.test import Client

        client = Client(HTTP_HOST="a.test", enforce_csrf_checks=True)
        with self.captureOnCommitCallbacks(execute=True):
            response = client.post(LOGIN, {"email": "cecilia@a.test"})
        self.assertEqual(response.status_code, 403)
        self.assertEqual(self.smtp.messages, [])

    def test_a_contact_logging_in_with_a_password_lands_on_the_self_service(self) -> None:
        response = self.as_anonymous().post(
            reverse("core:login"), {"username": "cecilia@a.test", "password": PASSWORD}
        )
        self.assertRedirects(response, reverse("members:selfservice-home"))

    def test_staff_logging_in_with_a_password_still_land_in_the_office(self) -> None:
        response = self.as_anonymous().post(
            reverse("core:login"), {"username": "bertil@a.test", "password": PASSWORD}
        )
        self.assertRedirects(response, reverse("plan:home"), fetch_redirect_response=False)
