"""Signed links for the yearly renewal: the link in the mail is the credential, no password.

A token names the network, the membership and (when the mail went to a person) the contact
person it was sent to. It is signed with the site's secret and dated, so a changed token is
refused and an old one expires (``BYGDEBAS_MEMBERSHIP_TOKEN_MAX_AGE_DAYS``, 60 days by default).
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.conf import settings
from django.core import signing

SALT = "bygdebas.members.renewal"
DEFAULT_MAX_AGE_DAYS = 60


class TokenExpiredError(Exception):
    """The link was genuine but is too old."""


class TokenInvalidError(Exception):
    """The link was changed, cut short or made up."""


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
    payload = {"n": network_id, "m": membership_id, "p": person_id}
    return signing.dumps(payload, salt=SALT, compress=True)


def read_renewal_token(token: str) -> RenewalToken:
    """What a token names; TokenExpiredError or TokenInvalidError when it cannot be trusted."""
    try:
        payload = signing.loads(token, salt=SALT, max_age=max_age())
    except signing.SignatureExpired:
        raise TokenExpiredError from None
    except signing.BadSignature:
        raise TokenInvalidError from None
    try:
        person = payload["p"]
        return RenewalToken(
            network_id=int(payload["n"]),
            membership_id=int(payload["m"]),
            person_id=int(person) if person is not None else None,
        )
    except (KeyError, TypeError, ValueError):
        raise TokenInvalidError from None
