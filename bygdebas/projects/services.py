"""Writes of the knowledge bank: projects, advice, funding calls, good examples.

Each validates the whole row before it saves anything, so bad input leaves nothing half-saved.
Advice logs an action against the plan's support activities; a published example logs one
against the plan's "spread good examples" activity and is indexed for search.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Mapping, Sequence
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from bygdebas.core import moderation
from bygdebas.core.images import ProcessedImage, save_image
from bygdebas.core.mail import send_templated_mail
from bygdebas.core.search import index_object, remove_object
from bygdebas.core.signed_links import make_token
from bygdebas.members.access import organisations_for_contact
from bygdebas.plan import services as plan_services
from bygdebas.plan.matching import find_activities
from bygdebas.projects.models import (
    Advice,
    CallDigestSubscription,
    Example,
    FundingCall,
    FundingSource,
    Goal,
    Project,
    ProjectAttachment,
    ProjectFunding,
    Theme,
)

if TYPE_CHECKING:
    from django.core.files.uploadedfile import UploadedFile

    from bygdebas.core.models import Municipality, Network, User
    from bygdebas.members.models import Organisation
    from bygdebas.plan.models import Activity

# The plan activities advice and examples are logged against (plan.matching terms, in tiers).
SUPPORT_TERMS = (("stödja projekt",), ("rådgivning*", "stöd till projekt"), ("projekt*",))
YOUTH_TERMS = (("barn och ungdomar", "barn och unga"), ("ungdom*", "unga"))
EXAMPLE_TERMS = (("goda exempel",), ("good example*",))


def _saved[M: Any](row: M, *, exclude: Iterable[str] = ()) -> M:
    row.full_clean(exclude=list(exclude))
    row.save()
    return row


# --- Projects ------------------------------------------------------------------------------


@transaction.atomic
def save_project(
    *,
    network: Network,
    fields: Mapping[str, Any],
    organisations: Iterable[Organisation] = (),
    goals: Iterable[Goal] = (),
    project: Project | None = None,
) -> Project:
    """Create or change a project."""
    project = project or Project(network=network)
    for name, value in fields.items():
        setattr(project, name, value)
    _saved(project, exclude=["network"])
    project.organisations.set(_own(network, organisations))
    project.goals.set(list(goals))
    return project


def _own(network: Network, organisations: Iterable[Organisation]) -> list[Organisation]:
    rows = list(organisations)
    if any(row.network_id != network.pk for row in rows):
        raise ValidationError(_("The organisation does not belong to this network."))
    return rows


@transaction.atomic
def delete_project(*, project: Project) -> None:
    """Delete a project with its funding lines and files; advice given to it stays."""
    for attachment in project.attachments.all():
        _delete_file_on_commit(attachment)
    project.delete()


@transaction.atomic
def add_funding(
    *,
    project: Project,
    source: str,
    funder: str = "",
    amount: Any = None,
    hours: Any = None,
) -> ProjectFunding:
    """Add a funding source (or own work in hours) to a project."""
    line = ProjectFunding(project=project, source=source, funder=funder.strip())
    line.amount = None if source == FundingSource.OWN_WORK else amount
    line.hours = hours if source == FundingSource.OWN_WORK else None
    return _saved(line, exclude=["project"])


def delete_funding(*, funding: ProjectFunding) -> None:
    funding.delete()


@transaction.atomic
def add_attachment(*, project: Project, title: str, file: UploadedFile) -> ProjectAttachment:
    """Attach a results file (checked by the form) to a project."""
    attachment = ProjectAttachment(project=project, title=title.strip())
    attachment.file.save(file.name or "file", file, save=False)
    try:
        return _saved(attachment, exclude=["project"])
    except ValidationError:
        attachment.file.delete(save=False)
        raise


def _delete_file_on_commit(attachment: ProjectAttachment) -> None:
    storage, name = attachment.file.storage, attachment.file.name
    if name:
        transaction.on_commit(lambda: storage.delete(name))


@transaction.atomic
def delete_attachment(*, attachment: ProjectAttachment) -> None:
    _delete_file_on_commit(attachment)
    attachment.delete()


# --- Advice --------------------------------------------------------------------------------


def advice_activities(network: Network, advice: Advice) -> list[Activity]:
    """The plan activities advice counts for: the support activities, and for a youth project
    also the one about children and young people."""
    year = advice.given_on.year
    activities = find_activities(network, year, tiers=SUPPORT_TERMS)
    if advice.project is not None and advice.project.is_youth:
        activities += [
            a for a in find_activities(network, year, tiers=YOUTH_TERMS) if a not in activities
        ]
    return activities


def _advice_title(advice: Advice) -> str:
    return _("Advice: %(topic)s – %(advised)s") % {
        "topic": advice.get_topic_display(),
        "advised": advice.advised,
    }


@transaction.atomic
def save_advice(
    *,
    network: Network,
    fields: Mapping[str, Any],
    user: User | None,
    advice: Advice | None = None,
) -> Advice:
    """Log advice given (or change it); its action in the plan is logged or updated with it."""
    advice = advice or Advice(network=network, given_by=user)
    for name, value in fields.items():
        setattr(advice, name, value)
    for related in (advice.organisation, advice.project):
        if related is not None and related.network_id != network.pk:
            raise ValidationError(_("The organisation or project does not belong to this network."))
    _saved(advice, exclude=["network", "action"])
    activities = advice_activities(network, advice)
    municipality = _advice_municipality(advice)
    action_fields: dict[str, Any] = {
        "performed_on": advice.given_on,
        "title": _advice_title(advice),
        "description": advice.notes,
        "activities": activities,
        "municipality": municipality,
    }
    if not activities:
        # No plan (yet) for the year, or no support activity in it: the advice is kept,
        # and an action it logged before for another year goes.
        if advice.action is not None:
            plan_services.delete_action(action=advice.action)
            advice.action = None
            advice.save(update_fields=["action"])
    elif advice.action is None:
        advice.action = plan_services.log_action(
            network=network, source=advice, created_by=user, **action_fields
        )
        advice.save(update_fields=["action"])
    else:
        plan_services.update_action(action=advice.action, link=advice.action.link, **action_fields)
    return advice


def _advice_municipality(advice: Advice) -> Municipality | None:
    for row in (advice.project, advice.organisation):
        if row is not None and row.municipality is not None:
            return row.municipality
    return None


@transaction.atomic
def delete_advice(*, advice: Advice) -> None:
    """Delete advice and the action it logged."""
    if advice.action is not None:
        plan_services.delete_action(action=advice.action)
    advice.delete()


# --- Funding calls -------------------------------------------------------------------------


@transaction.atomic
def save_call(
    *,
    network: Network,
    fields: Mapping[str, Any],
    municipalities: Iterable[Municipality] = (),
    themes: Iterable[Theme] = (),
    call: FundingCall | None = None,
) -> FundingCall:
    """Create or change a funding call."""
    call = call or FundingCall(network=network)
    for name, value in fields.items():
        setattr(call, name, value)
    _saved(call, exclude=["network"])
    allowed = {m.pk for m in network.municipalities()}
    chosen = list(municipalities)
    if any(m.pk not in allowed for m in chosen):
        raise ValidationError(
            {"municipalities": _("Choose municipalities of the network's county.")}
        )
    call.municipalities.set(chosen)
    call.themes.set(list(themes))
    return call


def delete_call(*, call: FundingCall) -> None:
    call.delete()


def set_call_digest(*, network: Network, user: User, wanted: bool) -> bool:
    """Start or stop a contact person's weekly mail of new funding calls; whether it is on."""
    rows = CallDigestSubscription.objects.for_network(network).filter(user=user)
    if wanted:
        rows.get_or_create(defaults={"network": network, "user": user})
    else:
        rows.delete()
    return wanted


DIGEST_STOP = "projects.call-digest-stop"


def digest_token(subscription: CallDigestSubscription) -> str:
    """The signed token of the link that stops ``subscription``'s digest."""
    return make_token(purpose=DIGEST_STOP, network_id=subscription.network_id, s=subscription.pk)


def calls_for_municipalities(
    network: Network, municipality_ids: Sequence[int], *, today: datetime.date
) -> list[FundingCall]:
    """The calls still open that cover any of these municipalities (or the whole county)."""
    return list(
        FundingCall.objects.for_network(network)
        .upcoming(today)
        .covering(list(municipality_ids))
        .order_by("deadline_on", "pk")
    )


def send_call_digests(*, network: Network, now: datetime.datetime | None = None) -> int:
    """Mail each subscribed contact person the calls added since their last digest that cover
    their organisations' municipalities; how many mails went."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    sent = 0
    subscriptions = CallDigestSubscription.objects.for_network(network).select_related("user")
    for subscription in subscriptions:
        since = subscription.last_sent_at or now - datetime.timedelta(days=7)
        municipalities = [
            pk
            for pk in organisations_for_contact(subscription.user, network).values_list(
                "municipality_id", flat=True
            )
            if pk is not None
        ]
        calls = [
            call
            for call in calls_for_municipalities(network, municipalities, today=today)
            if call.created_at > since
        ]
        if calls and subscription.user.is_active:
            stop = network.base_url.rstrip("/") + reverse(
                "projects:call-digest-stop",
                kwargs={"token": digest_token(subscription)},
            )
            send_templated_mail(
                network=network,
                to=[subscription.user.email],
                template="projects/mail/call_digest",
                context={"calls": calls, "network": network, "stop_link": stop},
                # A mailing: the list's own way out (RFC 2369), a page with a button.
                headers={"List-Unsubscribe": f"<{stop}>"},
            )
            sent += 1
        subscription.last_sent_at = now
        subscription.save(update_fields=["last_sent_at"])
    return sent


# --- Good examples -------------------------------------------------------------------------


def _photo(network: Network, image: ProcessedImage | None, alt: str, user: User | None) -> Any:
    return (
        save_image(network=network, image=image, alt_text=alt, uploaded_by=user) if image else None
    )


def _example_fields(example: Example, fields: Mapping[str, Any]) -> None:
    for name, value in fields.items():
        setattr(example, name, value)


@transaction.atomic
def save_example(
    *,
    network: Network,
    user: User,
    fields: Mapping[str, Any],
    organisations: Iterable[Organisation] = (),
    goals: Iterable[Goal] = (),
    themes: Iterable[Theme] = (),
    image: ProcessedImage | None = None,
    image_alt: str = "",
    example: Example | None = None,
) -> Example:
    """Staff write or change an example; a new one is published at once."""
    is_new = example is None
    example = example or Example(network=network)
    _example_fields(example, fields)
    if example.project is not None and example.project.network_id != network.pk:
        raise ValidationError(_("The project does not belong to this network."))
    example.full_clean(exclude=["network", "photo", "publish_action"])
    old_photo = example.photo if image else None
    if image:
        example.photo = _photo(network, image, image_alt, user)
    elif example.photo is not None and image_alt.strip():
        example.photo.alt_text = image_alt.strip()[:300]
        example.photo.save(update_fields=["alt_text"])
    if is_new:
        example.moderation_status = moderation.ModerationStatus.APPROVED
        example.decided_by = user
        example.decided_at = timezone.now()
    example.save()
    example.organisations.set(_own(network, organisations))
    example.goals.set(list(goals))
    example.themes.set(list(themes))
    if old_photo is not None:
        old_photo.delete()
    if is_new:
        _publish(example, user=user)
    index_object(example)
    return example


@transaction.atomic
def submit_example(
    *,
    network: Network,
    user: User,
    organisation: Organisation,
    fields: Mapping[str, Any],
    goals: Iterable[Goal] = (),
    themes: Iterable[Theme] = (),
    image: ProcessedImage | None = None,
    image_alt: str = "",
    language: str | None = None,
) -> Example:
    """A contact person sends in an example from self-service; it waits for staff."""
    if organisation.network_id != network.pk:
        raise ValidationError(_("The organisation does not belong to this network."))
    example = Example(network=network)
    _example_fields(example, fields)
    example.full_clean(exclude=["network", "photo", "publish_action"])
    example.photo = _photo(network, image, image_alt, user)
    example.save()
    example.organisations.set([organisation])
    example.goals.set(list(goals))
    example.themes.set(list(themes))
    moderation.submit(example, by=user, language=language)
    return example


@transaction.atomic
def resubmit_example(
    *,
    example: Example,
    user: User,
    changes: Mapping[str, Any],
    image: ProcessedImage | None = None,
    image_alt: str = "",
) -> Example:
    """The submitter's changes after staff asked for them; it waits for staff again."""
    moderation.resubmit(example, by=user, changes=changes)
    if image:
        old = example.photo
        example.photo = _photo(example.network, image, image_alt, user)
        example.save(update_fields=["photo"])
        if old is not None:
            old.delete()
    return example


def _publish(example: Example, *, user: User | None) -> None:
    example.publish()
    example.save(update_fields=["published_at"])
    if example.publish_action is None and example.published_at is not None:
        performed_on = timezone.localdate(example.published_at)
        activities = find_activities(example.network, performed_on.year, tiers=EXAMPLE_TERMS)
        if activities:
            example.publish_action = plan_services.log_action(
                network=example.network,
                performed_on=performed_on,
                title=_("Good example published: %(title)s") % {"title": example.title},
                description=example.summary,
                activities=activities,
                municipality=example.municipality,
                source=example,
                created_by=user,
            )
            example.save(update_fields=["publish_action"])


def publish_example(example: Example, event: Any) -> None:
    """The moderation hook on approval: publish, log the action, index for search."""
    _publish(example, user=event.actor)
    index_object(example)


@transaction.atomic
def unpublish_example(*, example: Example) -> Example:
    """Take an example off the catalogue (the action it logged stays: the work was done)."""
    example.published_at = None
    example.save(update_fields=["published_at"])
    index_object(example)
    return example


@transaction.atomic
def republish_example(*, example: Example, user: User) -> Example:
    if not example.is_approved:
        raise ValidationError(_("Only an approved example can be published."))
    _publish(example, user=user)
    index_object(example)
    return example


@transaction.atomic
def delete_example(*, example: Example) -> None:
    """Delete an example, its photo and its search entry (its logged action stays)."""
    remove_object(example)
    photo = example.photo
    example.delete()
    if photo is not None:
        photo.delete()
