"""The widget frame that other sites embed, its theme, and the staff pages to set them up."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.cache import patch_cache_control
from django.utils.csp import CSP
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from bygdebas.core.access import ADMIN_ROLES, READ_ROLES, current_network, role_required
from bygdebas.core.forms import add_service_errors
from bygdebas.core.http import NetworkRequest
from bygdebas.core.widgets import get_widget, widgets
from bygdebas.widgets import services
from bygdebas.widgets.forms import EmbedSettingsForm

THEMES = {"light", "dark"}


def _theme(request: HttpRequest) -> str:
    theme = request.GET.get("theme", "")
    return theme if theme in THEMES else "auto"


@require_GET
def widget_frame(request: HttpRequest, key: str) -> HttpResponse:
    """A widget as a page of its own, to be shown in an iframe on the listed sites only."""
    network = current_network(request)
    widget = get_widget(key)
    if widget is None:
        raise Http404
    embed = services.settings_for(network)
    context: dict[str, Any] = {
        "widget": widget,
        "theme": _theme(request),
        "embed": embed,
        **widget.context(request, network),
    }
    response = render(request, "widgets/frame.html", context)
    # Only the network's listed sites (and its own pages, for the preview) may frame it.
    response._csp_config = {  # type: ignore[attr-defined]
        **settings.SECURE_CSP,
        "frame-ancestors": [CSP.SELF, *embed.origins()],
    }
    response.xframe_options_exempt = True
    return response


@require_GET
def theme_css(request: HttpRequest) -> HttpResponse:
    """The network's colour as CSS custom properties (no inline styles under the CSP)."""
    network = current_network(request)
    colour = services.settings_for(network).colour
    css = f":root {{ --widget-accent: {colour}; }}\n"
    response = HttpResponse(css, content_type="text/css; charset=utf-8")
    patch_cache_control(response, public=True, max_age=300)
    return response


def _embed_rows(request: HttpRequest, network: Any) -> list[dict[str, Any]]:
    base = request.build_absolute_uri("/").rstrip("/")
    rows = []
    for widget in widgets():
        src = f"{base}/widget/{widget.key}/"
        title = f"{widget.label} – {network.name}"
        code = (
            f'<iframe src="{src}" title="{title}" width="100%" height="{widget.height}" '
            f'style="border:0" loading="lazy" data-bygdebas-widget></iframe>\n'
            f'<script src="{base}{settings.STATIC_URL}js/widget-embed.js" async></script>'
        )
        rows.append({"widget": widget, "src": src, "code": code, "title": title})
    return rows


@role_required(READ_ROLES)
@require_GET
def embed_list(request: NetworkRequest) -> HttpResponse:
    """Every widget with a preview and the code to paste into another site."""
    embed = services.settings_for(request.network)
    return render(
        request,
        "widgets/embed_list.html",
        {"rows": _embed_rows(request, request.network), "embed": embed},
    )


@role_required(ADMIN_ROLES)
@require_http_methods(["GET", "POST"])
def embed_settings(request: NetworkRequest) -> HttpResponse:
    """Which sites may embed the widgets, and the colour they take (administrators)."""
    embed = services.settings_for(request.network)
    form = EmbedSettingsForm(request.POST or None, instance=embed)
    if request.method == "POST" and form.is_valid():
        try:
            services.save_settings(
                network=request.network,
                allowed_origins=form.cleaned_data["allowed_origins"],
                colour=form.cleaned_data["colour"],
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("The widget settings were saved."))
            return redirect("widgets:embed-list")
    return render(
        request, "widgets/embed_settings.html", {"form": form}, status=400 if form.errors else 200
    )
