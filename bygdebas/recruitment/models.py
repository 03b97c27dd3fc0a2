"""The outreach pipeline: local groups the network has found and is inviting to become members.

A prospect moves found → contacted → meeting held → member (or declined). Contacts and meetings
with it are logged in its contact log, and each logs an action (insats) against the plan's
recruitment activity. The contact name, e-mail and phone are personal data.
"""

from __future__ import annotations

import datetime
from typing import TYPE_CHECKING, ClassVar

from django.conf import settings
from django.db import models
from django.db.models import Exists, OuterRef, Q, Subquery
from django.db.models.functions import Coalesce, Greatest
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from bygdebas.core.geo import place_line
from bygdebas.core.models import municipality_field
from bygdebas.core.tenancy import NetworkQuerySet

if TYPE_CHECKING:
    from bygdebas.members.models import Organisation


class Status(models.TextChoices):
    FOUND = "found", _("Found")
    CONTACTED = "contacted", _("Contacted")
    MEETING = "meeting", _("Meeting held")
    MEMBER = "member", _("Member")
    DECLINED = "declined", _("Declined")


# The order of the pipeline; member and declined are where it ends.
PIPELINE = [Status.FOUND, Status.CONTACTED, Status.MEETING, Status.MEMBER]
OPEN_STATUSES = (Status.FOUND, Status.CONTACTED, Status.MEETING)


class ProspectQuerySet(NetworkQuerySet["Prospect"]):
    def recruited_as(self, organisation: Organisation) -> ProspectQuerySet:
        """The prospects that became ``organisation`` (in its network)."""
        return self.for_network(organisation.network_id).filter(organisation=organisation)

    def open(self) -> ProspectQuerySet:
        """Prospects still in the pipeline: neither members nor declined."""
        return self.filter(status__in=OPEN_STATUSES)

    def overdue(self, today: datetime.date) -> ProspectQuerySet:
        """Open prospects whose next step's date has passed."""
        return self.open().filter(next_step_on__lt=today)

    def with_contact(self) -> ProspectQuerySet:
        """Prospects that still name a contact person: a name, an e-mail address or a phone."""
        return self.exclude(contact_name="", contact_email="", contact_phone="")

    def with_last_activity(self) -> ProspectQuerySet:
        """Annotate ``last_activity_at``: the later of the last change and the last log entry."""
        last_entry = (
            ProspectContact.objects.filter(prospect=OuterRef("pk"))
            .order_by("-created_at")
            .values("created_at")[:1]
        )
        return self.annotate(
            last_activity_at=Greatest("updated_at", Coalesce(Subquery(last_entry), "updated_at"))
        )

    def due_for_retention(self, cutoff: datetime.datetime) -> ProspectQuerySet:
        """Prospects whose contact person is due for review: the group became a member (its people
        are in the registry now), or the prospect has had neither a change nor a contact-log entry
        since ``cutoff`` (a group that declined is kept as long, in case it is asked again)."""
        recent_entry = ProspectContact.objects.filter(
            prospect=OuterRef("pk"), created_at__gte=cutoff
        )
        return self.with_contact().filter(
            Q(status=Status.MEMBER) | (Q(updated_at__lt=cutoff) & ~Exists(recent_entry))
        )


class Prospect(models.Model):
    """A local group the network has found and would like to welcome as a member."""

    network = models.ForeignKey(
        "core.Network", verbose_name=_("network"), on_delete=models.CASCADE, related_name="+"
    )
    name = models.CharField(_("name"), max_length=200)
    municipality = municipality_field()
    locality = models.CharField(_("locality"), max_length=100, blank=True)
    contact_name = models.CharField(_("contact name"), max_length=200, blank=True)
    contact_email = models.EmailField(_("contact e-mail"), blank=True)
    contact_phone = models.CharField(_("contact phone"), max_length=24, blank=True)
    status = models.CharField(
        _("status"), max_length=12, choices=Status.choices, default=Status.FOUND
    )
    next_step = models.CharField(_("next step"), max_length=300, blank=True)
    next_step_on = models.DateField(_("next step by"), null=True, blank=True)
    responsible = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("responsible"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    is_youth_focus = models.BooleanField(
        _("youth focus"),
        default=False,
        help_text=_("A group of or for young people: the plan asks for extra focus on them."),
    )
    notes = models.TextField(_("notes"), blank=True)
    organisation = models.ForeignKey(
        "members.Organisation",
        verbose_name=_("member organisation"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    converted_on = models.DateField(_("became a member on"), null=True, blank=True)
    member_action = models.OneToOneField(
        "plan.Action",
        verbose_name=_("action logged when it became a member"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    # The next-step date the responsible person was last reminded of: one reminder per date.
    reminded_for = models.DateField(_("reminded of the next step of"), null=True, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    objects = ProspectQuerySet.as_manager()

    class Meta:
        verbose_name = _("prospective member")
        verbose_name_plural = _("prospective members")
        ordering = ["name", "pk"]
        indexes: ClassVar = [
            models.Index(fields=["network", "status"]),
            models.Index(fields=["network", "next_step_on"]),
        ]
        constraints: ClassVar = [
            models.CheckConstraint(
                condition=~Q(status="member") | Q(organisation__isnull=False),
                name="recruitment_member_has_organisation",
            )
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def place_line(self) -> str:
        """The municipality and the locality, each said once ("Kumla", not "Kumla, Kumla")."""
        return place_line(self.municipality.name if self.municipality else "", self.locality)

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES

    def is_overdue(self, today: datetime.date) -> bool:
        return self.is_open and self.next_step_on is not None and self.next_step_on < today


class ProspectContact(models.Model):
    """One entry in a prospect's contact log: a contact, a meeting, a note or a status change."""

    class Kind(models.TextChoices):
        CONTACT = "contact", _("Contact")
        MEETING = "meeting", _("Meeting")
        NOTE = "note", pgettext_lazy("contact log", "Note")
        STATUS = "status", _("Status change")

    prospect = models.ForeignKey(
        Prospect, verbose_name=_("prospect"), on_delete=models.CASCADE, related_name="contacts"
    )
    kind = models.CharField(_("kind"), max_length=8, choices=Kind.choices, default=Kind.CONTACT)
    happened_on = models.DateField(_("date"))
    text = models.TextField(_("what happened"), blank=True)
    participants = models.PositiveIntegerField(_("number of participants"), null=True, blank=True)
    action = models.OneToOneField(
        "plan.Action",
        verbose_name=_("logged action"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("logged by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("logged"), auto_now_add=True)

    network_path = "prospect__network"
    objects = NetworkQuerySet.as_manager()

    class Meta:
        verbose_name = _("contact with a prospect")
        verbose_name_plural = _("contacts with prospects")
        ordering = ["-happened_on", "-pk"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.happened_on:%Y-%m-%d}: {self.prospect}"

    @property
    def logs_action(self) -> bool:
        """Contacts and meetings count as actions in the plan follow-up; notes do not."""
        return self.kind in {self.Kind.CONTACT, self.Kind.MEETING}
