"""Membership year by year: applications, staff decisions, and the yearly renewal with reminders.

A membership moves only along ``TRANSITIONS``. Every write here is one transaction: a failure
leaves nothing saved and sends no mail (mail is handed over on commit). Organisations and people
are created and changed only through ``members.services.registry``, which audits personal data.

The schedule's settings (all optional):

- ``BYGDEBAS_MEMBERSHIP_REMINDER_DAYS``: days after the renewal request when reminders go out
  (default ``(14, 28)``);
- ``BYGDEBAS_MEMBERSHIP_LAPSE_DAYS``: days after the request when an unconfirmed renewal lapses
  (default 60);
- ``BYGDEBAS_MEMBERSHIP_TOKEN_MAX_AGE_DAYS``: how long a personal link works (see tokens.py).
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Count
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from bygdebas.core.hooks import emit
from bygdebas.core.mail import send_templated_mail
from bygdebas.core.models import AuditEntry, Network, User
from bygdebas.core.services import record_audit
from bygdebas.members.models import (
    Consent,
    Engagement,
    Membership,
    Organisation,
    OrganisationQuerySet,
    Person,
)
from bygdebas.members.normalise import name_key, normalise_org_number
from bygdebas.members.services import registry
from bygdebas.members.tokens import make_renewal_token

Status = Membership.Status

# Where a membership may go from each status. Staff edit along these; the join form, the
# renewal requests and the schedule make the other moves (→ applied, → renewal requested).
TRANSITIONS: dict[str, frozenset[str]] = {
    Status.APPLIED: frozenset({Status.ACTIVE, Status.DECLINED}),
    Status.RENEWAL_REQUESTED: frozenset({Status.ACTIVE, Status.LAPSED}),
    Status.ACTIVE: frozenset({Status.ENDED}),
    # A late payment or confirmation after the deadline brings a lapsed member back.
    Status.LAPSED: frozenset({Status.ACTIVE}),
    Status.ENDED: frozenset(),
    Status.DECLINED: frozenset(),
}

DEFAULT_REMINDER_DAYS = (14, 28)
DEFAULT_LAPSE_DAYS = 60


class MembershipError(ValidationError):
    pass


def reminder_days() -> list[int]:
    return sorted(getattr(settings, "BYGDEBAS_MEMBERSHIP_REMINDER_DAYS", DEFAULT_REMINDER_DAYS))


def lapse_days() -> int:
    return int(getattr(settings, "BYGDEBAS_MEMBERSHIP_LAPSE_DAYS", DEFAULT_LAPSE_DAYS))


def next_statuses(membership: Membership) -> list[str]:
    """The statuses staff may move ``membership`` to, its own first."""
    current = membership.status
    return [current, *(s for s in Status.values if s in TRANSITIONS.get(current, ()))]


# Recipients and mail


@dataclass(frozen=True)
class Recipient:
    name: str
    email: str
    person: Person | None = None

    @property
    def language(self) -> str | None:
        return self.person.language if self.person else None


def contact_recipients(organisation: Organisation) -> list[Recipient]:
    """Who hears about the organisation's membership: its contact people, else its own address."""
    people = (
        Person.objects.not_erased()
        .filter(
            engagements__organisation=organisation,
            engagements__role=Engagement.Role.CONTACT,
        )
        .exclude(email="")
        .distinct()
        .order_by("name", "pk")
    )
    recipients = [Recipient(name=p.name, email=p.email, person=p) for p in people]
    if not recipients and organisation.email:
        recipients = [Recipient(name=organisation.name, email=organisation.email)]
    return recipients


def _absolute(base_url: str, path: str) -> str:
    return base_url.rstrip("/") + path


def renewal_url(membership: Membership, recipient: Recipient, base_url: str) -> str:
    """The personal renewal link for one recipient."""
    token = make_renewal_token(
        network_id=membership.organisation.network_id,
        membership_id=membership.pk,
        person_id=recipient.person.pk if recipient.person else None,
    )
    return _absolute(base_url, reverse("members:renewal", kwargs={"token": token}))


def _mail_contacts(
    membership: Membership,
    template: str,
    *,
    base_url: str | None,
    recipients: Sequence[Recipient] | None = None,
    extra: Mapping[str, Any] | None = None,
) -> int:
    """One mail to each recipient (the organisation's contacts by default); how many were sent."""
    organisation = membership.organisation
    network = organisation.network
    base_url = base_url or network.base_url
    if recipients is None:
        recipients = contact_recipients(organisation)
    for recipient in recipients:
        send_templated_mail(
            network=network,
            to=[recipient.email],
            reply_to=[network.contact_email] if network.contact_email else None,
            template=template,
            language=recipient.language,
            context={
                "organisation": organisation,
                "membership": membership,
                "recipient": recipient,
                "link": renewal_url(membership, recipient, base_url),
                "site_url": base_url,
                **(extra or {}),
            },
        )
    return len(recipients)


def _mail_office(network: Network, template: str, context: Mapping[str, Any]) -> None:
    if network.contact_email:
        send_templated_mail(
            network=network,
            to=[network.contact_email],
            template=template,
            language=settings.LANGUAGE_CODE,
            context=context,
        )


def _audit(
    membership: Membership,
    *,
    actor: User | None,
    verb: str,
    changes: dict[str, Any],
    source: str = AuditEntry.Source.FORM,
) -> None:
    record_audit(
        network=membership.organisation.network,
        actor=actor,
        verb=verb,
        obj=membership,
        source=source,
        changes=changes,
    )


def _lock(membership: Membership) -> Membership:
    return (
        Membership.objects.select_for_update()
        .select_related("organisation__network")
        .get(pk=membership.pk)
    )


def _check_transition(membership: Membership, status: str) -> None:
    if status not in TRANSITIONS.get(membership.status, frozenset()):
        raise MembershipError(
            {
                "status": _("A membership that is “%(current)s” cannot become “%(new)s”.")
                % {"current": membership.get_status_display(), "new": Status(status).label}
            }
        )


# The join form


@dataclass
class JoinResult:
    membership: Membership
    organisation: Organisation
    person: Person
    is_new_organisation: bool
    is_new_person: bool


def find_organisation(
    network: Network, *, org_number: str, name: str, municipality: Any
) -> Organisation | None:
    """The organisation an application is about if the network already has it: the same
    organisation number, or the same name (as ``name_key`` sees it) in the same municipality."""
    organisations = Organisation.objects.for_network(network)
    if org_number:
        found = organisations.filter(org_number=org_number).first()
        if found is not None:
            return found
    same_name = organisations.filter(name_key=name_key(name))
    if municipality is None:
        same_name = same_name.filter(municipality__isnull=True)
    else:
        same_name = same_name.filter(municipality=municipality)
    return same_name.order_by("pk").first()


def _already_a_member_error(membership: Membership) -> MembershipError:
    return MembershipError(
        _(
            "%(organisation)s already has a membership for %(year)s (%(status)s). "
            "Contact us if something has changed."
        )
        % {
            "organisation": membership.organisation.name,
            "year": membership.year,
            "status": membership.get_status_display().lower(),
        }
    )


@transaction.atomic
def apply_for_membership(
    *,
    network: Network,
    organisation: Mapping[str, Any],
    person: Mapping[str, Any],
    message: str,
    consent_text: str,
    base_url: str | None = None,
    now: datetime.datetime | None = None,
) -> JoinResult:
    """An application from the public join form: the organisation and its contact person (found
    again when the network has them already), the consent, and a membership applied for this
    year; the applicant gets an acknowledgement and the office a notification."""
    now = now or timezone.now()
    year = timezone.localtime(now).year
    org_fields = dict(organisation)
    org_fields["org_number"] = normalise_org_number(org_fields.get("org_number") or "")
    found_org = find_organisation(
        network,
        org_number=org_fields["org_number"],
        name=org_fields["name"],
        municipality=org_fields.get("municipality"),
    )
    if found_org is not None:
        existing = Membership.objects.filter(organisation=found_org, year=year).first()
        if existing is not None:
            raise _already_a_member_error(existing)
        # Someone without a login cannot change what the registry holds: staff compare.
        org = found_org
    else:
        org = registry.create_organisation(
            network=network, actor=None, source=AuditEntry.Source.SELF_SERVICE, **org_fields
        )

    email = (person.get("email") or "").strip().lower()
    found_person = (
        Person.objects.for_network(network).not_erased().filter(email=email).first()
        if email
        else None
    )
    if found_person is not None:
        applicant = found_person
    else:
        applicant = registry.create_person(
            network=network,
            actor=None,
            source=AuditEntry.Source.SELF_SERVICE,
            legal_basis=Person.LegalBasis.CONSENT,
            **{**person, "email": email},
        )
    registry.add_engagement(
        person=applicant,
        organisation=org,
        role=Engagement.Role.CONTACT,
        actor=None,
        source=AuditEntry.Source.SELF_SERVICE,
    )
    registry.record_consent(
        person=applicant,
        purpose=_("Membership application and contact about the membership"),
        text=consent_text,
        source=Consent.Source.JOIN_FORM,
        source_detail=_("Membership application %(year)s, %(organisation)s")
        % {"year": year, "organisation": org.name},
    )
    try:
        with transaction.atomic():
            membership = Membership.objects.create(
                organisation=org,
                year=year,
                status=Status.APPLIED,
                applied_at=now,
                application_message=message,
            )
    except IntegrityError:  # a second application for the same organisation at the same moment
        raise _already_a_member_error(Membership.objects.get(organisation=org, year=year)) from None
    base_url = base_url or network.base_url
    recipient = Recipient(name=applicant.name, email=applicant.email, person=applicant)
    _mail_contacts(
        membership, "members/mail/join_received", base_url=base_url, recipients=[recipient]
    )
    _mail_office(
        network,
        "members/mail/join_staff",
        {
            "organisation": org,
            "membership": membership,
            "person": applicant,
            "is_new_organisation": found_org is None,
            "is_new_person": found_person is None,
            "submitted": organisation,
            "link": _absolute(
                base_url, reverse("members:membership-edit", kwargs={"pk": membership.pk})
            ),
        },
    )
    return JoinResult(
        membership=membership,
        organisation=org,
        person=applicant,
        is_new_organisation=found_org is None,
        is_new_person=found_person is None,
    )


# Staff decisions and edits


def _decide(
    membership: Membership, status: str, *, actor: User | None, now: datetime.datetime
) -> None:
    old = membership.status
    membership.status = status
    membership.decided_at = now
    membership.decided_by = actor
    membership.save(update_fields=["status", "decided_at", "decided_by", "updated_at"])
    _audit(
        membership,
        actor=actor,
        verb="membership.changed",
        changes={"status": [str(old), str(status)]},
    )


@transaction.atomic
def approve_application(
    *,
    membership: Membership,
    actor: User | None,
    base_url: str | None = None,
    now: datetime.datetime | None = None,
) -> Membership:
    """Make an applicant a member and send them the welcome mail."""
    membership = _lock(membership)
    if membership.status != Status.APPLIED:
        raise MembershipError(_("Only an application can be approved."))
    _decide(membership, Status.ACTIVE, actor=actor, now=now or timezone.now())
    organisation = membership.organisation
    emit(
        organisation.network_id,
        "organisation.joined",
        {
            "organisation": {
                "id": organisation.pk,
                "name": organisation.name,
                "municipality": organisation.municipality.name
                if organisation.municipality is not None
                else None,
            },
            "membership": {"id": membership.pk, "year": membership.year},
        },
    )
    _mail_contacts(membership, "members/mail/membership_welcome", base_url=base_url)
    return membership


@transaction.atomic
def decline_application(
    *,
    membership: Membership,
    actor: User | None,
    reason: str = "",
    base_url: str | None = None,
    now: datetime.datetime | None = None,
) -> Membership:
    """Decline an application and tell the applicant, with the reason when one is given."""
    membership = _lock(membership)
    if membership.status != Status.APPLIED:
        raise MembershipError(_("Only an application can be declined."))
    _decide(membership, Status.DECLINED, actor=actor, now=now or timezone.now())
    _mail_contacts(
        membership,
        "members/mail/membership_declined",
        base_url=base_url,
        extra={"reason": reason.strip()},
    )
    return membership


def _money_fields(
    membership: Membership,
    fee: Decimal | None,
    invoiced_on: datetime.date | None,
    paid_on: datetime.date | None,
) -> dict[str, list[str]]:
    changes = {}
    for name, value in (("fee", fee), ("invoiced_on", invoiced_on), ("paid_on", paid_on)):
        old = getattr(membership, name)
        if old != value:
            changes[name] = ["" if old is None else str(old), "" if value is None else str(value)]
            setattr(membership, name, value)
    return changes


@transaction.atomic
def update_membership(
    *,
    membership: Membership,
    actor: User | None,
    status: str,
    fee: Decimal | None,
    invoiced_on: datetime.date | None,
    paid_on: datetime.date | None,
    base_url: str | None = None,
    now: datetime.datetime | None = None,
) -> Membership:
    """Staff change fee, invoice and payment dates, and the status along ``TRANSITIONS``.

    Approving or declining an application here mails the applicant, as the buttons do.
    """
    now = now or timezone.now()
    membership = _lock(membership)
    if status != membership.status:
        _check_transition(membership, status)
    changes = _money_fields(membership, fee, invoiced_on, paid_on)
    if changes:
        membership.full_clean()
        membership.save()
        _audit(membership, actor=actor, verb="membership.changed", changes=changes)
    if status == membership.status:
        return membership
    if membership.status == Status.APPLIED and status == Status.ACTIVE:
        return approve_application(membership=membership, actor=actor, base_url=base_url, now=now)
    if membership.status == Status.APPLIED and status == Status.DECLINED:
        return decline_application(membership=membership, actor=actor, base_url=base_url, now=now)
    if status == Status.ACTIVE and membership.renewal_requested_at is not None:
        # Staff confirm a renewal on the member's behalf (a phone call, a payment).
        membership.renewal_confirmed_at = now
        membership.save(update_fields=["renewal_confirmed_at", "updated_at"])
    _decide(membership, status, actor=actor, now=now)
    return membership


@transaction.atomic
def register_membership(
    *,
    organisation: Organisation,
    year: int,
    actor: User | None,
    status: str = Status.ACTIVE,
    fee: Decimal | None = None,
    invoiced_on: datetime.date | None = None,
    paid_on: datetime.date | None = None,
    now: datetime.datetime | None = None,
) -> Membership:
    """Staff register an organisation of the registry as a member (or applicant) for a year."""
    now = now or timezone.now()
    if status not in {Status.ACTIVE, Status.APPLIED}:
        raise MembershipError({"status": _("A new membership is either active or applied for.")})
    existing = Membership.objects.filter(organisation=organisation, year=year).first()
    if existing is not None:
        raise MembershipError(
            {
                "year": _("%(organisation)s already has a membership for %(year)s (%(status)s).")
                % {
                    "organisation": organisation.name,
                    "year": year,
                    "status": existing.get_status_display().lower(),
                }
            }
        )
    membership = Membership(
        organisation=organisation,
        year=year,
        status=status,
        fee=fee,
        invoiced_on=invoiced_on,
        paid_on=paid_on,
        applied_at=now,
    )
    if status == Status.ACTIVE:
        membership.decided_at = now
        membership.decided_by = actor
    membership.full_clean()
    membership.save()
    _audit(
        membership,
        actor=actor,
        verb="membership.created",
        changes={"status": ["", str(status)], "year": ["", str(year)]},
    )
    return membership


# The yearly renewal


def renewal_candidates(network: Network, year: int) -> OrganisationQuerySet:
    """Organisations that were members in ``year - 1`` and have nothing for ``year`` yet."""
    members_before = Membership.objects.filter(year=year - 1, status=Status.ACTIVE).values(
        "organisation"
    )
    already = Membership.objects.filter(year=year).values("organisation")
    return (
        Organisation.objects.for_network(network)
        .filter(pk__in=members_before)
        .exclude(pk__in=already)
    )


@dataclass
class RenewalOverview:
    year: int
    to_send: int
    requested: int
    renewed: int
    pending: int
    lapsed: int

    @property
    def previous_year(self) -> int:
        return self.year - 1


def renewal_overview(network: Network, year: int) -> RenewalOverview:
    """How the renewal for ``year`` stands: requests still to send, renewed, pending, lapsed."""
    counts = dict(
        Membership.objects.for_network(network)
        .filter(year=year, renewal_requested_at__isnull=False)
        .order_by()
        .values_list("status")
        .annotate(n=Count("pk"))
    )
    return RenewalOverview(
        year=year,
        to_send=renewal_candidates(network, year).count(),
        requested=sum(counts.values()),
        renewed=counts.get(Status.ACTIVE, 0),
        pending=counts.get(Status.RENEWAL_REQUESTED, 0),
        lapsed=counts.get(Status.LAPSED, 0),
    )


@dataclass
class RenewalSent:
    organisations: int = 0
    messages: int = 0
    without_address: list[str] = field(default_factory=list)


@transaction.atomic
def send_renewal_requests(
    *,
    network: Network,
    year: int,
    actor: User | None,
    base_url: str | None = None,
    now: datetime.datetime | None = None,
) -> RenewalSent:
    """Ask every member of ``year - 1`` to renew for ``year``; each organisation only once.

    Creates the ``year``'s membership as "renewal requested" (with last year's fee) and mails a
    personal link to each contact person, or to the organisation when it has none. Running it
    again only reaches organisations that became members since.
    """
    now = now or timezone.now()
    result = RenewalSent()
    fees = dict(
        Membership.objects.for_network(network)
        .filter(year=year - 1)
        .values_list("organisation_id", "fee")
    )
    for organisation in (
        renewal_candidates(network, year).select_related("network").order_by("name", "pk")
    ):
        membership, created = Membership.objects.get_or_create(
            organisation=organisation,
            year=year,
            defaults={
                "status": Status.RENEWAL_REQUESTED,
                "renewal_requested_at": now,
                "fee": fees.get(organisation.pk),
            },
        )
        if not created:  # a concurrent run got there first
            continue
        result.organisations += 1
        sent = _mail_contacts(membership, "members/mail/membership_renewal", base_url=base_url)
        result.messages += sent
        if not sent:
            result.without_address.append(organisation.name)
    if result.organisations:
        record_audit(
            network=network,
            actor=actor,
            verb="membership.renewal_requested",
            obj=network,
            changes={"year": ["", str(year)], "organisations": ["", str(result.organisations)]},
        )
    return result


@transaction.atomic
def confirm_renewal(
    *,
    membership: Membership,
    person: Person | None = None,
    organisation_fields: Mapping[str, Any] | None = None,
    person_fields: Mapping[str, Any] | None = None,
    base_url: str | None = None,
    now: datetime.datetime | None = None,
) -> Membership:
    """The contact person confirms the renewal through their link, updating details if they like.

    Changes go through the registry services as self-service, so the audit log shows them.
    """
    now = now or timezone.now()
    membership = _lock(membership)
    if membership.status == Status.ACTIVE and membership.renewal_confirmed_at is not None:
        raise MembershipError(
            _("The membership for %(year)s is already confirmed.") % {"year": membership.year}
        )
    if membership.status != Status.RENEWAL_REQUESTED:
        raise MembershipError(
            _(
                "The membership for %(year)s can no longer be confirmed through this link. "
                "Contact us and we will help you."
            )
            % {"year": membership.year}
        )
    organisation = membership.organisation
    if organisation_fields:
        registry.update_organisation(
            organisation=organisation,
            actor=None,
            source=AuditEntry.Source.SELF_SERVICE,
            **organisation_fields,
        )
    if person is not None and person_fields:
        registry.update_person(
            person=person,
            actor=None,
            source=AuditEntry.Source.SELF_SERVICE,
            **person_fields,
        )
    membership.status = Status.ACTIVE
    membership.renewal_confirmed_at = now
    membership.save(update_fields=["status", "renewal_confirmed_at", "updated_at"])
    _audit(
        membership,
        actor=None,
        verb="membership.changed",
        source=AuditEntry.Source.SELF_SERVICE,
        changes={"status": [Status.RENEWAL_REQUESTED.value, Status.ACTIVE.value]},
    )
    _mail_contacts(membership, "members/mail/membership_renewed", base_url=base_url)
    return membership


# The schedule


def send_due_reminders(*, now: datetime.datetime | None = None, base_url: str | None = None) -> int:
    """Remind the contacts of unconfirmed renewals ``reminder_days()`` after the request.

    One reminder per run and membership; a run that comes late sends one mail, not a backlog.
    Returns the number of memberships reminded.
    """
    now = now or timezone.now()
    days = reminder_days()
    if not days:
        return 0
    lapse_after = datetime.timedelta(days=lapse_days())
    due = (
        Membership.objects.filter(
            status=Status.RENEWAL_REQUESTED,
            renewal_requested_at__lte=now - datetime.timedelta(days=days[0]),
            renewal_requested_at__gt=now - lapse_after,
            reminders_sent__lt=len(days),
        )
        .select_related("organisation__network")
        .order_by("pk")
    )
    reminded = 0
    for membership in due:
        assert membership.renewal_requested_at is not None
        age = now - membership.renewal_requested_at
        passed = sum(1 for d in days if age >= datetime.timedelta(days=d))
        if passed <= membership.reminders_sent:
            continue
        with transaction.atomic():
            # Conditional, so that two workers never both send the same reminder.
            updated = Membership.objects.filter(
                pk=membership.pk,
                status=Status.RENEWAL_REQUESTED,
                reminders_sent=membership.reminders_sent,
            ).update(reminders_sent=passed, last_reminder_at=now, updated_at=now)
            if not updated:
                continue
            membership.reminders_sent = passed
            _mail_contacts(
                membership,
                "members/mail/membership_reminder",
                base_url=base_url,
                extra={"deadline": membership.renewal_requested_at + lapse_after},
            )
            reminded += 1
    return reminded


def lapse_overdue_renewals(
    *, now: datetime.datetime | None = None, base_url: str | None = None
) -> int:
    """Let renewals unconfirmed ``lapse_days()`` after the request lapse, and tell each office."""
    now = now or timezone.now()
    overdue = (
        Membership.objects.filter(
            status=Status.RENEWAL_REQUESTED,
            renewal_requested_at__lte=now - datetime.timedelta(days=lapse_days()),
        )
        .select_related("organisation__network")
        .order_by("organisation__name", "pk")
    )
    lapsed: dict[Network, list[Membership]] = defaultdict(list)
    with transaction.atomic():
        for membership in overdue:
            updated = Membership.objects.filter(
                pk=membership.pk, status=Status.RENEWAL_REQUESTED
            ).update(status=Status.LAPSED, decided_at=now, decided_by=None, updated_at=now)
            if updated:
                lapsed[membership.organisation.network].append(membership)
        for network, memberships in lapsed.items():
            url = base_url or network.base_url
            years = sorted({m.year for m in memberships})
            _mail_office(
                network,
                "members/mail/membership_lapsed_staff",
                {
                    "memberships": memberships,
                    "links": [
                        _absolute(url, reverse("members:membership-renewal") + f"?ar={year}")
                        for year in years
                    ],
                },
            )
    return sum(len(m) for m in lapsed.values())
