"""Personal data in the knowledge bank, for the register extract and erasure.

A good example names a contact person (shown only with their consent) and keeps who sent it in;
a contact person may have asked for the weekly mail of funding calls. Both are matched to a
person of the member registry by e-mail address in the same network.
"""

from __future__ import annotations

import json
from typing import Any

from django.core.serializers.json import DjangoJSONEncoder
from django.db.models import Q

from bygdebas.core.moderation import erase_submitter, extract_submissions
from bygdebas.core.personal_data import DataSubject, erased_name
from bygdebas.projects.models import CallDigestSubscription, Example


def _examples(person: DataSubject) -> Any:
    if not person.email:
        return Example.objects.none()
    return Example.objects.for_network(person.network).filter(
        Q(contact_email__iexact=person.email)
        | Q(submitter_email__iexact=person.email)
        | Q(submitted_by__email__iexact=person.email)
    )


def extract(person: DataSubject) -> list[dict[str, Any]]:
    rows = []
    for example in _examples(person):
        rows.append(
            {
                "example": example.title,
                "contact_name": example.contact_name,
                "contact_email": example.contact_email,
                "contact_phone": example.contact_phone,
                "has_contact_consent": example.has_contact_consent,
                "submissions": extract_submissions(
                    [example] if example.submitted_at is not None else []
                ),
            }
        )
    for subscription in CallDigestSubscription.objects.for_network(person.network).filter(
        user__email__iexact=person.email or "-"
    ):
        rows.append({"funding_call_digest_since": subscription.created_at})
    # JSON-ready: dates as ISO text, as the rest of the extract.
    return json.loads(json.dumps(rows, cls=DjangoJSONEncoder))


def erase(person: DataSubject) -> int:
    if not person.email:
        return 0
    examples = Example.objects.for_network(person.network)
    contacts = examples.filter(contact_email__iexact=person.email).update(
        contact_name="", contact_email="", contact_phone="", has_contact_consent=False
    )
    submitted = erase_submitter(
        examples.filter(
            Q(submitter_email__iexact=person.email) | Q(submitted_by__email__iexact=person.email)
        ),
        name=erased_name(),
    )
    digests, _ = (
        CallDigestSubscription.objects.for_network(person.network)
        .filter(user__email__iexact=person.email)
        .delete()
    )
    return contacts + submitted + digests
