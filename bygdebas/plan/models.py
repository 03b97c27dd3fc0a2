"""The activity plan (verksamhetsplan) and the actions (insatser) logged against it."""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Count, Max, Q
from django.db.models.functions import Lower
from django.utils.translation import gettext_lazy as _

from bygdebas.core.models import municipality_field
from bygdebas.core.tenancy import NetworkQuerySet, network_q
from bygdebas.plan.metrics import metric_label, registry

if TYPE_CHECKING:
    from bygdebas.core.models import Network


class Plan(models.Model):
    """A network's activity plan for one year."""

    network = models.ForeignKey(
        "core.Network", verbose_name=_("network"), on_delete=models.CASCADE, related_name="plans"
    )
    year = models.PositiveSmallIntegerField(
        _("year"), validators=[MinValueValidator(2000)], help_text=_("The year the plan covers.")
    )
    title = models.CharField(_("title"), max_length=200, blank=True)
    vision = models.TextField(_("vision"), blank=True)
    values = models.TextField(_("values"), blank=True)
    overall_goal = models.TextField(_("overall goal"), blank=True)
    target_groups = models.TextField(_("target groups"), blank=True)
    purpose = models.TextField(_("purpose"), blank=True)
    source_filename = models.CharField(_("imported from"), max_length=255, blank=True)
    # Another network's adopted plan this one started as a copy of (county branches sharing).
    copied_from = models.ForeignKey(
        "self",
        verbose_name=_("copied from"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="copies",
    )
    approved_on = models.DateField(_("adopted by the board on"), null=True, blank=True)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("adopted by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    objects = NetworkQuerySet.as_manager()

    class Meta:
        verbose_name = _("plan")
        verbose_name_plural = _("plans")
        ordering = ["-year"]
        constraints: ClassVar = [
            models.UniqueConstraint(fields=["network", "year"], name="plan_plan_one_per_year")
        ]

    def __str__(self) -> str:
        return self.title or str(_("Activity plan %(year)s") % {"year": self.year})

    @property
    def is_approved(self) -> bool:
        return self.approved_on is not None


class Area(models.Model):
    """An activity area (verksamhetsområde), e.g. "Opinionsbildning och kommunikation"."""

    plan = models.ForeignKey(
        Plan, verbose_name=_("plan"), on_delete=models.CASCADE, related_name="areas"
    )
    title = models.CharField(_("title"), max_length=200)
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    network_path = "plan__network"
    objects = NetworkQuerySet.as_manager()

    class Meta:
        verbose_name = _("area")
        verbose_name_plural = _("areas")
        ordering = ["plan", "order", "pk"]

    def __str__(self) -> str:
        return self.title


class ActivityQuerySet(NetworkQuerySet["Activity"]):
    def for_year(self, year: int) -> ActivityQuerySet:
        return self.filter(area__plan__year=year)

    def with_action_stats(
        self, *, network: Network | None = None, year: int | None = None
    ) -> ActivityQuerySet:
        """Annotate the number of actions and the date of the latest one, of that network/year."""
        condition = Q()
        if network is not None:
            condition &= network_q(Action, network, via="actions")
        if year is not None:
            condition &= Q(actions__performed_on__year=year)
        only = condition or None
        return self.annotate(
            action_count=Count("actions", filter=only, distinct=True),
            last_action_on=Max("actions__performed_on", filter=only),
        )


class Activity(models.Model):
    """One activity of the plan, under an area."""

    area = models.ForeignKey(
        Area, verbose_name=_("area"), on_delete=models.CASCADE, related_name="activities"
    )
    text = models.TextField(_("activity"))
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    network_path = "area__plan__network"
    objects = ActivityQuerySet.as_manager()

    class Meta:
        verbose_name = _("activity")
        verbose_name_plural = _("activities")
        ordering = ["area__order", "area", "order", "pk"]

    def __str__(self) -> str:
        return self.short_text

    @property
    def short_text(self) -> str:
        return self.text if len(self.text) <= 80 else self.text[:77].rstrip() + "…"


class Target(models.Model):
    """A measurable target for an activity: what is counted, and the number to reach per period."""

    class Period(models.TextChoices):
        YEAR = "year", _("per year")

    activity = models.ForeignKey(
        Activity, verbose_name=_("activity"), on_delete=models.CASCADE, related_name="targets"
    )
    metric = models.CharField(
        _("what is counted"), max_length=100, help_text=_("A metric from the metric registry.")
    )
    value = models.PositiveIntegerField(_("target"), validators=[MinValueValidator(1)])
    period = models.CharField(
        _("period"), max_length=8, choices=Period.choices, default=Period.YEAR
    )
    note = models.CharField(
        _("note"), max_length=200, blank=True, help_text=_('E.g. "of which youth-led".')
    )

    network_path = "activity__area__plan__network"
    objects = NetworkQuerySet.as_manager()

    class Meta:
        verbose_name = _("target")
        verbose_name_plural = _("targets")
        ordering = ["activity", "pk"]

    def __str__(self) -> str:
        return f"{metric_label(self.metric)} ≥ {self.value}"

    def clean(self) -> None:
        if self.metric and self.metric not in registry:
            raise ValidationError({"metric": _("Unknown metric: %(key)s") % {"key": self.metric}})


class ActionQuerySet(NetworkQuerySet["Action"]):
    def for_year(self, year: int) -> ActionQuerySet:
        return self.filter(performed_on__year=year)

    def search(self, text: str) -> ActionQuerySet:
        """Actions whose title or description contains ``text``, ignoring case (also ÅÄÖ)."""
        needle = text.strip().lower()
        return self.annotate(
            _title_lower=Lower("title"), _description_lower=Lower("description")
        ).filter(Q(_title_lower__contains=needle) | Q(_description_lower__contains=needle))


def action_attachment_path(instance: Action, filename: str) -> str:
    return f"actions/{instance.network_id}/{instance.performed_on:%Y}/{filename}"


class Action(models.Model):
    """Something the network did (an insats), logged against one or more activities."""

    network = models.ForeignKey(
        "core.Network", verbose_name=_("network"), on_delete=models.CASCADE, related_name="actions"
    )
    performed_on = models.DateField(_("date"))
    title = models.CharField(_("what was done"), max_length=300)
    description = models.TextField(_("description"), blank=True)
    activities = models.ManyToManyField(
        Activity, verbose_name=_("activities"), related_name="actions"
    )
    municipality = municipality_field()
    participants = models.PositiveIntegerField(_("number of participants"), null=True, blank=True)
    link = models.URLField(_("link"), blank=True, max_length=500)
    attachment = models.FileField(
        _("attachment"), upload_to=action_attachment_path, blank=True, max_length=300
    )
    source_type = models.ForeignKey(
        ContentType, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    source_id = models.CharField(max_length=40, blank=True)
    source = GenericForeignKey("source_type", "source_id")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("logged by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("logged"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    objects = ActionQuerySet.as_manager()

    class Meta:
        verbose_name = _("action")
        verbose_name_plural = _("actions")
        ordering = ["-performed_on", "-pk"]
        indexes: ClassVar = [models.Index(fields=["network", "performed_on"])]

    def __str__(self) -> str:
        return self.title
