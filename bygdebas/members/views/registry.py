"""Staff pages of the registry: organisations, people, their roles, the map and exports.

Read roles (administrator, staff, board) see the lists, pages and map; administrators and staff
change rows and export (exports hold personal data). Every change goes through
``members.services.registry``, which audits it. Thin: parse a form, fetch within the network,
call a service, render or redirect.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db import transaction
from django.db.models import Count
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from bygdebas.core.access import READ_ROLES, WRITE_ROLES, role_required
from bygdebas.core.forms import add_service_errors
from bygdebas.core.http import NetworkRequest
from bygdebas.core.models import AuditEntry
from bygdebas.core.rows import annotated, attach
from bygdebas.members import exports
from bygdebas.members.access import (
    get_engagement_for_user,
    get_organisation_for_user,
    get_registry_person_for_user,
)
from bygdebas.members.filters import (
    ORGANISATION_SORTS,
    PERSON_SORTS,
    filter_organisations,
    filter_people,
    tag_names,
    with_membership_status,
    with_tag_names,
)
from bygdebas.members.forms_registry import (
    EngagementForm,
    NewPersonForm,
    OrganisationFilterForm,
    OrganisationForm,
    PersonEngagementForm,
    PersonFilterForm,
    PersonForm,
)
from bygdebas.members.models import (
    Engagement,
    Membership,
    Organisation,
    current_year,
)
from bygdebas.members.organisation_sources import organisation_actions
from bygdebas.members.services import registry as services

PAGE_SIZE = 50
SOURCE = AuditEntry.Source.FORM


# --- Filter state in the query string ---------------------------------------------------------


def _year(form: Any) -> int:
    year = form.cleaned_data.get("year") if form.is_bound and form.is_valid() else None
    return year or current_year()


def _values(form: Any) -> dict[str, Any]:
    """The valid filters; an invalid filter form filters nothing (and shows its errors)."""
    return form.cleaned_data if form.is_bound and form.is_valid() else {}


def _query(request: HttpRequest, *drop: str) -> str:
    query = request.GET.copy()
    for name in ("page", *drop):
        query.pop(name, None)
    return query.urlencode()


def _sort_links(request: HttpRequest, sorts: dict[str, tuple[str, ...]]) -> dict[str, dict]:
    """For each sortable column: the link that sorts by it, and whether (and how) it is sorted."""
    current = request.GET.get("sort") or "name"
    if current.lstrip("-") not in sorts:
        current = "name"
    base = _query(request, "sort")
    links = {}
    for key in sorts:
        is_current = current.lstrip("-") == key
        is_descending = is_current and current.startswith("-")
        target = key if not is_current or is_descending else f"-{key}"
        links[key] = {
            "url": f"?{base}&sort={target}" if base else f"?sort={target}",
            "sorted": ("descending" if is_descending else "ascending") if is_current else "",
        }
    return links


def _is_htmx(request: HttpRequest) -> bool:
    return request.headers.get("HX-Request") == "true" and not request.headers.get(
        "HX-History-Restore-Request"
    )


# --- Organisations -----------------------------------------------------------------------------


# The organisation list's columns: only these are read (never the notes or a municipality's
# boundary, which select_related would otherwise bring along for every row).
ORGANISATION_LIST_COLUMNS = (
    "name",
    "kind",
    "locality",
    "founded_year",
    "is_youth_led",
    "updated_at",
    "municipality__name",
)
PERSON_LIST_COLUMNS = ("name", "email", "phone", "updated_at")


def _url_prefix(name: str) -> str:
    """The detail URL ``name`` without its primary key: ".../organisationer/0/" -> ".../organisationer/"."""
    return reverse(name, kwargs={"pk": 0})[:-2]


def _day(moment: Any) -> str:
    """A timestamp as the local date, ``Y-m-d`` (what the ``date`` filter would show)."""
    return timezone.localdate(moment).isoformat()


@role_required(READ_ROLES)
@require_GET
def organisation_list(request: NetworkRequest) -> HttpResponse:
    network = request.network
    form = OrganisationFilterForm(request.GET or None, network=network)
    year = _year(form)
    organisations = with_tag_names(
        with_membership_status(filter_organisations(network, _values(form), year=year), year)
        .select_related("municipality")
        .only(*ORGANISATION_LIST_COLUMNS)
    )
    page = Paginator(organisations, PAGE_SIZE).get_page(request.GET.get("page"))
    # Labels, links and dates worked out once here: per-row template work (get_kind_display
    # hashes every lazy choice label on each call, {% url %} and |date are slow) is most of what
    # a 50-row page costs.
    statuses = {key: str(label) for key, label in Membership.Status.choices}
    kinds = {key: str(label) for key, label in Organisation.Kind.choices}
    detail = _url_prefix("members:organisation-detail")
    for organisation in page:
        attach(
            organisation,
            kind_label=kinds.get(organisation.kind, organisation.kind),
            status_label=statuses.get(annotated(organisation, "year_status"), ""),
            url=f"{detail}{organisation.pk}/",
            updated=_day(organisation.updated_at),
            tag_names=", ".join(tag_names(annotated(organisation, "tag_names_joined"))),
        )
    context = {
        "form": form,
        "page": page,
        "year": year,
        "query": _query(request),
        "sorts": _sort_links(request, ORGANISATION_SORTS),
        "formats": exports.FORMATS,
    }
    template = "members/registry/organisation_list.html"
    if _is_htmx(request):
        template += "#results"
    return render(request, template, context)


@role_required(WRITE_ROLES)
@require_GET
def organisation_export(request: NetworkRequest, fmt: str) -> HttpResponse:
    if fmt not in exports.FORMATS:
        raise Http404
    network = request.network
    form = OrganisationFilterForm(request.GET or None, network=network)
    year = _year(form)
    content = exports.export_organisations(
        filter_organisations(network, _values(form), year=year), fmt, year=year
    )
    response = HttpResponse(content, content_type=exports.CONTENT_TYPES[fmt])
    response["Content-Disposition"] = (
        f'attachment; filename="{exports.filename(_("organisations"), fmt)}"'
    )
    return response


def _organisation_form_page(
    request: NetworkRequest, *, organisation: Organisation | None = None
) -> HttpResponse:
    network = request.network
    initial = OrganisationForm.initial_for(organisation) if organisation else None
    form = OrganisationForm(request.POST or None, network=network, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            if organisation is None:
                organisation = services.create_organisation(
                    network=network,
                    actor=request.user,
                    source=SOURCE,
                    **form.organisation_data(),
                )
            else:
                services.update_organisation(
                    organisation=organisation,
                    actor=request.user,
                    source=SOURCE,
                    **form.organisation_data(),
                )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("The organisation was saved."))
            return redirect("members:organisation-detail", pk=organisation.pk)
    return render(
        request,
        "members/registry/organisation_form.html",
        {"form": form, "organisation": organisation},
        status=400 if request.method == "POST" else 200,
    )


@role_required(WRITE_ROLES)
@require_http_methods(["GET", "POST"])
def organisation_create(request: NetworkRequest) -> HttpResponse:
    return _organisation_form_page(request)


@role_required(WRITE_ROLES)
@require_http_methods(["GET", "POST"])
def organisation_edit(request: NetworkRequest, pk: int) -> HttpResponse:
    organisation = get_organisation_for_user(request.user, request.network, pk, write=True)
    return _organisation_form_page(request, organisation=organisation)


@role_required(READ_ROLES)
@require_GET
def organisation_detail(request: NetworkRequest, pk: int) -> HttpResponse:
    network = request.network
    organisation = get_organisation_for_user(request.user, network, pk)
    engagements = (
        organisation.engagements.select_related("person")
        .filter(person__erased_at__isnull=True)
        .order_by("role", "person__name")
    )
    return render(
        request,
        "members/registry/organisation_detail.html",
        {
            "organisation": organisation,
            "engagements": engagements,
            "tags": organisation.tags.order_by("name"),
            "memberships": organisation.memberships.order_by("-year"),
            "actions": organisation_actions(network, organisation)[:50],
            "engagement_form": EngagementForm(network=network),
            "year": current_year(),
        },
    )


@role_required(WRITE_ROLES)
@require_http_methods(["GET", "POST"])
def engagement_add(request: NetworkRequest, pk: int) -> HttpResponse:
    """Give an existing person (found by e-mail address) a role in the organisation."""
    network = request.network
    organisation = get_organisation_for_user(request.user, network, pk, write=True)
    form = EngagementForm(request.POST or None, network=network)
    if request.method == "POST" and form.is_valid():
        services.add_engagement(
            person=form.cleaned_data["email"],
            organisation=organisation,
            role=form.cleaned_data["role"],
            actor=request.user,
            source=SOURCE,
        )
        messages.success(request, _("The role was added."))
        return redirect("members:organisation-detail", pk=organisation.pk)
    return render(
        request,
        "members/registry/engagement_form.html",
        {"form": form, "organisation": organisation},
        status=400 if request.method == "POST" else 200,
    )


@role_required(WRITE_ROLES)
@require_POST
def engagement_remove(request: NetworkRequest, pk: int) -> HttpResponse:
    engagement = get_engagement_for_user(request.user, request.network, pk)
    services.remove_engagement(
        engagement=engagement,
        actor=request.user,
        source=SOURCE,
    )
    messages.success(request, _("The role was removed."))
    if request.POST.get("back") == "person":
        return redirect("members:person-detail", pk=engagement.person.pk)
    return redirect("members:organisation-detail", pk=engagement.organisation.pk)


# --- The map ----------------------------------------------------------------------------------


@role_required(READ_ROLES)
@require_GET
def organisation_map(request: NetworkRequest) -> HttpResponse:
    """The filtered organisations on a map, with a table of counts per municipality (no JS)."""
    network = request.network
    form = OrganisationFilterForm(request.GET or None, network=network)
    year = _year(form)
    organisations = filter_organisations(network, _values(form), year=year)
    counts = dict(organisations.order_by().values_list("municipality_id").annotate(n=Count("pk")))
    rows = [(m, counts.pop(m.pk, 0)) for m in network.municipalities()]
    query = _query(request)
    return render(
        request,
        "members/registry/organisation_map.html",
        {
            "form": form,
            "year": year,
            "rows": rows,
            "unplaced": counts.pop(None, 0),
            "elsewhere": sum(counts.values()),
            "total": sum(n for _, n in rows) + sum(counts.values()),
            "query": query,
            "json_url": reverse("members:organisation-map-json") + (f"?{query}" if query else ""),
        },
    )


@role_required(READ_ROLES)
@require_GET
def organisation_map_json(request: NetworkRequest) -> JsonResponse:
    """The filtered organisations with a position, and the count per municipality code."""
    network = request.network
    form = OrganisationFilterForm(request.GET or None, network=network)
    year = _year(form)
    organisations = filter_organisations(network, _values(form), year=year).order_by()
    # One pass over the filtered rows gives both the points and the counts per municipality.
    counts: Counter[str | None] = Counter()
    points = []
    for pk, name, lat, lon, code in organisations.values_list(
        "pk", "name", "latitude", "longitude", "municipality__code"
    ):
        counts[code] += 1
        if lat is not None and lon is not None:
            points.append([pk, name, round(lat, 5), round(lon, 5)])
    return JsonResponse(
        {
            # Compact, since a registry has thousands: [id, name, latitude, longitude], and the
            # link to an organisation is ``url`` with the id in place of 0.
            "fields": ["id", "name", "lat", "lon"],
            "organisations": points,
            "url": reverse("members:organisation-detail", kwargs={"pk": 0}),
            "municipalities": {code: n for code, n in counts.items() if code},
            "unplaced": counts.get(None, 0),
        },
        json_dumps_params={"ensure_ascii": False, "separators": (",", ":")},
    )


# --- People -----------------------------------------------------------------------------------


@role_required(READ_ROLES)
@require_GET
def person_list(request: NetworkRequest) -> HttpResponse:
    network = request.network
    form = PersonFilterForm(request.GET or None, network=network)
    people = filter_people(network, _values(form)).only(*PERSON_LIST_COLUMNS)
    page = Paginator(people, PAGE_SIZE).get_page(request.GET.get("page"))
    # The page's roles in one query, as plain values (no model instance or manager a role).
    roles: dict[int, list[tuple[str, str, str]]] = defaultdict(list)
    labels = {key: str(label) for key, label in Engagement.Role.choices}
    organisation_url = _url_prefix("members:organisation-detail")
    for person_id, role, organisation_id, organisation_name in (
        Engagement.objects.filter(person__in=[person.pk for person in page])
        .order_by("organisation__name", "role")
        .values_list("person_id", "role", "organisation_id", "organisation__name")
    ):
        roles[person_id].append(
            (labels.get(role, role), f"{organisation_url}{organisation_id}/", organisation_name)
        )
    person_url = _url_prefix("members:person-detail")
    for person in page:
        attach(
            person,
            url=f"{person_url}{person.pk}/",
            updated=_day(person.updated_at),
            roles=roles.get(person.pk, []),
        )
    context = {
        "form": form,
        "page": page,
        "query": _query(request),
        "sorts": _sort_links(request, PERSON_SORTS),
        "formats": exports.FORMATS,
    }
    template = "members/registry/person_list.html"
    if _is_htmx(request):
        template += "#results"
    return render(request, template, context)


@role_required(WRITE_ROLES)
@require_GET
def person_export(request: NetworkRequest, fmt: str) -> HttpResponse:
    if fmt not in exports.FORMATS:
        raise Http404
    network = request.network
    form = PersonFilterForm(request.GET or None, network=network)
    content = exports.export_people(filter_people(network, _values(form)), fmt)
    response = HttpResponse(content, content_type=exports.CONTENT_TYPES[fmt])
    response["Content-Disposition"] = f'attachment; filename="{exports.filename(_("people"), fmt)}"'
    return response


@role_required(WRITE_ROLES)
@require_http_methods(["GET", "POST"])
def person_create(request: NetworkRequest) -> HttpResponse:
    """A new person; with ``?organisation=<pk>`` also their role there."""
    network = request.network
    organisation = None
    if (raw := request.GET.get("organisation", "")).isdigit():
        organisation = get_organisation_for_user(request.user, network, int(raw), write=True)
    form = NewPersonForm(request.POST or None, organisation=organisation)
    if request.method == "POST" and form.is_valid():
        try:
            with transaction.atomic():
                person = services.create_person(
                    network=network,
                    actor=request.user,
                    source=SOURCE,
                    **form.person_data(),
                )
                if organisation is not None:
                    services.add_engagement(
                        person=person,
                        organisation=organisation,
                        role=form.cleaned_data["role"],
                        actor=request.user,
                        source=SOURCE,
                    )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("The person was saved."))
            if organisation is not None:
                return redirect("members:organisation-detail", pk=organisation.pk)
            return redirect("members:person-detail", pk=person.pk)
    return render(
        request,
        "members/registry/person_form.html",
        {"form": form, "person": None, "organisation": organisation},
        status=400 if request.method == "POST" else 200,
    )


@role_required(WRITE_ROLES)
@require_http_methods(["GET", "POST"])
def person_edit(request: NetworkRequest, pk: int) -> HttpResponse:
    network = request.network
    person = get_registry_person_for_user(request.user, network, pk, write=True)
    form = PersonForm(request.POST or None, initial=PersonForm.initial_for(person))
    if request.method == "POST" and form.is_valid():
        try:
            services.update_person(
                person=person,
                actor=request.user,
                source=SOURCE,
                **form.person_data(),
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("The person was saved."))
            return redirect("members:person-detail", pk=person.pk)
    return render(
        request,
        "members/registry/person_form.html",
        {"form": form, "person": person, "organisation": None},
        status=400 if request.method == "POST" else 200,
    )


@role_required(READ_ROLES)
@require_GET
def person_detail(request: NetworkRequest, pk: int) -> HttpResponse:
    network = request.network
    person = get_registry_person_for_user(request.user, network, pk)
    return render(
        request,
        "members/registry/person_detail.html",
        {
            "person": person,
            "engagements": person.engagements.select_related("organisation__municipality")
            .only("person", "role", "organisation__name", "organisation__municipality__name")
            .order_by("organisation__name", "role"),
            "engagement_form": PersonEngagementForm(network=network),
        },
    )


@role_required(WRITE_ROLES)
@require_POST
def person_engagement_add(request: NetworkRequest, pk: int) -> HttpResponse:
    network = request.network
    person = get_registry_person_for_user(request.user, network, pk, write=True)
    form = PersonEngagementForm(request.POST, network=network)
    if form.is_valid():
        services.add_engagement(
            person=person,
            organisation=form.cleaned_data["organisation"],
            role=form.cleaned_data["role"],
            actor=request.user,
            source=SOURCE,
        )
        messages.success(request, _("The role was added."))
    else:
        messages.error(request, _("Choose an organisation and a role."))
    return redirect("members:person-detail", pk=person.pk)
