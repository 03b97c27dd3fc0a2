"""The key check: ``Authorization: Bearer bb_<prefix>_<secret>``, on every request, against the
database (a revoked or expired key is refused at once), then the key's rate limit."""

from __future__ import annotations

from django.http import HttpRequest
from django.utils import timezone
from ninja.errors import AuthorizationError
from ninja.security import HttpBearer

from bygdebas.api.http import count_request
from bygdebas.api.models import ApiKey, split_key
from bygdebas.api.services import touch_api_key


class KeyAuth(HttpBearer):
    openapi_description = (
        "An API key of the network, made by its administrator on the staff pages "
        "(`Authorization: Bearer bb_…`). Each key has scopes and an expiry."
    )

    def authenticate(self, request: HttpRequest, token: str) -> ApiKey | None:
        prefix = split_key(token)
        if prefix is None:
            return None
        api_key = ApiKey.objects.select_related("network").filter(prefix=prefix).first()
        now = timezone.now()
        if api_key is None or not api_key.matches(token) or not api_key.is_usable(now):
            return None
        count_request(request, f"key:{api_key.pk}", api_key.rate_limit)
        touch_api_key(api_key=api_key, now=now)
        return api_key


def require_scope(request: HttpRequest, *scopes: str) -> ApiKey:
    """The request's key, if it has one of ``scopes``; else 403."""
    api_key = getattr(request, "auth", None)  # set by ninja from KeyAuth
    assert isinstance(api_key, ApiKey), "require_scope needs a keyed endpoint"
    if not any(api_key.has_scope(scope) for scope in scopes):
        labels = " or ".join(scopes)
        raise AuthorizationError(message=f"This key lacks the scope this needs: {labels}.")
    return api_key
