"""Creating and changing organisations and people, with every change of personal data audited.

Every door (staff forms, the join form, imports, self-service, renewal) goes through these, so
the audit log (core.AuditEntry, visible to administrators) always says who changed what, when and
through which source. Values are validated with ``full_clean``: a ValidationError leaves nothing
saved.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from django.db import transaction
from django.utils import timezone

from bygdebas.core.models import AuditEntry, changed_fields
from bygdebas.core.services import record_audit
from bygdebas.members.models import Consent, Engagement, Organisation, Person, Tag
from bygdebas.members.normalise import normalise_org_number, normalise_phone

if TYPE_CHECKING:
    from bygdebas.core.models import Network, User

# The fields of a person that are personal data, and are audited field by field.
PERSON_FIELDS = ("name", "email", "phone", "birth_year", "language", "legal_basis")
ORGANISATION_FIELDS = (
    "name",
    "kind",
    "org_number",
    "municipality",
    "locality",
    "latitude",
    "longitude",
    "street_address",
    "postal_code",
    "postal_town",
    "website",
    "email",
    "phone",
    "founded_year",
    "is_youth_led",
    "notes",
)


def _snapshot(obj: Any, fields: Iterable[str]) -> dict[str, Any]:
    return {name: getattr(obj, name) for name in fields}


def _clean_person_fields(fields: dict[str, Any]) -> dict[str, Any]:
    if "phone" in fields:
        fields["phone"] = normalise_phone(fields["phone"] or "")
    if "email" in fields:
        fields["email"] = (fields["email"] or "").strip().lower()
    return fields


def _clean_organisation_fields(fields: dict[str, Any]) -> dict[str, Any]:
    if "phone" in fields:
        fields["phone"] = normalise_phone(fields["phone"] or "")
    if "org_number" in fields:
        fields["org_number"] = normalise_org_number(fields["org_number"] or "")
    if "email" in fields:
        fields["email"] = (fields["email"] or "").strip().lower()
    return fields


@transaction.atomic
def create_person(*, network: Network, actor: User | None, source: str, **fields: Any) -> Person:
    person = Person(network=network, **_clean_person_fields(fields))
    person.full_clean()
    person.save()
    record_audit(
        network=network,
        actor=actor,
        verb="person.created",
        obj=person,
        source=source,
        changes={name: ["", str(getattr(person, name) or "")] for name in PERSON_FIELDS},
    )
    return person


@transaction.atomic
def update_person(*, person: Person, actor: User | None, source: str, **fields: Any) -> Person:
    """Change a person's fields; the audit entry lists each changed field as [old, new]."""
    before = _snapshot(person, PERSON_FIELDS)
    for name, value in _clean_person_fields(fields).items():
        setattr(person, name, value)
    person.full_clean()
    changes = changed_fields(person, before, PERSON_FIELDS)
    if changes:
        person.save()
        record_audit(
            network=person.network,
            actor=actor,
            verb="person.changed",
            obj=person,
            source=source,
            changes=changes,
        )
    return person


@transaction.atomic
def create_organisation(
    *,
    network: Network,
    actor: User | None,
    source: str,
    tags: Iterable[str] = (),
    **fields: Any,
) -> Organisation:
    organisation = Organisation(network=network, **_clean_organisation_fields(fields))
    organisation.full_clean()
    organisation.save()
    set_tags(organisation, tags)
    record_audit(
        network=network,
        actor=actor,
        verb="organisation.created",
        obj=organisation,
        source=source,
    )
    return organisation


@transaction.atomic
def update_organisation(
    *,
    organisation: Organisation,
    actor: User | None,
    source: str,
    tags: Iterable[str] | None = None,
    **fields: Any,
) -> Organisation:
    before = _snapshot(organisation, ORGANISATION_FIELDS)
    for name, value in _clean_organisation_fields(fields).items():
        setattr(organisation, name, value)
    organisation.full_clean()
    changes = changed_fields(organisation, before, ORGANISATION_FIELDS)
    organisation.save()
    if tags is not None:
        set_tags(organisation, tags)
    if changes:
        record_audit(
            network=organisation.network,
            actor=actor,
            verb="organisation.changed",
            obj=organisation,
            source=source,
            changes=changes,
        )
    return organisation


def set_tags(organisation: Organisation, names: Iterable[str]) -> None:
    clean = sorted({name.strip() for name in names if name and name.strip()})
    tags = Tag.objects.for_network(organisation.network_id)
    chosen = [
        tags.get_or_create(name=name, defaults={"network_id": organisation.network_id})[0]
        for name in clean
    ]
    organisation.tags.set(chosen)


@transaction.atomic
def add_engagement(
    *,
    person: Person,
    organisation: Organisation,
    role: str,
    actor: User | None,
    source: str,
) -> Engagement:
    if person.network_id != organisation.network_id:
        raise ValueError("A person and an organisation of different networks.")
    engagement, created = Engagement.objects.get_or_create(
        person=person, organisation=organisation, role=role
    )
    if created:
        record_audit(
            network=person.network,
            actor=actor,
            verb="person.role_added",
            obj=person,
            source=source,
            changes={"role": ["", f"{engagement.get_role_display()}, {organisation.name}"]},
        )
    return engagement


@transaction.atomic
def remove_engagement(*, engagement: Engagement, actor: User | None, source: str) -> None:
    person = engagement.person
    record_audit(
        network=person.network,
        actor=actor,
        verb="person.role_removed",
        obj=person,
        source=source,
        changes={"role": [f"{engagement.get_role_display()}, {engagement.organisation.name}", ""]},
    )
    engagement.delete()


# Through which door a consent came, as the audit log names it.
_AUDIT_SOURCE_OF_CONSENT: dict[str, str] = {
    Consent.Source.JOIN_FORM: AuditEntry.Source.SELF_SERVICE,
    Consent.Source.SELF_SERVICE: AuditEntry.Source.SELF_SERVICE,
    Consent.Source.RENEWAL: AuditEntry.Source.SELF_SERVICE,
    Consent.Source.IMPORT: AuditEntry.Source.IMPORT,
    Consent.Source.STAFF: AuditEntry.Source.FORM,
}


def record_consent(
    *,
    person: Person,
    purpose: str,
    source: str,
    text: str = "",
    source_detail: str = "",
    actor: User | None = None,
) -> Consent:
    consent = Consent.objects.create(
        person=person,
        purpose=purpose,
        text=text,
        source=source,
        source_detail=source_detail,
        given_at=timezone.now(),
    )
    record_audit(
        network=person.network,
        actor=actor,
        verb="person.consent",
        obj=person,
        source=_AUDIT_SOURCE_OF_CONSENT.get(source, AuditEntry.Source.FORM),
        changes={"consent": ["", purpose]},
    )
    return consent
