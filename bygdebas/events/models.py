"""Meeting places: events with registration, and the partnership bodies the network sits in."""

from __future__ import annotations

import datetime
import secrets
from typing import ClassVar

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Count, Q
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from bygdebas.core.geo import place_line
from bygdebas.core.models import municipality_field
from bygdebas.core.tenancy import NetworkQuerySet, network_q

# The 17 UN Sustainable Development Goals (Agenda 2030), in Swedish official short form.
SDG_CHOICES = [
    (1, _("1 No poverty")),
    (2, _("2 Zero hunger")),
    (3, _("3 Good health and well-being")),
    (4, _("4 Quality education")),
    (5, _("5 Gender equality")),
    (6, _("6 Clean water and sanitation")),
    (7, _("7 Affordable and clean energy")),
    (8, _("8 Decent work and economic growth")),
    (9, _("9 Industry, innovation and infrastructure")),
    (10, _("10 Reduced inequalities")),
    (11, _("11 Sustainable cities and communities")),
    (12, _("12 Responsible consumption and production")),
    (13, _("13 Climate action")),
    (14, _("14 Life below water")),
    (15, _("15 Life on land")),
    (16, _("16 Peace, justice and strong institutions")),
    (17, _("17 Partnerships for the goals")),
]


def new_token() -> str:
    return secrets.token_urlsafe(24)


class EventQuerySet(NetworkQuerySet["Event"]):
    def published(self) -> EventQuerySet:
        return self.filter(status__in=[Event.Status.PUBLISHED, Event.Status.CANCELLED])

    def public(self) -> EventQuerySet:
        """What anyone may see: published (or cancelled) public events."""
        return self.published().filter(is_members_only=False)

    def open_to(self, network: object) -> EventQuerySet:
        """Other networks' public events that are open to every network (for ``network``'s
        calendar). Registration stays with the event's own network."""
        return (
            self.public()
            .filter(is_open_to_networks=True)
            .exclude(network_q(Event, network))  # type: ignore[arg-type]
            .select_related("network", "municipality")
        )

    def upcoming(self, now: datetime.datetime | None = None) -> EventQuerySet:
        return self.filter(ends_at__gte=now or timezone.now())

    def with_counts(self) -> EventQuerySet:
        return self.annotate(
            confirmed_count=Count(
                "registrations", filter=Q(registrations__status=Registration.Status.CONFIRMED)
            ),
            waiting_count=Count(
                "registrations", filter=Q(registrations__status=Registration.Status.WAITING)
            ),
        )


class Event(models.Model):
    """A meeting, seminar, training… that people can register for."""

    class Kind(models.TextChoices):
        MEETING = "meeting", _("Meeting")
        SEMINAR = "seminar", _("Seminar")
        TRAINING = "training", _("Training")
        CONFERENCE = "conference", _("Conference")
        STUDY_VISIT = "study_visit", _("Study visit")
        DIALOGUE = "dialogue", _("Cross-party dialogue")
        OTHER = "other", _("Other")

    class Format(models.TextChoices):
        PHYSICAL = "physical", _("Physical")
        DIGITAL = "digital", _("Digital")
        HYBRID = "hybrid", _("Hybrid")

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        PUBLISHED = "published", _("Published")
        CANCELLED = "cancelled", _("Cancelled")

    network = models.ForeignKey(
        "core.Network", verbose_name=_("network"), on_delete=models.CASCADE, related_name="events"
    )
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), blank=True, help_text=_("Markdown."))
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices, default=Kind.MEETING)
    format = models.CharField(
        _("format"), max_length=16, choices=Format.choices, default=Format.PHYSICAL
    )
    status = models.CharField(
        _("status"), max_length=16, choices=Status.choices, default=Status.DRAFT
    )
    starts_at = models.DateTimeField(_("starts"))
    ends_at = models.DateTimeField(_("ends"))
    place_name = models.CharField(_("place"), max_length=200, blank=True)
    address = models.CharField(_("address"), max_length=300, blank=True)
    municipality = municipality_field()
    lat = models.FloatField(_("latitude"), null=True, blank=True)
    lon = models.FloatField(_("longitude"), null=True, blank=True)
    video_url = models.URLField(
        _("video link"), blank=True, help_text=_("Shown only to registered participants.")
    )
    organisers = models.CharField(
        _("organisers"),
        max_length=300,
        blank=True,
        help_text=_("The network and/or member organisations arranging the event."),
    )
    target_groups = models.CharField(_("target groups"), max_length=300, blank=True)
    sdgs = models.JSONField(_("Agenda 2030 goals"), default=list, blank=True)
    activities = models.ManyToManyField(
        "plan.Activity", verbose_name=_("plan activities"), related_name="events", blank=True
    )
    capacity = models.PositiveIntegerField(
        _("capacity"), null=True, blank=True, help_text=_("Leave empty for no limit.")
    )
    registration_opens_at = models.DateTimeField(_("registration opens"), null=True, blank=True)
    registration_closes_at = models.DateTimeField(_("registration closes"), null=True, blank=True)
    is_members_only = models.BooleanField(_("members only"), default=False)
    is_open_to_networks = models.BooleanField(
        _("open to other networks"),
        default=False,
        help_text=_(
            "Shown in the other county branches' calendars too, with your name; people register "
            "here."
        ),
    )
    offer_hours = models.PositiveIntegerField(
        _("hours to accept a freed place"),
        default=48,
        validators=[MinValueValidator(1), MaxValueValidator(24 * 14)],
    )
    reminder_days = models.PositiveIntegerField(
        _("reminder, days before"), default=2, validators=[MaxValueValidator(60)]
    )
    reminder_sent_at = models.DateTimeField(null=True, blank=True, editable=False)
    follow_up_message = models.TextField(
        _("message after the event"),
        blank=True,
        help_text=_("Sent to the participants the day after, if given."),
    )
    follow_up_sent_at = models.DateTimeField(null=True, blank=True, editable=False)
    # After the event.
    minutes = models.TextField(_("minutes and outcome"), blank=True)
    participant_count = models.PositiveIntegerField(
        _("number of participants"), null=True, blank=True
    )
    held_action = models.OneToOneField(
        "plan.Action",
        verbose_name=_("logged action"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    cancelled_at = models.DateTimeField(_("cancelled"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    objects = EventQuerySet.as_manager()

    class Meta:
        verbose_name = _("event")
        verbose_name_plural = _("events")
        ordering = ["starts_at", "pk"]
        indexes: ClassVar = [
            models.Index(fields=["network", "status", "starts_at"]),
            models.Index(fields=["network", "municipality", "starts_at"]),
        ]

    def __str__(self) -> str:
        return self.title

    def clean(self) -> None:
        if self.starts_at and self.ends_at and self.ends_at < self.starts_at:
            raise ValidationError({"ends_at": _("The event cannot end before it starts.")})
        if (
            self.registration_opens_at
            and self.registration_closes_at
            and self.registration_closes_at < self.registration_opens_at
        ):
            raise ValidationError(
                {"registration_closes_at": _("Registration cannot close before it opens.")}
            )
        if self.format == self.Format.DIGITAL and not self.video_url and self.status == "published":
            raise ValidationError({"video_url": _("A digital event needs a video link.")})
        for goal in self.sdgs or []:
            if goal not in range(1, 18):
                raise ValidationError({"sdgs": _("Agenda 2030 goals are numbered 1 to 17.")})

    @property
    def absolute_url(self) -> str:
        """The event's page on its own network's host (for other networks' calendars)."""
        from django.urls import reverse

        return self.network.base_url.rstrip("/") + reverse("events:event-detail", args=[self.pk])

    @property
    def is_cancelled(self) -> bool:
        return self.status == self.Status.CANCELLED

    @property
    def is_physical(self) -> bool:
        return self.format in {self.Format.PHYSICAL, self.Format.HYBRID}

    @property
    def is_digital(self) -> bool:
        return self.format in {self.Format.DIGITAL, self.Format.HYBRID}

    @property
    def place_line(self) -> str:
        """The place, the address and the municipality, each said once."""
        municipality = self.municipality.name if self.municipality else ""
        return place_line(self.place_name, self.address, municipality)

    @property
    def short_place_line(self) -> str:
        """The place (or else the address) and the municipality, for lists."""
        municipality = self.municipality.name if self.municipality else ""
        return place_line(self.place_name or self.address, municipality)

    def is_registration_open(self, now: datetime.datetime | None = None) -> bool:
        now = now or timezone.now()
        if self.status != self.Status.PUBLISHED or now >= self.starts_at:
            return False
        if self.registration_opens_at and now < self.registration_opens_at:
            return False
        return not (self.registration_closes_at and now > self.registration_closes_at)

    def sdg_labels(self) -> list[str]:
        labels = dict(SDG_CHOICES)
        return [str(labels[goal]) for goal in self.sdgs or [] if goal in labels]


class Question(models.Model):
    """An extra question on the registration form, e.g. dietary or accessibility needs."""

    event = models.ForeignKey(
        Event, verbose_name=_("event"), on_delete=models.CASCADE, related_name="questions"
    )
    label = models.CharField(_("question"), max_length=200)
    is_required = models.BooleanField(_("required"), default=False)
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    network_path = "event__network"
    objects = NetworkQuerySet.as_manager()

    class Meta:
        verbose_name = _("question")
        verbose_name_plural = _("questions")
        ordering = ["event", "order", "pk"]

    def __str__(self) -> str:
        return self.label


def event_attachment_path(instance: EventAttachment, filename: str) -> str:
    return f"events/{instance.event.network_id}/{instance.event_id}/{filename}"


class EventAttachment(models.Model):
    """A file kept with the minutes and outcome of an event (minutes, photos, presentations…).

    Never served from MEDIA_URL: staff download it through ``events:staff-attachment``.
    """

    event = models.ForeignKey(
        Event, verbose_name=_("event"), on_delete=models.CASCADE, related_name="attachments"
    )
    file = models.FileField(_("file"), upload_to=event_attachment_path, max_length=300)
    title = models.CharField(_("title"), max_length=200, blank=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("uploaded by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    uploaded_at = models.DateTimeField(_("uploaded"), default=timezone.now)

    network_path = "event__network"
    objects = NetworkQuerySet.as_manager()

    class Meta:
        verbose_name = _("event attachment")
        verbose_name_plural = _("event attachments")
        ordering = ["event", "uploaded_at", "pk"]

    def __str__(self) -> str:
        return self.title or self.filename

    @property
    def filename(self) -> str:
        return (self.file.name or "").rsplit("/", 1)[-1]


class RegistrationQuerySet(NetworkQuerySet["Registration"]):
    def active(self) -> RegistrationQuerySet:
        return self.exclude(status__in=Registration.INACTIVE)

    def holding_places(self) -> RegistrationQuerySet:
        """Registrations that take up one of the event's places."""
        return self.filter(status__in=Registration.HOLDS_PLACE)

    def waiting_in_order(self) -> RegistrationQuerySet:
        return self.filter(status=Registration.Status.WAITING).order_by("created_at", "pk")


class Registration(models.Model):
    """One person's registration for an event: confirmed, on the waiting list, offered a place…"""

    class Status(models.TextChoices):
        CONFIRMED = "confirmed", _("Confirmed")
        WAITING = "waiting", _("Waiting list")
        OFFERED = "offered", _("Offered a place")
        CANCELLED = "cancelled", pgettext_lazy("registration", "Cancelled")
        EXPIRED = "expired", _("Offer expired")

    HOLDS_PLACE = (Status.CONFIRMED, Status.OFFERED)
    INACTIVE = (Status.CANCELLED, Status.EXPIRED)

    event = models.ForeignKey(
        Event, verbose_name=_("event"), on_delete=models.CASCADE, related_name="registrations"
    )
    name = models.CharField(_("name"), max_length=200)
    email = models.EmailField(_("e-mail address"))
    organisation = models.CharField(_("organisation"), max_length=200, blank=True)
    answers = models.JSONField(_("answers"), default=dict, blank=True)
    status = models.CharField(_("status"), max_length=16, choices=Status.choices)
    token = models.CharField(max_length=64, unique=True, default=new_token, editable=False)
    offer_expires_at = models.DateTimeField(_("offer expires"), null=True, blank=True)
    attended = models.BooleanField(_("attended"), null=True, blank=True)
    created_at = models.DateTimeField(_("registered"), default=timezone.now, db_index=True)
    cancelled_at = models.DateTimeField(
        pgettext_lazy("registration", "cancelled"), null=True, blank=True
    )
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    network_path = "event__network"
    objects = RegistrationQuerySet.as_manager()

    class Meta:
        verbose_name = _("registration")
        verbose_name_plural = _("registrations")
        ordering = ["event", "created_at", "pk"]
        constraints: ClassVar = [
            # One active registration per person and event, whatever the case of the address.
            models.UniqueConstraint(
                Lower("email"),
                "event",
                condition=~Q(status__in=["cancelled", "expired"]),
                name="events_registration_one_active_per_email",
            )
        ]
        indexes: ClassVar = [models.Index(fields=["event", "status", "created_at"])]

    def __str__(self) -> str:
        return f"{self.name} <{self.email}>"

    @property
    def is_active(self) -> bool:
        return self.status not in self.INACTIVE


class PartnershipBody(models.Model):
    """A partnership or consultation body the network takes part in (rural council, LEADER…)."""

    network = models.ForeignKey(
        "core.Network",
        verbose_name=_("network"),
        on_delete=models.CASCADE,
        related_name="partnership_bodies",
    )
    name = models.CharField(_("name"), max_length=200)
    owner = models.CharField(
        _("convened by"), max_length=200, help_text=_("E.g. Region Örebro län, Lekebergs kommun.")
    )
    municipality = municipality_field()
    representatives = models.CharField(_("our representatives"), max_length=300, blank=True)
    description = models.TextField(_("notes"), blank=True)
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    objects = NetworkQuerySet.as_manager()

    class Meta:
        verbose_name = _("partnership body")
        verbose_name_plural = _("partnership bodies")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class BodyMeeting(models.Model):
    """One meeting of a partnership body: when, who went, notes, and what the network raised."""

    body = models.ForeignKey(
        PartnershipBody, verbose_name=_("body"), on_delete=models.CASCADE, related_name="meetings"
    )
    held_on = models.DateField(_("date"))
    attended_by = models.CharField(_("attended for us"), max_length=300, blank=True)
    is_attended = models.BooleanField(_("we attended"), default=True)
    notes = models.TextField(_("notes"), blank=True)
    raised = models.TextField(_("what we raised"), blank=True)
    action = models.OneToOneField(
        "plan.Action",
        verbose_name=_("logged action"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    network_path = "body__network"
    objects = NetworkQuerySet.as_manager()

    class Meta:
        verbose_name = _("meeting")
        verbose_name_plural = _("meetings")
        ordering = ["-held_on", "-pk"]

    def __str__(self) -> str:
        return f"{self.body} {self.held_on:%Y-%m-%d}"
