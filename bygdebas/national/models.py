"""The national organisation (riks): who holds the national role, and how each network's plan
areas map onto the three areas every county branch shares."""

from __future__ import annotations

from typing import ClassVar

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from bygdebas.core.tenancy import NetworkQuerySet


class SharedArea(models.TextChoices):
    """The three areas of work every county branch's plan is read against nationally."""

    OPINION = "opinion", _("Opinion-forming and communication")
    SUPPORT = "support", _("Advice, support and training")
    COOPERATION = "cooperation", _("Cooperation and networking")


class NationalRole(models.Model):
    """A person of the national organisation: reads every network's public figures."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        on_delete=models.CASCADE,
        related_name="national_role",
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("national role")
        verbose_name_plural = _("national roles")

    def __str__(self) -> str:
        return str(self.user)


class AreaMapping(models.Model):
    """A network's own choice of shared area for one of its plan areas (overrides the guess)."""

    area = models.ForeignKey(
        "plan.Area",
        verbose_name=_("plan area"),
        on_delete=models.CASCADE,
        related_name="national_mappings",
    )
    shared_area = models.CharField(_("national area"), max_length=16, choices=SharedArea.choices)

    network_path = "area__plan__network"
    objects = NetworkQuerySet.as_manager()

    class Meta:
        verbose_name = _("area mapping")
        verbose_name_plural = _("area mappings")
        constraints: ClassVar = [
            models.UniqueConstraint(fields=["area"], name="national_one_mapping_per_area")
        ]

    def __str__(self) -> str:
        return f"{self.area} → {self.get_shared_area_display()}"
