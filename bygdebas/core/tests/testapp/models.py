"""Test-only models: a submission (moderation) and a sign-up (confirmation by e-mail)."""

from __future__ import annotations

from typing import ClassVar

from django.db import models
from django.urls import reverse

from bygdebas.core.confirmation import ConfirmationMixin, ConfirmationQuerySet
from bygdebas.core.models_moderation import ModerationStatus, Submission, SubmissionQuerySet


class NoteQuerySet(SubmissionQuerySet["Note"]):
    pass


class Note(Submission):
    """A member's note for the newsletter, say: sent in, moderated, then published."""

    moderated_fields: ClassVar[tuple[str, ...]] = ("title", "text")
    moderation_mail_prefix: ClassVar[str] = "core_testapp/mail/note"

    network = models.ForeignKey("core.Network", verbose_name="network", on_delete=models.CASCADE)
    title = models.CharField("title", max_length=100)
    text = models.TextField("text", blank=True)
    is_published = models.BooleanField("published", default=False)

    objects = NoteQuerySet.as_manager()

    class Meta:
        verbose_name = "note"
        verbose_name_plural = "notes"

    def __str__(self) -> str:
        return self.title

    def clean(self) -> None:
        from django.core.exceptions import ValidationError

        if "reklam" in self.title.lower():
            raise ValidationError({"title": "Ingen reklam."})

    def get_submitter_url(self, action: str) -> str | None:
        if self.submitted_by_id is not None:
            return reverse("members:selfservice-home")
        if self.moderation_status == ModerationStatus.CHANGES_REQUESTED:
            from bygdebas.core.moderation import resubmission_token

            return f"/test/anteckning/{resubmission_token(self)}/"
        return None


class SignupQuerySet(ConfirmationQuerySet["Signup"]):
    pass


class Signup(ConfirmationMixin):
    """A sign-up to a list: counts once confirmed; can be left with a one-click link."""

    confirmation_purpose: ClassVar[str] = "core_testapp.signup"
    confirmation_url_name: ClassVar[str] = "core_testapp:signup-confirm"

    network = models.ForeignKey("core.Network", verbose_name="network", on_delete=models.CASCADE)
    email = models.EmailField("e-mail")
    is_welcomed = models.BooleanField("welcomed", default=False)
    unsubscribed_at = models.DateTimeField("unsubscribed", null=True, blank=True)

    objects = SignupQuerySet.as_manager()

    class Meta:
        verbose_name = "sign-up"
        verbose_name_plural = "sign-ups"

    def __str__(self) -> str:
        return self.email
