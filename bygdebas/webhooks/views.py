"""Administrators' pages for webhook endpoints. Thin: parse, fetch through access, call a service."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from bygdebas.core.access import ADMIN_ROLES, role_required
from bygdebas.core.hooks import event_type, event_types
from bygdebas.core.http import NetworkRequest
from bygdebas.webhooks import services
from bygdebas.webhooks.access import get_endpoint_for_user, get_message_for_user
from bygdebas.webhooks.forms import EndpointForm
from bygdebas.webhooks.models import Endpoint

MESSAGES_SHOWN = 50


@role_required(ADMIN_ROLES)
@require_GET
def endpoint_list(request: NetworkRequest) -> HttpResponse:
    endpoints = Endpoint.objects.for_network(request.network).order_by("url", "pk")
    return render(
        request,
        "webhooks/endpoint_list.html",
        {"endpoints": endpoints, "event_types": event_types()},
    )


@role_required(ADMIN_ROLES)
@require_http_methods(["GET", "POST"])
def endpoint_create(request: NetworkRequest) -> HttpResponse:
    form = EndpointForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        endpoint = services.create_endpoint(
            network=request.network,
            user=request.user,
            url=form.cleaned_data["url"],
            description=form.cleaned_data["description"],
            event_names=form.cleaned_data["event_names"],
        )
        messages.success(request, _("The endpoint was added. Copy its signing secret."))
        return redirect("webhooks:endpoint-detail", endpoint.pk)
    return render(
        request, "webhooks/endpoint_form.html", {"form": form}, status=400 if form.errors else 200
    )


@role_required(ADMIN_ROLES)
@require_GET
def endpoint_detail(request: NetworkRequest, pk: int) -> HttpResponse:
    endpoint = get_endpoint_for_user(request.user, request.network, pk)
    recent = list(endpoint.messages.prefetch_related("attempts").order_by("-pk")[:MESSAGES_SHOWN])
    names = [event_type(name) for name in endpoint.event_names]
    return render(
        request,
        "webhooks/endpoint_detail.html",
        {
            "endpoint": endpoint,
            "recent": recent,
            "event_labels": [t.label if t else "" for t in names],
            "pending_count": endpoint.messages.pending().count(),
        },
    )


@role_required(ADMIN_ROLES)
@require_http_methods(["GET", "POST"])
def endpoint_edit(request: NetworkRequest, pk: int) -> HttpResponse:
    endpoint = get_endpoint_for_user(request.user, request.network, pk, write=True)
    form = EndpointForm(request.POST or None, instance=endpoint)
    if request.method == "POST" and form.is_valid():
        services.update_endpoint(
            endpoint=endpoint,
            user=request.user,
            url=form.cleaned_data["url"],
            description=form.cleaned_data["description"],
            event_names=form.cleaned_data["event_names"],
        )
        messages.success(request, _("The endpoint was saved."))
        return redirect("webhooks:endpoint-detail", endpoint.pk)
    return render(
        request,
        "webhooks/endpoint_form.html",
        {"form": form, "endpoint": endpoint},
        status=400 if form.errors else 200,
    )


@role_required(ADMIN_ROLES)
@require_http_methods(["GET", "POST"])
def endpoint_delete(request: NetworkRequest, pk: int) -> HttpResponse:
    endpoint = get_endpoint_for_user(request.user, request.network, pk, write=True)
    if request.method == "POST":
        services.delete_endpoint(endpoint=endpoint, user=request.user)
        messages.success(request, _("The endpoint was deleted."))
        return redirect("webhooks:endpoint-list")
    return render(request, "webhooks/endpoint_confirm_delete.html", {"endpoint": endpoint})


def _back(endpoint: Endpoint) -> HttpResponseRedirect:
    return redirect("webhooks:endpoint-detail", endpoint.pk)


@role_required(ADMIN_ROLES)
@require_POST
def endpoint_test(request: NetworkRequest, pk: int) -> HttpResponse:
    endpoint = get_endpoint_for_user(request.user, request.network, pk, write=True)
    services.send_test_event(endpoint=endpoint, user=request.user)
    messages.success(request, _("A test event was sent; its result is in the log below."))
    return _back(endpoint)


@role_required(ADMIN_ROLES)
@require_POST
def endpoint_enable(request: NetworkRequest, pk: int) -> HttpResponse:
    endpoint = get_endpoint_for_user(request.user, request.network, pk, write=True)
    if endpoint.is_active:
        services.disable_endpoint(endpoint=endpoint, user=request.user)
        messages.success(request, _("The endpoint was paused; its events wait."))
    else:
        services.enable_endpoint(endpoint=endpoint, user=request.user)
        messages.success(request, _("The endpoint was enabled; waiting events are sent."))
    return _back(endpoint)


@role_required(ADMIN_ROLES)
@require_POST
def endpoint_rotate(request: NetworkRequest, pk: int) -> HttpResponse:
    endpoint = get_endpoint_for_user(request.user, request.network, pk, write=True)
    services.rotate_secret(endpoint=endpoint, user=request.user)
    messages.success(request, _("The endpoint has a new signing secret."))
    return _back(endpoint)


@role_required(ADMIN_ROLES)
@require_GET
def message_detail(request: NetworkRequest, pk: int) -> HttpResponse:
    message = get_message_for_user(request.user, request.network, pk)
    return render(
        request,
        "webhooks/message_detail.html",
        {"message": message, "attempts": message.attempts.order_by("at", "pk")},
    )
