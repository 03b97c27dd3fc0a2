"""The core pages: logging in, the password reset, the roles of a network and its map data."""

from __future__ import annotations

import json
import uuid

from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse, reverse_lazy
from django.utils.translation import gettext as _
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from bygdebas.core import services
from bygdebas.core.access import ADMIN_ROLES, current_network, get_role_for_user, role_required
from bygdebas.core.forms import InviteForm, LoginForm, ResetForm, RoleForm
from bygdebas.core.geo import municipalities_geojson
from bygdebas.core.http import NetworkRequest
from bygdebas.core.models import AuditEntry, Image, Role
from bygdebas.core.public_forms import RateLimit, RateLimitedMixin


class LoginView(RateLimitedMixin, auth_views.LoginView):
    rate_limit = RateLimit("login")
    form_class = LoginForm
    template_name = "core/login.html"
    redirect_authenticated_user = True

    def get_default_redirect_url(self) -> str:
        # Contact persons have no office pages: send them to their organisation's self-service.
        user = self.request.user
        network = getattr(self.request, "network", None)
        if user.is_authenticated and user.role_in(network) == Role.Kind.CONTACT:
            return reverse("members:selfservice-home")
        return super().get_default_redirect_url()


class PasswordResetView(RateLimitedMixin, auth_views.PasswordResetView):
    # Per address too: one address is not flooded with reset mail from many clients.
    rate_limit = RateLimit("password-reset", per=("ip", "network", "email"))
    form_class = ResetForm
    template_name = "core/password_reset_form.html"
    success_url = reverse_lazy("core:password-reset-done")


@require_GET
@cache_control(max_age=3600, public=True)
def municipalities_geo(request: HttpRequest) -> HttpResponse:
    """The network's municipalities and their neighbours as GeoJSON, for maps."""
    network = current_network(request)
    return HttpResponse(
        json.dumps(municipalities_geojson(network), ensure_ascii=False),
        content_type="application/geo+json",
    )


@role_required(ADMIN_ROLES)
@require_GET
def role_list(request: NetworkRequest) -> HttpResponse:
    network = request.network
    roles = Role.objects.for_network(network).select_related("user").order_by("user__email")
    entries = AuditEntry.objects.for_network(network).select_related("actor")[:50]
    return render(
        request, "core/role_list.html", {"roles": roles, "entries": entries, "form": InviteForm()}
    )


@role_required(ADMIN_ROLES)
@require_http_methods(["GET", "POST"])
def role_invite(request: NetworkRequest) -> HttpResponse:
    form = InviteForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        services.invite_user(
            network=request.network,
            invited_by=request.user,
            base_url=request.build_absolute_uri("/"),
            **form.cleaned_data,
        )
        messages.success(request, _("%(email)s can now log in.") % form.cleaned_data)
        return redirect("core:role-list")
    return render(request, "core/role_form.html", {"form": form})


@role_required(ADMIN_ROLES)
@require_http_methods(["GET", "POST"])
def role_edit(request: NetworkRequest, pk: int) -> HttpResponse:
    role = get_role_for_user(request.user, request.network, pk, write=True)
    form = RoleForm(request.POST or None, initial={"kind": role.kind})
    if request.method == "POST" and form.is_valid():
        if role.user_id == request.user.pk and form.cleaned_data["kind"] != Role.Kind.ADMIN:
            form.add_error("kind", _("You cannot take away your own administrator role."))
        else:
            services.change_role(role=role, kind=form.cleaned_data["kind"], changed_by=request.user)
            messages.success(request, _("The role was changed."))
            return redirect("core:role-list")
    return render(request, "core/role_form.html", {"form": form, "role": role})


@role_required(ADMIN_ROLES)
@require_POST
def role_revoke(request: NetworkRequest, pk: int) -> HttpResponse:
    role = get_role_for_user(request.user, request.network, pk, write=True)
    if role.user_id == request.user.pk:
        messages.error(request, _("You cannot remove your own access."))
        return redirect("core:role-list")
    try:
        services.revoke_role(role=role, revoked_by=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("The access was removed."))
    return redirect("core:role-list")


@require_GET
def image_file(request: HttpRequest, key: uuid.UUID, width: int) -> HttpResponseBase:
    """One stored size of an image, for anyone on the image's network's host."""
    network = current_network(request)
    image = get_object_or_404(Image.objects.for_network(network), key=key)
    rendition = image.rendition(width)
    if rendition is None:
        raise Http404
    try:
        handle = default_storage.open(rendition["name"], "rb")
    except FileNotFoundError:
        raise Http404 from None
    response = FileResponse(handle, content_type=image.content_type)
    # A key and width always name the same bytes: let browsers and proxies keep them.
    response["Cache-Control"] = "public, max-age=31536000, immutable"
    return response
