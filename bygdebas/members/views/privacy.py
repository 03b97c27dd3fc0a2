"""Staff pages for data protection: a person's legal basis and consents, the register extract,
erasure, the retention review and the audit log of personal data."""

from __future__ import annotations

import datetime
import json

from django.contrib import messages
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.core.serializers.json import DjangoJSONEncoder
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from bygdebas.core.access import ADMIN_ROLES, WRITE_ROLES, role_required
from bygdebas.core.http import NetworkRequest
from bygdebas.core.models import AuditEntry, Role
from bygdebas.core.personal_data import retention_provider
from bygdebas.members.access import get_consent_for_user, get_person_for_user
from bygdebas.members.forms_selfservice import AuditFilterForm, ConsentForm, LegalBasisForm
from bygdebas.members.models import Person
from bygdebas.members.services import privacy as services

PAGE_SIZE = 50


def _person_page(
    request: NetworkRequest,
    person: Person,
    *,
    consent_form: ConsentForm | None = None,
    basis_form: LegalBasisForm | None = None,
    status: int = 200,
) -> HttpResponse:
    is_admin = request.user.role_in(person.network) == Role.Kind.ADMIN
    return render(
        request,
        "members/privacy/person_privacy.html",
        {
            "person": person,
            "consents": person.consents.all(),
            "engagements": person.engagements.select_related("organisation"),
            "consent_form": consent_form or ConsentForm(),
            "basis_form": basis_form or LegalBasisForm(initial={"legal_basis": person.legal_basis}),
            "is_admin": is_admin,
            "entries": services.audit_entries_about(person)[:PAGE_SIZE] if is_admin else [],
        },
        status=status,
    )


@role_required(WRITE_ROLES)
@require_GET
def person_privacy(request: NetworkRequest, pk: int) -> HttpResponse:
    person = get_person_for_user(request.user, request.network, pk)
    return _person_page(request, person)


@role_required(WRITE_ROLES)
@require_POST
def consent_add(request: NetworkRequest, pk: int) -> HttpResponse:
    person = get_person_for_user(request.user, request.network, pk)
    form = ConsentForm(request.POST)
    if form.is_valid():
        try:
            services.record_consent(person=person, actor=request.user, **form.cleaned_data)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("The consent was recorded."))
            return redirect("members:privacy-person", pk=person.pk)
    return _person_page(request, person, consent_form=form, status=400)


@role_required(WRITE_ROLES)
@require_POST
def consent_withdraw(request: NetworkRequest, pk: int) -> HttpResponse:
    consent = get_consent_for_user(request.user, request.network, pk)
    try:
        services.withdraw_consent(consent=consent, actor=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("The consent was withdrawn."))
    return redirect("members:privacy-person", pk=consent.person_id)


@role_required(WRITE_ROLES)
@require_POST
def legal_basis(request: NetworkRequest, pk: int) -> HttpResponse:
    person = get_person_for_user(request.user, request.network, pk)
    form = LegalBasisForm(request.POST)
    if form.is_valid():
        try:
            services.set_legal_basis(
                person=person,
                actor=request.user,
                legal_basis=form.cleaned_data["legal_basis"],
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("The legal basis was saved."))
            return redirect("members:privacy-person", pk=person.pk)
    return _person_page(request, person, basis_form=form, status=400)


def _extract_filename(person: Person, extension: str) -> str:
    return f"registerutdrag-{person.pk}-{timezone.localdate():%Y%m%d}.{extension}"


@role_required(WRITE_ROLES)
@require_GET
def extract_json(request: NetworkRequest, pk: int) -> HttpResponse:
    person = get_person_for_user(request.user, request.network, pk)
    response = HttpResponse(
        json.dumps(
            services.extract_data(person), ensure_ascii=False, indent=2, cls=DjangoJSONEncoder
        ),
        content_type="application/json; charset=utf-8",
    )
    response["Content-Disposition"] = f'attachment; filename="{_extract_filename(person, "json")}"'
    return response


@role_required(WRITE_ROLES)
@require_GET
def extract_pdf(request: NetworkRequest, pk: int) -> HttpResponse:
    person = get_person_for_user(request.user, request.network, pk)
    content = services.render_extract_pdf(person, base_url=request.build_absolute_uri("/"))
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{_extract_filename(person, "pdf")}"'
    return response


@role_required(ADMIN_ROLES)
@require_http_methods(["GET", "POST"])
def person_erase(request: NetworkRequest, pk: int) -> HttpResponse:
    person = get_person_for_user(request.user, request.network, pk, roles=ADMIN_ROLES)
    if request.method == "POST":
        try:
            services.erase_person(person=person, actor=request.user)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, _("The person's personal data was erased."))
        return redirect("members:privacy-person", pk=person.pk)
    return render(
        request,
        "members/privacy/person_erase.html",
        {
            "person": person,
            "erasure_notes": services.erasure_notes(person),
            "engagements": person.engagements.select_related("organisation"),
        },
    )


@role_required(ADMIN_ROLES)
@require_GET
def retention(request: NetworkRequest) -> HttpResponse:
    network = request.network
    now = timezone.now()
    years = services.retention_years()
    people = services.retention_candidates(network, now=now, years=years).order_by(
        "updated_at", "pk"
    )
    page = Paginator(people, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "members/privacy/retention.html",
        {
            "page": page,
            "years": years,
            "sections": services.other_retention_candidates(network, now=now, years=years),
        },
    )


@role_required(ADMIN_ROLES)
@require_POST
def retention_erase(request: NetworkRequest) -> HttpResponse:
    network = request.network
    chosen = [int(value) for value in request.POST.getlist("people") if value.isdigit()]
    if not chosen:
        messages.error(request, _("Choose the people to erase."))
        return redirect("members:privacy-retention")
    count = services.erase_people(network=network, people=chosen, actor=request.user)
    messages.success(
        request,
        ngettext(
            "The personal data of %(count)d person was erased.",
            "The personal data of %(count)d people was erased.",
            count,
        )
        % {"count": count},
    )
    return redirect("members:privacy-retention")


@role_required(ADMIN_ROLES)
@require_POST
def retention_erase_records(request: NetworkRequest, key: str) -> HttpResponse:
    """Erase the chosen records of one app's section of the retention review."""
    network = request.network
    provider = retention_provider(key)
    if provider is None:
        raise Http404
    chosen = [int(value) for value in request.POST.getlist("records") if value.isdigit()]
    if not chosen:
        messages.error(request, _("Choose the rows to erase."))
        return redirect("members:privacy-retention")
    count = provider.erase(network=network, ids=chosen, actor=request.user)
    messages.success(
        request,
        _("Personal data erased under “%(label)s”: %(count)d.")
        % {"label": provider.label, "count": count},
    )
    return redirect("members:privacy-retention")


@role_required(ADMIN_ROLES)
@require_GET
def audit_log(request: NetworkRequest) -> HttpResponse:
    network = request.network
    form = AuditFilterForm(request.GET or None)
    entries = AuditEntry.objects.for_network(network).select_related("actor")
    if form.is_valid():
        data = form.cleaned_data
        if data["person"]:
            entries = entries.filter(
                content_type=ContentType.objects.get_for_model(Person),
                object_id=str(data["person"]),
            )
        if data["verb"]:
            entries = entries.filter(verb__icontains=data["verb"])
        if data["source"]:
            entries = entries.filter(source=data["source"])
        tz = timezone.get_current_timezone()
        if data["since"]:
            entries = entries.filter(
                at__gte=datetime.datetime.combine(data["since"], datetime.time.min, tzinfo=tz)
            )
        if data["until"]:
            entries = entries.filter(
                at__lt=datetime.datetime.combine(
                    data["until"] + datetime.timedelta(days=1), datetime.time.min, tzinfo=tz
                )
            )
    page = Paginator(entries, PAGE_SIZE).get_page(request.GET.get("page"))
    filters = request.GET.copy()
    filters.pop("page", None)
    return render(
        request,
        "members/privacy/audit_log.html",
        {
            "form": form,
            "page": page,
            "filters": filters.urlencode(),
            "person_type_id": ContentType.objects.get_for_model(Person).pk,
        },
    )
