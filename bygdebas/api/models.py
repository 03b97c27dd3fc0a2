"""API keys: one network's credential for a program, with scopes and an expiry, stored hashed."""

from __future__ import annotations

import datetime
import hashlib
import hmac
import secrets
from typing import ClassVar

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from bygdebas.core.tenancy import NetworkQuerySet

# A key reads "bb_<prefix>_<secret>": the prefix finds the row, the whole key is hashed.
KEY_MARK = "bb"
PREFIX_BYTES = 6
SECRET_BYTES = 32


def hash_key(key: str) -> str:
    # The secret is 256 random bits, so one round of SHA-256 is as strong as a slow hash
    # (nothing to guess from a dictionary) and keeps every request cheap.
    return hashlib.sha256(key.encode()).hexdigest()


def split_key(key: str) -> str | None:
    """The prefix of a key that has the form of ours, else None."""
    parts = key.split("_", 2)
    if len(parts) != 3 or parts[0] != KEY_MARK or not parts[1] or not parts[2]:
        return None
    return parts[1]


def new_key() -> tuple[str, str]:
    """A new key and its prefix."""
    prefix = secrets.token_hex(PREFIX_BYTES)
    return f"{KEY_MARK}_{prefix}_{secrets.token_urlsafe(SECRET_BYTES)}", prefix


class ApiKeyQuerySet(NetworkQuerySet["ApiKey"]):
    def usable(self, now: datetime.datetime | None = None) -> ApiKeyQuerySet:
        """Keys that are neither revoked nor expired."""
        return self.filter(revoked_at__isnull=True, expires_at__gt=now or timezone.now())


class ApiKey(models.Model):
    """A network's key for a program that reads or writes through the API."""

    class Scope(models.TextChoices):
        READ_PUBLIC = "read_public", _("Read public data")
        READ_REGISTRY = "read_registry", _("Read the registry")
        READ_PERSONAL = "read_personal", _("Read personal data")
        WRITE_ACTIONS = "write_actions", _("Log actions")
        WRITE_REGISTRATIONS = "write_registrations", _("Register for events")

    network = models.ForeignKey(
        "core.Network", verbose_name=_("network"), on_delete=models.CASCADE, related_name="+"
    )
    name = models.CharField(
        _("name"), max_length=100, help_text=_("Who uses the key and for what.")
    )
    prefix = models.CharField(_("key prefix"), max_length=16, unique=True, editable=False)
    hashed_key = models.CharField(max_length=64, editable=False)
    scopes = models.JSONField(_("scopes"), default=list)
    expires_at = models.DateTimeField(_("expires"))
    rate_limit = models.PositiveIntegerField(
        _("requests per minute"), default=settings.BYGDEBAS_API_RATE_LIMIT
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    last_used_at = models.DateTimeField(_("last used"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("revoked"), null=True, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("revoked by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    objects = ApiKeyQuerySet.as_manager()

    class Meta:
        verbose_name = _("API key")
        verbose_name_plural = _("API keys")
        ordering = ["-created_at", "-pk"]
        indexes: ClassVar = [models.Index(fields=["network", "created_at"])]

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix})"

    def matches(self, key: str) -> bool:
        return hmac.compare_digest(self.hashed_key, hash_key(key))

    def is_usable(self, now: datetime.datetime | None = None) -> bool:
        return self.revoked_at is None and self.expires_at > (now or timezone.now())

    def has_scope(self, scope: str) -> bool:
        return scope in (self.scopes or [])

    def scope_labels(self) -> list[str]:
        labels = dict(self.Scope.choices)
        return [str(labels[scope]) for scope in self.scopes or [] if scope in labels]
