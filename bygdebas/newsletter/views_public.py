"""Public pages: subscribe, the links in every letter (unsubscribe, preferences), the archive
and its feed."""

from __future__ import annotations

import datetime
from typing import Any

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods

from bygdebas.core.access import current_network, fetch_in_network
from bygdebas.core.confirmation import SignedLinkView
from bygdebas.core.feeds import PublicFeed
from bygdebas.core.markdown import render_markdown
from bygdebas.core.models import Network
from bygdebas.core.public_forms import rate_limited
from bygdebas.core.signed_links import LinkError, LinkExpiredError, read_token
from bygdebas.newsletter import sending, services
from bygdebas.newsletter.forms import PreferencesForm, SubscribeForm
from bygdebas.newsletter.models import Issue, Subscription

# A letter's links keep working as long as anyone keeps an old letter.
LINK_MAX_AGE = datetime.timedelta(days=3 * 365)


@require_http_methods(["GET", "POST"])
@rate_limited("newsletter.subscribe", per=("ip", "network", "email"))
def subscribe(request: HttpRequest) -> HttpResponse:
    network = current_network(request)
    form = SubscribeForm(request.POST or None, network=network)
    if form.is_valid():
        services.subscribe(
            network=network,
            email=form.cleaned_data["email"],
            name=form.cleaned_data["name"],
            municipality=form.cleaned_data["municipality"],
            topics=form.cleaned_data["topics"],
            ip=request.META.get("REMOTE_ADDR", ""),
            language=getattr(request, "LANGUAGE_CODE", "sv"),
        )
        return render(
            request, "newsletter/subscribe_done.html", {"email": form.cleaned_data["email"]}
        )
    return render(
        request,
        "newsletter/subscribe.html",
        {"form": form, "consent_text": services.consent_text()},
        status=400 if form.errors else 200,
    )


def _subscription(network: Network, token: str, purpose: str) -> Subscription:
    values = read_token(token, purpose=purpose, network=network, max_age=LINK_MAX_AGE)
    try:
        return fetch_in_network(network, Subscription, values.get("s"))
    except (Http404, ValueError, TypeError):
        raise LinkExpiredError("The subscription no longer exists.") from None


class UnsubscribeView(SignedLinkView):
    """The link in every letter and its List-Unsubscribe header (RFC 8058 one-click POST)."""

    one_click = True
    templates = {
        "page": ["newsletter/unsubscribe.html"],
        "done": ["newsletter/unsubscribe_done.html"],
        "invalid": ["newsletter/link_invalid.html"],
    }

    def load(self, network: Network, token: str) -> Subscription:
        return _subscription(network, token, sending.UNSUBSCRIBE)

    def is_used(self, obj: Any) -> bool:
        return obj.unsubscribed_at is not None

    def act(self, obj: Any) -> bool:
        return services.unsubscribe(subscription=obj)

    def get_context_data(self, obj: Any) -> dict[str, Any]:
        return {
            "object": obj,
            "preferences_url": services.preferences_url(obj),
            "preferences_form": PreferencesForm(
                network=obj.network,
                initial={"topics": obj.topics.all(), "is_paused": obj.is_paused},
            ),
        }


@never_cache
@require_http_methods(["GET", "POST"])
def preferences(request: HttpRequest, token: str) -> HttpResponse:
    """Topics, pause, leave: from every letter's footer; the link is the credential."""
    network = current_network(request)
    try:
        subscription = _subscription(network, token, sending.PREFERENCES)
    except LinkExpiredError:
        return render(request, "newsletter/link_invalid.html", {"reason": "expired"}, status=410)
    except LinkError:
        return render(request, "newsletter/link_invalid.html", {"reason": "invalid"}, status=404)
    form = PreferencesForm(
        request.POST or None,
        network=network,
        initial={"topics": subscription.topics.all(), "is_paused": subscription.is_paused},
    )
    saved = False
    if form.is_valid() and subscription.unsubscribed_at is None:
        services.update_preferences(
            subscription=subscription,
            topics=form.cleaned_data["topics"],
            is_paused=form.cleaned_data["is_paused"],
        )
        saved = True
    return render(
        request,
        "newsletter/preferences.html",
        {
            "form": form,
            "subscription": subscription,
            "saved": saved,
            "unsubscribe_token": sending.unsubscribe_token(subscription),
        },
        status=400 if form.errors else 200,
    )


@require_GET
def archive(request: HttpRequest) -> HttpResponse:
    network = current_network(request)
    issues = Issue.objects.for_network(network).sent().order_by("-sent_at")
    return render(request, "newsletter/archive.html", {"issues": issues})


@require_GET
def archive_detail(request: HttpRequest, number: int) -> HttpResponse:
    """A sent issue as a web page, without anything personal."""
    network = current_network(request)
    issue = fetch_in_network(network, Issue.objects.sent(), number=number)
    entries = issue.entries.select_related("item", "item__photo")
    return render(request, "newsletter/archive_detail.html", {"issue": issue, "entries": entries})


class IssueFeed(PublicFeed):
    home_path = "/nyhetsbrev/"

    def title(self, network: Network) -> str:
        return _("Newsletter – %(network)s") % {"network": network.name}

    def items(self, network: Network) -> Any:
        return Issue.objects.for_network(network).sent().order_by("-sent_at")[:50]

    def item_title(self, item: Issue) -> str:
        return f"{item.number}: {item.title}"

    def item_description(self, item: Issue) -> str:
        return render_markdown(item.introduction)

    def item_link(self, item: Issue) -> str:
        return item.get_absolute_url()

    def item_pubdate(self, item: Issue) -> datetime.datetime | None:
        return item.sent_at

    def item_updateddate(self, item: Issue) -> datetime.datetime | None:
        return item.sent_at
