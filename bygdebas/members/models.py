"""The registry of the network: organisations, their people, and membership year by year.

Personal data (people, their consents) is changed only through ``members.services``, which
records every change in the core audit log.
"""

from __future__ import annotations

from typing import Any, ClassVar

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from bygdebas.core.geo import place_line
from bygdebas.core.models import municipality_field
from bygdebas.core.tenancy import NetworkQuerySet
from bygdebas.members.normalise import name_key


class Tag(models.Model):
    network = models.ForeignKey(
        "core.Network", verbose_name=_("network"), on_delete=models.CASCADE, related_name="+"
    )
    name = models.CharField(_("name"), max_length=60)

    objects = NetworkQuerySet.as_manager()

    class Meta:
        verbose_name = _("tag")
        verbose_name_plural = _("tags")
        ordering = ["name"]
        constraints: ClassVar = [
            models.UniqueConstraint(fields=["network", "name"], name="members_tag_unique")
        ]

    def __str__(self) -> str:
        return self.name


class OrganisationQuerySet(NetworkQuerySet["Organisation"]):
    def members_in(self, year: int) -> OrganisationQuerySet:
        """Organisations with an active membership in ``year``."""
        return self.filter(
            memberships__year=year, memberships__status=Membership.Status.ACTIVE
        ).distinct()


class Organisation(models.Model):
    """A local group, association, municipality, authority or company in the network's registry."""

    class Kind(models.TextChoices):
        LOCAL_GROUP = "local_group", _("Local development group")
        VILLAGE = "village", _("Village association (byalag)")
        ASSOCIATION = "association", _("Other association")
        STUDY = "study", _("Study association")
        MUNICIPALITY = "municipality", _("Municipality")
        REGION = "region", _("Region")
        COUNTY_BOARD = "county_board", _("County administrative board")
        COMPANY = "company", _("Company")
        OTHER = "other", _("Other")

    network = models.ForeignKey(
        "core.Network",
        verbose_name=_("network"),
        on_delete=models.CASCADE,
        related_name="organisations",
    )
    name = models.CharField(_("name"), max_length=200)
    # Duplicate detection: the name without case, punctuation, word order or "Byalaget"-words.
    name_key = models.CharField(max_length=200, editable=False, db_index=True)
    kind = models.CharField(
        _("kind"), max_length=20, choices=Kind.choices, default=Kind.LOCAL_GROUP
    )
    org_number = models.CharField(
        _("organisation number"), max_length=11, blank=True, help_text=_("As 802412-3450.")
    )
    municipality = municipality_field(related_name="organisations")
    locality = models.CharField(_("locality"), max_length=100, blank=True)
    latitude = models.FloatField(
        _("latitude"),
        null=True,
        blank=True,
        validators=[MinValueValidator(54.0), MaxValueValidator(70.0)],
    )
    longitude = models.FloatField(
        _("longitude"),
        null=True,
        blank=True,
        validators=[MinValueValidator(9.0), MaxValueValidator(25.0)],
    )
    street_address = models.CharField(_("street address"), max_length=200, blank=True)
    postal_code = models.CharField(_("postal code"), max_length=6, blank=True)
    postal_town = models.CharField(_("postal town"), max_length=100, blank=True)
    website = models.URLField(_("website"), blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    phone = models.CharField(_("phone"), max_length=24, blank=True)
    founded_year = models.PositiveSmallIntegerField(
        _("founded"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1800), MaxValueValidator(2100)],
    )
    is_youth_led = models.BooleanField(_("youth-led"), default=False)
    notes = models.TextField(_("notes"), blank=True)
    tags = models.ManyToManyField(
        Tag, verbose_name=_("tags"), blank=True, related_name="organisations"
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    objects = OrganisationQuerySet.as_manager()

    class Meta:
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")
        ordering = ["name", "pk"]
        constraints: ClassVar = [
            models.UniqueConstraint(
                fields=["network", "org_number"],
                condition=~Q(org_number=""),
                name="members_org_number_unique_per_network",
            )
        ]
        indexes: ClassVar = [
            models.Index(fields=["network", "name"]),
            models.Index(fields=["network", "municipality"]),
        ]

    def __str__(self) -> str:
        return self.name

    def save(self, *args: Any, **kwargs: Any) -> None:
        self.name_key = name_key(self.name)
        super().save(*args, **kwargs)

    @property
    def place_line(self) -> str:
        """The municipality and the locality, each said once ("Kumla", not "Kumla, Kumla")."""
        return place_line(self.municipality.name if self.municipality else "", self.locality)


class PersonQuerySet(NetworkQuerySet["Person"]):
    def not_erased(self) -> PersonQuerySet:
        return self.filter(erased_at__isnull=True)


class Person(models.Model):
    """A contact: someone with a role in one or more organisations. Personal data."""

    class LegalBasis(models.TextChoices):
        CONSENT = "consent", _("Consent")
        CONTRACT = "contract", _("Membership (agreement)")
        LEGITIMATE_INTEREST = "legitimate_interest", _("Legitimate interest")
        LEGAL_OBLIGATION = "legal_obligation", _("Legal obligation")

    class Language(models.TextChoices):
        SWEDISH = "sv", _("Swedish")
        ENGLISH = "en", _("English")

    network = models.ForeignKey(
        "core.Network", verbose_name=_("network"), on_delete=models.CASCADE, related_name="people"
    )
    name = models.CharField(_("name"), max_length=200)
    # Stored lower-cased, so that "Anna@X.se" and "anna@x.se" are one person.
    email = models.EmailField(_("e-mail"), blank=True)
    phone = models.CharField(_("phone"), max_length=24, blank=True)
    birth_year = models.PositiveSmallIntegerField(
        _("birth year"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1900), MaxValueValidator(2100)],
        help_text=_(
            "Optional, only for statistics on young people. Never a personal identity number."
        ),
    )
    language = models.CharField(
        _("language"), max_length=2, choices=Language.choices, default=Language.SWEDISH
    )
    legal_basis = models.CharField(
        _("legal basis"), max_length=24, choices=LegalBasis.choices, default=LegalBasis.CONSENT
    )
    # The login of a contact person who uses the self-service pages.
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("login"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="people",
    )
    erased_at = models.DateTimeField(_("erased"), null=True, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    objects = PersonQuerySet.as_manager()

    class Meta:
        verbose_name = _("person")
        verbose_name_plural = _("people")
        ordering = ["name", "pk"]
        constraints: ClassVar = [
            models.UniqueConstraint(
                fields=["network", "email"],
                condition=~Q(email=""),
                name="members_person_email_unique_per_network",
            )
        ]
        indexes: ClassVar = [
            models.Index(fields=["network", "name"]),
            # The people list's count (never erased people): an index-only scan with it.
            models.Index(
                fields=["network"],
                condition=Q(erased_at__isnull=True),
                name="members_person_listed_idx",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def save(self, *args: Any, **kwargs: Any) -> None:
        self.email = (self.email or "").strip().lower()
        super().save(*args, **kwargs)


class Engagement(models.Model):
    """A person's role in an organisation (chair, contact person…)."""

    class Role(models.TextChoices):
        CONTACT = "contact", _("Contact person")
        CHAIR = "chair", _("Chair")
        VICE_CHAIR = "vice_chair", _("Vice chair")
        SECRETARY = "secretary", _("Secretary")
        TREASURER = "treasurer", _("Treasurer")
        BOARD = "board", _("Board member")
        OTHER = "other", _("Other")

    person = models.ForeignKey(
        Person, verbose_name=_("person"), on_delete=models.CASCADE, related_name="engagements"
    )
    organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("organisation"),
        on_delete=models.CASCADE,
        related_name="engagements",
    )
    role = models.CharField(_("role"), max_length=16, choices=Role.choices, default=Role.CONTACT)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    # The person and the organisation are always of the same network.
    network_path = "organisation__network"
    objects = NetworkQuerySet.as_manager()

    class Meta:
        verbose_name = _("role in organisation")
        verbose_name_plural = _("roles in organisations")
        ordering = ["organisation__name", "role"]
        constraints: ClassVar = [
            models.UniqueConstraint(
                fields=["person", "organisation", "role"], name="members_engagement_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.person} – {self.get_role_display()}, {self.organisation}"


class Consent(models.Model):
    """What a person agreed to, when, and through which form or import."""

    class Source(models.TextChoices):
        JOIN_FORM = "join_form", _("Membership application form")
        SELF_SERVICE = "self_service", _("Self-service")
        RENEWAL = "renewal", _("Membership renewal")
        IMPORT = "import", _("Import")
        STAFF = "staff", _("Entered by staff")

    person = models.ForeignKey(
        Person, verbose_name=_("person"), on_delete=models.CASCADE, related_name="consents"
    )
    purpose = models.CharField(_("what"), max_length=200)
    text = models.TextField(_("text agreed to"), blank=True)
    source = models.CharField(_("source"), max_length=16, choices=Source.choices)
    source_detail = models.CharField(_("source detail"), max_length=200, blank=True)
    given_at = models.DateTimeField(_("given"))
    withdrawn_at = models.DateTimeField(_("withdrawn"), null=True, blank=True)

    network_path = "person__network"
    objects = NetworkQuerySet.as_manager()

    class Meta:
        verbose_name = _("consent")
        verbose_name_plural = _("consents")
        ordering = ["-given_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.purpose} ({self.given_at:%Y-%m-%d})"


class MembershipQuerySet(NetworkQuerySet["Membership"]):
    def active(self) -> MembershipQuerySet:
        return self.filter(status=Membership.Status.ACTIVE)


class Membership(models.Model):
    """One organisation's membership in one year: applied → active → lapsed or ended.

    The yearly renewal: staff send a renewal request for year Y+1 to every member of year Y; the
    contact person confirms through a personal link; reminders follow; a request that is never
    confirmed lapses.
    """

    class Status(models.TextChoices):
        APPLIED = "applied", _("Applied")
        RENEWAL_REQUESTED = "renewal_requested", _("Renewal requested")
        ACTIVE = "active", _("Active")
        LAPSED = "lapsed", _("Lapsed")
        ENDED = "ended", _("Ended")
        DECLINED = "declined", _("Declined")

    organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("organisation"),
        on_delete=models.CASCADE,
        related_name="memberships",
    )
    year = models.PositiveSmallIntegerField(_("year"))
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.APPLIED
    )
    fee = models.DecimalField(_("fee"), max_digits=9, decimal_places=2, null=True, blank=True)
    invoiced_on = models.DateField(_("invoiced"), null=True, blank=True)
    paid_on = models.DateField(_("paid"), null=True, blank=True)
    application_message = models.TextField(_("message with the application"), blank=True)
    applied_at = models.DateTimeField(_("applied"), null=True, blank=True)
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("decided by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    renewal_requested_at = models.DateTimeField(_("renewal requested"), null=True, blank=True)
    renewal_confirmed_at = models.DateTimeField(_("renewal confirmed"), null=True, blank=True)
    reminders_sent = models.PositiveSmallIntegerField(_("reminders sent"), default=0)
    last_reminder_at = models.DateTimeField(_("last reminder"), null=True, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    network_path = "organisation__network"
    objects = MembershipQuerySet.as_manager()

    class Meta:
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        ordering = ["-year", "organisation__name"]
        constraints: ClassVar = [
            models.UniqueConstraint(
                fields=["organisation", "year"], name="members_membership_one_per_year"
            )
        ]
        indexes: ClassVar = [models.Index(fields=["year", "status"])]

    def __str__(self) -> str:
        return f"{self.organisation} {self.year} ({self.get_status_display()})"

    @property
    def is_paid(self) -> bool:
        return self.paid_on is not None


def current_year() -> int:
    return timezone.localdate().year
