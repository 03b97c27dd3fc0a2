"""Self-service for contact persons of member organisations: send in news, see their own
submissions, and take the newsletter with one tick."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from bygdebas.core.http import NetworkRequest
from bygdebas.core.models import Role, User
from bygdebas.core.navigation import Viewer
from bygdebas.members.access import (
    check_contact,
    contact_login_required,
    organisations_for_contact,
)
from bygdebas.newsletter import services
from bygdebas.newsletter.forms import ItemForm, TickForm
from bygdebas.newsletter.models import Item, Subscription


def tick_panel_context(viewer: Viewer) -> dict[str, Any] | None:
    """The self-service home's offer of the newsletter (None: not a contact, or subscribed)."""
    user, network = viewer.user, viewer.network
    if network is None or not isinstance(user, User) or viewer.role != Role.Kind.CONTACT:
        return None
    subscription = Subscription.objects.for_network(network).with_email(user.email).first()
    return {
        "newsletter_form": TickForm(),
        "newsletter_subscribed": subscription is not None and subscription.is_active,
    }


@contact_login_required
@require_GET
def my_items(request: NetworkRequest) -> HttpResponse:
    check_contact(request.user, request.network)
    items = (
        Item.objects.for_network(request.network)
        .submitted_by_user(request.user)
        .select_related("organisation")
    )
    return render(request, "newsletter/my_items.html", {"items": items})


@contact_login_required
@require_http_methods(["GET", "POST"])
def item_submit(request: NetworkRequest) -> HttpResponse:
    """ "Information från medlemmar": a contact person's news, to moderation."""
    check_contact(request.user, request.network)
    organisation = organisations_for_contact(request.user, request.network).first()
    form = ItemForm(request.POST or None, request.FILES or None, network=request.network)
    if organisation is not None and form.is_valid():
        services.send_in_item(
            network=request.network,
            user=request.user,
            organisation=organisation,
            title=form.cleaned_data["title"],
            text=form.cleaned_data["text"],
            link=form.cleaned_data["link"],
            topic=form.cleaned_data["topic"],
            image=form.cleaned_data["image"],
            image_alt=form.cleaned_data["image_alt"],
            language=getattr(request, "LANGUAGE_CODE", None),
        )
        messages.success(request, _("Thank you! Staff will read your news before it is published."))
        return redirect("newsletter:my-items")
    return render(
        request,
        "newsletter/item_submit.html",
        {"form": form, "organisation": organisation},
        status=400 if form.errors else 200,
    )


@contact_login_required
@require_POST
def subscribe_tick(request: NetworkRequest) -> HttpResponse:
    """The one tick on the self-service home: never subscribed without it."""
    check_contact(request.user, request.network)
    form = TickForm(request.POST)
    if form.is_valid():
        services.subscribe_contact(network=request.network, user=request.user)
        messages.success(request, _("You will receive the newsletter."))
    else:
        messages.error(request, _("Tick the box to receive the newsletter."))
    return redirect("members:selfservice-home")
