"""Self-service for the contact persons of member organisations.

A contact person logs in by a one-time link sent by e-mail: the link carries a signed, timestamped
value naming the network and the person, plus a fingerprint of the person's login state (the
login's ``last_login``). Logging in changes ``last_login``, so a used link no longer matches and is
refused; a link older than ``LOGIN_LINK_MAX_AGE_S`` is refused too.

Every change a contact makes goes through ``members.services.registry`` with the source
``AuditEntry.Source.SELF_SERVICE``, so administrators see it in the audit log.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.crypto import salted_hmac
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from bygdebas.core.mail import send_templated_mail
from bygdebas.core.models import AuditEntry, Network, Role, User
from bygdebas.core.services import record_audit
from bygdebas.core.signed_links import LinkError, make_token, read_token
from bygdebas.members.models import Consent, Engagement, Membership, Organisation, Person
from bygdebas.members.services import registry

SOURCE = AuditEntry.Source.SELF_SERVICE
LOGIN_LINK_SALT = "bygdebas.members.login-link"
# Long enough to find the mail, short enough that an old mailbox is not a key.
LOGIN_LINK_MAX_AGE_S = 30 * 60


class LoginLinkError(Exception):
    """The link is unknown, tampered with, expired, already used or for another network."""


def contact_person_for_email(*, network: Network, email: str) -> Person | None:
    """The (not erased) person with ``email`` who is a contact person of an organisation."""
    email = (email or "").strip().lower()
    if not email:
        return None
    return (
        Person.objects.for_network(network)
        .not_erased()
        .filter(email=email, engagements__role=Engagement.Role.CONTACT)
        .select_related("user")
        .first()
    )


def _login_state(person: Person) -> str:
    """A fingerprint of what changes when the link is used (or the person changes address)."""
    user = person.user
    last_login = user.last_login.isoformat() if user and user.last_login else ""
    value = f"{person.pk}|{person.email}|{user.pk if user else ''}|{last_login}"
    return salted_hmac(LOGIN_LINK_SALT, value, algorithm="sha256").hexdigest()[:32]


def make_login_token(person: Person) -> str:
    return make_token(
        purpose=LOGIN_LINK_SALT,
        network_id=person.network_id,
        p=person.pk,
        s=_login_state(person),
    )


def person_for_login_token(*, network: Network, token: str) -> Person:
    """The person a login link is for; LoginLinkError when it must not log anyone in."""
    try:
        value = read_token(
            token, purpose=LOGIN_LINK_SALT, network=network, max_age=LOGIN_LINK_MAX_AGE_S
        )
    except LinkError as error:
        raise LoginLinkError(str(error)) from None
    if not isinstance(value.get("p"), int):
        raise LoginLinkError("The link names nobody.")
    person = (
        Person.objects.for_network(network)
        .not_erased()
        .filter(pk=value["p"], engagements__role=Engagement.Role.CONTACT)
        .select_related("user")
        .first()
    )
    if person is None or value.get("s") != _login_state(person):
        raise LoginLinkError("The link was used already, or the person changed.")
    if person.user is not None and not person.user.is_active:
        raise LoginLinkError("The login is deactivated.")
    return person


def send_login_link(*, network: Network, email: str, base_url: str) -> bool:
    """Mail a one-time login link if ``email`` belongs to a contact person; True if one was sent.

    The caller shows the same page either way, so that nobody can find out whose address is known.
    """
    person = contact_person_for_email(network=network, email=email)
    if person is None:
        return False
    path = reverse("members:selfservice-login-link", kwargs={"token": make_login_token(person)})
    send_templated_mail(
        network=network,
        to=[person.email],
        template="members/mail/login_link",
        context={
            "person": person,
            "link": base_url.rstrip("/") + path,
            "minutes": LOGIN_LINK_MAX_AGE_S // 60,
        },
        language=person.language,
    )
    return True


@transaction.atomic
def log_in_by_link(*, network: Network, token: str) -> User:
    """The login of the link's person, created if missing (CONTACT role, no password).

    The caller logs the user in, which sets ``last_login`` and so spends the link.
    """
    checked = person_for_login_token(network=network, token=token)
    # Lock the person so that two simultaneous clicks cannot both use the link.
    person = Person.objects.select_for_update().get(pk=checked.pk)
    if _login_state(person) != _login_state(checked):
        raise LoginLinkError("The link was used already.")
    user = person.user
    if user is None:
        user = User.objects.filter(email__iexact=person.email).first()
        if user is None:
            user = User.objects.create_user(email=person.email, first_name=person.name[:150])
            user.set_unusable_password()
            user.save(update_fields=["password"])
        elif not user.is_active:
            raise LoginLinkError("The login is deactivated.")
        person.user = user
        person.save(update_fields=["user", "updated_at"])
    # A contact person needs the CONTACT role; an existing staff role is never downgraded.
    role, created = Role.objects.for_network(network).get_or_create(
        user=user, defaults={"network": network, "kind": Role.Kind.CONTACT}
    )
    if created:
        record_audit(
            network=network,
            actor=user,
            verb="role granted",
            obj=role,
            source=SOURCE,
            changes={"role": ["", Role.Kind.CONTACT]},
        )
    # Spend the link now, not only when the session is made.
    user.last_login = timezone.now()
    user.save(update_fields=["last_login"])
    return user


# Changes by a contact person


def contact_count(organisation: Organisation) -> int:
    return (
        Engagement.objects.filter(
            organisation=organisation,
            role=Engagement.Role.CONTACT,
            person__erased_at__isnull=True,
        )
        .values("person")
        .distinct()
        .count()
    )


def update_organisation(*, organisation: Organisation, actor: User, **fields: Any) -> Organisation:
    """The contact person changes the organisation's details (audited as self-service)."""
    return registry.update_organisation(
        organisation=organisation, actor=actor, source=SOURCE, **fields
    )


@transaction.atomic
def add_person(
    *,
    organisation: Organisation,
    actor: User,
    name: str,
    email: str,
    phone: str = "",
    roles: Iterable[str],
) -> Person:
    """Add someone with ``roles`` in the organisation; a known address gets the roles only."""
    roles = list(roles)
    if not roles:
        raise ValidationError({"roles": _("Choose at least one role.")})
    email = (email or "").strip().lower()
    person = None
    if email:
        person = Person.objects.for_network(organisation.network).filter(email=email).first()
        if person is not None and person.erased_at is not None:
            raise ValidationError({"email": _("This address cannot be used.")})
    if person is None:
        person = registry.create_person(
            network=organisation.network,
            actor=actor,
            source=SOURCE,
            name=name,
            email=email,
            phone=phone,
            legal_basis=Person.LegalBasis.CONTRACT,
        )
    for role in roles:
        registry.add_engagement(
            person=person, organisation=organisation, role=role, actor=actor, source=SOURCE
        )
    return person


@transaction.atomic
def update_person(
    *,
    organisation: Organisation,
    person: Person,
    actor: User,
    roles: Iterable[str],
    **fields: Any,
) -> Person:
    """Change a person's details and their roles in this organisation (others' roles stay)."""
    roles = set(roles)
    if not roles:
        raise ValidationError({"roles": _("Choose at least one role, or remove the person.")})
    registry.update_person(person=person, actor=actor, source=SOURCE, **fields)
    current = {e.role: e for e in person.engagements.filter(organisation=organisation)}
    for role in roles - current.keys():
        registry.add_engagement(
            person=person, organisation=organisation, role=role, actor=actor, source=SOURCE
        )
    for role in current.keys() - roles:
        registry.remove_engagement(engagement=current[role], actor=actor, source=SOURCE)
    _check_has_contact(organisation)
    return person


@transaction.atomic
def remove_person(*, organisation: Organisation, person: Person, actor: User) -> None:
    """Take every role of ``person`` in the organisation away (the person's record stays)."""
    for engagement in person.engagements.filter(organisation=organisation):
        registry.remove_engagement(engagement=engagement, actor=actor, source=SOURCE)
    _check_has_contact(organisation)


def _check_has_contact(organisation: Organisation) -> None:
    if contact_count(organisation) == 0:
        # Raised inside the transaction: nothing of the change is saved.
        raise ValidationError(
            _("The organisation must keep at least one contact person. Add another one first.")
        )


# What the network stores about an organisation


def _iso(value: datetime.date | datetime.datetime | None) -> str | None:
    return value.isoformat() if value else None


def organisation_data(organisation: Organisation) -> dict[str, Any]:
    """Everything the network stores about an organisation and its people, for download."""
    people: dict[int, dict[str, Any]] = {}
    engagements = (
        Engagement.objects.filter(organisation=organisation, person__erased_at__isnull=True)
        .select_related("person")
        .order_by("person__name", "person_id", "role")
    )
    for engagement in engagements:
        person = engagement.person
        entry = people.setdefault(
            person.pk,
            {
                "name": person.name,
                "email": person.email,
                "phone": person.phone,
                "birth_year": person.birth_year,
                "language": person.language,
                "legal_basis": person.legal_basis,
                "roles": [],
                "consents": [],
                "created_at": _iso(person.created_at),
                "updated_at": _iso(person.updated_at),
            },
        )
        entry["roles"].append(engagement.role)
    for consent in Consent.objects.filter(person_id__in=people).order_by("given_at", "pk"):
        people[consent.person_id]["consents"].append(
            {
                "purpose": consent.purpose,
                "text": consent.text,
                "source": consent.source,
                "source_detail": consent.source_detail,
                "given_at": _iso(consent.given_at),
                "withdrawn_at": _iso(consent.withdrawn_at),
            }
        )
    memberships = Membership.objects.filter(organisation=organisation).order_by("year")
    return {
        "generated_at": timezone.now().isoformat(),
        "network": organisation.network.name,
        "organisation": {
            "name": organisation.name,
            "kind": organisation.kind,
            "org_number": organisation.org_number,
            "municipality": organisation.municipality.name if organisation.municipality else None,
            "locality": organisation.locality,
            "latitude": organisation.latitude,
            "longitude": organisation.longitude,
            "street_address": organisation.street_address,
            "postal_code": organisation.postal_code,
            "postal_town": organisation.postal_town,
            "website": organisation.website,
            "email": organisation.email,
            "phone": organisation.phone,
            "founded_year": organisation.founded_year,
            "is_youth_led": organisation.is_youth_led,
            "notes": organisation.notes,
            "tags": sorted(tag.name for tag in organisation.tags.all()),
            "created_at": _iso(organisation.created_at),
            "updated_at": _iso(organisation.updated_at),
        },
        "people": list(people.values()),
        "memberships": [
            {
                "year": membership.year,
                "status": membership.status,
                "fee": str(membership.fee) if membership.fee is not None else None,
                "invoiced_on": _iso(membership.invoiced_on),
                "paid_on": _iso(membership.paid_on),
                "application_message": membership.application_message,
                "applied_at": _iso(membership.applied_at),
                "decided_at": _iso(membership.decided_at),
                "renewal_requested_at": _iso(membership.renewal_requested_at),
                "renewal_confirmed_at": _iso(membership.renewal_confirmed_at),
            }
            for membership in memberships
        ],
    }


def organisation_document(organisation: Organisation) -> dict[str, Any]:
    """What ``organisation_data`` holds, as rows a person reads: labels, not field names and
    codes, in the active language (for the PDF download)."""
    engagements = (
        Engagement.objects.filter(organisation=organisation, person__erased_at__isnull=True)
        .select_related("person")
        .order_by("person__name", "person_id", "role")
    )
    people: dict[int, dict[str, Any]] = {}
    for engagement in engagements:
        person = engagement.person
        entry = people.setdefault(person.pk, {"person": person, "roles": [], "consents": []})
        entry["roles"].append(engagement.get_role_display())
    for consent in Consent.objects.filter(person_id__in=people).order_by("given_at", "pk"):
        people[consent.person_id]["consents"].append(consent)
    return {
        "organisation": organisation,
        "tags": sorted(tag.name for tag in organisation.tags.all()),
        "people": list(people.values()),
        "memberships": list(Membership.objects.filter(organisation=organisation).order_by("year")),
        "generated_at": timezone.now(),
    }


def render_organisation_pdf(organisation: Organisation, *, base_url: str | None = None) -> bytes:
    """Everything the network stores about an organisation and its people, as an A4 PDF in
    the active language: the readable twin of the JSON download."""
    import weasyprint

    html = render_to_string(
        "members/selfservice/pdf/organisation.html",
        {
            **organisation_document(organisation),
            "network": organisation.network,
            "language_code": get_language(),
        },
    )
    return weasyprint.HTML(string=html, base_url=base_url).write_pdf()
