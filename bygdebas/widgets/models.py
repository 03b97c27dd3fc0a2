"""Where a network's widgets may be embedded, and the colour they take."""

from __future__ import annotations

from typing import ClassVar
from urllib.parse import urlsplit

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from bygdebas.core.tenancy import NetworkQuerySet

DEFAULT_COLOUR = "#2e6b30"


def parse_origin(text: str) -> str:
    """``scheme://host[:port]`` in lower case; ValidationError for anything else."""
    parts = urlsplit(text.strip())
    if (
        parts.scheme not in {"http", "https"}
        or not parts.hostname
        or parts.path not in {"", "/"}
        or parts.query
        or parts.fragment
        or parts.username
    ):
        raise ValidationError(
            _("%(origin)s is not an origin: write it as https://www.example.se, without a path.")
            % {"origin": text.strip()},
            code="bad_origin",
        )
    try:
        port = parts.port
    except ValueError:
        raise ValidationError(_("%(origin)s has a bad port.") % {"origin": text}) from None
    host = parts.hostname.lower()
    return f"{parts.scheme}://{host}{f':{port}' if port else ''}"


def _channel(value: int) -> float:
    c = value / 255
    return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4


def contrast_with_white(colour: str) -> float:
    """The WCAG contrast ratio of ``#rrggbb`` against white."""
    r, g, b = (int(colour[i : i + 2], 16) for i in (1, 3, 5))
    luminance = 0.2126 * _channel(r) + 0.7152 * _channel(g) + 0.0722 * _channel(b)
    return 1.05 / (luminance + 0.05)


class EmbedSettings(models.Model):
    """The network's widget settings: the sites allowed to embed them, and the accent colour."""

    network = models.ForeignKey(
        "core.Network",
        verbose_name=_("network"),
        on_delete=models.CASCADE,
        related_name="embed_settings",
    )
    allowed_origins = models.TextField(
        _("sites that may embed the widgets"),
        blank=True,
        help_text=_(
            "One origin a line, e.g. https://www.helasverige.se. Other sites cannot show them."
        ),
    )
    colour = models.CharField(
        _("colour"),
        max_length=7,
        default=DEFAULT_COLOUR,
        help_text=_("The network's colour, as #rrggbb; dark enough to read on white."),
    )
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    objects = NetworkQuerySet.as_manager()

    class Meta:
        verbose_name = _("widget settings")
        verbose_name_plural = _("widget settings")
        constraints: ClassVar = [
            models.UniqueConstraint(fields=["network"], name="widgets_one_settings_per_network")
        ]

    def __str__(self) -> str:
        return str(self.network)

    def origins(self) -> list[str]:
        """The listed origins, normalised; lines that are not origins are left out."""
        found = []
        for line in self.allowed_origins.splitlines():
            if line.strip():
                try:
                    found.append(parse_origin(line))
                except ValidationError:
                    continue
        return sorted(set(found))

    def clean(self) -> None:
        errors = []
        for line in self.allowed_origins.splitlines():
            if line.strip():
                try:
                    parse_origin(line)
                except ValidationError as error:
                    errors.append(error)
        if errors:
            raise ValidationError({"allowed_origins": errors})
        colour = self.colour.strip().lower()
        if (
            len(colour) != 7
            or colour[0] != "#"
            or any(c not in "0123456789abcdef" for c in colour[1:])
        ):
            raise ValidationError({"colour": _("Write the colour as #rrggbb, e.g. #2e6b30.")})
        if contrast_with_white(colour) < 4.5:
            raise ValidationError(
                {"colour": _("This colour is too light to read on white; choose a darker one.")}
            )
        self.colour = colour
