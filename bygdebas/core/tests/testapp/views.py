"""A one-click unsubscribe link (core.confirmation.SignedLinkView) for the tests."""

from __future__ import annotations

import datetime
from typing import Any

from django.utils import timezone

from bygdebas.core.access import fetch_in_network
from bygdebas.core.confirmation import SignedLinkView
from bygdebas.core.models import Network
from bygdebas.core.signed_links import LinkInvalidError, make_token, read_token
from bygdebas.core.tests.testapp.models import Signup

UNSUBSCRIBE = "core_testapp.unsubscribe"


def unsubscribe_token(signup: Signup) -> str:
    return make_token(purpose=UNSUBSCRIBE, network_id=signup.network_id, s=signup.pk)


class UnsubscribeView(SignedLinkView):
    one_click = True
    templates = {
        "page": ["core/signed_link/page.html"],
        "done": ["core/signed_link/done.html"],
        "invalid": ["core/signed_link/invalid.html"],
    }

    def load(self, network: Network, token: str) -> Any:
        values = read_token(
            token, purpose=UNSUBSCRIBE, network=network, max_age=datetime.timedelta(days=365)
        )
        try:
            return fetch_in_network(network, Signup, values.get("s"))
        except Exception:
            raise LinkInvalidError from None

    def is_used(self, obj: Any) -> bool:
        return obj.unsubscribed_at is not None

    def act(self, obj: Any) -> bool:
        updated = Signup.objects.filter(pk=obj.pk, unsubscribed_at__isnull=True).update(
            unsubscribed_at=timezone.now()
        )
        return bool(updated)


def welcome(signup: Signup) -> None:
    signup.is_welcomed = True
    signup.save(update_fields=["is_welcomed"])
