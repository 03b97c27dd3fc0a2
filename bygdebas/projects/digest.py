"""The link in the funding-call digest that stops it: signed, GET shows a page, POST stops."""

from __future__ import annotations

import datetime
from typing import Any

from django.http import Http404

from bygdebas.core.access import fetch_in_network
from bygdebas.core.confirmation import SignedLinkView
from bygdebas.core.models import Network
from bygdebas.core.signed_links import LinkInvalidError, read_token
from bygdebas.projects import services
from bygdebas.projects.models import CallDigestSubscription

PURPOSE = services.DIGEST_STOP
# A digest is weekly; a link in an old one still stops it for a year.
MAX_AGE = datetime.timedelta(days=366)


class StopDigestView(SignedLinkView):
    templates = {
        "page": ["projects/digest_stop.html"],
        "done": ["projects/digest_stop_done.html"],
        "invalid": ["core/signed_link/invalid.html"],
    }

    def load(self, network: Network, token: str) -> Any:
        values = read_token(token, purpose=PURPOSE, network=network, max_age=MAX_AGE)
        try:
            return fetch_in_network(network, CallDigestSubscription, values.get("s"))
        except Http404 as error:  # already stopped: the row is gone
            raise LinkInvalidError("No such digest.") from error

    def act(self, subscription: CallDigestSubscription) -> bool:
        return not services.set_call_digest(
            network=subscription.network, user=subscription.user, wanted=False
        )
