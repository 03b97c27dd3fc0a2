"""Submissions with moderation: something a contact person or a member of the public sends in
waits for staff, who approve it (possibly edited; the original is kept), ask for changes (the
submitter edits and sends it again) or decline it with a reason. The sender is told by mail at
each step, in their language; every step is logged (``core.ModerationEvent``: who, when, what,
why, the content before and after).

The model mixes in ``Submission`` (``core/models_moderation.py``)::

    class Item(Submission):
        moderated_fields = ("title", "text", "link")
        moderation_mail_prefix = "newsletter/mail/item"  # optional: the app's own mail texts
        network = models.ForeignKey("core.Network", ...)
        title = ...
        objects = ItemQuerySet.as_manager()  # class ItemQuerySet(SubmissionQuerySet["Item"])

        def get_submitter_url(self, action):  # optional: the link in the mail
            return reverse("newsletter:my-item", args=[self.pk])

The app registers what should happen on each step (in the same transaction) in ``ready()``::

    register_moderated(Item, label=_("Member news"), on_approve=services.publish_item)

and its services call these, which check the step is allowed from the row's state (a clear
``ModerationError`` otherwise), run in a transaction with the row locked, log the step, call the
hook and mail the submitter when the transaction commits::

    item = Item(network=network, title=..., text=...)
    submit(item, by=request.user)  # a contact person: name, address from the login
    submit(report, name="Eva", email="eva@example.org")  # anonymous
    approve(item, by=staff, edits={"title": "Bättre rubrik"}, note="Tack!")
    request_changes(item, by=staff, reason="Lägg till datum och plats.")
    resubmit(item, by=request.user, changes={"text": "…"})
    decline(item, by=staff, reason="Det här är reklam.")

Steps and the states they start from::

    submit           new                        → pending
    resubmit         changes_requested          → pending        (only the submitter)
    approve          pending, changes_requested → approved
    request_changes  pending                    → changes_requested
    decline          pending, changes_requested → declined

The staff queue (a list of what waits, and a page per submission with the decision form) is
mounted with ``core.moderation_views.moderation_urls``.
"""

from __future__ import annotations

import contextlib
import datetime
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models, transaction
from django.template import TemplateDoesNotExist
from django.template.loader import get_template
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from bygdebas.core.mail import send_templated_mail
from bygdebas.core.models import Network, User
from bygdebas.core.models_moderation import (
    ModerationEvent,
    ModerationStatus,
    Submission,
    SubmissionQuerySet,
)
from bygdebas.core.signed_links import LinkInvalidError, make_token, read_token
from bygdebas.core.tenancy import NetworkQuerySet, network_id_of

if TYPE_CHECKING:
    from django.utils.functional import Promise

__all__ = [
    "ModerationError",
    "ModerationEvent",
    "ModerationStatus",
    "Submission",
    "SubmissionQuerySet",
    "approve",
    "decline",
    "read_resubmission_token",
    "register_moderated",
    "request_changes",
    "resubmission_token",
    "resubmit",
    "submit",
]

Action = ModerationEvent.Action
# A link that lets an anonymous submitter send their changes stays valid this long.
RESUBMISSION_LINK_MAX_AGE = datetime.timedelta(days=30)

# Which states each step may start from (``submit`` starts from a row never sent in).
_FROM: dict[str, tuple[str, ...]] = {
    Action.RESUBMITTED: (ModerationStatus.CHANGES_REQUESTED,),
    Action.APPROVED: (ModerationStatus.PENDING, ModerationStatus.CHANGES_REQUESTED),
    Action.CHANGES_REQUESTED: (ModerationStatus.PENDING,),
    Action.DECLINED: (ModerationStatus.PENDING, ModerationStatus.CHANGES_REQUESTED),
}
_TO: dict[str, str] = {
    Action.SUBMITTED: ModerationStatus.PENDING,
    Action.RESUBMITTED: ModerationStatus.PENDING,
    Action.APPROVED: ModerationStatus.APPROVED,
    Action.CHANGES_REQUESTED: ModerationStatus.CHANGES_REQUESTED,
    Action.DECLINED: ModerationStatus.DECLINED,
}
# The mail each step sends the submitter (template core/mail/moderation_<name>).
_MAIL: dict[str, str] = {
    Action.SUBMITTED: "received",
    Action.RESUBMITTED: "received",
    Action.APPROVED: "approved",
    Action.CHANGES_REQUESTED: "changes_requested",
    Action.DECLINED: "declined",
}


class ModerationError(ValidationError):
    """The step is not allowed now (the row's state, the person, a missing reason, an edit)."""


# --- Hooks ------------------------------------------------------------------------------------

type Hook = Callable[[Any, ModerationEvent], None]


@dataclass(frozen=True)
class Moderated:
    model: type[Submission]
    label: str | Promise
    hooks: Mapping[str, Hook]


_moderated: dict[str, Moderated] = {}


def register_moderated(
    model: type[Submission],
    *,
    label: str | Promise,
    on_submit: Hook | None = None,
    on_resubmit: Hook | None = None,
    on_approve: Hook | None = None,
    on_request_changes: Hook | None = None,
    on_decline: Hook | None = None,
) -> None:
    """What the app does at each step of ``model``'s moderation: ``hook(obj, event)``, called in
    the step's transaction after the row and the log are written (raise to undo the step)."""
    if not model.moderated_fields:
        raise ValueError(f"{model.__name__} names no moderated_fields.")
    hooks = {
        Action.SUBMITTED: on_submit,
        Action.RESUBMITTED: on_resubmit,
        Action.APPROVED: on_approve,
        Action.CHANGES_REQUESTED: on_request_changes,
        Action.DECLINED: on_decline,
    }
    _moderated[model._meta.label] = Moderated(
        model, label, {action: hook for action, hook in hooks.items() if hook is not None}
    )


def unregister_moderated(model: type[Submission]) -> None:
    _moderated.pop(model._meta.label, None)


def moderated_label(model: type[Submission]) -> str:
    entry = _moderated.get(model._meta.label)
    return str(entry.label) if entry else str(model._meta.verbose_name_plural)


def _hook(obj: Submission, action: str) -> Hook | None:
    entry = _moderated.get(type(obj)._meta.label)
    return entry.hooks.get(action) if entry else None


# --- Content snapshots ------------------------------------------------------------------------


def snapshot(obj: Submission) -> dict[str, Any]:
    """The moderated fields' values, as JSON-ready data (a related row by its id)."""
    data: dict[str, Any] = {}
    for name in obj.moderated_fields:
        field = obj._meta.get_field(name)
        if field.many_to_many:
            data[name] = sorted(getattr(obj, name).values_list("pk", flat=True)) if obj.pk else []
        else:
            data[name] = field.value_from_object(obj)  # type: ignore[union-attr]
    # Through the encoder and back: dates become strings, as they are stored.
    encoder = DjangoJSONEncoder()
    return {key: _jsonable(value, encoder) for key, value in data.items()}


def _jsonable(value: Any, encoder: DjangoJSONEncoder) -> Any:
    if value is None or isinstance(value, str | int | float | bool | list | dict):
        return value
    if isinstance(value, models.fields.files.FieldFile):
        return value.name or ""
    return encoder.default(value)


def _apply(obj: Submission, values: Mapping[str, Any], *, who: str) -> list[str]:
    """Set moderated fields on ``obj`` (saved by the caller); the many-to-many ones to set after."""
    unknown = sorted(set(values) - set(obj.moderated_fields))
    if unknown:
        raise ModerationError(
            _("%(who)s may only change %(allowed)s, not %(fields)s.")
            % {
                "who": who,
                "allowed": ", ".join(obj.moderated_fields),
                "fields": ", ".join(unknown),
            }
        )
    later = []
    for name, value in values.items():
        field = obj._meta.get_field(name)
        if field.many_to_many:
            later.append(name)
        else:
            setattr(obj, name, value)
    others = [f.name for f in obj._meta.concrete_fields if f.name not in values]
    with _as_moderation_error():
        obj.clean_fields(exclude=others)
        obj.clean()
    return later


@contextlib.contextmanager
def _as_moderation_error() -> Iterator[None]:
    """The model's own validation errors, raised as a ModerationError (field by field)."""
    try:
        yield
    except ModerationError:
        raise
    except ValidationError as error:
        raise ModerationError(
            error.error_dict if hasattr(error, "error_dict") else error.error_list
        ) from None


# --- Steps ------------------------------------------------------------------------------------


def _check_step(action: str, current: str) -> None:
    if current in _FROM[action]:
        return
    status = ModerationStatus(current).label if current else _("not sent in")
    messages: dict[str, str] = {
        Action.RESUBMITTED: _("Only a submission sent back for changes can be sent in again; "
                              "this one is: %(status)s."),
        Action.APPROVED: _("Only a submission waiting for a decision can be approved; this one "
                           "is: %(status)s."),
        Action.CHANGES_REQUESTED: _("Changes can only be asked for while a submission waits "
                                    "for moderation; this one is: %(status)s."),
        Action.DECLINED: _("Only a submission waiting for a decision can be declined; this one "
                           "is: %(status)s."),
    }  # fmt: skip
    raise ModerationError(messages[action] % {"status": status}, code="not_allowed")


def _locked(obj: Submission) -> Submission:
    """``obj``'s row, locked for the transaction, so two decisions cannot both pass the check."""
    manager: Any = type(obj)._default_manager
    row: Submission = manager.select_for_update().get(pk=obj.pk)
    return row


def _network(obj: Submission) -> Network:
    cached = getattr(obj, "network", None)
    if isinstance(cached, Network):
        return cached
    return Network.objects.get(pk=network_id_of(obj))


def _log(
    obj: Submission,
    action: str,
    *,
    actor: User | None,
    reason: str = "",
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
) -> ModerationEvent:
    return ModerationEvent.objects.create(
        network_id=network_id_of(obj),
        content_type=ContentType.objects.get_for_model(obj),
        object_id=str(obj.pk),
        action=action,
        actor=actor,
        at=timezone.now(),
        reason=reason,
        before=before or {},
        after=after or {},
    )


def _finish(obj: Submission, event: ModerationEvent, *, mail: bool) -> None:
    hook = _hook(obj, event.action)
    if hook is not None:
        hook(obj, event)
    if mail:
        _mail_submitter(obj, event)


def _sync(target: Submission, source: Submission) -> None:
    """Give the caller's instance the row's values after the step."""
    for field in source._meta.concrete_fields:
        setattr(target, field.attname, getattr(source, field.attname))


def submit(
    obj: Submission,
    *,
    by: User | None = None,
    name: str = "",
    email: str = "",
    language: str | None = None,
    mail: bool = True,
) -> Submission:
    """Send ``obj`` in for moderation (saving it): by a logged-in ``by``, or anonymously by
    ``name`` and ``email``. The submitter gets a receipt by mail."""
    with transaction.atomic():
        if obj.submitted_at is not None or (
            obj.pk is not None
            and type(obj)._default_manager.filter(pk=obj.pk, submitted_at__isnull=False).exists()
        ):
            raise ModerationError(_("This has already been sent in."), code="already_submitted")
        if by is not None:
            name = name or by.get_full_name()
            email = email or by.email
        email = email.strip().lower()
        if not email:
            raise ModerationError(
                {"submitter_email": _("We need an e-mail address to tell you what happens.")}
            )
        obj.submitted_by = by
        obj.submitter_name = name.strip()
        obj.submitter_email = email
        obj.submitter_language = language or translation.get_language() or settings.LANGUAGE_CODE
        obj.moderation_status = ModerationStatus.PENDING
        obj.submitted_at = timezone.now()
        obj.decided_at = None
        obj.decided_by = None
        obj.moderation_reason = ""
        with _as_moderation_error():
            obj.full_clean(exclude=["original"])
        obj.save()
        obj.original = snapshot(obj)
        obj.save(update_fields=["original"])
        event = _log(obj, Action.SUBMITTED, actor=by, after=obj.original)
        _finish(obj, event, mail=mail)
    return obj


def resubmit(
    obj: Submission,
    *,
    by: User | None = None,
    changes: Mapping[str, Any] | None = None,
    mail: bool = True,
) -> Submission:
    """The submitter's new version after staff asked for changes; it waits for staff again.

    A submission sent in while logged in is resubmitted by that user only; an anonymous one with
    ``by=None``, after the view has checked the signed link (``read_resubmission_token``).
    """
    changes = dict(changes or {})
    with transaction.atomic():
        row = _locked(obj)
        _check_step(Action.RESUBMITTED, row.moderation_status)
        if row.submitted_by_id is not None and (by is None or by.pk != row.submitted_by_id):
            raise ModerationError(
                _("Only the person who sent it in can send it in again."), code="not_submitter"
            )
        if row.submitted_by_id is None and by is not None:
            raise ModerationError(
                _("This was sent in without logging in: it is changed through the link in the "
                  "mail."),
                code="not_submitter",
            )  # fmt: skip
        before = snapshot(row)
        later = _apply(row, changes, who=_("The sender"))
        row.moderation_status = ModerationStatus.PENDING
        row.submitted_at = timezone.now()
        row.moderation_reason = ""
        row.save()
        for name in later:
            getattr(row, name).set(changes[name])
        row.original = snapshot(row)
        row.save(update_fields=["original"])
        _sync(obj, row)
        event = _log(obj, Action.RESUBMITTED, actor=by, before=before, after=obj.original)
        _finish(obj, event, mail=mail)
    return obj


def approve(
    obj: Submission,
    *,
    by: User,
    edits: Mapping[str, Any] | None = None,
    note: str = "",
    mail: bool = True,
) -> Submission:
    """Approve ``obj``, with staff's ``edits`` to its moderated fields; ``original`` keeps the
    submitter's version. ``note`` is passed on to the submitter."""
    edits = dict(edits or {})
    with transaction.atomic():
        row = _locked(obj)
        _check_step(Action.APPROVED, row.moderation_status)
        before = snapshot(row)
        later = _apply(row, edits, who=_("Staff"))
        row.moderation_status = ModerationStatus.APPROVED
        row.decided_at = timezone.now()
        row.decided_by = by
        row.moderation_reason = note.strip()
        row.save()
        for name in later:
            getattr(row, name).set(edits[name])
        after = snapshot(row)
        _sync(obj, row)
        event = _log(
            obj, Action.APPROVED, actor=by, reason=row.moderation_reason, before=before, after=after
        )
        _finish(obj, event, mail=mail)
    return obj


def _decide(obj: Submission, action: str, *, by: User, reason: str, mail: bool) -> Submission:
    reason = reason.strip()
    if not reason:
        raise ModerationError({"reason": _("Say why: the sender is told.")})
    with transaction.atomic():
        row = _locked(obj)
        _check_step(action, row.moderation_status)
        row.moderation_status = _TO[action]
        row.decided_at = timezone.now()
        row.decided_by = by
        row.moderation_reason = reason
        row.save(
            update_fields=["moderation_status", "decided_at", "decided_by", "moderation_reason"]
        )
        _sync(obj, row)
        event = _log(obj, action, actor=by, reason=reason)
        _finish(obj, event, mail=mail)
    return obj


def request_changes(obj: Submission, *, by: User, reason: str, mail: bool = True) -> Submission:
    """Send ``obj`` back to its submitter with what to change."""
    return _decide(obj, Action.CHANGES_REQUESTED, by=by, reason=reason, mail=mail)


def decline(obj: Submission, *, by: User, reason: str, mail: bool = True) -> Submission:
    """Decline ``obj``, saying why."""
    return _decide(obj, Action.DECLINED, by=by, reason=reason, mail=mail)


def history(obj: Submission) -> list[ModerationEvent]:
    """Every logged step of ``obj``, oldest first, with who took it."""
    return list(
        ModerationEvent.objects.for_network(network_id_of(obj))
        .for_object(obj)
        .select_related("actor")
    )


# --- Mail to the submitter --------------------------------------------------------------------


def mail_template(model: type[Submission], action: str) -> str:
    """The app's template for the step's mail if it has one, else core's."""
    name = _MAIL[action]
    if model.moderation_mail_prefix:
        candidate = f"{model.moderation_mail_prefix}_{name}"
        try:
            get_template(f"{candidate}_subject.txt")
        except TemplateDoesNotExist:
            pass
        else:
            return candidate
    return f"core/mail/moderation_{name}"


def _absolute(network: Network, url: str | None) -> str:
    if not url:
        return ""
    return url if "://" in url else network.base_url.rstrip("/") + url


def _mail_submitter(obj: Submission, event: ModerationEvent) -> None:
    if not obj.submitter_email:
        return
    network = _network(obj)
    send_templated_mail(
        network=network,
        to=[obj.submitter_email],
        template=mail_template(type(obj), event.action),
        context={
            "submission": obj,
            "event": event,
            "action": event.action,
            "reason": event.reason,
            "what": str(type(obj)._meta.verbose_name),
            "link": _absolute(network, obj.get_submitter_url(event.action)),
        },
        language=obj.submitter_language or settings.LANGUAGE_CODE,
    )


# --- Signed links for anonymous submitters ------------------------------------------------------


def _salt(model: type[Submission]) -> str:
    return f"bygdebas.moderation.resubmit.{model._meta.label_lower}"


def _round(obj: Submission) -> int:
    # The decision that asked for changes: a link is for that round only.
    return _microseconds(obj.decided_at) if obj.decided_at else 0


def _microseconds(moment: datetime.datetime) -> int:
    # Exact: two rounds within one second must not share a link.
    return (moment - _EPOCH) // datetime.timedelta(microseconds=1)


_EPOCH = datetime.datetime(1970, 1, 1, tzinfo=datetime.UTC)


def resubmission_token(obj: Submission) -> str:
    """A signed token that lets an anonymous submitter change ``obj`` after this request for
    changes (and not after a later one); for ``get_submitter_url``."""
    return make_token(
        purpose=_salt(type(obj)), network_id=network_id_of(obj), i=obj.pk, r=_round(obj)
    )


def read_resubmission_token[M: Submission](
    source: type[M] | NetworkQuerySet[M], network: Network, token: str
) -> M:
    """The submission a resubmission token names, still waiting for its submitter's changes.

    LinkInvalidError / LinkExpiredError (``core.signed_links``) when it cannot be used.
    """
    queryset: Any = source._default_manager.all() if isinstance(source, type) else source
    values = read_token(
        token, purpose=_salt(queryset.model), network=network, max_age=RESUBMISSION_LINK_MAX_AGE
    )
    obj = queryset.for_network(network).filter(pk=values.get("i")).first()
    if obj is None or obj.moderation_status != ModerationStatus.CHANGES_REQUESTED:
        raise LinkInvalidError("The submission does not wait for changes.")
    if values.get("r") != _round(obj):
        raise LinkInvalidError("The link is for an earlier request for changes.")
    found: M = obj
    return found


# --- Personal data ----------------------------------------------------------------------------


def extract_submissions(rows: Iterable[Submission]) -> list[dict[str, Any]]:
    """A register extract's rows for submissions a person sent in (for ``register_personal_data``)."""
    return [
        {
            "what": str(row),
            "status": str(ModerationStatus(row.moderation_status).label),
            "sent_in": row.submitted_at,
            "name": row.submitter_name,
            "email": row.submitter_email,
            "as_sent_in": row.original,
        }
        for row in rows
    ]


def erase_submitter(rows: SubmissionQuerySet[Any], *, name: str) -> int:
    """Remove the submitter's name and address from ``rows`` (the content stays); how many."""
    return int(rows.update(submitter_name=name, submitter_email="", submitted_by=None))
