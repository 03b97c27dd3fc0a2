"""Confirmation by e-mail (double opt-in): a row that someone asked for by giving an e-mail
address (a newsletter subscription, a public report, a "me too") counts only once its owner has
followed the link mailed to that address; unconfirmed rows expire and are deleted.

The model mixes in ``ConfirmationMixin`` (``created_at``, ``confirmed_at``), names its purpose and
the URL that confirms it, reads through a ``ConfirmationQuerySet``, and is registered so that
``purge_unconfirmed`` deletes what expired::

    class Subscription(ConfirmationMixin, models.Model):
        confirmation_purpose = "newsletter.subscription"
        confirmation_url_name = "newsletter:subscription-confirm"  # takes <str:token>
        network = models.ForeignKey(...)
        email = models.EmailField(...)
        objects = SubscriptionQuerySet.as_manager()  # a ConfirmationQuerySet["Subscription"]


    # apps.py, in ready()
    register_confirmable(Subscription, label=_("Newsletter sign-ups"))

    # services.py: mail the link (it expires with the row)
    send_templated_mail(..., context={"link": confirmation_url(subscription), ...})

    # urls.py: GET shows a page with a button, POST confirms; templates overridable
    path(
        "nyhetsbrev/bekrafta/<str:token>/",
        confirm_view(Subscription, on_confirm=services.subscription_confirmed),
        name="subscription-confirm",
    )

The page behind the link shows what will happen on GET and acts only on POST, because mail
scanners follow links. A changed, made-up or cut-short link, an expired one (or one whose row was
deleted) and one already used each show a page that says so, and nothing changes (statuses 404,
410 and 409). The templates are ``<app>/<model>_confirm.html``, ``…_confirm_done.html`` and
``…_confirm_invalid.html`` when the app has them, else ``core/confirmation/*.html``.

An unconfirmed row expires ``BYGDEBAS_CONFIRMATION_DAYS[purpose]`` days after it was made
(``BYGDEBAS_CONFIRMATION_DEFAULT_DAYS``, 7, for a purpose not listed); its link stops working
then, and ``python manage.py purge_unconfirmed`` (cron, daily) deletes it.

``SignedLinkView`` is the same page for any other state-changing link (unsubscribe, renew).
With ``one_click = True`` it also accepts the RFC 8058 one-click POST that mail clients send for
``List-Unsubscribe-Post: List-Unsubscribe=One-Click``: the one POST that needs no page and no
CSRF token (the signed token is the credential, and unsubscribing is harmless to repeat).
``one_click_headers(url)`` gives the two headers for the mail.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, ClassVar, Self, TypeVar

from django.conf import settings
from django.db import models, transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.middleware.csrf import CsrfViewMiddleware
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.views import View
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt

from bygdebas.core.access import current_network, fetch_in_network
from bygdebas.core.models import Network
from bygdebas.core.signed_links import (
    LinkError,
    LinkExpiredError,
    LinkInvalidError,
    make_token,
    read_token,
)
from bygdebas.core.tenancy import NetworkQuerySet, network_id_of

if TYPE_CHECKING:
    from django.utils.functional import Promise

_C = TypeVar("_C", bound="ConfirmationMixin", covariant=True)


def confirmation_days(purpose: str) -> int:
    """How many days a row of ``purpose`` waits for its confirmation."""
    days = settings.BYGDEBAS_CONFIRMATION_DAYS.get(purpose)
    return int(days if days is not None else settings.BYGDEBAS_CONFIRMATION_DEFAULT_DAYS)


def confirmation_max_age(purpose: str) -> datetime.timedelta:
    return datetime.timedelta(days=confirmation_days(purpose))


class ConfirmationQuerySet(NetworkQuerySet[_C]):
    """Reads of confirmable rows; an app's QuerySet subclasses it."""

    def confirmed(self) -> Self:
        return self.filter(confirmed_at__isnull=False)

    def unconfirmed(self) -> Self:
        return self.filter(confirmed_at__isnull=True)

    def expired(self, *, now: datetime.datetime | None = None) -> Self:
        """Unconfirmed rows older than their purpose allows: what ``purge_unconfirmed`` deletes."""
        purpose = self.model.confirmation_purpose
        cutoff = (now or timezone.now()) - confirmation_max_age(purpose)
        return self.unconfirmed().filter(created_at__lte=cutoff)


class ConfirmationMixin(models.Model):
    """``created_at`` and ``confirmed_at`` for a row its owner confirms by e-mail."""

    # What the row is, e.g. "newsletter.subscription": the signing salt and the settings key.
    confirmation_purpose: ClassVar[str] = ""
    # The URL name that confirms it, with one argument, ``token``.
    confirmation_url_name: ClassVar[str] = ""

    created_at = models.DateTimeField(
        _("created"), default=timezone.now, editable=False, db_index=True
    )
    confirmed_at = models.DateTimeField(_("confirmed"), null=True, blank=True)

    class Meta:
        abstract = True

    @property
    def is_confirmed(self) -> bool:
        return self.confirmed_at is not None

    @property
    def confirmation_expires_at(self) -> datetime.datetime:
        return self.created_at + confirmation_max_age(self.confirmation_purpose)

    def is_confirmation_expired(self, *, now: datetime.datetime | None = None) -> bool:
        """Unconfirmed and too old to be confirmed now."""
        return not self.is_confirmed and (now or timezone.now()) >= self.confirmation_expires_at


# --- The registry purge_unconfirmed reads ------------------------------------------------------


@dataclass(frozen=True)
class Confirmable:
    model: type[ConfirmationMixin]
    label: str | Promise
    # Deletes the rows of a queryset and returns how many; the default is QuerySet.delete().
    purge: Callable[[models.QuerySet[Any]], int] | None = None


_confirmables: dict[str, Confirmable] = {}


def register_confirmable(
    model: type[ConfirmationMixin],
    *,
    label: str | Promise,
    purge: Callable[[models.QuerySet[Any]], int] | None = None,
) -> None:
    """Let ``purge_unconfirmed`` delete ``model``'s expired unconfirmed rows."""
    if not issubclass(model, ConfirmationMixin) or not model.confirmation_purpose:
        raise ValueError(f"{model.__name__} needs ConfirmationMixin and a confirmation_purpose.")
    if not isinstance(model._default_manager.all(), ConfirmationQuerySet):
        raise TypeError(f"{model.__name__} must read through a ConfirmationQuerySet.")
    _confirmables[model._meta.label] = Confirmable(model, label, purge)


def unregister_confirmable(model: type[ConfirmationMixin]) -> None:
    _confirmables.pop(model._meta.label, None)


def registered_confirmables() -> list[Confirmable]:
    return [_confirmables[key] for key in sorted(_confirmables)]


@dataclass(frozen=True)
class Purged:
    label: str
    purpose: str
    count: int


def purge_unconfirmed(
    *,
    now: datetime.datetime | None = None,
    network: Network | None = None,
    dry_run: bool = False,
) -> list[Purged]:
    """Delete every registered model's expired unconfirmed rows (in ``network`` when given)."""
    results = []
    for entry in registered_confirmables():
        rows: Any = entry.model._default_manager.all()
        if network is not None:
            rows = rows.for_network(network)
        rows = rows.expired(now=now)
        with transaction.atomic():
            if dry_run:
                count = rows.count()
            elif entry.purge is not None:
                count = entry.purge(rows)
            else:
                _total, per_model = rows.delete()
                count = per_model.get(entry.model._meta.label, 0)
        results.append(Purged(str(entry.label), entry.model.confirmation_purpose, count))
    return results


# --- Links ---------------------------------------------------------------------------------------


def _salt(purpose: str) -> str:
    return f"bygdebas.confirm.{purpose}"


def _stamp(obj: ConfirmationMixin) -> int:
    # The row's creation time (in microseconds): a token names this row, never a later one that
    # was given the same id.
    return (obj.created_at - _EPOCH) // datetime.timedelta(microseconds=1)


_EPOCH = datetime.datetime(1970, 1, 1, tzinfo=datetime.UTC)


def confirmation_token(obj: ConfirmationMixin) -> str:
    """A signed token naming ``obj`` (its network, id and creation time) for its purpose."""
    return make_token(
        purpose=_salt(obj.confirmation_purpose),
        network_id=network_id_of(obj),
        i=obj.pk,
        t=_stamp(obj),
    )


def confirmation_url(obj: ConfirmationMixin, *, base_url: str | None = None) -> str:
    """The absolute link that confirms ``obj`` (on its network's host unless ``base_url``)."""
    if not obj.confirmation_url_name:
        raise ValueError(f"{type(obj).__name__} has no confirmation_url_name.")
    path = reverse(obj.confirmation_url_name, kwargs={"token": confirmation_token(obj)})
    if base_url is None:
        base_url = Network.objects.get(pk=network_id_of(obj)).base_url
    return base_url.rstrip("/") + path


def read_confirmation_token[M: ConfirmationMixin](
    source: type[M] | NetworkQuerySet[M], network: Network, token: str
) -> M:
    """The row ``token`` names in ``network``.

    LinkInvalidError for a changed, made-up or cut-short token or one for another network or
    purpose; LinkExpiredError for one too old, or whose row is gone or expired.
    """
    model: Any = source if isinstance(source, type) else source.model
    purpose = model.confirmation_purpose
    values = read_token(
        token, purpose=_salt(purpose), network=network, max_age=confirmation_max_age(purpose)
    )
    try:
        obj: M = fetch_in_network(network, source, values.get("i"))
    except (Http404, ValueError, TypeError):
        raise LinkExpiredError("What the link was for no longer exists.") from None
    if values.get("t") != _stamp(obj):
        raise LinkInvalidError("The link is for another row.")
    if obj.is_confirmation_expired():
        raise LinkExpiredError("The link has expired.")
    return obj


def confirm(obj: ConfirmationMixin, *, on_confirm: Callable[[Any], None] | None = None) -> bool:
    """Mark ``obj`` confirmed and run ``on_confirm(obj)`` in one transaction; False (and nothing
    done) when it already was confirmed, also by a request at the same moment."""
    with transaction.atomic():
        model: Any = type(obj)
        locked = model._default_manager.select_for_update().get(pk=obj.pk)
        if locked.confirmed_at is not None:
            obj.confirmed_at = locked.confirmed_at
            return False
        obj.confirmed_at = timezone.now()
        obj.save(update_fields=["confirmed_at"])
        if on_confirm is not None:
            on_confirm(obj)
    return True


def one_click_headers(url: str, *, mailto: str | None = None) -> dict[str, str]:
    """``List-Unsubscribe`` (the https link, and a mailto: if given) and RFC 8058's
    ``List-Unsubscribe-Post``, for ``send_templated_mail(headers=...)``."""
    targets = [f"<{url}>"] + ([f"<mailto:{mailto}>"] if mailto else [])
    return {
        "List-Unsubscribe": ", ".join(targets),
        "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
    }


# --- Views ---------------------------------------------------------------------------------------

INVALID, EXPIRED, USED = "invalid", "expired", "used"
_STATUS = {INVALID: 404, EXPIRED: 410, USED: 409}


def _csrf_refusal(request: HttpRequest) -> HttpResponseBase | None:
    """Django's CSRF check, for a view that is exempt only for the one-click POST."""
    return CsrfViewMiddleware(_checked).process_view(request, _checked, (), {})


def _checked(request: HttpRequest) -> HttpResponse:
    # What the CSRF check is run for by hand: a view that is not exempt.
    return HttpResponse()


def is_one_click(request: HttpRequest) -> bool:
    """A mail client's RFC 8058 one-click POST (the body ``List-Unsubscribe=One-Click``)."""
    return request.method == "POST" and request.POST.get("List-Unsubscribe") == "One-Click"


class SignedLinkView(View):
    """The page behind a link in a mail that changes state.

    GET shows what will happen and a button (``templates["page"]``); POST does it (``act``, in a
    transaction) and shows ``templates["done"]``; a bad link shows ``templates["invalid"]`` with
    ``reason`` ("invalid", "expired" or "used") and changes nothing. A subclass says how a token
    becomes its row (``load``), whether the link was used (``is_used``) and what it does
    (``act``, returning False when it found the work already done).
    """

    http_method_names = ["get", "post"]
    templates: Mapping[str, Sequence[str]] = {
        "page": ["core/signed_link/page.html"],
        "done": ["core/signed_link/done.html"],
        "invalid": ["core/signed_link/invalid.html"],
    }
    # Also accept the RFC 8058 one-click POST (no page, no CSRF token): for unsubscribe links.
    one_click = False

    @classmethod
    def as_view(cls, **initkwargs: Any) -> Any:
        view = super().as_view(**initkwargs)
        view = never_cache(view)
        if initkwargs.get("one_click", cls.one_click):
            # The one-click POST comes from a mail client without a session or CSRF token; every
            # other POST to the view is checked by hand in post().
            view = csrf_exempt(view)
        return view

    def load(self, network: Network, token: str) -> Any:
        """The row the token names; LinkError when it cannot be trusted."""
        raise NotImplementedError

    def is_used(self, obj: Any) -> bool:
        return False

    def act(self, obj: Any) -> bool:
        """Do what the link is for; False if it was already done (nothing changed)."""
        raise NotImplementedError

    def get_context_data(self, obj: Any) -> dict[str, Any]:
        return {"object": obj}

    def _invalid(self, reason: str) -> HttpResponse:
        return render(
            self.request, self.templates["invalid"], {"reason": reason}, status=_STATUS[reason]
        )

    def _load(self, token: str) -> Any:
        return self.load(current_network(self.request), token)

    def get(self, request: HttpRequest, token: str) -> HttpResponse:
        try:
            obj = self._load(token)
        except LinkExpiredError:
            return self._invalid(EXPIRED)
        except LinkError:
            return self._invalid(INVALID)
        if self.is_used(obj):
            return self._invalid(USED)
        return render(request, self.templates["page"], self.get_context_data(obj))

    def post(self, request: HttpRequest, token: str) -> HttpResponseBase:
        one_click = self.one_click and is_one_click(request)
        if self.one_click and not one_click:
            refusal = _csrf_refusal(request)
            if refusal is not None:
                return refusal
        try:
            obj = self._load(token)
        except LinkExpiredError:
            return self._invalid(EXPIRED)
        except LinkError:
            return self._invalid(INVALID)
        with transaction.atomic():
            acted = self.act(obj)
        if one_click:
            # Done now or done before: the mail client only needs to know it worked.
            return HttpResponse(status=200, content_type="text/plain; charset=utf-8")
        if not acted:
            return self._invalid(USED)
        return render(request, self.templates["done"], self.get_context_data(obj))


class ConfirmView(SignedLinkView):
    """GET: a page with a button; POST: ``confirm(obj, on_confirm=...)``. See ``confirm_view``."""

    source: Any = None  # the model (a ConfirmationMixin) or a queryset of it
    on_confirm: Callable[[Any], None] | None = None

    def load(self, network: Network, token: str) -> Any:
        return read_confirmation_token(self.source, network, token)

    def is_used(self, obj: Any) -> bool:
        return bool(obj.is_confirmed)

    def act(self, obj: Any) -> bool:
        return confirm(obj, on_confirm=self.on_confirm)


def confirm_view(
    source: type[ConfirmationMixin] | NetworkQuerySet[Any],
    *,
    on_confirm: Callable[[Any], None] | None = None,
    template_prefix: str | None = None,
) -> Callable[..., HttpResponseBase]:
    """The confirm page for ``source``'s links: mount it at a URL with a ``<str:token>``.

    ``on_confirm(obj)`` is the app's service, called in the transaction that confirms (record
    the consent, publish the report). The templates are ``<template_prefix>.html``, ``…_done.html``
    and ``…_invalid.html``; the prefix is ``<app_label>/<model_name>_confirm`` unless given, and
    each falls back to ``core/confirmation/…``.
    """
    model: Any = source if isinstance(source, type) else source.model
    prefix = template_prefix or f"{model._meta.app_label}/{model._meta.model_name}_confirm"
    templates = {
        "page": [f"{prefix}.html", "core/confirmation/confirm.html"],
        "done": [f"{prefix}_done.html", "core/confirmation/confirm_done.html"],
        "invalid": [f"{prefix}_invalid.html", "core/confirmation/confirm_invalid.html"],
    }
    view: Callable[..., HttpResponseBase] = ConfirmView.as_view(
        source=source, on_confirm=on_confirm, templates=templates
    )
    return view
