"""Signed links for the yearly renewal: the link in the mail is the credential, no password.

A token (``core.signed_links``) names the network, the membership and (when the mail went to a
person) the contact person it was sent to. A changed token is refused and an old one expires
(``BYGDEBAS_MEMBERSHIP_TOKEN_MAX_AGE_DAYS``, 60 days by default).
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.conf import settings

from bygdebas.core.models import Network
from bygdebas.core.signed_links import LinkExpiredError, LinkInvalidError, make_token, read_token

SALT = "bygdebas.members.renewal"
DEFAULT_MAX_AGE_DAYS = 60

# The names the renewal view catches.
TokenExpiredError = LinkExpiredError
TokenInvalidError = LinkInvalidError


@dataclass(frozen=True)
class RenewalToken:
    network_id: int
    membership_id: int
    person_id: int | None


def max_age() -> datetime.timedelta:
    days = getattr(settings, "BYGDEBAS_MEMBERSHIP_TOKEN_MAX_AGE_DAYS", DEFAULT_MAX_AGE_DAYS)
    return datetime.timedelta(days=days)


def make_renewal_token(*, network_id: int, membership_id: int, person_id: int | None) -> str:
    """The token for one recipient's personal renewal link."""
    return make_token(purpose=SALT, network_id=network_id, m=membership_id, p=person_id)


def read_renewal_token(token: str, *, network: Network) -> RenewalToken:
    """What a token names; TokenExpiredError or TokenInvalidError when it cannot be trusted
    (including a token for another network)."""
    payload = read_token(token, purpose=SALT, network=network, max_age=max_age())
    try:
        person = payload["p"]
        return RenewalToken(
            network_id=network.pk,
            membership_id=int(payload["m"]),
            person_id=int(person) if person is not None else None,
        )
    except (KeyError, TypeError, ValueError):
        raise TokenInvalidError from None
