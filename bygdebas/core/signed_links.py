"""Signed, expiring tokens for links in mail that change state: the link is the credential.

A renewal link, a login link, a subscription's confirmation or unsubscribe link carries a token
made here. It names the network and what the link is about, is signed with the site's secret
under a purpose of its own (so that a token for one purpose is worthless for another), and carries
its date, so that a changed token is refused and an old one expires::

    RENEWAL = "bygdebas.members.renewal"

    token = make_token(purpose=RENEWAL, network_id=network.pk, m=membership.pk)
    values = read_token(token, purpose=RENEWAL, network=network, max_age=timedelta(days=60))
    values["m"]  # the membership's id; LinkExpiredError / LinkInvalidError if it cannot be trusted

The page behind such a link shows what will happen and a button on GET, and acts only on POST,
because mail scanners follow links (the RFC 8058 one-click unsubscribe POST is the exception that
needs no page). What the token names is looked up within the network (``fetch_in_network``).
"""

from __future__ import annotations

import datetime
from typing import TYPE_CHECKING, Any

from django.core import signing

if TYPE_CHECKING:
    from bygdebas.core.models import Network


class LinkError(Exception):
    """The link cannot be trusted."""


class LinkExpiredError(LinkError):
    """The link was genuine but is too old."""


class LinkInvalidError(LinkError):
    """The link was changed, cut short, made up, or is for another network."""


def make_token(*, purpose: str, network_id: int, **values: Any) -> str:
    """A signed, dated token naming ``network_id`` and ``values`` (short keys keep links short)."""
    return signing.dumps({"n": network_id, **values}, salt=purpose, compress=True)


def read_token(
    token: str, *, purpose: str, network: Network | int, max_age: datetime.timedelta | int
) -> dict[str, Any]:
    """The values a token for ``purpose`` names, if it is genuine, recent and for ``network``."""
    try:
        payload = signing.loads(token, salt=purpose, max_age=max_age)
    except signing.SignatureExpired:
        raise LinkExpiredError("The link has expired.") from None
    except signing.BadSignature:
        raise LinkInvalidError("The link is not genuine.") from None
    network_id = network if isinstance(network, int) else network.pk
    if not isinstance(payload, dict) or _as_int(payload.get("n")) != network_id:
        raise LinkInvalidError("The link is for another network.")
    return payload


def _as_int(value: Any) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None
