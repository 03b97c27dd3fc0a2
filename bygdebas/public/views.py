"""The public site: home, about and contact. Works without JavaScript."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from bygdebas.core.access import current_network
from bygdebas.core.metadata import PageMeta, organization_schema, summary
from bygdebas.core.models import Network
from bygdebas.core.public_forms import rate_limited
from bygdebas.events.models import Event
from bygdebas.plan.models import Plan
from bygdebas.public.forms import ContactForm
from bygdebas.public.services import NoContactAddressError, send_contact_message


def _public_plan(network: Network) -> Plan | None:
    """The plan the public sees: the latest one that has started."""
    plans = Plan.objects.for_network(network).prefetch_related("areas")
    return (
        plans.filter(year__lte=timezone.localdate().year).order_by("-year").first()
        or plans.order_by("year").first()
    )


def _organization(request: HttpRequest, network: Network) -> dict:
    return organization_schema(network, base_url=request.build_absolute_uri("/"))


@require_GET
def home(request: HttpRequest) -> HttpResponse:
    network = current_network(request)
    upcoming = (
        Event.objects.for_network(network)
        .public()
        .filter(status=Event.Status.PUBLISHED)
        .upcoming()
        .select_related("municipality")
        .order_by("starts_at", "pk")[:3]
    )
    plan = _public_plan(network)
    base_url = request.build_absolute_uri("/")
    page_meta = PageMeta(
        title=network.name,
        description=network.tagline or summary(plan.vision if plan else ""),
        schema=[
            _organization(request, network),
            {"@type": "WebSite", "name": network.name, "url": base_url, "inLanguage": "sv"},
        ],
    )
    return render(
        request,
        "public/home.html",
        {"plan": plan, "upcoming": upcoming, "page_meta": page_meta},
    )


@require_GET
def about(request: HttpRequest) -> HttpResponse:
    network = current_network(request)
    municipalities = network.municipalities().order_by("name")
    plan = _public_plan(network)
    page_meta = PageMeta(
        title=_("About us – %(network)s") % {"network": network.name},
        description=summary(plan.purpose if plan and plan.purpose else network.tagline),
        schema=[{"@type": "AboutPage", "about": _organization(request, network)}],
    )
    return render(
        request,
        "public/about.html",
        {"plan": plan, "municipalities": municipalities, "page_meta": page_meta},
    )


@require_http_methods(["GET", "POST"])
@rate_limited("contact")
def contact(request: HttpRequest) -> HttpResponse:
    network = current_network(request)
    form = ContactForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            send_contact_message(
                network=network,
                name=form.cleaned_data["name"],
                email=form.cleaned_data["email"],
                message=form.cleaned_data["message"],
            )
        except NoContactAddressError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, _("Thank you! Your message has been sent."))
            return redirect("public:contact")
    page_meta = PageMeta(
        title=_("Contact – %(network)s") % {"network": network.name},
        description=_("Write to %(network)s.") % {"network": network.name},
        schema=[{"@type": "ContactPage", "about": _organization(request, network)}],
    )
    return render(
        request,
        "public/contact.html",
        {"form": form, "page_meta": page_meta},
        status=400 if form.errors else 200,
    )
