"""Protection for every public form, in one place: rate limits and a honeypot (CSRF is on by
default for every POST through Django's middleware; never mark a public form ``csrf_exempt``).

A public form mixes in ``PublicFormMixin``, which adds the honeypot, a field people never see and
bots fill in::

    class ReportForm(PublicFormMixin, forms.ModelForm):
        honeypot_field = "website"  # any name the form does not use for a real field

and its template renders the honeypot with the shared partial (hidden from sight and from
assistive technology, out of the tab order, never echoing what was typed)::

    {% include "core/_honeypot.html" with field=form.honeypot %}

The view is wrapped in ``rate_limited``, which counts each POST per client address, per network
and, where the form sends mail to an address it is given, per e-mail address, and answers the
429 page once one of them passes its limit::

    @require_http_methods(["GET", "POST"])
    @rate_limited("conditions.report", per=("ip", "network", "email"))
    def report_create(request: HttpRequest) -> HttpResponse: ...

A class-based view mixes in ``RateLimitedMixin`` and sets ``rate_limit = RateLimit(...)``. The
limits are the settings ``BYGDEBAS_RATE_LIMIT_POSTS`` (per client), ``…_NETWORK_POSTS`` and
``…_EMAIL_POSTS``, each per ``BYGDEBAS_RATE_LIMIT_WINDOW_S`` and per scope; ``limits=`` overrides
them for one form.
"""

from __future__ import annotations

import functools
import hashlib
import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Concatenate, Literal, cast

from django import forms
from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _

from bygdebas.core.ratelimit import client_key, count_attempt

if TYPE_CHECKING:
    from django.views.generic.edit import ProcessFormView

    _FormView = ProcessFormView
    _Form = forms.Form
else:
    _FormView = object
    _Form = object

type Dimension = Literal["ip", "network", "email"]
_SCOPE = re.compile(r"[a-z0-9._-]{1,40}")
DIMENSIONS: tuple[Dimension, ...] = ("ip", "network", "email")
_SETTINGS: dict[Dimension, str] = {
    "ip": "BYGDEBAS_RATE_LIMIT_POSTS",
    "network": "BYGDEBAS_RATE_LIMIT_NETWORK_POSTS",
    "email": "BYGDEBAS_RATE_LIMIT_EMAIL_POSTS",
}


@dataclass(frozen=True)
class RateLimit:
    """How one form is rate-limited: its scope (its own count), and what it counts per."""

    scope: str
    per: tuple[Dimension, ...] = ("ip", "network")
    # The POST field that holds the address the form mails, for ``per=(..., "email")``.
    email_field: str = "email"
    # Limits for this form that differ from the settings, e.g. {"network": 50}.
    limits: Mapping[Dimension, int] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if not _SCOPE.fullmatch(self.scope):
            # The counter's key must fit the database store's column, with room for the rest.
            raise ValueError(
                f"A rate-limit scope is 1 to 40 of a-z, 0-9, '.', '_', '-': not {self.scope!r}."
            )
        unknown = set(self.per) - set(DIMENSIONS)
        if unknown:
            raise ValueError(f"Unknown rate-limit dimensions {sorted(unknown)}; use {DIMENSIONS}.")

    def limit(self, dimension: Dimension) -> int:
        if dimension in self.limits:
            return self.limits[dimension]
        return int(getattr(settings, _SETTINGS[dimension]))

    def keys(self, request: HttpRequest) -> list[tuple[Dimension, str]]:
        """The counters one POST of ``request`` counts in, client first."""
        keys: list[tuple[Dimension, str]] = []
        for dimension in self.per:
            if dimension == "ip":
                keys.append((dimension, f"{self.scope}:{client_key(request)}"))
            elif dimension == "network":
                network = getattr(request, "network", None)
                if network is not None:  # the view answers 404 on a host without a network
                    keys.append((dimension, f"{self.scope}:network:{network.pk}"))
            else:
                address = str(request.POST.get(self.email_field, "")).strip().lower()
                if address:
                    # Hashed: the cache (or the database store) never holds the address itself.
                    digest = hashlib.sha256(address.encode()).hexdigest()[:32]
                    keys.append((dimension, f"{self.scope}:email:{digest}"))
        return keys

    def is_exceeded(self, request: HttpRequest) -> bool:
        """Count this attempt; True once any of its counters has passed its limit.

        Counting stops at the first counter passed, so a client that is already refused does not
        use up the network's allowance as well.
        """
        for dimension, key in self.keys(request):
            if count_attempt(key) > self.limit(dimension):
                return True
        return False


def too_many_attempts(request: HttpRequest) -> HttpResponse:
    """The 429 page every rate-limited form answers with."""
    response = render(request, "429.html", status=429)
    response["Retry-After"] = str(settings.BYGDEBAS_RATE_LIMIT_WINDOW_S)
    return response


def check_rate_limit(request: HttpRequest, limit: RateLimit) -> HttpResponse | None:
    """Count one attempt; the 429 response once over the limit, None while within it."""
    return too_many_attempts(request) if limit.is_exceeded(request) else None


def rate_limited[**P](
    scope: str,
    *,
    per: Iterable[Dimension] = ("ip", "network"),
    email_field: str = "email",
    limits: Mapping[Dimension, int] | None = None,
) -> Callable[
    [Callable[Concatenate[Any, P], HttpResponseBase]],
    Callable[Concatenate[Any, P], HttpResponseBase],
]:
    """Count every POST to the view in ``scope``; answer 429 once a limit is passed.

    GET (showing the form) is never counted or refused.
    """
    limit = RateLimit(scope, tuple(per), email_field, dict(limits or {}))

    def decorator(
        view: Callable[Concatenate[Any, P], HttpResponseBase],
    ) -> Callable[Concatenate[Any, P], HttpResponseBase]:
        @functools.wraps(view)
        def wrapper(request: Any, *args: P.args, **kwargs: P.kwargs) -> HttpResponseBase:
            if request.method == "POST":
                refused = check_rate_limit(request, limit)
                if refused is not None:
                    return refused
            return view(request, *args, **kwargs)

        wrapper.rate_limit = limit  # type: ignore[attr-defined]  # for tests and introspection
        return wrapper

    return decorator


class RateLimitedMixin(_FormView):
    """For class-based form views: answers 429 to a POST once ``rate_limit`` is used up."""

    rate_limit = RateLimit("form")

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        refused = check_rate_limit(request, self.rate_limit)
        if refused is not None:
            return refused
        return super().post(request, *args, **kwargs)


class HoneypotInput(forms.TextInput):
    """A text input out of the tab order and autofill that never shows what was typed in it."""

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        super().__init__({"tabindex": "-1", "autocomplete": "off", **(attrs or {})})

    def format_value(self, value: Any) -> str | None:
        return None


class PublicFormMixin(_Form):
    """Adds the honeypot: a field people never see or fill in; bots that fill every field give
    themselves away, and the form is invalid with an error on that field.

    ``honeypot_field`` names it; choose a name the form does not use for a real field ("website"
    unless the form asks for a website, as the join form does: it uses "homepage").
    """

    honeypot_field = "website"

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if self.honeypot_field in self.fields:
            raise TypeError(
                f"{type(self).__name__} has a real field {self.honeypot_field!r}: "
                "give the honeypot another name (honeypot_field)."
            )
        self.fields[self.honeypot_field] = forms.CharField(
            label=_("Leave this field empty"), required=False, widget=HoneypotInput()
        )

    @property
    def honeypot(self) -> forms.BoundField:
        """The honeypot's bound field, for ``{% include "core/_honeypot.html" with field=… %}``."""
        return cast(forms.BoundField, self[self.honeypot_field])

    def is_honeypot(self, name: str) -> bool:
        return name == self.honeypot_field

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get(self.honeypot_field):
            self.add_error(self.honeypot_field, _("Leave this field empty."))
        else:
            data[self.honeypot_field] = ""
        return data
