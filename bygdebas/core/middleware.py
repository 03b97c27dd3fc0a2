"""Resolve the network (tenant) a request is for from its host name; keep private pages private."""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.utils import translation
from django.utils.cache import add_never_cache_headers, patch_vary_headers

from bygdebas.core.http import PublicRequest
from bygdebas.core.models import Network


def resolve_network(host: str) -> Network | None:
    """The network served on ``host``; the only network, or the configured default, otherwise."""
    hostname = host.rsplit(":", 1)[0].lower() if not host.endswith("]") else host.lower()
    network = Network.objects.select_related("county").filter(domain__iexact=hostname).first()
    if network is not None:
        return network
    if settings.BYGDEBAS_DEFAULT_NETWORK:
        return (
            Network.objects.select_related("county")
            .filter(slug=settings.BYGDEBAS_DEFAULT_NETWORK)
            .first()
        )
    candidates = list(Network.objects.select_related("county")[:2])
    return candidates[0] if len(candidates) == 1 else None


class NetworkMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: PublicRequest) -> HttpResponse:
        request.network = resolve_network(request.get_host())
        return self.get_response(request)


class LanguageMiddleware:
    """Swedish unless the visitor chose another language with the language switch.

    Unlike Django's LocaleMiddleware this ignores Accept-Language: the product is Swedish by
    default whatever the browser says; English is one click away and remembered in a cookie.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response
        self.languages = {code for code, _name in settings.LANGUAGES}

    def __call__(self, request: HttpRequest) -> HttpResponse:
        chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME, "")
        language = chosen if chosen in self.languages else settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = language
        response = self.get_response(request)
        response.headers.setdefault("Content-Language", language)
        patch_vary_headers(response, ("Cookie",))
        return response


# Every page under these prefixes shows personal data or is an export of it: staff pages,
# member self-service, and Django's admin.
PRIVATE_PREFIXES = ("/kansli/", "/medlem/", "/admin/")


class PrivateCacheMiddleware:
    """``Cache-Control: no-store`` on every answer that may hold personal data.

    That is every answer under the private prefixes (whatever the view said), and every answer to
    a logged-in user unless the view declared it ``public`` (an image, the map's GeoJSON, a feed).
    One rule here rather than a decorator per view, so a new view cannot forget it; the
    permission matrix checks it for every URL and role.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if request.path.startswith(PRIVATE_PREFIXES):
            # Drop whatever a view set: no part of these pages may be kept, not even "public".
            del response["Cache-Control"]
            add_never_cache_headers(response)
        elif request.user.is_authenticated and "public" not in response.get("Cache-Control", ""):
            add_never_cache_headers(response)
        return response
