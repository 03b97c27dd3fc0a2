"""The knowledge bank: local projects, advice given to groups, funding calls and good examples.

A project is local development work the network knows of or supports (its organisations, place,
period, status, funding and results). Advice (rådgivning) given to a group or a project logs an
action against the plan's support activities. Funding calls (utlysningar) are grants groups may
seek. A good example is a story for the public catalogue: staff write it, or a contact person
sends it in from self-service and staff moderate it (``core.moderation``).
"""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import TYPE_CHECKING, Any, ClassVar

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q, Sum
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from bygdebas.core.geo import place_line
from bygdebas.core.models import municipality_field
from bygdebas.core.models_moderation import Submission, SubmissionQuerySet
from bygdebas.core.tenancy import NetworkQuerySet

if TYPE_CHECKING:
    from bygdebas.members.models import Organisation

# The 17 goals of Agenda 2030 (the same wording as the events app, so one translation).
GOAL_NAMES = {
    1: _("1 No poverty"),
    2: _("2 Zero hunger"),
    3: _("3 Good health and well-being"),
    4: _("4 Quality education"),
    5: _("5 Gender equality"),
    6: _("6 Clean water and sanitation"),
    7: _("7 Affordable and clean energy"),
    8: _("8 Decent work and economic growth"),
    9: _("9 Industry, innovation and infrastructure"),
    10: _("10 Reduced inequalities"),
    11: _("11 Sustainable cities and communities"),
    12: _("12 Responsible consumption and production"),
    13: _("13 Climate action"),
    14: _("14 Life below water"),
    15: _("15 Life on land"),
    16: _("16 Peace, justice and strong institutions"),
    17: _("17 Partnerships for the goals"),
}

# The themes good examples and funding calls are filed under.
THEME_NAMES = {
    "services": _("Local services and shops"),
    "school": _("Schools and childcare"),
    "meeting_places": _("Meeting places and culture"),
    "energy": _("Energy and climate"),
    "broadband": _("Broadband and digital services"),
    "transport": _("Transport and mobility"),
    "housing": _("Housing"),
    "nature": _("Nature, outdoor life and tourism"),
    "food": _("Local food and farming"),
    "enterprise": _("Enterprise and jobs"),
    "integration": _("Integration and inclusion"),
    "youth": _("Children and young people"),
    "preparedness": _("Crisis preparedness"),
}


class Goal(models.Model):
    """One of the 17 goals of Agenda 2030 (shared by every network, like municipalities)."""

    number = models.PositiveSmallIntegerField(_("number"), primary_key=True)

    class Meta:
        verbose_name = _("Agenda 2030 goal")
        verbose_name_plural = _("Agenda 2030 goals")
        ordering = ["number"]

    def __str__(self) -> str:
        return str(GOAL_NAMES.get(self.number, self.number))


class Theme(models.Model):
    """A theme for examples and calls (a fixed list, shared by every network)."""

    key = models.SlugField(_("key"), max_length=30, primary_key=True)
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        verbose_name = _("theme")
        verbose_name_plural = _("themes")
        ordering = ["order", "key"]

    def __str__(self) -> str:
        return str(THEME_NAMES.get(self.key, self.key))


def _check_position(lat: float | None, lon: float | None) -> dict[str, Any]:
    errors: dict[str, Any] = {}
    if (lat is None) != (lon is None):
        errors["lon" if lon is None else "lat"] = _("Give both latitude and longitude, or neither.")
    if lat is not None and not -90 <= lat <= 90:
        errors["lat"] = _("Latitude is between -90 and 90.")
    if lon is not None and not -180 <= lon <= 180:
        errors["lon"] = _("Longitude is between -180 and 180.")
    return errors


# --- Projects ------------------------------------------------------------------------------


class ProjectStatus(models.TextChoices):
    IDEA = "idea", _("Idea")
    APPLIED = "applied", _("Applied for")
    GRANTED = "granted", _("Granted")
    RUNNING = "running", _("Running")
    FINISHED = "finished", _("Finished")
    NOT_GRANTED = "not_granted", _("Not granted")


class ProjectQuerySet(NetworkQuerySet["Project"]):
    def active(self) -> ProjectQuerySet:
        return self.exclude(status__in=[ProjectStatus.FINISHED, ProjectStatus.NOT_GRANTED])

    def with_funding_total(self) -> ProjectQuerySet:
        return self.annotate(funding_total=Sum("funding__amount"))


class Project(models.Model):
    """A local development project: who runs it, where, when, with what money and to what end."""

    network = models.ForeignKey(
        "core.Network", verbose_name=_("network"), on_delete=models.CASCADE, related_name="+"
    )
    name = models.CharField(_("name"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    organisations = models.ManyToManyField(
        "members.Organisation",
        verbose_name=_("organisations in the registry"),
        blank=True,
        related_name="+",
    )
    other_organisations = models.CharField(
        _("other organisations"),
        max_length=300,
        blank=True,
        help_text=_("Organisations behind the project that are not in the registry."),
    )
    municipality = municipality_field()
    locality = models.CharField(_("locality"), max_length=100, blank=True)
    lat = models.FloatField(_("latitude"), null=True, blank=True)
    lon = models.FloatField(_("longitude"), null=True, blank=True)
    starts_on = models.DateField(_("starts"), null=True, blank=True)
    ends_on = models.DateField(_("ends"), null=True, blank=True)
    status = models.CharField(
        _("status"), max_length=12, choices=ProjectStatus.choices, default=ProjectStatus.IDEA
    )
    budget = models.DecimalField(
        _("budget (SEK)"),
        max_digits=12,
        decimal_places=0,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal(0))],
    )
    goals = models.ManyToManyField(
        Goal, verbose_name=_("Agenda 2030 goals"), blank=True, related_name="+"
    )
    target_groups = models.CharField(_("target groups"), max_length=300, blank=True)
    is_youth = models.BooleanField(
        _("children and young people"),
        default=False,
        help_text=_("The project is run by or for children and young people."),
    )
    results = models.TextField(_("results"), blank=True)
    result_figures = models.TextField(
        _("results in figures"),
        blank=True,
        help_text=_("One figure a line, for example “120 visitors” or “3 new jobs”."),
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    objects = ProjectQuerySet.as_manager()

    class Meta:
        verbose_name = _("project")
        verbose_name_plural = _("projects")
        ordering = ["name", "pk"]
        indexes: ClassVar = [models.Index(fields=["network", "status"])]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("projects:project-detail", args=[self.pk])

    def clean(self) -> None:
        errors = _check_position(self.lat, self.lon)
        if self.starts_on and self.ends_on and self.ends_on < self.starts_on:
            errors["ends_on"] = _("The project cannot end before it starts.")
        if errors:
            raise ValidationError(errors)

    @property
    def place_line(self) -> str:
        return place_line(self.municipality.name if self.municipality else "", self.locality)

    @property
    def figure_lines(self) -> list[str]:
        return [line.strip() for line in self.result_figures.splitlines() if line.strip()]


class FundingSource(models.TextChoices):
    LEADER = "leader", _("LEADER area")
    MIKROFONDEN = "mikrofonden", _("Mikrofonden")
    COUNTY_BOARD = "county_board", _("County administrative board")
    REGION = "region", _("Region")
    MUNICIPALITY = "municipality", _("Municipality")
    BOVERKET = "boverket", _("Boverket")
    JORDBRUKSVERKET = "jordbruksverket", _("Jordbruksverket")
    FOUNDATION = "foundation", _("Foundation")
    OWN_WORK = "own_work", _("Own work (hours)")
    OTHER = "other", _("Other")


class ProjectFunding(models.Model):
    """One source of a project's money, or the group's own work valued in hours."""

    project = models.ForeignKey(
        Project, verbose_name=_("project"), on_delete=models.CASCADE, related_name="funding"
    )
    source = models.CharField(_("source"), max_length=20, choices=FundingSource.choices)
    funder = models.CharField(
        _("funder"),
        max_length=200,
        blank=True,
        help_text=_("Which one: the LEADER area's or the foundation's name, say."),
    )
    amount = models.DecimalField(
        _("amount (SEK)"),
        max_digits=12,
        decimal_places=0,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal(0))],
    )
    hours = models.DecimalField(
        _("hours"),
        max_digits=8,
        decimal_places=1,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal(0))],
    )

    network_path = "project__network"
    objects = NetworkQuerySet.as_manager()

    class Meta:
        verbose_name = _("funding source")
        verbose_name_plural = _("funding sources")
        ordering = ["pk"]

    def __str__(self) -> str:
        return f"{self.get_source_display()} {self.funder}".strip()

    def clean(self) -> None:
        if self.source == FundingSource.OWN_WORK and self.hours is None:
            raise ValidationError({"hours": _("Give the hours of own work.")})
        if self.source != FundingSource.OWN_WORK and self.amount is None:
            raise ValidationError({"amount": _("Give the amount.")})


class ProjectAttachment(models.Model):
    """A file about a project's results: a report, a budget, a poster."""

    project = models.ForeignKey(
        Project, verbose_name=_("project"), on_delete=models.CASCADE, related_name="attachments"
    )
    title = models.CharField(_("title"), max_length=200)
    file = models.FileField(_("file"), upload_to="projects/attachments/%Y/")
    uploaded_at = models.DateTimeField(_("uploaded"), auto_now_add=True)

    network_path = "project__network"
    objects = NetworkQuerySet.as_manager()

    class Meta:
        verbose_name = _("project attachment")
        verbose_name_plural = _("project attachments")
        ordering = ["title", "pk"]

    def __str__(self) -> str:
        return self.title


# --- Advice --------------------------------------------------------------------------------


class AdviceTopic(models.TextChoices):
    FUNDING = "funding", _("Funding application")
    ASSOCIATION = "association", _("Association matters")
    PREMISES = "premises", _("Premises")
    ENERGY = "energy", _("Energy")
    BROADBAND = "broadband", _("Broadband")
    SERVICES = "services", _("Local services")
    PLANNING = "planning", _("Village plan and development")
    OTHER = "other", _("Other")


class AdviceQuerySet(NetworkQuerySet["Advice"]):
    def given_to(self, organisation: Organisation) -> AdviceQuerySet:
        """Advice given to ``organisation`` (in its network)."""
        return self.for_network(organisation.network_id).filter(organisation=organisation)

    def follow_up_due(self, today: datetime.date) -> AdviceQuerySet:
        return self.filter(follow_up_on__isnull=False, follow_up_on__lte=today)


class Advice(models.Model):
    """Advice given to a group or a project (rådgivning): logs an action in the plan."""

    network = models.ForeignKey(
        "core.Network", verbose_name=_("network"), on_delete=models.CASCADE, related_name="+"
    )
    given_on = models.DateField(_("date"))
    organisation = models.ForeignKey(
        "members.Organisation",
        verbose_name=_("organisation"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    project = models.ForeignKey(
        Project,
        verbose_name=_("project"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="advice",
    )
    recipient = models.CharField(
        _("other group"),
        max_length=200,
        blank=True,
        help_text=_("A group that is not in the registry."),
    )
    topic = models.CharField(_("topic"), max_length=12, choices=AdviceTopic.choices)
    hours = models.DecimalField(
        _("hours"),
        max_digits=5,
        decimal_places=1,
        validators=[MinValueValidator(Decimal("0.1")), MaxValueValidator(Decimal(500))],
    )
    given_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("given by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    notes = models.TextField(_("notes"), blank=True)
    follow_up_on = models.DateField(_("follow up on"), null=True, blank=True)
    action = models.OneToOneField(
        "plan.Action",
        verbose_name=_("logged action"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    objects = AdviceQuerySet.as_manager()

    class Meta:
        verbose_name = _("advice session")
        verbose_name_plural = _("advice sessions")
        ordering = ["-given_on", "-pk"]
        indexes: ClassVar = [models.Index(fields=["network", "given_on"])]

    def __str__(self) -> str:
        return f"{self.get_topic_display()} {self.given_on:%Y-%m-%d}: {self.advised}"

    @property
    def advised(self) -> str:
        """Whom the advice was for, in a few words."""
        names = [str(x) for x in (self.organisation, self.project) if x] or [self.recipient]
        return " – ".join(names)

    def clean(self) -> None:
        errors: dict[str, Any] = {}
        if not (self.organisation_id or self.project_id or self.recipient.strip()):
            errors["recipient"] = _(
                "Say whom the advice was for: an organisation, a project or a group."
            )
        if self.follow_up_on and self.given_on and self.follow_up_on < self.given_on:
            errors["follow_up_on"] = _("The follow-up cannot be before the advice was given.")
        if errors:
            raise ValidationError(errors)


# --- Funding calls -------------------------------------------------------------------------


class FundingCallQuerySet(NetworkQuerySet["FundingCall"]):
    def open_on(self, day: datetime.date) -> FundingCallQuerySet:
        """Calls one can still apply to on ``day``."""
        return self.filter(deadline_on__gte=day).filter(
            Q(opens_on__isnull=True) | Q(opens_on__lte=day)
        )

    def upcoming(self, day: datetime.date) -> FundingCallQuerySet:
        return self.filter(deadline_on__gte=day).order_by("deadline_on", "pk")

    def covering(self, municipality_ids: list[int]) -> FundingCallQuerySet:
        """Calls for the whole area (no municipality named) or for one of these."""
        return self.filter(
            Q(municipalities__isnull=True) | Q(municipalities__in=municipality_ids)
        ).distinct()


class FundingCall(models.Model):
    """A grant to seek (utlysning): who gives it, by when, for whom and where."""

    network = models.ForeignKey(
        "core.Network", verbose_name=_("network"), on_delete=models.CASCADE, related_name="+"
    )
    funder = models.CharField(_("funder"), max_length=200)
    title = models.CharField(_("title"), max_length=200)
    url = models.URLField(_("link"), blank=True)
    opens_on = models.DateField(_("opens"), null=True, blank=True)
    deadline_on = models.DateField(_("deadline"))
    eligible = models.CharField(
        _("who can apply"),
        max_length=300,
        blank=True,
        help_text=_("Associations, companies, municipalities…"),
    )
    municipalities = models.ManyToManyField(
        "core.Municipality",
        verbose_name=_("municipalities"),
        blank=True,
        related_name="+",
        help_text=_("Leave empty when the call is open to the whole county."),
    )
    areas = models.CharField(
        _("LEADER areas"),
        max_length=300,
        blank=True,
        help_text=_("The LEADER areas or regions it covers, in words."),
    )
    themes = models.ManyToManyField(Theme, verbose_name=_("topics"), blank=True, related_name="+")
    description = models.TextField(_("description"), blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    objects = FundingCallQuerySet.as_manager()

    class Meta:
        verbose_name = _("funding call")
        verbose_name_plural = _("funding calls")
        ordering = ["deadline_on", "pk"]
        indexes: ClassVar = [models.Index(fields=["network", "deadline_on"])]

    def __str__(self) -> str:
        return f"{self.funder}: {self.title}"

    def clean(self) -> None:
        if self.opens_on and self.deadline_on and self.deadline_on < self.opens_on:
            raise ValidationError(
                {"deadline_on": _("The deadline cannot be before the call opens.")}
            )

    def is_open_on(self, day: datetime.date) -> bool:
        return self.deadline_on >= day and (self.opens_on is None or self.opens_on <= day)


class CallDigestSubscription(models.Model):
    """A contact person who asked for the weekly mail of new funding calls."""

    network = models.ForeignKey(
        "core.Network", verbose_name=_("network"), on_delete=models.CASCADE, related_name="+"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        on_delete=models.CASCADE,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    last_sent_at = models.DateTimeField(_("last sent"), null=True, blank=True)

    objects = NetworkQuerySet.as_manager()

    class Meta:
        verbose_name = _("funding call digest subscription")
        verbose_name_plural = _("funding call digest subscriptions")
        constraints: ClassVar = [
            models.UniqueConstraint(fields=["network", "user"], name="projects_one_digest_per_user")
        ]

    def __str__(self) -> str:
        return str(self.user)


# --- Good examples -------------------------------------------------------------------------


class ExampleQuerySet(SubmissionQuerySet["Example"]):
    def published(self) -> ExampleQuerySet:
        """What the public catalogue shows: approved and published."""
        return self.approved().filter(published_at__isnull=False)

    def filtered(
        self,
        *,
        goal: int | None = None,
        theme: str = "",
        municipality: int | None = None,
        is_youth: bool = False,
    ) -> ExampleQuerySet:
        rows = self
        if goal:
            rows = rows.filter(goals=goal)
        if theme:
            rows = rows.filter(themes=theme)
        if municipality:
            rows = rows.filter(municipality=municipality)
        if is_youth:
            rows = rows.filter(is_youth=True)
        return rows


class Example(Submission):
    """A good example of local development, for the public catalogue and the booklet."""

    moderated_fields: ClassVar[tuple[str, ...]] = (
        "title",
        "summary",
        "story",
        "municipality",
        "locality",
        "goals",
        "themes",
        "is_youth",
        "contact_name",
        "contact_email",
        "contact_phone",
        "has_contact_consent",
    )
    moderation_mail_prefix: ClassVar[str] = "projects/mail/example"

    network = models.ForeignKey(
        "core.Network", verbose_name=_("network"), on_delete=models.CASCADE, related_name="+"
    )
    title = models.CharField(_("title"), max_length=200)
    summary = models.TextField(
        _("summary"),
        max_length=500,
        help_text=_("Two or three sentences; shown in lists and when shared."),
    )
    story = models.TextField(
        _("the story"), blank=True, help_text=_("Markdown: **bold**, lists, links.")
    )
    photo = models.ForeignKey(
        "core.Image",
        verbose_name=_("photo"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    project = models.ForeignKey(
        Project,
        verbose_name=_("project"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="examples",
    )
    organisations = models.ManyToManyField(
        "members.Organisation",
        verbose_name=_("organisations behind it"),
        blank=True,
        related_name="+",
    )
    other_organisations = models.CharField(_("other organisations"), max_length=300, blank=True)
    municipality = municipality_field()
    locality = models.CharField(_("locality"), max_length=100, blank=True)
    lat = models.FloatField(_("latitude"), null=True, blank=True)
    lon = models.FloatField(_("longitude"), null=True, blank=True)
    goals = models.ManyToManyField(
        Goal, verbose_name=_("Agenda 2030 goals"), blank=True, related_name="+"
    )
    themes = models.ManyToManyField(Theme, verbose_name=_("themes"), blank=True, related_name="+")
    is_youth = models.BooleanField(
        _("children and young people"),
        default=False,
        help_text=_("Run by or for children and young people."),
    )
    contact_name = models.CharField(_("contact person"), max_length=200, blank=True)
    contact_email = models.EmailField(_("contact e-mail"), blank=True)
    contact_phone = models.CharField(_("contact phone"), max_length=24, blank=True)
    has_contact_consent = models.BooleanField(
        _("the contact person agrees to be shown"),
        default=False,
        help_text=_("The contact details are shown on the public page only with this consent."),
    )
    published_at = models.DateTimeField(_("published"), null=True, blank=True)
    publish_action = models.OneToOneField(
        "plan.Action",
        verbose_name=_("action logged when published"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    objects = ExampleQuerySet.as_manager()

    class Meta:
        verbose_name = _("good example")
        verbose_name_plural = _("good examples")
        ordering = ["-published_at", "-pk"]
        indexes: ClassVar = [
            models.Index(fields=["network", "moderation_status", "published_at"]),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("projects:example-detail", args=[self.pk])

    def get_submitter_url(self, action: str) -> str | None:
        return reverse("projects:my-examples")

    def clean(self) -> None:
        errors = _check_position(self.lat, self.lon)
        has_contact = any([self.contact_name, self.contact_email, self.contact_phone])
        if has_contact and not self.has_contact_consent:
            errors["has_contact_consent"] = _(
                "Contact details are shown only with the person's consent: tick the box, or "
                "leave them out."
            )
        if errors:
            raise ValidationError(errors)

    @property
    def is_published(self) -> bool:
        return self.is_approved and self.published_at is not None

    @property
    def place_line(self) -> str:
        return place_line(self.municipality.name if self.municipality else "", self.locality)

    @property
    def shows_contact(self) -> bool:
        return self.has_contact_consent and bool(self.contact_name or self.contact_email)

    def publish(self) -> None:
        if self.published_at is None:
            self.published_at = timezone.now()
