"""Subscriptions and sent-in items in the register extract and erasure (``core.personal_data``).

A subscription is matched to a registry person by network and e-mail address. Erasure deletes
the subscription (its consents and ledger rows go with it) but keeps the address suppressed, so
that an erased person is never mailed again by mistake; their sent-in items keep their text
with the sender's name erased.
"""

from __future__ import annotations

from typing import Any

from bygdebas.core.moderation import erase_submitter, extract_submissions
from bygdebas.core.personal_data import DataSubject, erased_name
from bygdebas.newsletter.models import Item, Subscription, Suppression


def _subscriptions(person: DataSubject) -> Any:
    if not person.email:
        return Subscription.objects.none()
    return Subscription.objects.for_network(person.network).with_email(person.email)


def extract(person: DataSubject) -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = []
    for subscription in _subscriptions(person).prefetch_related("consents", "topics"):
        rows.append(
            {
                "email": subscription.email,
                "name": subscription.name,
                "source": subscription.source,
                "topics": [topic.name for topic in subscription.topics.all()],
                "created_at": subscription.created_at.isoformat(),
                "confirmed_at": subscription.confirmed_at and subscription.confirmed_at.isoformat(),
                "unsubscribed_at": subscription.unsubscribed_at
                and subscription.unsubscribed_at.isoformat(),
                "consents": [
                    {
                        "given_at": consent.given_at.isoformat(),
                        "source": consent.source,
                        "legal_basis": consent.legal_basis,
                        "text": consent.text,
                    }
                    for consent in subscription.consents.all()
                ],
            }
        )
    if person.email:
        items = Item.objects.for_network(person.network).submitted_from(person.email)
        rows.extend(extract_submissions(items))
    return rows


def erase(person: DataSubject) -> int:
    count = 0
    for subscription in _subscriptions(person):
        Suppression.objects.for_network(person.network).get_or_create(
            email=subscription.email.lower(),
            defaults={"network": person.network, "reason": Suppression.Reason.UNSUBSCRIBED},
        )
        subscription.delete()
        count += 1
    if person.email:
        items = Item.objects.for_network(person.network).submitted_from(person.email)
        count += erase_submitter(items, name=erased_name())
    return count
