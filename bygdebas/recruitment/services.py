"""Every write to prospects and their contact logs.

A contact or meeting logs an action (insats) against the plan's recruitment activity, with the
contact as its source; the action follows the contact when it is edited or deleted. A prospect
that becomes a member gets an organisation in the registry (through the members services) with
a membership, and logs an action of its own.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Sequence
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from bygdebas.core.access import WRITE_ROLES
from bygdebas.core.models import AuditEntry, Municipality, Network, User, changed_fields
from bygdebas.core.phone import normalise_phone
from bygdebas.core.services import record_audit
from bygdebas.members.models import Engagement, Membership, Organisation, Person
from bygdebas.members.services import registry
from bygdebas.members.services.privacy import retention_years, years_before
from bygdebas.plan import services as plan_services
from bygdebas.plan.matching import find_activities
from bygdebas.plan.models import Activity
from bygdebas.recruitment.models import (
    OPEN_STATUSES,
    PIPELINE,
    Prospect,
    ProspectContact,
    ProspectQuerySet,
    Status,
)

# Words that mark the plan's recruitment activity ("Söka upp nya lokala grupper och inbjuda dessa
# till våra nätverk"), strongest first: the first tier that matches anything wins
# (plan.matching: "rekryt*" is any word that starts so).
RECRUITMENT_WORDS: tuple[tuple[str, ...], ...] = (
    ("nya lokala", "lokala grupper", "rekryt*"),
    ("medlemstal*", "medlemskap*", "nya medlemmar", "medlem*"),
)
PROSPECT_FIELDS = (
    "name",
    "municipality",
    "locality",
    "contact_name",
    "contact_email",
    "contact_phone",
    "next_step",
    "next_step_on",
    "responsible",
    "is_youth_focus",
    "notes",
)
# The personal data of a prospect, audited field by field.
PERSONAL_FIELDS = ("contact_name", "contact_email", "contact_phone")


def find_recruitment_activities(network: Network, year: int) -> list[Activity]:
    """The activities of the network's plan for ``year`` that speak of recruiting new groups."""
    return find_activities(network, year, tiers=RECRUITMENT_WORDS)


def responsible_choices(network: Network) -> QuerySet[User]:
    """The people who may be responsible for a prospect: the network's staff and administrators."""
    return (
        User.objects.with_role_in(network, WRITE_ROLES)
        .filter(is_active=True)
        .order_by("first_name", "last_name", "email")
    )


def _check_fields(network: Network, fields: dict[str, Any]) -> dict[str, Any]:
    municipality: Municipality | None = fields.get("municipality")
    if municipality is not None and municipality.county_id != network.county_id:
        raise ValidationError({"municipality": _("Choose a municipality in the network's county.")})
    responsible: User | None = fields.get("responsible")
    if (
        responsible is not None
        and not responsible_choices(network).filter(pk=responsible.pk).exists()
    ):
        raise ValidationError(
            {"responsible": _("The responsible person must be staff or administrator here.")}
        )
    for name in ("name", "locality", "contact_name", "next_step", "notes"):
        if name in fields:
            fields[name] = (fields[name] or "").strip()
    if "contact_email" in fields:
        fields["contact_email"] = (fields["contact_email"] or "").strip().lower()
    if "contact_phone" in fields:
        try:
            fields["contact_phone"] = normalise_phone(fields["contact_phone"] or "")
        except ValidationError as error:
            raise ValidationError({"contact_phone": error.messages}) from None
    if "name" in fields and not fields["name"]:
        raise ValidationError({"name": _("Give the group's name.")})
    return fields


@transaction.atomic
def save_prospect(
    *,
    network: Network,
    actor: User | None,
    prospect: Prospect | None = None,
    **fields: Any,
) -> Prospect:
    """Create a prospect for ``network`` or change ``prospect``; contact details are audited."""
    unknown = set(fields) - set(PROSPECT_FIELDS)
    if unknown:
        raise TypeError(f"Unknown prospect fields: {sorted(unknown)}")
    fields = _check_fields(network, dict(fields))
    is_new = prospect is None
    if prospect is None:
        prospect = Prospect(network=network)
    elif prospect.network_id != network.pk:
        raise ValidationError(_("The prospect does not belong to this network."))
    before = {name: getattr(prospect, name) for name in PERSONAL_FIELDS}
    if "next_step_on" in fields and fields["next_step_on"] != prospect.next_step_on:
        prospect.reminded_for = None  # a new date earns a new reminder
    for name, value in fields.items():
        setattr(prospect, name, value)
    prospect.full_clean(exclude=["network", "organisation", "member_action", "responsible"])
    prospect.save()
    changes = changed_fields(prospect, {} if is_new else before, PERSONAL_FIELDS)
    if is_new or changes:
        record_audit(
            network=network,
            actor=actor,
            verb="prospect.created" if is_new else "prospect.changed",
            obj=prospect,
            source=AuditEntry.Source.FORM,
            changes=changes,
        )
    return prospect


def _status_label(status: str) -> str:
    return str(Status(status).label)


def allowed_moves(prospect: Prospect) -> list[str]:
    """The statuses the board may move ``prospect`` to (member only by converting it)."""
    if prospect.status == Status.MEMBER:
        return []
    return [s for s in (*OPEN_STATUSES, Status.DECLINED) if s != prospect.status]


def is_backwards(current: str, new: str) -> bool:
    """Moving back in the pipeline, or reopening a declined prospect, needs a reason."""
    if current == Status.DECLINED:
        return True
    if new == Status.DECLINED:
        return False
    return PIPELINE.index(Status(new)) < PIPELINE.index(Status(current))


def _log_status(
    *, prospect: Prospect, old: str, new: str, reason: str, on: datetime.date, user: User | None
) -> ProspectContact:
    text = _("From “%(old)s” to “%(new)s”.") % {
        "old": _status_label(old),
        "new": _status_label(new),
    }
    if reason:
        text = f"{text} {reason}"
    return ProspectContact.objects.create(
        prospect=prospect,
        kind=ProspectContact.Kind.STATUS,
        happened_on=on,
        text=text,
        created_by=user,
    )


@transaction.atomic
def move_prospect(
    *, prospect: Prospect, status: str, reason: str = "", user: User | None = None
) -> Prospect:
    """Move a prospect to another status of the pipeline; going back needs a reason."""
    reason = reason.strip()
    if status == Status.MEMBER:
        raise ValidationError(
            _("A prospect becomes a member by converting it into a member organisation.")
        )
    if status not in allowed_moves(prospect):
        raise ValidationError(
            _("“%(name)s” cannot be moved from “%(old)s” to “%(new)s”.")
            % {
                "name": prospect.name,
                "old": _status_label(prospect.status),
                "new": _status_label(status) if status in Status.values else status,
            }
        )
    if is_backwards(prospect.status, status) and not reason:
        raise ValidationError(
            {
                "reason": _("Say why the prospect goes back to “%(new)s”.")
                % {"new": _status_label(status)}
            }
        )
    old = prospect.status
    prospect.status = status
    prospect.save(update_fields=["status", "updated_at"])
    _log_status(
        prospect=prospect, old=old, new=status, reason=reason, on=timezone.localdate(), user=user
    )
    return prospect


def _advance(prospect: Prospect, kind: str, on: datetime.date, user: User | None) -> None:
    """A logged contact or meeting moves an open prospect forward, never back."""
    target = Status.MEETING if kind == ProspectContact.Kind.MEETING else Status.CONTACTED
    if prospect.status not in OPEN_STATUSES:
        return
    if PIPELINE.index(Status(prospect.status)) >= PIPELINE.index(target):
        return
    old = prospect.status
    prospect.status = target
    prospect.save(update_fields=["status", "updated_at"])
    _log_status(prospect=prospect, old=old, new=target, reason="", on=on, user=user)


def _action_title(contact: ProspectContact) -> str:
    if contact.kind == ProspectContact.Kind.MEETING:
        return _("Recruitment meeting: %(name)s") % {"name": contact.prospect.name}
    return _("Recruitment contact: %(name)s") % {"name": contact.prospect.name}


@transaction.atomic
def save_contact(
    *,
    prospect: Prospect,
    kind: str,
    happened_on: datetime.date,
    text: str = "",
    participants: int | None = None,
    activities: Sequence[Activity] = (),
    contact: ProspectContact | None = None,
    user: User | None = None,
) -> ProspectContact:
    """Log or change a contact, meeting or note; contacts and meetings log (or update) an action."""
    if kind not in {
        ProspectContact.Kind.CONTACT,
        ProspectContact.Kind.MEETING,
        ProspectContact.Kind.NOTE,
    }:
        raise ValidationError({"kind": _("Choose a contact, a meeting or a note.")})
    if contact is None:
        contact = ProspectContact(prospect=prospect, created_by=user)
    elif contact.prospect_id != prospect.pk or contact.kind == ProspectContact.Kind.STATUS:
        raise ValidationError(_("This entry of the contact log cannot be changed."))
    activities = list(activities)
    contact.kind = kind
    contact.happened_on = happened_on
    contact.text = text.strip()
    contact.participants = participants
    if contact.logs_action and not activities:
        raise ValidationError(
            {"activities": _("Choose at least one plan activity the contact served.")}
        )
    contact.save()  # the action's source needs the contact's id
    if contact.logs_action:
        fields: dict[str, Any] = {
            "performed_on": happened_on,
            "title": _action_title(contact),
            "description": contact.text,
            "activities": activities,
            "municipality": prospect.municipality,
            "participants": participants,
        }
        if contact.action is None:
            contact.action = plan_services.log_action(
                network=prospect.network, source=contact, created_by=user, **fields
            )
            contact.save(update_fields=["action"])
        else:
            plan_services.update_action(action=contact.action, link=contact.action.link, **fields)
        _advance(prospect, kind, happened_on, user)
    elif contact.action is not None:
        plan_services.delete_action(action=contact.action)
        contact.action = None
        contact.save(update_fields=["action"])
    return contact


@transaction.atomic
def delete_contact(*, contact: ProspectContact) -> None:
    """Delete an entry of the contact log together with the action it logged."""
    if contact.action is not None:
        plan_services.delete_action(action=contact.action)
    contact.delete()


@transaction.atomic
def delete_prospect(*, prospect: Prospect, actor: User | None) -> None:
    """Delete a prospect, its contact log and the actions it logged; a member organisation stays."""
    for contact in prospect.contacts.select_related("action"):
        if contact.action is not None:
            plan_services.delete_action(action=contact.action)
    if prospect.member_action is not None:
        plan_services.delete_action(action=prospect.member_action)
    record_audit(
        network=prospect.network,
        actor=actor,
        verb="prospect.deleted",
        obj=prospect,
        source=AuditEntry.Source.FORM,
        changes={name: [str(getattr(prospect, name) or ""), ""] for name in PERSONAL_FIELDS},
    )
    prospect.delete()


@transaction.atomic
def convert_prospect(
    *,
    prospect: Prospect,
    actor: User | None,
    activities: Sequence[Activity],
    converted_on: datetime.date,
    membership_status: str = Membership.Status.ACTIVE,
    organisation: Organisation | None = None,
    kind: str = Organisation.Kind.LOCAL_GROUP,
    is_youth_led: bool = False,
) -> Organisation:
    """Make a prospect a member: an organisation (new, or one already in the registry) with a
    membership for the year, its contact as contact person, and an action for the plan."""
    if prospect.status == Status.MEMBER:
        raise ValidationError(_("“%(name)s” is already a member.") % {"name": prospect.name})
    if membership_status not in {Membership.Status.APPLIED, Membership.Status.ACTIVE}:
        raise ValidationError({"membership_status": _("Choose applied or active.")})
    activities = list(activities)
    if not activities:
        raise ValidationError(
            {"activities": _("Choose at least one plan activity the new member counts for.")}
        )
    network = prospect.network
    if organisation is None:
        organisation = registry.create_organisation(
            network=network,
            actor=actor,
            source=AuditEntry.Source.FORM,
            name=prospect.name,
            kind=kind,
            municipality=prospect.municipality,
            locality=prospect.locality,
            email=prospect.contact_email,
            phone=prospect.contact_phone,
            is_youth_led=is_youth_led,
            notes=prospect.notes,
        )
    elif organisation.network_id != network.pk:
        raise ValidationError(_("The organisation does not belong to this network."))
    year = converted_on.year
    membership, created = Membership.objects.get_or_create(
        organisation=organisation,
        year=year,
        defaults={
            "status": membership_status,
            "applied_at": timezone.now(),
            "decided_at": timezone.now() if membership_status == Membership.Status.ACTIVE else None,
            "decided_by": actor if membership_status == Membership.Status.ACTIVE else None,
        },
    )
    if not created and membership.status not in {
        Membership.Status.ACTIVE,
        Membership.Status.APPLIED,
    }:
        raise ValidationError(
            _(
                "%(org)s has a membership for %(year)s that is %(status)s; change it in the registry."
            )
            % {"org": organisation.name, "year": year, "status": membership.get_status_display()}
        )
    if prospect.contact_name:
        _add_contact_person(prospect=prospect, organisation=organisation, actor=actor)
    prospect.member_action = plan_services.log_action(
        network=network,
        performed_on=converted_on,
        title=_("New member: %(name)s") % {"name": organisation.name},
        activities=activities,
        municipality=prospect.municipality,
        source=prospect,
        created_by=actor,
    )
    old = prospect.status
    prospect.status = Status.MEMBER
    prospect.organisation = organisation
    prospect.converted_on = converted_on
    prospect.save()
    _log_status(
        prospect=prospect, old=old, new=Status.MEMBER, reason="", on=converted_on, user=actor
    )
    return organisation


def _add_contact_person(
    *, prospect: Prospect, organisation: Organisation, actor: User | None
) -> None:
    person = None
    if prospect.contact_email:
        person = (
            Person.objects.for_network(prospect.network)
            .not_erased()
            .filter(email=prospect.contact_email)
            .first()
        )
    if person is None:
        person = registry.create_person(
            network=prospect.network,
            actor=actor,
            source=AuditEntry.Source.FORM,
            name=prospect.contact_name,
            email=prospect.contact_email,
            phone=prospect.contact_phone,
            legal_basis=Person.LegalBasis.CONTRACT,
        )
    registry.add_engagement(
        person=person,
        organisation=organisation,
        role=Engagement.Role.CONTACT,
        actor=actor,
        source=AuditEntry.Source.FORM,
    )


# Retention of contact persons


def retention_candidates(
    network: Network, *, now: datetime.datetime | None = None, years: int | None = None
) -> ProspectQuerySet:
    """Prospects whose contact person is due for review: closed, or without a change or a
    contact-log entry for ``years`` years (``MEMBERS_RETENTION_YEARS``, as for registry people)."""
    now = now or timezone.now()
    years = retention_years() if years is None else years
    return Prospect.objects.for_network(network).due_for_retention(years_before(now, years))


def _hidden(pair: Any) -> list[str]:
    """An audited [old, new] pair with the values replaced by whether there was one."""
    old, new = pair if isinstance(pair, list) and len(pair) == 2 else ("", "")
    return ["…" if old else "", "…" if new else ""]


def _scrub_audit_entries(network: Network, prospects: Sequence[Prospect]) -> None:
    """Remove the contact person's old values from the prospects' log entries, keeping the rest."""
    entries = list(
        AuditEntry.objects.for_network(network).filter(
            content_type=ContentType.objects.get_for_model(Prospect),
            object_id__in=[str(prospect.pk) for prospect in prospects],
        )
    )
    for entry in entries:
        entry.changes = {
            name: _hidden(pair) if name in PERSONAL_FIELDS else pair
            for name, pair in (entry.changes or {}).items()
        }
    AuditEntry.objects.bulk_update(entries, ["changes"])


@transaction.atomic
def erase_contacts(
    *,
    network: Network,
    prospects: Iterable[int],
    actor: User | None,
    now: datetime.datetime | None = None,
    years: int | None = None,
) -> int:
    """Blank the contact person of the chosen prospects that are still due for review; the
    prospects, their status and their contact logs stay, so counts and plan actions do not change."""
    due = list(
        retention_candidates(network, now=now, years=years)
        .filter(pk__in=list(prospects))
        .select_for_update()
        .order_by("pk")
    )
    if not due:
        return 0
    _scrub_audit_entries(network, due)
    # update(), not save(): erasing is not activity, so updated_at stays as it was.
    Prospect.objects.filter(pk__in=[prospect.pk for prospect in due]).update(
        contact_name="", contact_email="", contact_phone=""
    )
    for prospect in due:
        record_audit(
            network=network,
            actor=actor,
            verb="prospect.contact_erased",
            obj=prospect,
            source=AuditEntry.Source.FORM,
            changes={name: ["…", ""] for name in PERSONAL_FIELDS if getattr(prospect, name)},
        )
    return len(due)
