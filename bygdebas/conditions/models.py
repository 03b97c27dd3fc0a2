"""Landsbygdsläget: residents' reports of road, broadband and service problems, and the member
groups' crisis preparedness (meeting points, resources, contact chains, alerts)."""

from __future__ import annotations

import datetime
import statistics
from typing import TYPE_CHECKING, ClassVar, Self

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.db.models.functions import Coalesce, Lower
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from bygdebas.core.confirmation import ConfirmationMixin, ConfirmationQuerySet
from bygdebas.core.models_moderation import ModerationStatus, Submission, SubmissionQuerySet
from bygdebas.core.tenancy import NetworkQuerySet

if TYPE_CHECKING:
    from bygdebas.core.models import Municipality


class Category(models.TextChoices):
    ROAD = "road", _("Road condition")
    WINTER_ROAD = "winter_road", _("Winter road maintenance")
    BROADBAND = "broadband", _("Broadband")
    MOBILE = "mobile", _("Mobile coverage")
    TRANSPORT = "transport", _("Public transport")
    SHOP = "shop", _("Closed service: shop")
    SCHOOL = "school", _("Closed service: school")
    HEALTH = "health", _("Closed service: health centre")
    POST = "post", _("Closed service: post")
    BANK = "bank", _("Closed service: bank")
    OTHER = "other", _("Other")


# Categories the road authority (Trafikverket) answers for; the rest go to the municipality.
ROAD_CATEGORIES = frozenset({Category.ROAD, Category.WINTER_ROAD})


class Status(models.TextChoices):
    OPEN = "open", _("Open")
    SENT = "sent", _("Sent to the authority")
    ANSWERED = "answered", _("Answered")
    FIXED = "fixed", _("Fixed")
    NOT_OURS = "not_ours", _("Not our matter")


CLOSED_STATUSES = frozenset({Status.FIXED, Status.NOT_OURS})


class CategorySetting(models.Model):
    """Whether a network's staff hold a category's reports for moderation before they show."""

    network = models.ForeignKey(
        "core.Network", verbose_name=_("network"), on_delete=models.CASCADE, related_name="+"
    )
    category = models.CharField(_("category"), max_length=20, choices=Category.choices)
    is_held = models.BooleanField(_("held for moderation"), default=False)

    objects = NetworkQuerySet.as_manager()

    class Meta:
        verbose_name = _("category setting")
        verbose_name_plural = _("category settings")
        constraints: ClassVar = [
            models.UniqueConstraint(
                fields=["network", "category"], name="conditions_category_setting_unique"
            )
        ]

    def __str__(self) -> str:
        return self.get_category_display()


# Both core QuerySets (confirmation and moderation): mypy sees two as_manager() signatures.
class ReportQuerySet(ConfirmationQuerySet["Report"], SubmissionQuerySet["Report"]):  # type: ignore[override]
    def published(self) -> Self:
        """Confirmed, let through (or never held), not hidden and not merged into another."""
        return self.filter(published_at__isnull=False, is_hidden=False, duplicate_of__isnull=True)

    def open(self) -> Self:
        return self.exclude(status__in=CLOSED_STATUSES)

    def in_box(self, west: float, south: float, east: float, north: float) -> Self:
        return self.filter(lon__gte=west, lon__lte=east, lat__gte=south, lat__lte=north)

    def with_me_too_count(self) -> Self:
        """Each report's confirmed "me too"s, as a subquery: a page of 50 counts 50 reports,
        not every report of the network before the page is cut."""
        confirmed = (
            MeToo.objects.filter(report=models.OuterRef("pk"), confirmed_at__isnull=False)
            .order_by()
            .values("report")
            .annotate(n=models.Count("pk"))
            .values("n")
        )
        return self.annotate(me_too_count=Coalesce(models.Subquery(confirmed), 0))

    def with_place(self) -> Self:
        """With the municipality's name, never its boundary (large GeoJSON, decoded per row)."""
        return self.select_related("municipality").defer("municipality__boundary")

    def for_staff(self) -> Self:
        """Everything confirmed: what staff list and moderate."""
        return self.confirmed()


class Report(ConfirmationMixin, Submission):
    """A resident's report of a problem at a point: published once confirmed by e-mail (and,
    for a category staff hold, once approved through ``core.moderation``)."""

    confirmation_purpose: ClassVar[str] = "conditions.report"
    confirmation_url_name: ClassVar[str] = "conditions:report-confirm"
    moderated_fields: ClassVar[tuple[str, ...]] = ("title", "description")
    moderation_mail_prefix: ClassVar[str] = "conditions/mail/report"

    # Not sent in until confirmed: an unconfirmed report must not wait in the moderation queue.
    moderation_status = models.CharField(
        _("moderation"),
        max_length=20,
        choices=[("", _("Not sent in")), *ModerationStatus.choices],
        default="",
        blank=True,
        db_index=True,
    )
    network = models.ForeignKey(
        "core.Network", verbose_name=_("network"), on_delete=models.CASCADE, related_name="+"
    )
    category = models.CharField(_("category"), max_length=20, choices=Category.choices)
    title = models.CharField(_("heading"), max_length=120)
    description = models.TextField(_("description"))
    municipality = models.ForeignKey(
        "core.Municipality",
        verbose_name=_("municipality"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    locality = models.CharField(_("locality"), max_length=100, blank=True)
    address = models.CharField(_("address or place"), max_length=200, blank=True)
    lat = models.FloatField(_("latitude"))
    lon = models.FloatField(_("longitude"))
    # True when the position is the locality's or the municipal seat's (typed without the map).
    is_position_approximate = models.BooleanField(_("approximate position"), default=False)
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.OPEN, db_index=True
    )
    status_changed_at = models.DateTimeField(_("status changed"), null=True, blank=True)
    published_at = models.DateTimeField(_("published"), null=True, blank=True, db_index=True)
    is_hidden = models.BooleanField(_("hidden"), default=False)
    duplicate_of = models.ForeignKey(
        "self",
        verbose_name=_("duplicate of"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="duplicates",
    )
    # The reporter's own words, kept when staff edit the public text after publication.
    reported_title = models.CharField(_("heading as reported"), max_length=120, blank=True)
    reported_description = models.TextField(_("description as reported"), blank=True)
    is_subscribed = models.BooleanField(_("reporter gets status mail"), default=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    objects = ReportQuerySet.as_manager()

    class Meta:
        verbose_name = _("report")
        verbose_name_plural = _("reports")
        ordering: ClassVar = ["-published_at", "-pk"]
        indexes: ClassVar = [
            models.Index(
                fields=["network", "published_at", "lat", "lon"], name="conditions_report_map"
            ),
            models.Index(fields=["network", "category", "status"], name="conditions_report_filter"),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("conditions:report-detail", args=[self.pk])

    @property
    def is_public(self) -> bool:
        return self.published_at is not None and not self.is_hidden and not self.duplicate_of_id

    @property
    def is_closed(self) -> bool:
        return self.status in CLOSED_STATUSES

    @property
    def authority(self) -> str:
        if self.category in ROAD_CATEGORIES:
            return str(_("Swedish Transport Administration"))
        return str(_("%(municipality)s municipality") % {"municipality": self.municipality.name})

    def get_submitter_url(self, action: str) -> str | None:
        return None


class ReportPhoto(models.Model):
    """Up to three pictures of a report (``core.Image``: resized, metadata stripped)."""

    report = models.ForeignKey(
        Report, verbose_name=_("report"), on_delete=models.CASCADE, related_name="photos"
    )
    image = models.ForeignKey(
        "core.Image", verbose_name=_("picture"), on_delete=models.CASCADE, related_name="+"
    )
    position = models.PositiveSmallIntegerField(_("order"), default=0)

    network_path = "report__network"
    objects = NetworkQuerySet.as_manager()

    class Meta:
        verbose_name = _("photo")
        verbose_name_plural = _("photos")
        ordering: ClassVar = ["position", "pk"]

    def __str__(self) -> str:
        return str(self.image)


class MeTooQuerySet(ConfirmationQuerySet["MeToo"]):
    pass


class MeToo(ConfirmationMixin, models.Model):
    """ "Me too" on a report: counts once confirmed, once per e-mail address."""

    confirmation_purpose: ClassVar[str] = "conditions.me_too"
    confirmation_url_name: ClassVar[str] = "conditions:me-too-confirm"

    report = models.ForeignKey(
        Report, verbose_name=_("report"), on_delete=models.CASCADE, related_name="me_toos"
    )
    name = models.CharField(_("name"), max_length=200, blank=True)
    email = models.EmailField(_("e-mail address"))

    network_path = "report__network"
    objects = MeTooQuerySet.as_manager()

    class Meta:
        verbose_name = _("me too")
        verbose_name_plural = _("me too")
        constraints: ClassVar = [
            models.UniqueConstraint(
                "report", Lower("email"), name="conditions_me_too_once_per_address"
            )
        ]

    def __str__(self) -> str:
        return self.email


class ReportUpdateQuerySet(NetworkQuerySet["ReportUpdate"]):
    pass


class ReportUpdate(models.Model):
    """A public update on a report: staff's news, and each change of status."""

    report = models.ForeignKey(
        Report, verbose_name=_("report"), on_delete=models.CASCADE, related_name="updates"
    )
    text = models.TextField(_("text"), blank=True)
    new_status = models.CharField(
        _("new status"), max_length=20, choices=Status.choices, blank=True
    )
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    network_path = "report__network"
    objects = ReportUpdateQuerySet.as_manager()

    class Meta:
        verbose_name = _("update")
        verbose_name_plural = _("updates")
        ordering: ClassVar = ["created_at", "pk"]

    def __str__(self) -> str:
        return f"{self.created_at:%Y-%m-%d} {self.get_new_status_display()}"


class ReportLog(models.Model):
    """One moderation step on a published report: who, when, what and why (as FixMyStreet)."""

    class Action(models.TextChoices):
        PUBLISHED = "published", _("Published")
        HIDDEN = "hidden", _("Hidden")
        SHOWN = "shown", _("Shown again")
        EDITED = "edited", _("Public text edited")
        MERGED = "merged", _("Merged into another report")
        STATUS = "status", _("Status changed")
        UPDATE = "update", _("Update added")
        DOSSIER = "dossier", _("Sent in a dossier")

    report = models.ForeignKey(
        Report, verbose_name=_("report"), on_delete=models.CASCADE, related_name="log"
    )
    action = models.CharField(_("step"), max_length=20, choices=Action.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    at = models.DateTimeField(_("when"), default=timezone.now)
    reason = models.TextField(_("reason"), blank=True)
    before = models.JSONField(_("before"), default=dict, blank=True, encoder=DjangoJSONEncoder)
    after = models.JSONField(_("after"), default=dict, blank=True, encoder=DjangoJSONEncoder)

    network_path = "report__network"
    objects = NetworkQuerySet.as_manager()

    class Meta:
        verbose_name = _("moderation step")
        verbose_name_plural = _("moderation log")
        ordering: ClassVar = ["at", "pk"]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.get_action_display()}"


class Dossier(models.Model):
    """A selection of reports sent to an authority: a PDF with map, photos and "me too"."""

    network = models.ForeignKey(
        "core.Network", verbose_name=_("network"), on_delete=models.CASCADE, related_name="+"
    )
    title = models.CharField(_("title"), max_length=200)
    recipient = models.CharField(_("recipient"), max_length=200)
    municipality = models.ForeignKey(
        "core.Municipality",
        verbose_name=_("municipality"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    reports = models.ManyToManyField(Report, verbose_name=_("reports"), related_name="dossiers")
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    sent_on = models.DateField(_("sent"), null=True, blank=True)
    action = models.ForeignKey(
        "plan.Action",
        verbose_name=_("action"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    objects = NetworkQuerySet.as_manager()

    class Meta:
        verbose_name = _("dossier")
        verbose_name_plural = _("dossiers")
        ordering: ClassVar = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("conditions:dossier-detail", args=[self.pk])


# --- Crisis preparedness ------------------------------------------------------------------------


class PreparednessProfileQuerySet(NetworkQuerySet["PreparednessProfile"]):
    pass


class PreparednessProfile(models.Model):
    """A member organisation's preparedness: its meeting point, resources and reach."""

    # The organisation's network, kept here too: a one-to-one link is not a tenancy path.
    network = models.ForeignKey(
        "core.Network", verbose_name=_("network"), on_delete=models.CASCADE, related_name="+"
    )
    organisation = models.OneToOneField(
        "members.Organisation",
        verbose_name=_("organisation"),
        on_delete=models.CASCADE,
        related_name="preparedness",
    )
    meeting_point = models.CharField(
        _("meeting point (trygghetspunkt)"), max_length=200, blank=True
    )
    municipality = models.ForeignKey(
        "core.Municipality",
        verbose_name=_("municipality"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    lat = models.FloatField(_("latitude"), null=True, blank=True)
    lon = models.FloatField(_("longitude"), null=True, blank=True)
    has_heat = models.BooleanField(_("heat"), default=False)
    has_water = models.BooleanField(_("water"), default=False)
    has_power = models.BooleanField(_("power"), default=False)
    has_radio = models.BooleanField(_("radio"), default=False)
    has_first_aid = models.BooleanField(_("first aid"), default=False)
    has_generator = models.BooleanField(_("generator"), default=False)
    has_fuel = models.BooleanField(_("fuel store"), default=False)
    has_water_tank = models.BooleanField(_("water tank"), default=False)
    has_wood_stoves = models.BooleanField(_("wood stoves"), default=False)
    has_satellite_radio = models.BooleanField(_("satellite or RAKEL-type radio"), default=False)
    has_vehicle = models.BooleanField(_("vehicle"), default=False)
    resources_note = models.TextField(_("other resources"), blank=True)
    households = models.PositiveIntegerField(_("households the group reaches"), default=0)
    first_aid_trained = models.PositiveIntegerField(_("people trained in first aid"), default=0)
    crisis_support_trained = models.PositiveIntegerField(
        _("people trained in crisis support"), default=0
    )
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("updated by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    objects = PreparednessProfileQuerySet.as_manager()

    MEETING_POINT_FIELDS: ClassVar = (
        "has_heat",
        "has_water",
        "has_power",
        "has_radio",
        "has_first_aid",
    )
    RESOURCE_FIELDS: ClassVar = (
        "has_generator",
        "has_fuel",
        "has_water_tank",
        "has_wood_stoves",
        "has_satellite_radio",
        "has_vehicle",
    )

    class Meta:
        verbose_name = _("preparedness profile")
        verbose_name_plural = _("preparedness profiles")

    def __str__(self) -> str:
        return str(self.organisation)

    @classmethod
    def label(cls, name: str) -> str:
        field = cls._meta.get_field(name)
        assert isinstance(field, models.Field)
        return str(field.verbose_name)

    def labels(self, names: tuple[str, ...]) -> list[str]:
        return [self.label(name) for name in names if getattr(self, name)]

    @property
    def meeting_point_offers(self) -> list[str]:
        return self.labels(self.MEETING_POINT_FIELDS)

    @property
    def resources(self) -> list[str]:
        return self.labels(self.RESOURCE_FIELDS)


class ChainMember(models.Model):
    """A person in a group's contact chain: who passes a message on (with their consent)."""

    profile = models.ForeignKey(
        PreparednessProfile,
        verbose_name=_("preparedness profile"),
        on_delete=models.CASCADE,
        related_name="chain",
    )
    position = models.PositiveSmallIntegerField(_("order"), default=0)
    name = models.CharField(_("name"), max_length=200)
    phone = models.CharField(_("phone"), max_length=40)
    email = models.EmailField(_("e-mail address"), blank=True)
    consent_at = models.DateTimeField(_("consent given"))

    network_path = "profile__network"
    objects = NetworkQuerySet.as_manager()

    class Meta:
        verbose_name = _("contact chain member")
        verbose_name_plural = _("contact chain")
        ordering: ClassVar = ["position", "pk"]

    def __str__(self) -> str:
        return self.name


class Alert(models.Model):
    """A short message sent to the contact chains of chosen municipalities (or a drill)."""

    network = models.ForeignKey(
        "core.Network", verbose_name=_("network"), on_delete=models.CASCADE, related_name="+"
    )
    message = models.CharField(_("message"), max_length=300)
    is_drill = models.BooleanField(_("drill"), default=False)
    municipalities = models.ManyToManyField(
        "core.Municipality", verbose_name=_("municipalities"), related_name="+"
    )
    sent_at = models.DateTimeField(_("sent"), default=timezone.now)
    sent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("sent by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    action = models.ForeignKey(
        "plan.Action",
        verbose_name=_("action"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    objects = NetworkQuerySet.as_manager()

    class Meta:
        verbose_name = _("alert")
        verbose_name_plural = _("alerts")
        ordering: ClassVar = ["-sent_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.sent_at:%Y-%m-%d %H:%M} {self.message[:40]}"


class AlertRecipient(models.Model):
    """One contact-chain member an alert went to, and their reply."""

    class Reply(models.TextChoices):
        NONE = "", _("No reply yet")
        FINE = "fine", _("We are fine")
        HELP = "help", _("We need help")

    alert = models.ForeignKey(
        Alert, verbose_name=_("alert"), on_delete=models.CASCADE, related_name="recipients"
    )
    organisation = models.ForeignKey(
        "members.Organisation",
        verbose_name=_("organisation"),
        on_delete=models.CASCADE,
        related_name="+",
    )
    member = models.ForeignKey(
        ChainMember,
        verbose_name=_("contact chain member"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    name = models.CharField(_("name"), max_length=200)
    reply = models.CharField(
        _("reply"), max_length=10, choices=Reply.choices, default=Reply.NONE, blank=True
    )
    reply_note = models.CharField(_("note"), max_length=300, blank=True)
    replied_at = models.DateTimeField(_("replied"), null=True, blank=True)

    network_path = "alert__network"
    objects = NetworkQuerySet.as_manager()

    class Meta:
        verbose_name = _("alert recipient")
        verbose_name_plural = _("alert recipients")
        ordering: ClassVar = ["organisation__name", "pk"]

    def __str__(self) -> str:
        return self.name


def median_age_days(published: list[datetime.datetime], *, now: datetime.datetime) -> float | None:
    """The median age in days of reports published at these times."""
    if not published:
        return None
    return float(statistics.median((now - at).total_seconds() / 86400 for at in published))


def municipality_label(municipality: Municipality | None) -> str:
    return municipality.name if municipality is not None else ""
