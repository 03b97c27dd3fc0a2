"""Writes for the API: keys (made, revoked), the audit of personal data read, and the API's
own writes (actions, registrations) through the owning apps' services."""

from __future__ import annotations

import datetime
from collections.abc import Sequence

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from bygdebas.api.models import ApiKey, hash_key, new_key
from bygdebas.core.models import AuditEntry, Network, User
from bygdebas.core.services import record_audit

# How often a key's "last used" is written at most: not once per request.
LAST_USED_PRECISION = datetime.timedelta(minutes=1)


@transaction.atomic
def create_api_key(
    *,
    network: Network,
    name: str,
    scopes: Sequence[str],
    expires_at: datetime.datetime,
    created_by: User | None,
    rate_limit: int | None = None,
) -> tuple[ApiKey, str]:
    """Make a key; the key itself is returned once here and only its hash is kept."""
    unknown = sorted(set(scopes) - set(ApiKey.Scope.values))
    if unknown:
        raise ValidationError(_("Unknown scope: %(scope)s") % {"scope": ", ".join(unknown)})
    if not scopes:
        raise ValidationError(_("Choose at least one scope."))
    if expires_at <= timezone.now():
        raise ValidationError(_("The expiry must be in the future."))
    key, prefix = new_key()
    api_key = ApiKey(
        network=network,
        name=name.strip(),
        prefix=prefix,
        hashed_key=hash_key(key),
        scopes=[scope for scope in ApiKey.Scope.values if scope in set(scopes)],
        expires_at=expires_at,
        created_by=created_by,
    )
    if rate_limit is not None:
        api_key.rate_limit = rate_limit
    api_key.full_clean()
    api_key.save()
    record_audit(
        network=network,
        actor=created_by,
        verb="api_key.created",
        obj=api_key,
        changes={"scopes": ["", ", ".join(api_key.scopes)], "expires_at": ["", str(expires_at)]},
    )
    return api_key, key


@transaction.atomic
def revoke_api_key(*, api_key: ApiKey, revoked_by: User) -> ApiKey:
    """Revoke a key: the next request with it is refused."""
    if api_key.revoked_at is not None:
        return api_key
    api_key.revoked_at = timezone.now()
    api_key.revoked_by = revoked_by
    api_key.save(update_fields=["revoked_at", "revoked_by"])
    record_audit(network=api_key.network, actor=revoked_by, verb="api_key.revoked", obj=api_key)
    return api_key


def touch_api_key(*, api_key: ApiKey, now: datetime.datetime | None = None) -> None:
    """Note that the key was used, at most once a minute."""
    now = now or timezone.now()
    if api_key.last_used_at is None or now - api_key.last_used_at >= LAST_USED_PRECISION:
        ApiKey.objects.filter(pk=api_key.pk).update(last_used_at=now)
        api_key.last_used_at = now


def record_personal_data_read(*, api_key: ApiKey, endpoint: str, rows: int) -> None:
    """Every answer that carries personal data goes to the audit log: which key, where, how many."""
    record_audit(
        network=api_key.network,
        actor=None,
        verb="api.personal_data_read",
        obj=api_key,
        source=AuditEntry.Source.SYSTEM,
        changes={"endpoint": ["", endpoint[:200]], "rows": ["", str(rows)]},
    )
