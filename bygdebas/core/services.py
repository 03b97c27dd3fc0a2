"""Writes to people, roles and the audit log."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.contrib.auth.tokens import default_token_generator
from django.core.exceptions import ValidationError
from django.core.validators import validate_email, validate_slug
from django.db import models, transaction
from django.urls import reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from bygdebas.core import geo
from bygdebas.core.mail import send_templated_mail
from bygdebas.core.models import AuditEntry, Network, Role, User


def record_audit(
    *,
    network: Network,
    actor: User | None,
    verb: str,
    obj: models.Model,
    source: str = AuditEntry.Source.FORM,
    changes: dict[str, Any] | None = None,
) -> AuditEntry:
    """Write one line to the audit log."""
    from django.contrib.contenttypes.models import ContentType

    return AuditEntry.objects.create(
        network=network,
        actor=actor,
        verb=verb,
        source=source,
        content_type=ContentType.objects.get_for_model(obj),
        object_id=str(obj.pk),
        object_repr=str(obj)[:200],
        changes=changes or {},
    )


def password_set_url(*, user: User, base_url: str) -> str:
    uid = urlsafe_base64_encode(force_bytes(user.pk))
    token = default_token_generator.make_token(user)
    path = reverse("core:password-reset-confirm", kwargs={"uidb64": uid, "token": token})
    return base_url.rstrip("/") + path


@transaction.atomic
def invite_user(
    *,
    network: Network,
    email: str,
    first_name: str,
    last_name: str,
    kind: str,
    invited_by: User,
    base_url: str,
) -> Role:
    """Give a person a role in ``network``, creating their account and mailing them a link."""
    email = User.objects.normalize_email(email).lower()
    user = User.objects.filter(email__iexact=email).first()
    is_new = user is None
    if user is None:
        user = User.objects.create_user(email=email, first_name=first_name, last_name=last_name)
        user.set_unusable_password()
        user.save(update_fields=["password"])
    role, _created = Role.objects.for_network(network).update_or_create(
        user=user, defaults={"kind": kind}, create_defaults={"network": network, "kind": kind}
    )
    record_audit(
        network=network,
        actor=invited_by,
        verb="role granted",
        obj=role,
        changes={"email": ["", email], "role": ["", kind]},
    )
    send_templated_mail(
        network=network,
        to=[email],
        template="core/mail/invitation",
        context={
            "user": user,
            "role": role,
            "is_new": is_new,
            "invited_by": invited_by,
            "link": password_set_url(user=user, base_url=base_url)
            if is_new
            else base_url.rstrip("/") + reverse("core:login"),
        },
    )
    return role


def change_role(*, role: Role, kind: str, changed_by: User) -> Role:
    """Change what a person may do in the network."""
    old = role.kind
    role.kind = kind
    role.save(update_fields=["kind"])
    record_audit(
        network=role.network,
        actor=changed_by,
        verb="role changed",
        obj=role,
        changes={"role": [old, kind]},
    )
    return role


def revoke_role(*, role: Role, revoked_by: User) -> None:
    """Take away a person's access to the network (the account itself stays)."""
    record_audit(
        network=role.network,
        actor=revoked_by,
        verb="role revoked",
        obj=role,
        changes={"role": [role.kind, ""]},
    )
    role.delete()


class NetworkSetupError(ValueError):
    """The network cannot be set up as asked; nothing was changed."""


@dataclass
class NetworkSetup:
    network: Network
    administrator: User
    geography: geo.GeographyResult
    is_network_new: bool
    is_user_new: bool
    # The role the administrator had in the network before (None: none), and whether mail went.
    role_before: str | None
    is_mailed: bool


_HOST_NAME = re.compile(
    r"^(?=.{1,253}$)[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)*$"
)


def _check_setup(*, name: str, slug: str, domain: str, county_code: str, email: str) -> None:
    if not name:
        raise NetworkSetupError("The network needs a name.")
    try:
        validate_slug(slug)
    except ValidationError:
        raise NetworkSetupError(
            f"{slug!r} is not a slug: use letters, digits, hyphens and underscores."
        ) from None
    if not _HOST_NAME.match(domain):
        raise NetworkSetupError(
            f"{domain!r} is not a host name: give the name alone, as orebro.example.se "
            "(no https://, no path, no port)."
        )
    try:
        validate_email(email)
    except ValidationError:
        raise NetworkSetupError(f"{email!r} is not an e-mail address.") from None
    if county_code not in dict(geo.county_choices()):
        raise geo.UnknownCountyError(county_code)
    same_host = Network.objects.filter(domain__iexact=domain).exclude(slug=slug).first()
    if same_host is not None:
        raise NetworkSetupError(
            f"The host name {domain} is already used by the network {same_host.name!r} "
            f"(slug {same_host.slug!r})."
        )
    existing = Network.objects.select_related("county").filter(slug=slug).first()
    if existing is None:
        return
    differences = []
    if existing.name != name:
        differences.append(f"its name is {existing.name!r}")
    if existing.domain.lower() != domain:
        differences.append(f"its host name is {existing.domain or '(none)'}")
    if existing.county is None or existing.county.code != county_code:
        differences.append(f"its county is {existing.county.code if existing.county else '(none)'}")
    if differences:
        raise NetworkSetupError(
            f"A network with the slug {slug!r} already exists and differs: "
            + "; ".join(differences)
            + ". Change it in the admin, or choose another slug."
        )


@transaction.atomic
def set_up_network(
    *,
    name: str,
    slug: str,
    domain: str,
    county_code: str,
    admin_email: str,
    resend: bool = False,
) -> NetworkSetup:
    """Load the county, create the network and its administrator, and mail them a link; idempotent.

    The administrator gets no usable password but a link to choose one (Django's password-reset
    token), on the network's own host. Run again with the same values it changes nothing and
    sends no mail, unless ``resend`` asks for a new link.
    """
    name, slug, domain = name.strip(), slug.strip(), domain.strip().lower().rstrip(".")
    county_code = county_code.strip()
    county_code = county_code.zfill(2) if county_code.isdigit() else county_code
    email = User.objects.normalize_email(admin_email.strip()).lower()
    _check_setup(name=name, slug=slug, domain=domain, county_code=county_code, email=email)

    geography = geo.load_county(county_code)
    network = Network.objects.filter(slug=slug).first()
    is_network_new = network is None
    if network is None:
        network = Network.objects.create(
            name=name, slug=slug, domain=domain, county=geography.county
        )
    user = User.objects.filter(email__iexact=email).first()
    is_user_new = user is None
    if user is None:
        user = User.objects.create_user(email=email)  # no password: an unusable one
    role = Role.objects.for_network(network).filter(user=user).first()
    role_before = role.kind if role else None
    if role is None:
        role = Role.objects.create(user=user, network=network, kind=Role.Kind.ADMIN)
    elif role.kind != Role.Kind.ADMIN:
        role.kind = Role.Kind.ADMIN
        role.save(update_fields=["kind"])
    if role_before != Role.Kind.ADMIN:
        record_audit(
            network=network,
            actor=None,
            verb="role granted" if role_before is None else "role changed",
            obj=role,
            source=AuditEntry.Source.SYSTEM,
            changes={"email": ["", email], "role": [role_before or "", Role.Kind.ADMIN]},
        )
    is_mailed = is_user_new or role_before != Role.Kind.ADMIN or resend
    if is_mailed:
        _mail_first_administrator(network=network, user=user)
    return NetworkSetup(
        network=network,
        administrator=user,
        geography=geography,
        is_network_new=is_network_new,
        is_user_new=is_user_new,
        role_before=role_before,
        is_mailed=is_mailed,
    )


def _mail_first_administrator(*, network: Network, user: User) -> None:
    has_password = user.has_usable_password()
    link = (
        network.base_url + reverse("core:login")
        if has_password
        else password_set_url(user=user, base_url=network.base_url)
    )
    send_templated_mail(
        network=network,
        to=[user.email],
        template="core/mail/network_ready",
        context={
            "user": user,
            "link": link,
            "has_password": has_password,
            "valid_days": max(1, settings.PASSWORD_RESET_TIMEOUT // 86400),
        },
        language=settings.LANGUAGE_CODE,
    )
