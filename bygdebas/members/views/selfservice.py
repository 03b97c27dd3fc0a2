"""Self-service for contact persons: log in by e-mail link, keep the organisation's details and
people up to date, see the membership history and download what the network stores.

The login link page shows a button on GET and logs in only on POST, because mail scanners follow
links. Asking for a link always shows the same page, whether or not the address is known.
"""

from __future__ import annotations

import json
from typing import Any

from django.contrib import messages
from django.contrib.auth import login
from django.core.exceptions import ValidationError
from django.core.serializers.json import DjangoJSONEncoder
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from bygdebas.core.access import current_network
from bygdebas.core.forms import add_service_errors
from bygdebas.core.http import NetworkRequest
from bygdebas.core.public_forms import rate_limited
from bygdebas.core.rows import attach
from bygdebas.members.access import (
    check_contact,
    contact_login_required,
    get_contact_organisation,
    get_organisation_person,
    organisations_for_contact,
)
from bygdebas.members.forms_selfservice import (
    LoginLinkForm,
    OrganisationSelfServiceForm,
    PersonSelfServiceForm,
)
from bygdebas.members.models import Engagement, Membership, Organisation, Person
from bygdebas.members.services import selfservice as services

# Logging in


@never_cache
@require_http_methods(["GET", "POST"])
@rate_limited("login-link", per=("ip", "network", "email"))
def login_request(request: HttpRequest) -> HttpResponse:
    network = current_network(request)
    form = LoginLinkForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        services.send_login_link(
            network=network,
            email=form.cleaned_data["email"],
            base_url=request.build_absolute_uri("/"),
        )
        # The same answer whether the address is known or not.
        return redirect("members:selfservice-login-sent")
    return render(
        request,
        "members/selfservice/login_request.html",
        {"form": form},
        status=400 if form.errors else 200,
    )


@require_GET
def login_sent(request: HttpRequest) -> HttpResponse:
    current_network(request)
    return render(request, "members/selfservice/login_sent.html")


@never_cache
@require_http_methods(["GET", "POST"])
@rate_limited("login-link")
def login_link(request: HttpRequest, token: str) -> HttpResponse:
    network = current_network(request)
    try:
        if request.method == "POST":
            user = services.log_in_by_link(network=network, token=token)
            login(request, user, backend="django.contrib.auth.backends.ModelBackend")
            messages.success(request, _("You are logged in."))
            return redirect("members:selfservice-home")
        person = services.person_for_login_token(network=network, token=token)
    except services.LoginLinkError:
        return render(request, "members/selfservice/login_link_invalid.html", status=400)
    return render(request, "members/selfservice/login_link.html", {"person": person})


# The contact's organisations


@contact_login_required
@require_GET
def home(request: NetworkRequest) -> HttpResponse:
    network = request.network
    check_contact(request.user, network)
    organisations = list(
        organisations_for_contact(request.user, network).prefetch_related("memberships")
    )
    for organisation in organisations:
        attach(organisation, latest_membership=next(iter(organisation.memberships.all()), None))
    return render(request, "members/selfservice/home.html", {"organisations": organisations})


def _people_of(organisation: Organisation) -> list[dict[str, Any]]:
    """The organisation's (not erased) people, each with their roles here."""
    people: dict[int, dict[str, Any]] = {}
    engagements = (
        Engagement.objects.filter(organisation=organisation, person__erased_at__isnull=True)
        .select_related("person")
        .order_by("person__name", "person_id", "role")
    )
    for engagement in engagements:
        entry = people.setdefault(engagement.person_id, {"person": engagement.person, "roles": []})
        entry["roles"].append(engagement.get_role_display())
    return list(people.values())


@contact_login_required
@require_GET
def organisation_detail(request: NetworkRequest, pk: int) -> HttpResponse:
    organisation = get_contact_organisation(request.user, request.network, pk)
    return render(
        request,
        "members/selfservice/organisation_detail.html",
        {
            "organisation": organisation,
            "people": _people_of(organisation),
            "memberships": Membership.objects.filter(organisation=organisation).order_by("-year"),
            "tags": organisation.tags.all(),
        },
    )


@contact_login_required
@require_http_methods(["GET", "POST"])
def organisation_edit(request: NetworkRequest, pk: int) -> HttpResponse:
    organisation = get_contact_organisation(request.user, request.network, pk)
    form = OrganisationSelfServiceForm(
        request.POST or None, instance=organisation, network=organisation.network
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.update_organisation(
                organisation=organisation,
                actor=request.user,
                **form.changes(),
            )
        except ValidationError as error:
            organisation.refresh_from_db()
            add_service_errors(form, error)
        else:
            messages.success(request, _("The organisation's details were saved."))
            return redirect("members:selfservice-organisation", pk=organisation.pk)
    return render(
        request,
        "members/selfservice/organisation_form.html",
        {"organisation": organisation, "form": form},
        status=400 if form.errors else 200,
    )


@contact_login_required
@require_http_methods(["GET", "POST"])
def person_add(request: NetworkRequest, pk: int) -> HttpResponse:
    organisation = get_contact_organisation(request.user, request.network, pk)
    form = PersonSelfServiceForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            person = services.add_person(
                organisation=organisation,
                actor=request.user,
                roles=form.cleaned_data["roles"],
                **form.person_fields(),
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("%(name)s was added.") % {"name": person.name})
            return redirect("members:selfservice-organisation", pk=organisation.pk)
    return render(
        request,
        "members/selfservice/person_form.html",
        {"organisation": organisation, "form": form},
        status=400 if form.errors else 200,
    )


@contact_login_required
@require_http_methods(["GET", "POST"])
def person_edit(request: NetworkRequest, pk: int, person_pk: int) -> HttpResponse:
    organisation = get_contact_organisation(request.user, request.network, pk)
    person = get_organisation_person(organisation, person_pk)
    roles = list(
        person.engagements.filter(organisation=organisation).values_list("role", flat=True)
    )
    form = PersonSelfServiceForm(
        request.POST or None,
        initial={"name": person.name, "email": person.email, "phone": person.phone, "roles": roles},
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.update_person(
                organisation=organisation,
                person=person,
                actor=request.user,
                roles=form.cleaned_data["roles"],
                **form.person_fields(),
            )
        except ValidationError as error:
            person.refresh_from_db()
            add_service_errors(form, error)
        else:
            messages.success(
                request, _("The details of %(name)s were saved.") % {"name": person.name}
            )
            return redirect("members:selfservice-organisation", pk=organisation.pk)
    return render(
        request,
        "members/selfservice/person_form.html",
        {"organisation": organisation, "form": form, "person": person},
        status=400 if form.errors else 200,
    )


@contact_login_required
@require_POST
def person_remove(request: NetworkRequest, pk: int, person_pk: int) -> HttpResponse:
    organisation = get_contact_organisation(request.user, request.network, pk)
    person: Person = get_organisation_person(organisation, person_pk)
    try:
        services.remove_person(organisation=organisation, person=person, actor=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(
            request,
            _("%(name)s no longer has a role in the organisation.") % {"name": person.name},
        )
    return redirect("members:selfservice-organisation", pk=organisation.pk)


@contact_login_required
@require_GET
def organisation_export(request: NetworkRequest, pk: int) -> HttpResponse:
    organisation = get_contact_organisation(request.user, request.network, pk)
    data = services.organisation_data(organisation)
    response = HttpResponse(
        json.dumps(data, ensure_ascii=False, indent=2, cls=DjangoJSONEncoder),
        content_type="application/json; charset=utf-8",
    )
    filename = f"{slugify(organisation.name) or 'organisation'}.json"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@contact_login_required
@require_GET
def organisation_pdf(request: NetworkRequest, pk: int) -> HttpResponse:
    """The same as the JSON download, as a PDF people read (labels in the page's language)."""
    organisation = get_contact_organisation(request.user, request.network, pk)
    content = services.render_organisation_pdf(
        organisation, base_url=request.build_absolute_uri("/")
    )
    response = HttpResponse(content, content_type="application/pdf")
    filename = f"{slugify(organisation.name) or 'organisation'}.pdf"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
