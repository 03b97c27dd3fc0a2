"""Signed, expiring tokens for links in mail (``core.signed_links``)."""

from __future__ import annotations

import datetime
import time
from unittest import mock

from django.core import signing
from django.test import SimpleTestCase

from bygdebas.core.models import Network
from bygdebas.core.signed_links import (
    LinkExpiredError,
    LinkInvalidError,
    make_token,
    read_token,
)

PURPOSE = "bygdebas.tests.confirm"
DAY = datetime.timedelta(days=1)


class SignedLinkTests(SimpleTestCase):
    network = Network(pk=7, name="A")

    def test_a_token_reads_back_what_it_names(self) -> None:
        token = make_token(purpose=PURPOSE, network_id=7, s=42, e="a@b.se")
        self.assertEqual(
            read_token(token, purpose=PURPOSE, network=self.network, max_age=DAY),
            {"n": 7, "s": 42, "e": "a@b.se"},
        )
        self.assertEqual(read_token(token, purpose=PURPOSE, network=7, max_age=DAY)["s"], 42)

    def test_another_purpose_or_network_refuses_it(self) -> None:
        token = make_token(purpose=PURPOSE, network_id=7, s=42)
        with self.assertRaises(LinkInvalidError):
            read_token(token, purpose="bygdebas.tests.other", network=7, max_age=DAY)
        with self.assertRaisesMessage(LinkInvalidError, "another network"):
            read_token(token, purpose=PURPOSE, network=8, max_age=DAY)

    def test_a_changed_or_cut_token_is_invalid(self) -> None:
        token = make_token(purpose=PURPOSE, network_id=7, s=42)
        for bad in (token[:-3], token.replace(":", ";", 1), "", "not-a-token"):
            with self.subTest(bad=bad), self.assertRaises(LinkInvalidError):
                read_token(bad, purpose=PURPOSE, network=7, max_age=DAY)

    def test_an_old_token_has_expired(self) -> None:
        with mock.patch("django.core.signing.time.time", return_value=time.time() - 2 * 86400):
            token = make_token(purpose=PURPOSE, network_id=7, s=42)
        with self.assertRaises(LinkExpiredError):
            read_token(token, purpose=PURPOSE, network=7, max_age=DAY)
        self.assertEqual(read_token(token, purpose=PURPOSE, network=7, max_age=3 * DAY)["s"], 42)

    def test_links_already_mailed_keep_working(self) -> None:
        # How renewal links were signed before this module: the same format.
        old = signing.dumps(
            {"n": 7, "m": 3, "p": None}, salt="bygdebas.members.renewal", compress=True
        )
        values = read_token(old, purpose="bygdebas.members.renewal", network=7, max_age=DAY)
        self.assertEqual((values["m"], values["p"]), (3, None))
