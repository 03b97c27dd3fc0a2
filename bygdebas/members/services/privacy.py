"""Data protection: consents, register extracts, erasure and retention.

Erasure keeps the statistics honest and the personal data gone: the person's row stays as an
anonymous placeholder ("Erased person") with its roles in organisations, so counts of
organisations, roles and memberships do not change; every personal string (name, address, phone,
birth year, consent wording, the login's address, the old values in the audit log) is removed,
and so is what other apps keep about the person (event registrations under the same address, for
example), through the personal-data registry (``core.personal_data``).
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from bygdebas.core.models import AuditEntry, Network, Role, User
from bygdebas.core.personal_data import (
    PersonalDataProvider,
    RetentionProvider,
    RetentionRow,
    erased_name,
    providers,
    retention_providers,
)
from bygdebas.core.services import record_audit
from bygdebas.members.models import Consent, Engagement, Membership, Person, PersonQuerySet
from bygdebas.members.services import registry

DEFAULT_RETENTION_YEARS = 3


def retention_years() -> int:
    return int(getattr(settings, "MEMBERS_RETENTION_YEARS", DEFAULT_RETENTION_YEARS))


# Consents and legal basis


def record_consent(
    *, person: Person, actor: User, purpose: str, text: str = "", source_detail: str = ""
) -> Consent:
    """Staff record a consent the person gave (on paper, by phone…)."""
    _check_not_erased(person)
    return registry.record_consent(
        person=person,
        purpose=purpose,
        text=text,
        source=Consent.Source.STAFF,
        source_detail=source_detail,
        actor=actor,
    )


@transaction.atomic
def withdraw_consent(*, consent: Consent, actor: User) -> Consent:
    """Mark a consent withdrawn (kept, so that it shows what was agreed and until when)."""
    if consent.withdrawn_at is not None:
        raise ValidationError(_("This consent was already withdrawn."))
    _check_not_erased(consent.person)
    consent.withdrawn_at = timezone.now()
    consent.save(update_fields=["withdrawn_at"])
    record_audit(
        network=consent.person.network,
        actor=actor,
        verb="person.consent_withdrawn",
        obj=consent.person,
        source=AuditEntry.Source.FORM,
        changes={"consent": [consent.purpose, ""]},
    )
    return consent


def set_legal_basis(*, person: Person, actor: User, legal_basis: str) -> Person:
    _check_not_erased(person)
    return registry.update_person(
        person=person, actor=actor, source=AuditEntry.Source.FORM, legal_basis=legal_basis
    )


def _check_not_erased(person: Person) -> None:
    if person.erased_at is not None:
        raise ValidationError(_("This person's data has been erased."))


# Register extract


def audit_entries_about(person: Person) -> Any:
    return (
        AuditEntry.objects.for_network(person.network)
        .filter(content_type=ContentType.objects.get_for_model(Person), object_id=str(person.pk))
        .select_related("actor")
    )


def _iso(value: datetime.date | datetime.datetime | None) -> str | None:
    return value.isoformat() if value else None


Records = list[tuple[PersonalDataProvider, list[dict[str, Any]]]]


def other_records(person: Person) -> Records:
    """What the apps registered in ``core.personal_data`` keep about the person, by app."""
    return [(provider, provider.extract(person)) for provider in providers()]


def extract_data(person: Person, records: Records | None = None) -> dict[str, Any]:
    """Everything stored about one person (GDPR article 15), as plain data."""
    if records is None:
        records = other_records(person)
    user = person.user
    roles = (
        Role.objects.for_network(person.network).filter(user=user) if user else Role.objects.none()
    )
    return {
        "generated_at": timezone.now().isoformat(),
        "network": person.network.name,
        "person": {
            "name": person.name,
            "email": person.email,
            "phone": person.phone,
            "birth_year": person.birth_year,
            "language": person.language,
            "legal_basis": person.legal_basis,
            "legal_basis_label": str(person.get_legal_basis_display()),
            "created_at": _iso(person.created_at),
            "updated_at": _iso(person.updated_at),
            "erased_at": _iso(person.erased_at),
        },
        "login": {
            "email": user.email,
            "last_login": _iso(user.last_login),
            "roles": [role.kind for role in roles],
        }
        if user
        else None,
        "roles_in_organisations": [
            {
                "organisation": engagement.organisation.name,
                "role": engagement.role,
                "role_label": str(engagement.get_role_display()),
                "since": _iso(engagement.created_at),
            }
            for engagement in person.engagements.select_related("organisation").order_by(
                "organisation__name", "role"
            )
        ],
        "consents": [
            {
                "purpose": consent.purpose,
                "text": consent.text,
                "source": consent.source,
                "source_label": str(consent.get_source_display()),
                "source_detail": consent.source_detail,
                "given_at": _iso(consent.given_at),
                "withdrawn_at": _iso(consent.withdrawn_at),
            }
            for consent in person.consents.order_by("given_at", "pk")
        ],
        # Rows other apps keep about the person (event registrations, recruitment's prospects…),
        # each under its own key when the app asked for one, the others under other_records.
        **{provider.section: rows for provider, rows in records if provider.section},
        "other_records": {
            provider.key: {"label": str(provider.label), "rows": rows}
            for provider, rows in records
            if not provider.section
        },
        "audit_log": [
            {
                "at": _iso(entry.at),
                "what": entry.verb,
                "source": entry.source,
                "by": str(entry.actor) if entry.actor else None,
                "changes": entry.changes,
            }
            for entry in audit_entries_about(person).order_by("at", "pk")
        ],
    }


def render_extract_pdf(person: Person, *, base_url: str | None = None) -> bytes:
    """The register extract as an A4 PDF, in the active language."""
    import weasyprint

    records = other_records(person)
    html = render_to_string(
        "members/privacy/pdf/extract.html",
        {
            "person": person,
            "network": person.network,
            "data": extract_data(person, records),
            "records": [
                {"label": provider.label, "template": provider.extract_template, "rows": rows}
                for provider, rows in records
            ],
            "language_code": get_language(),
        },
    )
    return weasyprint.HTML(string=html, base_url=base_url).write_pdf()


# Erasure


def _anonymise_user(user: User, network: Network) -> None:
    """Take the login's contact role here; deactivate and blank it if nothing else uses it."""
    Role.objects.for_network(network).filter(user=user, kind=Role.Kind.CONTACT).delete()
    still_used = (
        Role.objects.filter(user=user).exists()
        or Person.objects.filter(user=user).exists()
        or user.is_staff
        or user.is_superuser
    )
    if still_used:
        return
    user.email = f"erased-{user.pk}@example.invalid"
    user.first_name = ""
    user.last_name = ""
    user.is_active = False
    user.set_unusable_password()
    user.save()


def _scrub_audit_entries(person: Person, roles: Iterable[Role], placeholder: str) -> None:
    """Remove the old values (names, addresses) from the log, keeping what was done and when."""
    entries = AuditEntry.objects.for_network(person.network).filter(
        Q(content_type=ContentType.objects.get_for_model(Person), object_id=str(person.pk))
        | Q(
            content_type=ContentType.objects.get_for_model(Role),
            object_id__in=[str(role.pk) for role in roles],
        )
    )
    for entry in entries:
        entry.object_repr = placeholder
        entry.changes = {
            name: ["…" if old else "", "…" if new else ""]
            for name, (old, new) in (
                (name, pair if isinstance(pair, list) and len(pair) == 2 else ["", ""])
                for name, pair in (entry.changes or {}).items()
            )
        }
        entry.save(update_fields=["object_repr", "changes"])


@transaction.atomic
def erase_person(*, person: Person, actor: User) -> Person:
    """Remove a person's personal data, keeping an anonymous row for the statistics."""
    person = Person.objects.select_for_update().get(pk=person.pk)
    _check_not_erased(person)
    network = person.network
    placeholder = erased_name()
    user = person.user
    user_roles = list(Role.objects.for_network(network).filter(user=user)) if user else []

    # Each app erases what it keeps while the person still has their e-mail address.
    for provider in providers():
        provider.erase(person)
    person.consents.update(text="", source_detail="")
    _scrub_audit_entries(person, user_roles, placeholder)

    person.name = placeholder
    person.email = ""
    person.phone = ""
    person.birth_year = None
    person.user = None
    person.erased_at = timezone.now()
    person.save()
    if user is not None:
        _anonymise_user(user, network)
    record_audit(
        network=network,
        actor=actor,
        verb="person.erased",
        obj=person,
        source=AuditEntry.Source.FORM,
    )
    return person


def erasure_notes(person: Person) -> list[str]:
    """What erasing the person does to other apps' records, one line per app that says."""
    notes = []
    for provider in providers():
        note = provider.describe_erasure(person) if provider.describe_erasure else ""
        if note:
            notes.append(note)
    return notes


# Retention


def years_before(moment: datetime.datetime, years: int) -> datetime.datetime:
    """The same moment ``years`` years earlier (28 February for a 29 February)."""
    try:
        return moment.replace(year=moment.year - years)
    except ValueError:  # 29 February
        return moment.replace(year=moment.year - years, day=28)


def retention_candidates(
    network: Network, *, now: datetime.datetime | None = None, years: int | None = None
) -> PersonQuerySet:
    """People to review for erasure: not erased, not changed for ``years`` years, and without a
    role in an organisation that was an active member in any of the last ``years`` years
    (this year included)."""
    now = now or timezone.now()
    years = retention_years() if years is None else years
    first_kept_year = timezone.localtime(now).year - years + 1
    cutoff = years_before(now, years)
    recent_members = (
        Membership.objects.for_network(network)
        .filter(status=Membership.Status.ACTIVE, year__gte=first_kept_year)
        .values("organisation")
    )
    kept = Engagement.objects.filter(organisation__in=recent_members).values("person")
    return (
        Person.objects.for_network(network)
        .not_erased()
        .filter(created_at__lt=cutoff, updated_at__lt=cutoff)
        .exclude(pk__in=kept)
    )


def erase_people(*, network: Network, people: Iterable[int], actor: User) -> int:
    """Erase the chosen retention candidates; someone no longer due is skipped."""
    candidates = retention_candidates(network).filter(pk__in=list(people))
    count = 0
    for person in candidates:
        erase_person(person=person, actor=actor)
        count += 1
    return count


@dataclass(frozen=True)
class RetentionSection:
    provider: RetentionProvider
    rows: list[RetentionRow]


def other_retention_candidates(
    network: Network, *, now: datetime.datetime | None = None, years: int | None = None
) -> list[RetentionSection]:
    """Records other apps keep that are due for review (see ``core.personal_data``), by app."""
    now = now or timezone.now()
    years = retention_years() if years is None else years
    return [
        RetentionSection(
            provider=provider,
            rows=provider.candidates(network=network, now=now, years=years),
        )
        for provider in retention_providers()
    ]
