"""Networks (tenancy), people and roles, geography and the audit log."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, ClassVar

from django.conf import settings
from django.contrib.auth.models import AbstractUser, BaseUserManager
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils.translation import gettext_lazy as _

# The shared pieces' models live in modules of their own; importing them here registers them.
from bygdebas.core.audit import field_label, value_label, verb_label
from bygdebas.core.models_images import Image as Image
from bygdebas.core.models_moderation import ModerationEvent as ModerationEvent
from bygdebas.core.models_search import SearchDocument as SearchDocument
from bygdebas.core.tenancy import NetworkQuerySet, network_q

if TYPE_CHECKING:
    from collections.abc import Iterable


class Network(models.Model):
    """A county branch: the tenant every domain row belongs to."""

    name = models.CharField(_("name"), max_length=200)
    slug = models.SlugField(_("slug"), unique=True)
    domain = models.CharField(
        _("host name"),
        max_length=253,
        blank=True,
        help_text=_("The host name the network is served on, e.g. orebro.bygdebas.se."),
    )
    county = models.ForeignKey(
        "core.County",
        verbose_name=_("county"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="networks",
    )
    tagline = models.CharField(_("tagline"), max_length=200, blank=True)
    contact_email = models.EmailField(_("contact e-mail"), blank=True)
    sender_email = models.EmailField(
        _("sender e-mail"),
        blank=True,
        help_text=_("Mail from Bygdebas is sent from this address; the default sender if blank."),
    )
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    address = models.TextField(_("postal address"), blank=True)
    website = models.URLField(_("website"), blank=True)

    class Meta:
        verbose_name = _("network")
        verbose_name_plural = _("networks")
        ordering = ["name"]
        constraints: ClassVar = [
            models.UniqueConstraint(
                fields=["domain"],
                condition=~models.Q(domain=""),
                name="core_network_unique_domain",
            )
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def from_email(self) -> str:
        address = self.sender_email or self.contact_email
        if not address:
            return settings.DEFAULT_FROM_EMAIL
        return f"{self.name} <{address}>"

    @property
    def base_url(self) -> str:
        """Where the network is served, for links in mail sent without a request."""
        if self.domain:
            scheme = "https" if settings.PRODUCTION else "http"
            return f"{scheme}://{self.domain}"
        return settings.BYGDEBAS_BASE_URL

    def municipalities(self) -> models.QuerySet[Municipality]:
        """The network's municipalities, by name: those of its county (none without a county).

        What every form offers for a row's municipality, and what the services accept.
        """
        if self.county_id is None:
            return Municipality.objects.none()
        # The boundaries are big GeoJSON; menus and lists never need them.
        return (
            Municipality.objects.filter(county_id=self.county_id).defer("boundary").order_by("name")
        )


class UserManager(BaseUserManager["User"]):
    use_in_migrations = True

    def _create(self, email: str, password: str | None, **extra: Any) -> User:
        if not email:
            raise ValueError("An e-mail address is required.")
        user = self.model(email=self.normalize_email(email).lower(), **extra)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, email: str, password: str | None = None, **extra: Any) -> User:
        extra.setdefault("is_staff", False)
        extra.setdefault("is_superuser", False)
        return self._create(email, password, **extra)

    def create_superuser(self, email: str, password: str | None = None, **extra: Any) -> User:
        extra.update(is_staff=True, is_superuser=True)
        return self._create(email, password, **extra)

    def with_role_in(self, network: Network | int, roles: Iterable[str]) -> models.QuerySet[User]:
        """The users who hold one of ``roles`` in ``network``."""
        return self.filter(network_q(Role, network, via="roles"), roles__kind__in=roles)


class User(AbstractUser):
    """A person who logs in, by e-mail address and password."""

    username = None  # type: ignore[assignment]
    email = models.EmailField(_("e-mail address"), unique=True)

    USERNAME_FIELD = "email"
    REQUIRED_FIELDS: ClassVar[list[str]] = []

    objects: ClassVar[UserManager] = UserManager()  # type: ignore[assignment]

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")
        ordering = ["email"]

    def __str__(self) -> str:
        return self.get_full_name() or self.email

    def role_in(self, network: Network | None) -> str | None:
        """The user's role in ``network``, cached on the instance for the request."""
        if network is None or not self.is_authenticated:
            return None
        cache: dict[int, str | None] = self.__dict__.setdefault("_role_cache", {})
        if network.pk not in cache:
            cache[network.pk] = (
                Role.objects.for_network(network)
                .filter(user=self)
                .values_list("kind", flat=True)
                .first()
            )
        return cache[network.pk]


class Role(models.Model):
    """What one user may do in one network."""

    class Kind(models.TextChoices):
        ADMIN = "admin", _("Administrator")
        STAFF = "staff", _("Staff")
        BOARD = "board", _("Board")
        CONTACT = "contact", _("Organisation contact")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        on_delete=models.CASCADE,
        related_name="roles",
    )
    network = models.ForeignKey(
        Network, verbose_name=_("network"), on_delete=models.CASCADE, related_name="roles"
    )
    kind = models.CharField(_("role"), max_length=16, choices=Kind.choices)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    objects = NetworkQuerySet.as_manager()

    class Meta:
        verbose_name = _("role")
        verbose_name_plural = _("roles")
        constraints: ClassVar = [
            models.UniqueConstraint(fields=["user", "network"], name="core_role_one_per_network")
        ]

    def __str__(self) -> str:
        return f"{self.user} – {self.get_kind_display()} ({self.network})"


class County(models.Model):
    """A Swedish county (län), identified by its two-digit code."""

    code = models.CharField(_("county code"), max_length=2, unique=True)
    name = models.CharField(_("name"), max_length=100)
    boundary = models.JSONField(_("boundary (GeoJSON geometry)"), null=True, blank=True)

    class Meta:
        verbose_name = _("county")
        verbose_name_plural = _("counties")
        ordering = ["code"]

    def __str__(self) -> str:
        return self.name


class Municipality(models.Model):
    """A municipality (kommun), shared by every network."""

    code = models.CharField(_("municipality code"), max_length=4, unique=True)
    name = models.CharField(_("name"), max_length=100)
    county = models.ForeignKey(
        County, verbose_name=_("county"), on_delete=models.PROTECT, related_name="municipalities"
    )
    seat_name = models.CharField(_("municipal seat"), max_length=100, blank=True)
    seat_lat = models.FloatField(_("seat latitude"), null=True, blank=True)
    seat_lon = models.FloatField(_("seat longitude"), null=True, blank=True)
    population = models.PositiveIntegerField(_("population"), null=True, blank=True)
    population_on = models.DateField(_("population counted on"), null=True, blank=True)
    boundary = models.JSONField(_("boundary (GeoJSON geometry)"), null=True, blank=True)

    class Meta:
        verbose_name = _("municipality")
        verbose_name_plural = _("municipalities")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


def municipality_field(
    **overrides: Any,
) -> models.ForeignKey[Municipality | None, Municipality | None]:
    """An optional "in which municipality" link, as actions, events and bodies have."""
    options: dict[str, Any] = {
        "verbose_name": _("municipality"),
        "on_delete": models.SET_NULL,
        "null": True,
        "blank": True,
        "related_name": "+",
    }
    options.update(overrides)
    return models.ForeignKey("core.Municipality", **options)


class Town(models.Model):
    """A named place with a position: municipal seats, towns in neighbouring counties, rail nodes."""

    class Kind(models.TextChoices):
        SEAT = "seat", _("Municipal seat")
        NEIGHBOUR = "neighbour", _("Town in a neighbouring county")
        RAIL_NODE = "rail_node", _("Rail junction")

    name = models.CharField(_("name"), max_length=100)
    municipality = models.ForeignKey(
        Municipality, verbose_name=_("municipality"), on_delete=models.CASCADE, related_name="towns"
    )
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)
    lat = models.FloatField(_("latitude"))
    lon = models.FloatField(_("longitude"))
    source = models.CharField(_("source of position"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("town")
        verbose_name_plural = _("towns")
        ordering = ["name"]
        constraints: ClassVar = [
            models.UniqueConstraint(fields=["municipality", "name"], name="core_town_unique_name")
        ]

    def __str__(self) -> str:
        return self.name


class AuditEntry(models.Model):
    """Who changed what, when, and through which door (form, import, admin)."""

    class Source(models.TextChoices):
        FORM = "form", _("Form")
        IMPORT = "import", _("Import")
        ADMIN = "admin", _("Admin")
        SELF_SERVICE = "self_service", _("Self-service")
        SYSTEM = "system", _("System")

    network = models.ForeignKey(
        Network, verbose_name=_("network"), on_delete=models.CASCADE, related_name="audit_entries"
    )
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    at = models.DateTimeField(_("when"), auto_now_add=True, db_index=True)
    verb = models.CharField(_("what"), max_length=40)
    source = models.CharField(_("source"), max_length=16, choices=Source.choices)
    content_type = models.ForeignKey(
        ContentType, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    object_id = models.CharField(max_length=40, blank=True)
    target = GenericForeignKey("content_type", "object_id")
    object_repr = models.CharField(_("object"), max_length=200)
    changes = models.JSONField(_("changes"), default=dict, blank=True)

    objects = NetworkQuerySet.as_manager()

    class Meta:
        verbose_name = _("audit entry")
        verbose_name_plural = _("audit log")
        ordering = ["-at", "-pk"]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.verb} {self.object_repr}"

    @property
    def verb_label(self) -> str:
        """What happened, in the reader's language."""
        return verb_label(self.verb)

    @property
    def change_rows(self) -> list[tuple[str, str, str]]:
        """Each change as (field, old, new), in words."""
        # get_for_id is cached: a list of entries costs no query per entry.
        model = (
            ContentType.objects.get_for_id(self.content_type_id).model_class()
            if self.content_type_id
            else None
        )
        rows = []
        for name, pair in (self.changes or {}).items():
            old, new = pair if isinstance(pair, list | tuple) and len(pair) == 2 else ("", pair)
            rows.append(
                (
                    field_label(model, name),
                    value_label(model, name, old),
                    value_label(model, name, new),
                )
            )
        return rows


def changed_fields(instance: models.Model, before: dict[str, Any], fields: Iterable[str]) -> dict:
    """The fields of ``instance`` whose value differs from ``before``, as [old, new] pairs."""
    changes = {}
    for name in fields:
        new = getattr(instance, name)
        if before.get(name) != new:
            changes[name] = [str(before.get(name, "")), str(new)]
    return changes


class RateLimitCounter(models.Model):
    """POSTs one client made to one form in one window, counted where every web process sees them.

    Used by ``core.ratelimit`` when the cache is each process's own memory; a shared cache
    (Redis, Memcached) counts there instead.
    """

    key = models.CharField(_("key"), max_length=120, unique=True)
    count = models.PositiveIntegerField(_("count"), default=0)
    expires_at = models.DateTimeField(_("expires at"), db_index=True)

    class Meta:
        verbose_name = _("rate limit counter")
        verbose_name_plural = _("rate limit counters")

    def __str__(self) -> str:
        return f"{self.key}: {self.count}"
