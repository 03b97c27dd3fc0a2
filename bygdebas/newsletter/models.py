"""The newsletter: subscribers with their consent, items (staff's and members'), issues, and the
sending ledger that makes every recipient get an issue exactly once."""

from __future__ import annotations

import datetime
from typing import ClassVar, Self

from django.db import models
from django.db.models.functions import Lower
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from bygdebas.core.confirmation import ConfirmationMixin, ConfirmationQuerySet
from bygdebas.core.models_moderation import Submission, SubmissionQuerySet
from bygdebas.core.tenancy import NetworkQuerySet


class Topic(models.Model):
    """A subject subscribers can choose and items belong to (Events, Broadband, …)."""

    network = models.ForeignKey("core.Network", verbose_name=_("network"), on_delete=models.CASCADE)
    name = models.CharField(_("name"), max_length=100)
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    objects = NetworkQuerySet.as_manager()

    class Meta:
        verbose_name = _("topic")
        verbose_name_plural = _("topics")
        ordering: ClassVar = ["position", "name"]
        constraints: ClassVar = [
            models.UniqueConstraint(fields=["network", "name"], name="newsletter_topic_unique")
        ]

    def __str__(self) -> str:
        return self.name


class SubscriptionQuerySet(ConfirmationQuerySet["Subscription"]):
    def active(self) -> Self:
        """Confirmed, not unsubscribed and not paused: who an issue is sent to."""
        return self.confirmed().filter(unsubscribed_at__isnull=True, is_paused=False)

    def with_email(self, email: str) -> Self:
        return self.filter(email__iexact=email.strip())


class Subscription(ConfirmationMixin, models.Model):
    """One address on a network's newsletter list; it counts once its owner confirmed it."""

    confirmation_purpose: ClassVar[str] = "newsletter.subscription"
    confirmation_url_name: ClassVar[str] = "newsletter:subscription-confirm"

    class Source(models.TextChoices):
        FORM = "form", _("Subscribe form")
        SELFSERVICE = "selfservice", _("Member self-service")
        IMPORT = "import", _("Import")

    network = models.ForeignKey("core.Network", verbose_name=_("network"), on_delete=models.CASCADE)
    email = models.EmailField(_("e-mail address"))
    name = models.CharField(_("name"), max_length=200, blank=True)
    municipality = models.ForeignKey(
        "core.Municipality",
        verbose_name=_("municipality"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    topics = models.ManyToManyField(Topic, verbose_name=_("topics"), blank=True)
    source = models.CharField(_("source"), max_length=20, choices=Source.choices)
    is_member_contact = models.BooleanField(_("contact person of a member"), default=False)
    language = models.CharField(_("language"), max_length=8, default="sv")
    is_paused = models.BooleanField(_("paused"), default=False)
    unsubscribed_at = models.DateTimeField(_("unsubscribed"), null=True, blank=True)
    hard_bounces = models.PositiveSmallIntegerField(_("hard bounces"), default=0)

    objects = SubscriptionQuerySet.as_manager()

    class Meta:
        verbose_name = _("subscription")
        verbose_name_plural = _("subscriptions")
        ordering: ClassVar = ["email"]
        constraints: ClassVar = [
            models.UniqueConstraint(
                "network", Lower("email"), name="newsletter_subscription_unique_email"
            )
        ]

    def __str__(self) -> str:
        return self.email

    @property
    def is_active(self) -> bool:
        return self.is_confirmed and self.unsubscribed_at is None and not self.is_paused

    @property
    def greeting_name(self) -> str:
        return self.name.split()[0] if self.name.strip() else ""


class ConsentQuerySet(NetworkQuerySet["Consent"]):
    pass


class Consent(models.Model):
    """What a subscriber agreed to, when, and from where: the record consent law asks for."""

    class LegalBasis(models.TextChoices):
        CONSENT = "consent", _("Consent")
        CONTRACT = "contract", _("Membership (agreement)")
        LEGITIMATE_INTEREST = "legitimate_interest", _("Legitimate interest")

    subscription = models.ForeignKey(
        Subscription,
        verbose_name=_("subscription"),
        on_delete=models.CASCADE,
        related_name="consents",
    )
    given_at = models.DateTimeField(_("given"), default=timezone.now)
    source = models.CharField(_("source"), max_length=20, choices=Subscription.Source.choices)
    legal_basis = models.CharField(
        _("legal basis"), max_length=30, choices=LegalBasis.choices, default=LegalBasis.CONSENT
    )
    text = models.TextField(_("text consented to"))
    ip_hash = models.CharField(_("IP address (hashed)"), max_length=64, blank=True)

    network_path = "subscription__network"
    objects = ConsentQuerySet.as_manager()

    class Meta:
        verbose_name = _("consent")
        verbose_name_plural = _("consents")
        ordering: ClassVar = ["given_at"]

    def __str__(self) -> str:
        return f"{self.subscription} {self.given_at:%Y-%m-%d}"


class SuppressionQuerySet(NetworkQuerySet["Suppression"]):
    def with_email(self, email: str) -> Self:
        return self.filter(email=email.strip().lower())


class Suppression(models.Model):
    """An address no list of the network mails until its owner subscribes again (opt-in)."""

    class Reason(models.TextChoices):
        UNSUBSCRIBED = "unsubscribed", _("Unsubscribed")
        BOUNCED = "bounced", _("Bounced")
        COMPLAINED = "complained", _("Complained")

    network = models.ForeignKey("core.Network", verbose_name=_("network"), on_delete=models.CASCADE)
    email = models.EmailField(_("e-mail address"))  # stored in lower case
    reason = models.CharField(_("reason"), max_length=20, choices=Reason.choices)
    created_at = models.DateTimeField(_("created"), default=timezone.now)

    objects = SuppressionQuerySet.as_manager()

    class Meta:
        verbose_name = _("suppressed address")
        verbose_name_plural = _("suppressed addresses")
        constraints: ClassVar = [
            models.UniqueConstraint(
                fields=["network", "email"], name="newsletter_suppression_unique"
            )
        ]

    def __str__(self) -> str:
        return self.email


class ItemQuerySet(SubmissionQuerySet["Item"]):
    def from_members(self) -> Self:
        return self.filter(organisation__isnull=False)

    def unused(self) -> Self:
        return self.filter(entries__isnull=True)


class Item(Submission):
    """A piece of news: written by staff, or sent in by a member organisation and moderated."""

    moderated_fields: ClassVar[tuple[str, ...]] = ("title", "text", "link")
    moderation_mail_prefix: ClassVar[str] = "newsletter/mail/item"

    network = models.ForeignKey("core.Network", verbose_name=_("network"), on_delete=models.CASCADE)
    title = models.CharField(_("title"), max_length=200)
    text = models.TextField(
        _("text"), help_text=_("Markdown: *italic*, **bold**, [link](https://…).")
    )
    link = models.URLField(_("link"), blank=True, max_length=500)
    topic = models.ForeignKey(
        Topic, verbose_name=_("topic"), on_delete=models.SET_NULL, null=True, blank=True
    )
    photo = models.ForeignKey(
        "core.Image",
        verbose_name=_("photo"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    organisation = models.ForeignKey(
        "members.Organisation",
        verbose_name=_("member organisation"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created"), default=timezone.now)

    objects = ItemQuerySet.as_manager()

    class Meta:
        verbose_name = _("item")
        verbose_name_plural = _("items")
        ordering: ClassVar = ["-created_at"]

    def __str__(self) -> str:
        return self.title

    def get_submitter_url(self, action: str) -> str | None:
        return reverse("newsletter:my-items")


class IssueQuerySet(NetworkQuerySet["Issue"]):
    def sent(self) -> Self:
        return self.filter(status=Issue.Status.SENT)

    def for_year(self, year: int) -> Self:
        return self.filter(sent_at__year=year)


class Issue(models.Model):
    """One number of the newsletter: an introduction and an ordered set of items."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        SCHEDULED = "scheduled", _("Scheduled")
        SENDING = "sending", _("Sending")
        SENT = "sent", _("Sent")

    network = models.ForeignKey("core.Network", verbose_name=_("network"), on_delete=models.CASCADE)
    number = models.PositiveIntegerField(_("number"))
    title = models.CharField(_("title"), max_length=200)
    introduction = models.TextField(_("introduction"), blank=True)
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.DRAFT
    )
    scheduled_at = models.DateTimeField(_("send at"), null=True, blank=True)
    sending_started_at = models.DateTimeField(_("sending started"), null=True, blank=True)
    sent_at = models.DateTimeField(_("sent"), null=True, blank=True)
    # The segment: empty means every confirmed subscriber.
    segment_topics = models.ManyToManyField(
        Topic, verbose_name=_("only subscribers of these topics"), blank=True, related_name="+"
    )
    segment_municipalities = models.ManyToManyField(
        "core.Municipality",
        verbose_name=_("only subscribers in these municipalities"),
        blank=True,
        related_name="+",
    )
    segment_member_contacts = models.BooleanField(
        _("only contact persons of member organisations"), default=False
    )
    # Rendered once when sending starts: what every recipient and the archive get.
    subject = models.CharField(_("subject"), max_length=250, blank=True)
    body_html = models.TextField(_("HTML"), blank=True)
    body_text = models.TextField(_("plain text"), blank=True)
    # Counts recorded when the sending finished.
    recipients_count = models.PositiveIntegerField(_("recipients"), default=0)
    delivered_count = models.PositiveIntegerField(_("delivered"), default=0)
    deferred_count = models.PositiveIntegerField(_("deferred"), default=0)
    failed_count = models.PositiveIntegerField(_("failed"), default=0)
    unsubscribed_count = models.PositiveIntegerField(_("unsubscribed since"), default=0)
    action = models.ForeignKey(
        "plan.Action",
        verbose_name=_("action"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created"), default=timezone.now)

    objects = IssueQuerySet.as_manager()

    class Meta:
        verbose_name = _("issue")
        verbose_name_plural = _("issues")
        ordering: ClassVar = ["-number"]
        constraints: ClassVar = [
            models.UniqueConstraint(fields=["network", "number"], name="newsletter_issue_number")
        ]

    def __str__(self) -> str:
        return f"{self.number}: {self.title}"

    def get_absolute_url(self) -> str:
        return reverse("newsletter:archive-detail", kwargs={"number": self.number})

    @property
    def is_editable(self) -> bool:
        return self.status in {self.Status.DRAFT, self.Status.SCHEDULED}

    @property
    def is_sent(self) -> bool:
        return self.status == self.Status.SENT


class IssueEntry(models.Model):
    """An item's place in an issue."""

    issue = models.ForeignKey(
        Issue, verbose_name=_("issue"), on_delete=models.CASCADE, related_name="entries"
    )
    item = models.ForeignKey(
        Item, verbose_name=_("item"), on_delete=models.PROTECT, related_name="entries"
    )
    position = models.PositiveIntegerField(_("position"), default=0)

    network_path = "issue__network"
    objects = NetworkQuerySet.as_manager()

    class Meta:
        verbose_name = _("issue entry")
        verbose_name_plural = _("issue entries")
        ordering: ClassVar = ["position", "pk"]
        constraints: ClassVar = [
            models.UniqueConstraint(fields=["issue", "item"], name="newsletter_entry_unique")
        ]

    def __str__(self) -> str:
        return f"{self.issue_id}/{self.item_id}"


class DeliveryQuerySet(NetworkQuerySet["Delivery"]):
    def due(self, now: datetime.datetime | None = None) -> Self:
        """Waiting to be sent: pending, or deferred and due again."""
        now = now or timezone.now()
        return self.filter(
            models.Q(status=Delivery.Status.PENDING)
            | models.Q(status=Delivery.Status.DEFERRED, next_attempt_at__lte=now)
        )


class Delivery(models.Model):
    """The ledger: one row per (issue, recipient), whatever happens. The unique constraint is what
    makes a recipient get an issue at most once; the status is what makes it at least once."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting")
        SENDING = "sending", _("Being sent")
        SENT = "sent", _("Delivered")
        DEFERRED = "deferred", _("Deferred")
        FAILED = "failed", _("Failed")
        SKIPPED = "skipped", _("Not sent")

    issue = models.ForeignKey(
        Issue, verbose_name=_("issue"), on_delete=models.CASCADE, related_name="deliveries"
    )
    subscription = models.ForeignKey(
        Subscription,
        verbose_name=_("subscription"),
        on_delete=models.CASCADE,
        related_name="deliveries",
    )
    email = models.EmailField(_("e-mail address"))
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.PENDING
    )
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    next_attempt_at = models.DateTimeField(_("next attempt"), null=True, blank=True)
    claim_key = models.BigIntegerField(_("claimed by"), null=True, blank=True)
    claimed_at = models.DateTimeField(_("claimed"), null=True, blank=True)
    sent_at = models.DateTimeField(_("sent"), null=True, blank=True, db_index=True)
    error = models.CharField(_("error"), max_length=300, blank=True)

    network_path = "issue__network"
    objects = DeliveryQuerySet.as_manager()

    class Meta:
        verbose_name = _("delivery")
        verbose_name_plural = _("deliveries")
        constraints: ClassVar = [
            models.UniqueConstraint(
                fields=["issue", "subscription"], name="newsletter_delivery_once"
            )
        ]
        indexes: ClassVar = [models.Index(fields=["issue", "status"])]

    def __str__(self) -> str:
        return f"{self.issue_id} → {self.email}"
