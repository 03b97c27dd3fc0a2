"""Submissions with moderation: the abstract model an app's submitted rows mix in, and the log of
every moderation step. The services are in ``core/moderation.py``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar, Self, TypeVar

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from bygdebas.core.tenancy import NetworkQuerySet

if TYPE_CHECKING:
    from django.contrib.auth.base_user import AbstractBaseUser
    from django.contrib.auth.models import AnonymousUser

_S = TypeVar("_S", bound="Submission", covariant=True)


class ModerationStatus(models.TextChoices):
    PENDING = "pending", _("Waiting for moderation")
    CHANGES_REQUESTED = "changes_requested", _("Changes asked for")
    APPROVED = "approved", _("Approved")
    DECLINED = "declined", _("Declined")


class SubmissionQuerySet(NetworkQuerySet[_S]):
    """Reads of submitted rows; an app's QuerySet subclasses it."""

    def pending(self) -> Self:
        """Waiting for staff."""
        return self.filter(moderation_status=ModerationStatus.PENDING)

    def awaiting_submitter(self) -> Self:
        """Sent back: waiting for the submitter's changes."""
        return self.filter(moderation_status=ModerationStatus.CHANGES_REQUESTED)

    def undecided(self) -> Self:
        return self.filter(
            moderation_status__in=[ModerationStatus.PENDING, ModerationStatus.CHANGES_REQUESTED]
        )

    def approved(self) -> Self:
        return self.filter(moderation_status=ModerationStatus.APPROVED)

    def declined(self) -> Self:
        return self.filter(moderation_status=ModerationStatus.DECLINED)

    def submitted_by_user(self, user: AbstractBaseUser | AnonymousUser) -> Self:
        """What ``user`` sent in while logged in (a contact person's own submissions)."""
        if not user.is_authenticated:
            return self.none()
        return self.filter(submitted_by=user)

    def submitted_from(self, email: str) -> Self:
        """What was sent in from ``email`` (an anonymous submitter's rows, for the extract)."""
        return self.filter(submitter_email__iexact=email.strip())


class Submission(models.Model):
    """Something sent in that waits for staff: a newsletter item, a good example, a report.

    ``moderated_fields`` names the content fields: their values are snapshotted when sent in
    (``original`` keeps the submitter's last version) and are what staff may edit on approval.
    A logged-in submitter is ``submitted_by``; an anonymous one is known by ``submitter_email``
    (and ``submitter_name``). Mail to the submitter is in ``submitter_language``.
    """

    # The content fields staff review and may edit when approving.
    moderated_fields: ClassVar[tuple[str, ...]] = ()
    # Where the app's own mail templates are, e.g. "newsletter/mail/item": then
    # "newsletter/mail/item_approved" is used before "core/mail/moderation_approved".
    moderation_mail_prefix: ClassVar[str] = ""

    moderation_status = models.CharField(
        _("moderation"),
        max_length=20,
        choices=ModerationStatus.choices,
        default=ModerationStatus.PENDING,
        db_index=True,
    )
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("sent in by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    submitter_name = models.CharField(_("sender's name"), max_length=200, blank=True)
    submitter_email = models.EmailField(_("sender's e-mail address"), blank=True)
    submitter_language = models.CharField(_("sender's language"), max_length=8, blank=True)
    submitted_at = models.DateTimeField(_("sent in"), null=True, blank=True)
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("decided by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    moderation_reason = models.TextField(_("message to the sender"), blank=True)
    original = models.JSONField(
        _("as sent in"), default=dict, blank=True, encoder=DjangoJSONEncoder
    )

    if TYPE_CHECKING:
        submitted_by_id: int | None
        decided_by_id: int | None

    class Meta:
        abstract = True

    @property
    def is_pending(self) -> bool:
        return self.moderation_status == ModerationStatus.PENDING

    @property
    def is_approved(self) -> bool:
        return self.moderation_status == ModerationStatus.APPROVED

    @property
    def submitter_display(self) -> str:
        """Who sent it in, for staff pages."""
        if self.submitter_name and self.submitter_email:
            return f"{self.submitter_name} <{self.submitter_email}>"
        return self.submitter_name or self.submitter_email or str(self.submitted_by or "")

    def get_submitter_url(self, action: str) -> str | None:
        """Where the submitter sees (or, after ``changes_requested``, edits) the submission.

        A path or an absolute URL for the mail; None for no link. Override it: a contact
        person's self-service page, or for an anonymous submitter a signed link
        (``core.moderation.resubmission_token``).
        """
        return None


class ModerationEventQuerySet(NetworkQuerySet["ModerationEvent"]):
    def for_object(self, obj: models.Model) -> Self:
        return self.filter(
            content_type=ContentType.objects.get_for_model(obj), object_id=str(obj.pk)
        )


class ModerationEvent(models.Model):
    """One step of a submission's moderation: who, when, what, why, and the content around it."""

    class Action(models.TextChoices):
        SUBMITTED = "submitted", _("Sent in")
        RESUBMITTED = "resubmitted", _("Sent in again")
        APPROVED = "approved", _("Approved")
        CHANGES_REQUESTED = "changes_requested", _("Changes asked for")
        DECLINED = "declined", _("Declined")

    network = models.ForeignKey(
        "core.Network",
        verbose_name=_("network"),
        on_delete=models.CASCADE,
        related_name="moderation_events",
    )
    content_type = models.ForeignKey(
        ContentType, verbose_name=_("kind"), on_delete=models.CASCADE, related_name="+"
    )
    object_id = models.CharField(_("object id"), max_length=40)
    target = GenericForeignKey("content_type", "object_id")
    action = models.CharField(_("step"), max_length=20, choices=Action.choices)
    # None for a submitter who was not logged in (known by the submission's e-mail address).
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    at = models.DateTimeField(_("when"), default=timezone.now, db_index=True)
    reason = models.TextField(_("reason"), blank=True)
    # The moderated fields before and after the step (empty when the step changed no content).
    before = models.JSONField(_("before"), default=dict, blank=True, encoder=DjangoJSONEncoder)
    after = models.JSONField(_("after"), default=dict, blank=True, encoder=DjangoJSONEncoder)

    objects = ModerationEventQuerySet.as_manager()

    class Meta:
        verbose_name = _("moderation step")
        verbose_name_plural = _("moderation log")
        ordering: ClassVar = ["at", "pk"]
        indexes: ClassVar = [
            models.Index(fields=["content_type", "object_id"], name="core_moderation_object")
        ]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.get_action_display()}"

    @property
    def changed_fields(self) -> list[str]:
        """The content fields this step changed."""
        return [name for name in self.after if self.before.get(name) != self.after.get(name)]

    def describe_actor(self) -> str:
        return str(self.actor) if self.actor is not None else str(_("the sender"))
