"""The stored image: one upload, resized into a few widths, stripped of metadata.

The processing and the services are in ``core/images.py``; this module holds only the model, so
that ``core/models.py`` can import it without importing Pillow's world.
"""

from __future__ import annotations

import uuid
from typing import TYPE_CHECKING, Any, ClassVar

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from bygdebas.core.tenancy import NetworkQuerySet

if TYPE_CHECKING:
    pass


class ImageQuerySet(NetworkQuerySet["Image"]):
    pass


class Image(models.Model):
    """A picture an app shows (a newsletter item's, a good example's, a report's photo).

    Apps point at it with a foreign key, e.g.
    ``photo = models.ForeignKey("core.Image", on_delete=models.SET_NULL, null=True, blank=True)``.
    ``renditions`` lists the stored widths, narrowest first:
    ``[{"width": 480, "height": 320, "name": "images/1/<key>/480.jpg"}, …]``.
    """

    class Format(models.TextChoices):
        JPEG = "jpeg", "JPEG"
        PNG = "png", "PNG"

    network = models.ForeignKey(
        "core.Network", verbose_name=_("network"), on_delete=models.CASCADE, related_name="images"
    )
    key = models.UUIDField(_("key"), default=uuid.uuid4, unique=True, editable=False)
    alt_text = models.CharField(
        _("alternative text"),
        max_length=300,
        help_text=_("What the picture shows, for those who cannot see it."),
    )
    width = models.PositiveIntegerField(_("width (px)"))
    height = models.PositiveIntegerField(_("height (px)"))
    format = models.CharField(_("format"), max_length=8, choices=Format.choices)
    renditions = models.JSONField(_("stored sizes"), default=list)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("uploaded by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("uploaded"), auto_now_add=True)

    objects = ImageQuerySet.as_manager()

    class Meta:
        verbose_name = _("image")
        verbose_name_plural = _("images")
        ordering: ClassVar = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return self.alt_text

    @property
    def content_type(self) -> str:
        return f"image/{self.format}"

    @property
    def sizes(self) -> list[dict[str, Any]]:
        """The stored renditions, narrowest first, each with its ``url``."""
        return [
            {**rendition, "url": self.url_for(rendition["width"])}
            for rendition in sorted(self.renditions, key=lambda r: r["width"])
        ]

    def url_for(self, width: int) -> str:
        return reverse("core:image-file", kwargs={"key": self.key, "width": width})

    def rendition(self, width: int) -> dict[str, Any] | None:
        return next((r for r in self.renditions if r["width"] == width), None)

    def best_for(self, width: int) -> dict[str, Any]:
        """The narrowest rendition at least ``width`` wide, or the widest there is."""
        ordered = sorted(self.renditions, key=lambda r: r["width"])
        return next((r for r in ordered if r["width"] >= width), ordered[-1])

    @property
    def file_names(self) -> list[str]:
        return [rendition["name"] for rendition in self.renditions]
