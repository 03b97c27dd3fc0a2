"""Consultation cases (remisser), their answer, the board's review, sending and publishing."""

from __future__ import annotations

import datetime
from collections.abc import Sequence
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from bygdebas.advocacy.models import (
    AnswerVersion,
    Case,
    CaseComment,
    CaseDocument,
    Contribution,
    Entry,
    NationalIssue,
    Position,
    Topic,
)
from bygdebas.core.mail import send_templated_mail
from bygdebas.core.models import Network, User
from bygdebas.core.search import index_object
from bygdebas.core.services import record_audit
from bygdebas.core.signed_links import make_token
from bygdebas.members.models import Engagement, Membership
from bygdebas.plan import services as plan_services
from bygdebas.plan.matching import find_activities
from bygdebas.plan.models import Activity

CONTRIBUTE = "advocacy.contribute"
# The plan's opinion-forming activities, strongest wording first.
ADVOCACY_TERMS = (
    ("opinionsbildning*", "bevaka landsbygdsfrågor", "påverkansarbete*", "remiss*"),
    ("opinion*", "påverka*", "advocacy"),
)

Status = Case.Status
# Where each status may go next (declining is possible from every open status).
MOVES: dict[str, tuple[str, ...]] = {
    Status.NEW: (Status.ASSESSING, Status.DRAFTING, Status.DECLINED),
    Status.ASSESSING: (Status.DRAFTING, Status.DECLINED),
    Status.DRAFTING: (Status.BOARD_REVIEW, Status.DECLINED),
    Status.BOARD_REVIEW: (Status.DECLINED,),  # the board approves or sends back
    Status.SENT: (),
    Status.DECLINED: (),
}


def advocacy_activities(network: Network, year: int) -> list[Activity]:
    """The plan's opinion-forming activities for ``year`` (none without a plan)."""
    return find_activities(network, year, tiers=ADVOCACY_TERMS)


def reminder_days() -> tuple[int, ...]:
    return tuple(getattr(settings, "BYGDEBAS_ADVOCACY_REMINDER_DAYS", (14, 3)))


@transaction.atomic
def save_case(
    *,
    network: Network,
    actor: User,
    authority: str,
    title: str,
    received_on: datetime.date,
    reference: str = "",
    deadline_on: datetime.date | None = None,
    responsible: User | None = None,
    topic: Topic | None = None,
    activities: Sequence[Activity] = (),
    case: Case | None = None,
    entry: Entry | None = None,
) -> Case:
    """Create or change a case; from an inbox entry, the entry is linked to it."""
    if deadline_on and deadline_on < received_on:
        raise ValidationError({"deadline_on": _("The deadline cannot be before the case came.")})
    is_new = case is None
    if case is None:
        case = Case(network=network)
    elif case.deadline_on != deadline_on:
        case.reminded_days = []  # a new deadline earns its reminders again
    case.authority = authority.strip()
    case.title = title.strip()
    case.reference = reference.strip()
    case.received_on = received_on
    case.deadline_on = deadline_on
    case.responsible = responsible
    case.topic = topic
    case.full_clean(exclude=["activities"])
    case.save()
    if is_new and not activities:
        activities = advocacy_activities(network, received_on.year)
    case.activities.set(activities)
    if entry is not None:
        entry.case = case
        entry.relevance = Entry.Relevance.RELEVANT
        entry.save(update_fields=["case", "relevance"])
    index_object(case)
    record_audit(
        network=network, actor=actor, verb="case.created" if is_new else "case.changed", obj=case
    )
    return case


def allowed_moves(case: Case) -> tuple[str, ...]:
    return MOVES.get(case.status, ())


@transaction.atomic
def move_case(*, case: Case, actor: User, status: str, reason: str = "") -> Case:
    """Move a case along its path; declining needs a reason."""
    case = Case.objects.select_for_update().get(pk=case.pk)
    if status not in allowed_moves(case):
        raise ValidationError(
            _("A case that is “%(status)s” cannot move to “%(to)s”.")
            % {"status": case.get_status_display(), "to": dict(Status.choices).get(status, status)}
        )
    if status == Status.DECLINED:
        if not reason.strip():
            raise ValidationError({"reason": _("Say why the case is declined.")})
        case.decline_reason = reason.strip()
    if status == Status.BOARD_REVIEW and not case.answer.strip():
        raise ValidationError(_("Write the answer before sending it to the board."))
    case.status = status
    case.approved_at = None
    case.approved_by = None
    case.save()
    record_audit(
        network=case.network, actor=actor, verb="case.moved", obj=case, changes={"status": status}
    )
    return case


@transaction.atomic
def save_answer(*, case: Case, actor: User, text: str) -> AnswerVersion | None:
    """Save the answer's text as a new version; None when nothing changed."""
    if not case.is_open:
        raise ValidationError(_("The case is closed; its answer can no longer change."))
    text = text.strip()
    if text == case.answer:
        return None
    case.answer = text
    if case.status in (Status.NEW, Status.ASSESSING):
        case.status = Status.DRAFTING
    if case.status == Status.BOARD_REVIEW:
        # A change after the board saw it needs its approval again.
        case.approved_at = None
        case.approved_by = None
    case.save()
    index_object(case)
    return AnswerVersion.objects.create(case=case, text=text, author=actor)


def add_comment(*, case: Case, actor: User, text: str) -> CaseComment:
    """A colleague's comment on the case."""
    if not text.strip():
        raise ValidationError({"text": _("Write a comment.")})
    return CaseComment.objects.create(case=case, author=actor, text=text.strip())


def add_document(*, case: Case, title: str, upload: Any = None, url: str = "") -> CaseDocument:
    """Attach a file or a link to the case."""
    if not upload and not url:
        raise ValidationError(_("Upload a file or give a link."))
    document = CaseDocument(case=case, title=title.strip(), url=url)
    if upload:
        document.file.save(upload.name, upload, save=False)
    document.save()
    return document


def contribution_token(case: Case) -> str:
    return make_token(purpose=CONTRIBUTE, network_id=case.network_id, c=case.pk)


def contribution_url(case: Case) -> str:
    return reverse("advocacy:contribute", args=[contribution_token(case)])


def add_contribution(
    *, case: Case, name: str, email: str, text: str, organisation: str = ""
) -> Contribution:
    """A member's views, sent through the case's invitation link."""
    if not case.is_open or case.status == Status.BOARD_REVIEW:
        raise ValidationError(_("The case no longer takes views."))
    contribution = Contribution(
        case=case, name=name.strip(), email=email.strip(), organisation=organisation, text=text
    )
    contribution.full_clean()
    contribution.save()
    return contribution


def member_contacts(network: Network, year: int) -> list[str]:
    """The e-mail addresses of the contact persons of the network's members in ``year``."""
    active = Membership.objects.for_network(network).active().filter(year=year)
    emails = (
        Engagement.objects.for_network(network)
        .filter(
            role=Engagement.Role.CONTACT,
            organisation__in=active.values("organisation"),
        )
        .exclude(person__email="")
        .values_list("person__email", flat=True)
        .distinct()
    )
    return sorted({email.lower() for email in emails})


@transaction.atomic
def invite_members(*, case: Case, actor: User) -> int:
    """Mail the contribution link to the contact persons of this year's member organisations;
    how many were invited."""
    if not case.is_open or case.status == Status.BOARD_REVIEW:
        raise ValidationError(_("The case no longer takes views."))
    recipients = member_contacts(case.network, timezone.localdate().year)
    if not recipients:
        raise ValidationError(_("No member organisation has a contact person with an address."))
    link = case.network.base_url + contribution_url(case)
    for email in recipients:
        send_templated_mail(
            network=case.network,
            to=[email],
            template="advocacy/mail/invite",
            context={"case": case, "link": link},
        )
    case.invited_at = timezone.now()
    case.save(update_fields=["invited_at"])
    CaseComment.objects.create(
        case=case,
        author=actor,
        text=_("Invited %(n)s contact persons of member organisations to send their views.")
        % {"n": len(recipients)},
    )
    return len(recipients)


@transaction.atomic
def approve(*, case: Case, actor: User) -> Case:
    """The board approves the answer under review."""
    case = Case.objects.select_for_update().get(pk=case.pk)
    if case.status != Status.BOARD_REVIEW:
        raise ValidationError(_("Only an answer under board review can be approved."))
    if case.approved_at:
        raise ValidationError(_("The answer is already approved."))
    case.approved_at = timezone.now()
    case.approved_by = actor
    case.save()
    record_audit(network=case.network, actor=actor, verb="case.approved", obj=case)
    return case


@transaction.atomic
def send_back(*, case: Case, actor: User, comment: str) -> Case:
    """The board sends the answer back to drafting, saying why."""
    case = Case.objects.select_for_update().get(pk=case.pk)
    if case.status != Status.BOARD_REVIEW:
        raise ValidationError(_("Only an answer under board review can be sent back."))
    if not comment.strip():
        raise ValidationError({"comment": _("Say what should change.")})
    case.status = Status.DRAFTING
    case.approved_at = None
    case.approved_by = None
    case.save()
    CaseComment.objects.create(case=case, author=actor, text=comment.strip())
    record_audit(network=case.network, actor=actor, verb="case.sent_back", obj=case)
    return case


@transaction.atomic
def mark_sent(*, case: Case, actor: User, sent_on: datetime.date) -> Case:
    """Mark the approved answer as sent, and log the action against the case's activities."""
    case = Case.objects.select_for_update().get(pk=case.pk)
    if case.status != Status.BOARD_REVIEW or not case.approved_at:
        raise ValidationError(_("Only an answer the board has approved can be sent."))
    activities = [
        a for a in case.activities.select_related("area__plan") if a.area.plan.year == sent_on.year
    ]
    if not activities:
        activities = advocacy_activities(case.network, sent_on.year)
    if not activities:
        raise ValidationError(
            _("Choose the plan activities for %(year)s that the answer serves.")
            % {"year": sent_on.year}
        )
    reference = f" ({case.reference})" if case.reference else ""
    case.action = plan_services.log_action(
        network=case.network,
        performed_on=sent_on,
        title=_("Consultation answer to %(authority)s: %(title)s")
        % {"authority": case.authority, "title": case.title}
        + reference,
        description=_("Answer sent to %(authority)s, reference number %(reference)s.")
        % {"authority": case.authority, "reference": case.reference or "–"},
        activities=activities,
        source=case,
        created_by=actor,
    )
    case.status = Status.SENT
    case.sent_on = sent_on
    case.save()
    record_audit(network=case.network, actor=actor, verb="case.sent", obj=case)
    return case


@transaction.atomic
def publish_case_answer(*, case: Case, actor: User, title: str = "") -> Position:
    """Publish a sent case's answer as a position, in one step (again: updates it)."""
    if case.status != Status.SENT:
        raise ValidationError(_("Only a sent answer can be published."))
    position = Position.objects.for_network(case.network).filter(case=case).first()
    if position is None:
        position = Position(network=case.network, case=case)
    position.title = title.strip() or case.title
    position.text = case.answer
    position.topic = case.topic
    position.published_on = case.sent_on or timezone.localdate()
    return save_position_state(position=position, actor=actor, is_published=True)


def save_position(
    *,
    network: Network,
    actor: User,
    title: str,
    text: str,
    published_on: datetime.date,
    topic: Topic | None = None,
    is_published: bool = False,
    position: Position | None = None,
) -> Position:
    """Write or change a position (statement)."""
    position = position or Position(network=network)
    position.title = title.strip()
    position.text = text.strip()
    position.published_on = published_on
    position.topic = topic
    return save_position_state(position=position, actor=actor, is_published=is_published)


def save_position_state(*, position: Position, actor: User, is_published: bool) -> Position:
    if is_published and not position.published_at:
        position.published_at = timezone.now()
    position.is_published = is_published
    position.full_clean(exclude=["case"])
    position.save()
    index_object(position)
    record_audit(
        network=position.network,
        actor=actor,
        verb="position.published" if is_published else "position.saved",
        obj=position,
    )
    return position


def save_national_issue(
    *, network: Network, issue: NationalIssue | None = None, **values: Any
) -> NationalIssue:
    """Write or change an issue raised with the national organisation."""
    issue = issue or NationalIssue(network=network)
    for name, value in values.items():
        setattr(issue, name, value)
    issue.full_clean()
    issue.save()
    return issue


def send_deadline_reminders(*, today: datetime.date | None = None) -> int:
    """Mail the responsible person of each open case 14 and 3 days (settings) before its
    deadline, once per step; the mails sent."""
    today = today or timezone.localdate()
    days = sorted(reminder_days(), reverse=True)
    if not days:
        return 0
    sent = 0
    horizon = today + datetime.timedelta(days=max(days))
    due_ids = list(
        Case.objects.open()
        .filter(deadline_on__gte=today, deadline_on__lte=horizon, responsible__isnull=False)
        .values_list("pk", flat=True)
    )
    for pk in due_ids:
        # One transaction and row lock per case: two runs at once never remind twice.
        with transaction.atomic():
            case = (
                Case.objects.select_for_update(of=("self",))
                .select_related("network", "responsible")
                .get(pk=pk)
            )
            if case.deadline_on is None or case.responsible is None or not case.is_open:
                continue
            left = (case.deadline_on - today).days
            # Every step reached that has not been reminded yet; one mail for them.
            due = [d for d in days if left <= d and d not in case.reminded_days]
            if not due:
                continue
            case.reminded_days = sorted({*case.reminded_days, *due})
            case.save(update_fields=["reminded_days"])
            send_templated_mail(
                network=case.network,
                to=[case.responsible.email],
                template="advocacy/mail/deadline",
                context={
                    "case": case,
                    "days_left": left,
                    "url": case.network.base_url + case.get_absolute_url(),
                },
            )
            sent += 1
    return sent
