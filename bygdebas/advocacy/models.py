"""Watching and opinion-forming (bevakning och opinion).

Watched sources (RSS/Atom feeds with keyword rules) bring entries into an inbox; an entry can be
turned into a consultation case (remiss), whose answer is drafted, approved by the board, sent
and published as a position (ställningstagande). Issues raised with the national organisation
are kept for the annual report.
"""

from __future__ import annotations

import datetime
from typing import ClassVar

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from bygdebas.core.tenancy import NetworkQuerySet

USER = settings.AUTH_USER_MODEL


class Topic(models.Model):
    """A subject the network follows and takes positions on (public transport, broadband…)."""

    network = models.ForeignKey(
        "core.Network", verbose_name=_("network"), on_delete=models.CASCADE, related_name="+"
    )
    name = models.CharField(_("name"), max_length=100)
    objects = NetworkQuerySet.as_manager()

    class Meta:
        verbose_name = _("topic")
        verbose_name_plural = _("topics")
        ordering: ClassVar = ["name", "pk"]
        constraints: ClassVar = [
            models.UniqueConstraint(fields=["network", "name"], name="advocacy_topic_unique_name")
        ]

    def __str__(self) -> str:
        return self.name


class Source(models.Model):
    """A watched RSS or Atom feed and the keyword rules its entries are matched against."""

    class State(models.TextChoices):
        NEW = "new", _("Not fetched yet")
        OK = "ok", _("Fetched")
        NOT_MODIFIED = "not_modified", _("Not modified")
        ERROR = "error", _("Error")

    network = models.ForeignKey(
        "core.Network", verbose_name=_("network"), on_delete=models.CASCADE, related_name="+"
    )
    name = models.CharField(_("name"), max_length=200)
    url = models.URLField(_("feed address"), max_length=500)
    keywords = models.TextField(
        _("keywords"),
        blank=True,
        help_text=_(
            "Words and phrases, separated by commas or new lines. A word also matches its "
            "inflections; a word ending in * also matches compounds that start with it "
            "(landsbygd*). Leave empty to keep every entry."
        ),
    )
    exclusions = models.TextField(
        _("exclusions"),
        blank=True,
        help_text=_("An entry containing any of these words or phrases is not a match."),
    )
    is_active = models.BooleanField(_("active"), default=True)
    etag = models.CharField(_("ETag"), max_length=300, blank=True, editable=False)
    last_modified = models.CharField(_("Last-Modified"), max_length=100, blank=True, editable=False)
    state = models.CharField(
        _("state"), max_length=16, choices=State.choices, default=State.NEW, editable=False
    )
    last_error = models.CharField(_("last error"), max_length=500, blank=True, editable=False)
    last_fetched_at = models.DateTimeField(_("last fetched"), null=True, blank=True)
    last_success_at = models.DateTimeField(_("last fetched successfully"), null=True, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    objects = NetworkQuerySet.as_manager()

    class Meta:
        verbose_name = _("watched source")
        verbose_name_plural = _("watched sources")
        ordering: ClassVar = ["name", "pk"]

    def __str__(self) -> str:
        return self.name

    @property
    def keyword_list(self) -> list[str]:
        return split_terms(self.keywords)

    @property
    def exclusion_list(self) -> list[str]:
        return split_terms(self.exclusions)


def split_terms(text: str) -> list[str]:
    """The terms of a rule field: separated by commas or new lines, blanks dropped."""
    return [part.strip() for line in text.splitlines() for part in line.split(",") if part.strip()]


class EntryQuerySet(NetworkQuerySet["Entry"]):
    def matched(self) -> EntryQuerySet:
        return self.filter(is_match=True)

    def undigested(self) -> EntryQuerySet:
        return self.matched().filter(digested_at__isnull=True)


class Entry(models.Model):
    """One item of a watched feed; matched entries appear in the inbox."""

    class Relevance(models.TextChoices):
        UNREAD = "unread", _("Not assessed")
        RELEVANT = "relevant", _("Relevant")
        NOT_RELEVANT = "not_relevant", _("Not relevant")

    network = models.ForeignKey(
        "core.Network", verbose_name=_("network"), on_delete=models.CASCADE, related_name="+"
    )
    source = models.ForeignKey(
        Source, verbose_name=_("source"), on_delete=models.CASCADE, related_name="entries"
    )
    guid = models.CharField(_("id"), max_length=500)
    link = models.URLField(_("link"), max_length=1000, blank=True)
    title = models.CharField(_("title"), max_length=500)
    summary = models.TextField(_("summary"), blank=True)
    published_at = models.DateTimeField(_("published"), null=True, blank=True)
    fetched_at = models.DateTimeField(_("fetched"), auto_now_add=True)
    is_match = models.BooleanField(_("matches the rules"), default=False)
    matched_terms = models.CharField(_("matched keywords"), max_length=500, blank=True)
    relevance = models.CharField(
        _("relevance"), max_length=16, choices=Relevance.choices, default=Relevance.UNREAD
    )
    assigned_to = models.ForeignKey(
        USER,
        verbose_name=_("assigned to"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    comment = models.TextField(_("comment"), blank=True)
    case = models.ForeignKey(
        "Case",
        verbose_name=_("consultation case"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="entries",
    )
    topic = models.ForeignKey(
        Topic,
        verbose_name=_("topic"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="entries",
    )
    digested_at = models.DateTimeField(_("sent in digest"), null=True, blank=True)

    objects = EntryQuerySet.as_manager()

    class Meta:
        verbose_name = _("watched entry")
        verbose_name_plural = _("watched entries")
        ordering: ClassVar = ["-published_at", "-pk"]
        constraints: ClassVar = [
            models.UniqueConstraint(fields=["source", "guid"], name="advocacy_entry_unique_guid")
        ]
        indexes: ClassVar = [models.Index(fields=["network", "is_match", "-fetched_at"])]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("advocacy:entry-detail", args=[self.pk])


class DigestRecipient(models.Model):
    """A member of staff who asked for the daily digest of new matches."""

    network = models.ForeignKey(
        "core.Network", verbose_name=_("network"), on_delete=models.CASCADE, related_name="+"
    )
    user = models.ForeignKey(
        USER, verbose_name=_("user"), on_delete=models.CASCADE, related_name="+"
    )
    objects = NetworkQuerySet.as_manager()

    class Meta:
        verbose_name = _("digest recipient")
        verbose_name_plural = _("digest recipients")
        constraints: ClassVar = [
            models.UniqueConstraint(fields=["network", "user"], name="advocacy_digest_unique")
        ]

    def __str__(self) -> str:
        return str(self.user)


class CaseQuerySet(NetworkQuerySet["Case"]):
    def open(self) -> CaseQuerySet:
        return self.exclude(status__in=[Case.Status.SENT, Case.Status.DECLINED])

    def by_deadline(self) -> CaseQuerySet:
        return self.order_by(models.F("deadline_on").asc(nulls_last=True), "pk")


class Case(models.Model):
    """A consultation (remiss): a public body asks for the network's views by a deadline."""

    class Status(models.TextChoices):
        NEW = "new", _("New")
        ASSESSING = "assessing", _("Assessing")
        DRAFTING = "drafting", _("Drafting")
        BOARD_REVIEW = "board_review", _("Board review")
        SENT = "sent", _("Sent")
        DECLINED = "declined", _("Declined")

    network = models.ForeignKey(
        "core.Network", verbose_name=_("network"), on_delete=models.CASCADE, related_name="+"
    )
    authority = models.CharField(_("sending authority"), max_length=200)
    title = models.CharField(_("title"), max_length=300)
    reference = models.CharField(_("reference number"), max_length=100, blank=True)
    received_on = models.DateField(_("received on"))
    deadline_on = models.DateField(_("deadline"), null=True, blank=True)
    responsible = models.ForeignKey(
        USER,
        verbose_name=_("responsible"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    activities = models.ManyToManyField(
        "plan.Activity", verbose_name=_("plan activities"), blank=True, related_name="+"
    )
    topic = models.ForeignKey(
        Topic,
        verbose_name=_("topic"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="cases",
    )
    status = models.CharField(
        _("status"), max_length=16, choices=Status.choices, default=Status.NEW
    )
    decline_reason = models.TextField(_("reason for declining"), blank=True)
    answer = models.TextField(_("answer"), blank=True)
    approved_at = models.DateTimeField(_("approved"), null=True, blank=True)
    approved_by = models.ForeignKey(
        USER,
        verbose_name=_("approved by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    sent_on = models.DateField(_("sent on"), null=True, blank=True)
    action = models.ForeignKey(
        "plan.Action",
        verbose_name=_("action"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    reminded_days = models.JSONField(_("reminders sent"), default=list, blank=True)
    invited_at = models.DateTimeField(_("members invited"), null=True, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    objects = CaseQuerySet.as_manager()

    class Meta:
        verbose_name = _("consultation case")
        verbose_name_plural = _("consultation cases")
        ordering: ClassVar = ["-received_on", "-pk"]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("advocacy:case-detail", args=[self.pk])

    @property
    def is_open(self) -> bool:
        return self.status not in (self.Status.SENT, self.Status.DECLINED)

    def is_overdue(self, today: datetime.date) -> bool:
        return self.is_open and self.deadline_on is not None and self.deadline_on < today

    def is_due_this_week(self, today: datetime.date) -> bool:
        return (
            self.is_open
            and self.deadline_on is not None
            and today <= self.deadline_on <= today + datetime.timedelta(days=7)
        )


class CaseDocument(models.Model):
    """A document of a case: an uploaded file or a link."""

    case = models.ForeignKey(
        Case, verbose_name=_("case"), on_delete=models.CASCADE, related_name="documents"
    )
    title = models.CharField(_("title"), max_length=200)
    file = models.FileField(_("file"), upload_to="advocacy/%Y/", blank=True)
    url = models.URLField(_("link"), max_length=1000, blank=True)
    created_at = models.DateTimeField(_("added"), auto_now_add=True)
    network_path = "case__network"
    objects = NetworkQuerySet.as_manager()

    class Meta:
        verbose_name = _("case document")
        verbose_name_plural = _("case documents")
        ordering: ClassVar = ["created_at", "pk"]

    def __str__(self) -> str:
        return self.title


class AnswerVersion(models.Model):
    """One saved version of a case's answer: who changed it, when, to what."""

    case = models.ForeignKey(
        Case, verbose_name=_("case"), on_delete=models.CASCADE, related_name="versions"
    )
    text = models.TextField(_("text"))
    author = models.ForeignKey(
        USER,
        verbose_name=_("author"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("saved"), auto_now_add=True)
    network_path = "case__network"
    objects = NetworkQuerySet.as_manager()

    class Meta:
        verbose_name = _("answer version")
        verbose_name_plural = _("answer versions")
        ordering: ClassVar = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.case} ({self.created_at:%Y-%m-%d %H:%M})"


class CaseComment(models.Model):
    """A colleague's comment on a case, or the board's word when it sends an answer back."""

    case = models.ForeignKey(
        Case, verbose_name=_("case"), on_delete=models.CASCADE, related_name="comments"
    )
    author = models.ForeignKey(
        USER,
        verbose_name=_("author"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    text = models.TextField(_("comment"))
    created_at = models.DateTimeField(_("written"), auto_now_add=True)
    network_path = "case__network"
    objects = NetworkQuerySet.as_manager()

    class Meta:
        verbose_name = _("case comment")
        verbose_name_plural = _("case comments")
        ordering: ClassVar = ["created_at", "pk"]

    def __str__(self) -> str:
        return self.text[:60]


class Contribution(models.Model):
    """A member's views on a case, written through the case's invitation link."""

    case = models.ForeignKey(
        Case, verbose_name=_("case"), on_delete=models.CASCADE, related_name="contributions"
    )
    name = models.CharField(_("name"), max_length=200)
    email = models.EmailField(_("e-mail address"))
    organisation = models.CharField(_("organisation"), max_length=200, blank=True)
    text = models.TextField(_("views"))
    created_at = models.DateTimeField(_("sent"), auto_now_add=True)
    network_path = "case__network"
    objects = NetworkQuerySet.as_manager()

    class Meta:
        verbose_name = _("contribution")
        verbose_name_plural = _("contributions")
        ordering: ClassVar = ["created_at", "pk"]

    def __str__(self) -> str:
        return f"{self.name}: {self.case}"


class PositionQuerySet(NetworkQuerySet["Position"]):
    def published(self) -> PositionQuerySet:
        return self.filter(is_published=True).order_by("-published_on", "-pk")


class Position(models.Model):
    """A published answer or statement of the network (ställningstagande)."""

    network = models.ForeignKey(
        "core.Network", verbose_name=_("network"), on_delete=models.CASCADE, related_name="+"
    )
    title = models.CharField(_("title"), max_length=300)
    text = models.TextField(_("text"), help_text=_("Markdown."))
    topic = models.ForeignKey(
        Topic,
        verbose_name=_("topic"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="positions",
    )
    case = models.OneToOneField(
        Case,
        verbose_name=_("consultation case"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="position",
    )
    published_on = models.DateField(_("date"))
    is_published = models.BooleanField(_("published"), default=False)
    published_at = models.DateTimeField(_("published"), null=True, blank=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    objects = PositionQuerySet.as_manager()

    class Meta:
        verbose_name = _("position")
        verbose_name_plural = _("positions")
        ordering: ClassVar = ["-published_on", "-pk"]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("advocacy:position-detail", args=[self.pk])


class NationalIssue(models.Model):
    """A motion or question the network raised with the national organisation."""

    class Kind(models.TextChoices):
        MOTION = "motion", _("Motion")
        QUESTION = "question", _("Question")

    class Status(models.TextChoices):
        PREPARING = "preparing", _("Preparing")
        RAISED = "raised", _("Raised")
        DECIDED = "decided", _("Decided")
        WITHDRAWN = "withdrawn", _("Withdrawn")

    network = models.ForeignKey(
        "core.Network", verbose_name=_("network"), on_delete=models.CASCADE, related_name="+"
    )
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices, default=Kind.MOTION)
    title = models.CharField(_("title"), max_length=300)
    text = models.TextField(_("text"), blank=True)
    raised_on = models.DateField(_("date"))
    channel = models.CharField(
        _("channel"),
        max_length=200,
        help_text=_("For example the national congress or the council of county branches."),
    )
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.PREPARING
    )
    outcome = models.TextField(_("outcome"), blank=True)
    objects = NetworkQuerySet.as_manager()

    class Meta:
        verbose_name = _("issue raised nationally")
        verbose_name_plural = _("issues raised nationally")
        ordering: ClassVar = ["-raised_on", "-pk"]

    def __str__(self) -> str:
        return self.title
