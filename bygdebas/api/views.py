"""The administrators' pages for API keys."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from bygdebas.api import services
from bygdebas.api.access import get_api_key_for_user
from bygdebas.api.forms import ApiKeyForm
from bygdebas.api.models import ApiKey
from bygdebas.core.access import ADMIN_ROLES, role_required
from bygdebas.core.forms import add_service_errors
from bygdebas.core.http import NetworkRequest
from bygdebas.core.models import AuditEntry


@role_required(ADMIN_ROLES)
@require_http_methods(["GET"])
def key_list(request: NetworkRequest) -> HttpResponse:
    keys = ApiKey.objects.for_network(request.network).select_related("created_by", "revoked_by")
    uses = (
        AuditEntry.objects.for_network(request.network)
        .filter(verb="api.personal_data_read")
        .order_by("-at", "-pk")[:20]
    )
    return render(request, "api/key_list.html", {"keys": keys, "uses": uses})


@role_required(ADMIN_ROLES)
@require_http_methods(["GET", "POST"])
def key_create(request: NetworkRequest) -> HttpResponse:
    form = ApiKeyForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            api_key, key = services.create_api_key(
                network=request.network, created_by=request.user, **form.service_kwargs()
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            # Shown here once, never stored: the page is not kept by the browser (no-store).
            return render(request, "api/key_created.html", {"api_key": api_key, "key": key})
    status = 400 if form.errors else 200
    return render(request, "api/key_form.html", {"form": form}, status=status)


@role_required(ADMIN_ROLES)
@require_http_methods(["GET", "POST"])
def key_revoke(request: NetworkRequest, pk: int) -> HttpResponse:
    api_key = get_api_key_for_user(request.user, request.network, pk, write=True)
    if request.method == "POST":
        services.revoke_api_key(api_key=api_key, revoked_by=request.user)
        return redirect("api:key-list")
    return render(request, "api/key_confirm_revoke.html", {"api_key": api_key})
