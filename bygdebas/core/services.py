"""Writes to people, roles and the audit log."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.tokens import default_token_generator
from django.db import models, transaction
from django.urls import reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

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
