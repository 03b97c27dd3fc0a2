"""Public reporting, the public map and list, staff moderation and dossiers, Open311."""

from __future__ import annotations

import json
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from bygdebas.conditions import exports, open311, reads, services
from bygdebas.conditions.access import (
    get_dossier_for_user,
    get_public_report,
    get_report_for_user,
)
from bygdebas.conditions.forms import (
    DossierForm,
    EditReportForm,
    HeldCategoriesForm,
    MergeForm,
    MeTooForm,
    ReasonForm,
    ReportFilterForm,
    ReportForm,
    SentForm,
    StatusForm,
    UpdateForm,
    report_initial,
)
from bygdebas.conditions.models import Category, CategorySetting, Dossier, Report
from bygdebas.core.access import READ_ROLES, WRITE_ROLES, current_network, role_required
from bygdebas.core.forms import add_service_errors
from bygdebas.core.http import NetworkRequest
from bygdebas.core.metadata import PageMeta, summary
from bygdebas.core.public_forms import rate_limited

PAGE_SIZE = 50


def _public_rows(request: HttpRequest) -> tuple[Any, ReportFilterForm]:
    network = current_network(request)
    form = ReportFilterForm(request.GET or None, network=network)
    rows = reads.apply_filters(Report.objects.for_network(network).published(), form.filters())
    return rows, form


# --- Public ----------------------------------------------------------------------------------


@require_GET
def report_map(request: HttpRequest) -> HttpResponse:
    network = current_network(request)
    form = ReportFilterForm(request.GET or None, network=network)
    return render(
        request,
        "conditions/public/map.html",
        {
            "form": form,
            "query": request.GET.urlencode(),
            "page_meta": PageMeta(
                title=_("Rural conditions"),
                description=_(
                    "Roads, broadband and services where we live, reported by residents."
                ),
            ),
        },
    )


@require_GET
@cache_control(public=True, max_age=60)
def report_geojson(request: HttpRequest) -> HttpResponse:
    """Compact GeoJSON of the published reports in the view's bounding box (``bbox``)."""
    rows, _form = _public_rows(request)
    box = reads.parse_bbox(request.GET.get("bbox", ""))
    if box is not None:
        rows = rows.in_box(*box)
    return HttpResponse(
        json.dumps(reads.map_features(rows), ensure_ascii=False, separators=(",", ":")),
        content_type="application/geo+json",
    )


@require_GET
def report_list(request: HttpRequest) -> HttpResponse:
    rows, form = _public_rows(request)
    page = Paginator(
        rows.with_place().with_me_too_count().order_by("-published_at", "-pk"),
        PAGE_SIZE,
    ).get_page(request.GET.get("sida"))
    query = request.GET.copy()
    query.pop("sida", None)
    return render(
        request,
        "conditions/public/list.html",
        {"form": form, "page": page, "query": query.urlencode()},
    )


@require_GET
def report_summary(request: HttpRequest) -> HttpResponse:
    network = current_network(request)
    return render(
        request,
        "conditions/public/summary.html",
        {"rows": reads.summary(network), "categories": Category},
    )


@require_GET
def report_detail(request: HttpRequest, pk: int) -> HttpResponse:
    network = current_network(request)
    merged = Report.objects.for_network(network).filter(pk=pk, duplicate_of__isnull=False).first()
    if merged is not None and merged.duplicate_of_id and merged.published_at:
        return redirect("conditions:report-detail", merged.duplicate_of_id)
    report = get_public_report(network, pk)
    return _detail_page(request, report, MeTooForm())


def _detail_page(
    request: HttpRequest, report: Report, form: MeTooForm, status: int = 200
) -> HttpResponse:
    return render(
        request,
        "conditions/public/detail.html",
        {
            "report": report,
            "photos": report.photos.select_related("image"),
            "updates": report.updates.all(),
            "me_too_count": report.me_toos.confirmed().count(),
            "form": form,
            "page_meta": PageMeta(title=report.title, description=summary(report.description)),
        },
        status=status,
    )


@require_http_methods(["GET", "POST"])
@rate_limited("conditions.me_too", per=("ip", "network", "email"))
def me_too(request: HttpRequest, pk: int) -> HttpResponse:
    network = current_network(request)
    report = get_public_report(network, pk)
    if request.method != "POST":
        return _detail_page(request, report, MeTooForm())
    form = MeTooForm(request.POST)
    if form.is_valid():
        try:
            services.add_me_too(
                report=report,
                name=form.cleaned_data["name"],
                email=form.cleaned_data["email"],
                base_url=request.build_absolute_uri("/"),
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            return render(request, "conditions/public/me_too_sent.html", {"report": report})
    return _detail_page(request, report, form, status=400)


@require_http_methods(["GET", "POST"])
@rate_limited("conditions.report", per=("ip", "network", "email"))
def report_create(request: HttpRequest) -> HttpResponse:
    network = current_network(request)
    if request.method == "POST":
        form = ReportForm(request.POST, request.FILES, network=network)
        if form.is_valid():
            data = form.cleaned_data
            try:
                services.report_problem(
                    network=network,
                    category=data["category"],
                    title=data["title"],
                    description=data["description"],
                    name=data["name"],
                    email=data["email"],
                    lat=data["lat"],
                    lon=data["lon"],
                    municipality=data["municipality"],
                    locality=data["locality"],
                    address=data["address"],
                    photos=form.photos(),
                    base_url=request.build_absolute_uri("/"),
                )
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                return redirect("conditions:report-sent")
        status = 400
    else:
        form = ReportForm(network=network, initial={"category": request.GET.get("kategori")})
        status = 200
    return render(
        request,
        "conditions/public/report_form.html",
        {"form": form, "nearby": _nearby_from(request, network, form)},
        status=status,
    )


def _nearby_from(request: HttpRequest, network: Any, form: ReportForm) -> list[Report]:
    if not form.is_bound or "lat" in form.errors:
        return []
    data = getattr(form, "cleaned_data", {})
    if data.get("lat") is None or data.get("lon") is None or not data.get("category"):
        return []
    return services.nearby_reports(
        network=network, category=data["category"], lat=data["lat"], lon=data["lon"]
    )


@require_GET
def report_sent(request: HttpRequest) -> HttpResponse:
    return render(request, "conditions/public/report_sent.html")


@require_GET
def nearby(request: HttpRequest) -> HttpResponse:
    """The fragment "is it one of these?" for the report form (category, lat, lon)."""
    network = current_network(request)
    try:
        lat, lon = float(request.GET["lat"]), float(request.GET["lon"])
    except (KeyError, ValueError):
        rows: list[Report] = []
    else:
        category = request.GET.get("category", "")
        rows = (
            services.nearby_reports(network=network, category=category, lat=lat, lon=lon)
            if category in Category.values
            else []
        )
    return render(request, "conditions/public/_nearby.html", {"nearby": rows})


# --- Open311 GeoReport v2 --------------------------------------------------------------------


def _open311(
    rows: list[dict[str, Any]], fmt: str, root: str, item: str, status: int = 200
) -> HttpResponse:
    if fmt == "xml":
        return HttpResponse(
            open311.to_xml(root, item, rows), content_type="text/xml; charset=utf-8", status=status
        )
    return JsonResponse(rows, safe=False, status=status, json_dumps_params={"ensure_ascii": False})


@require_GET
def open311_services(request: HttpRequest, fmt: str) -> HttpResponse:
    current_network(request)
    return _open311(open311.services(), fmt, "services", "service")


@require_GET
def open311_requests(request: HttpRequest, fmt: str) -> HttpResponse:
    network = current_network(request)
    rows = Report.objects.for_network(network).published()
    try:
        rows = open311.query(rows, request.GET)
    except open311.Open311Error as error:
        return _open311(open311.error_rows(error), fmt, "errors", "error", status=error.code)
    reports = (
        rows.with_place()
        .prefetch_related("photos__image")
        .order_by("-published_at")[: open311.MAX_REQUESTS]
    )
    base = request.build_absolute_uri("/").rstrip("/")
    return _open311(
        [open311.request_row(r, base_url=base) for r in reports], fmt, "service_requests", "request"
    )


@require_GET
def open311_request(request: HttpRequest, pk: int, fmt: str) -> HttpResponse:
    network = current_network(request)
    try:
        report = get_public_report(network, pk)
    except Http404:
        error = open311.Open311Error(404, "no such service request")
        return _open311(open311.error_rows(error), fmt, "errors", "error", status=404)
    base = request.build_absolute_uri("/").rstrip("/")
    return _open311(
        [open311.request_row(report, base_url=base)], fmt, "service_requests", "request"
    )


# --- Staff -----------------------------------------------------------------------------------


def _staff_rows(request: NetworkRequest) -> tuple[Any, ReportFilterForm]:
    form = ReportFilterForm(request.GET or None, network=request.network)
    rows = reads.apply_filters(
        Report.objects.for_network(request.network).for_staff(), form.filters()
    )
    if request.GET.get("dolda") != "1":
        rows = rows.filter(is_hidden=False, duplicate_of__isnull=True)
    return rows, form


@role_required(READ_ROLES)
@require_GET
def staff_report_list(request: NetworkRequest) -> HttpResponse:
    rows, form = _staff_rows(request)
    page = Paginator(
        rows.with_place().with_me_too_count().order_by("-created_at", "-pk"),
        PAGE_SIZE,
    ).get_page(request.GET.get("sida"))
    query = request.GET.copy()
    query.pop("sida", None)
    return render(
        request,
        "conditions/staff/report_list.html",
        {
            "form": form,
            "page": page,
            "query": query.urlencode(),
            "pending": Report.objects.for_network(request.network).pending().count(),
        },
    )


@role_required(READ_ROLES)
@require_GET
def staff_report_detail(request: NetworkRequest, pk: int) -> HttpResponse:
    report = get_report_for_user(request.user, request.network, pk)
    return _staff_detail(request, report)


def _staff_detail(
    request: NetworkRequest, report: Report, status: int = 200, **forms: Any
) -> HttpResponse:
    context = {
        "report": report,
        "photos": report.photos.select_related("image"),
        "updates": report.updates.select_related("created_by"),
        "log": report.log.select_related("actor"),
        "me_too_count": report.me_toos.confirmed().count(),
        "status_form": StatusForm(initial={"status": report.status}, prefix="status"),
        "update_form": UpdateForm(prefix="update"),
        "reason_form": ReasonForm(prefix="hide"),
        **forms,
    }
    return render(request, "conditions/staff/report_detail.html", context, status=status)


@role_required(WRITE_ROLES)
@require_POST
def staff_report_hide(request: NetworkRequest, pk: int) -> HttpResponse:
    report = get_report_for_user(request.user, request.network, pk, write=True)
    form = ReasonForm(request.POST, prefix="hide")
    if form.is_valid():
        try:
            action = services.show_report if report.is_hidden else services.hide_report
            action(report=report, by=request.user, reason=form.cleaned_data["reason"])
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Saved."))
            return redirect("conditions:staff-report-detail", report.pk)
    return _staff_detail(request, report, status=400, reason_form=form)


@role_required(WRITE_ROLES)
@require_http_methods(["GET", "POST"])
def staff_report_edit(request: NetworkRequest, pk: int) -> HttpResponse:
    report = get_report_for_user(request.user, request.network, pk, write=True)
    form = EditReportForm(request.POST or None, initial=report_initial(report))
    if request.method == "POST" and form.is_valid():
        try:
            services.edit_report(
                report=report,
                by=request.user,
                title=form.cleaned_data["title"],
                description=form.cleaned_data["description"],
                reason=form.cleaned_data["reason"],
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("The public text is changed; the original is kept."))
            return redirect("conditions:staff-report-detail", report.pk)
    return render(
        request,
        "conditions/staff/report_edit.html",
        {"report": report, "form": form},
        status=400 if form.is_bound else 200,
    )


@role_required(WRITE_ROLES)
@require_http_methods(["GET", "POST"])
def staff_report_merge(request: NetworkRequest, pk: int) -> HttpResponse:
    report = get_report_for_user(request.user, request.network, pk, write=True)
    form = MergeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        into = (
            Report.objects.for_network(request.network)
            .confirmed()
            .filter(pk=form.cleaned_data["into"])
            .first()
        )
        if into is None:
            form.add_error("into", _("There is no report with that number."))
        else:
            try:
                services.merge_reports(
                    duplicate=report, into=into, by=request.user, reason=form.cleaned_data["reason"]
                )
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(request, _("The reports are merged."))
                return redirect("conditions:staff-report-detail", into.pk)
    nearby = [
        r
        for r in services.nearby_reports(
            network=request.network,
            category=report.category,
            lat=report.lat,
            lon=report.lon,
            radius_m=2000,
        )
        if r.pk != report.pk
    ]
    return render(
        request,
        "conditions/staff/report_merge.html",
        {"report": report, "form": form, "nearby": nearby},
        status=400 if form.is_bound else 200,
    )


@role_required(WRITE_ROLES)
@require_POST
def staff_report_status(request: NetworkRequest, pk: int) -> HttpResponse:
    report = get_report_for_user(request.user, request.network, pk, write=True)
    form = StatusForm(request.POST, prefix="status")
    if form.is_valid():
        try:
            services.set_status(
                report=report,
                by=request.user,
                status=form.cleaned_data["status"],
                text=form.cleaned_data["text"],
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("The status is changed and the reporter is told."))
            return redirect("conditions:staff-report-detail", report.pk)
    return _staff_detail(request, report, status=400, status_form=form)


@role_required(WRITE_ROLES)
@require_POST
def staff_report_update(request: NetworkRequest, pk: int) -> HttpResponse:
    report = get_report_for_user(request.user, request.network, pk, write=True)
    form = UpdateForm(request.POST, prefix="update")
    if form.is_valid():
        services.add_update(report=report, by=request.user, text=form.cleaned_data["text"])
        messages.success(request, _("The update is published."))
        return redirect("conditions:staff-report-detail", report.pk)
    return _staff_detail(request, report, status=400, update_form=form)


@role_required(WRITE_ROLES)
@require_http_methods(["GET", "POST"])
def staff_categories(request: NetworkRequest) -> HttpResponse:
    held = list(
        CategorySetting.objects.for_network(request.network)
        .filter(is_held=True)
        .values_list("category", flat=True)
    )
    form = HeldCategoriesForm(request.POST or None, initial={"categories": held})
    if request.method == "POST" and form.is_valid():
        services.set_held_categories(
            network=request.network, categories=form.cleaned_data["categories"]
        )
        messages.success(request, _("Saved."))
        return redirect("conditions:staff-categories")
    return render(request, "conditions/staff/categories.html", {"form": form})


def _export_rows(request: NetworkRequest) -> list[Report]:
    rows, _form = _staff_rows(request)
    return list(
        rows.filter(published_at__isnull=False)
        .with_place()
        .with_me_too_count()
        .order_by("municipality__name", "published_at")[:5000]
    )


@role_required(READ_ROLES)
@require_GET
def staff_export_csv(request: NetworkRequest) -> HttpResponse:
    response = HttpResponse(
        exports.to_csv(_export_rows(request)), content_type="text/csv; charset=utf-8"
    )
    response["Content-Disposition"] = 'attachment; filename="landsbygdslaget.csv"'
    return response


@role_required(READ_ROLES)
@require_GET
def staff_export_geojson(request: NetworkRequest) -> HttpResponse:
    response = HttpResponse(
        exports.to_geojson(_export_rows(request)), content_type="application/geo+json"
    )
    response["Content-Disposition"] = 'attachment; filename="landsbygdslaget.geojson"'
    return response


@role_required(WRITE_ROLES)
@require_http_methods(["GET", "POST"])
def dossier_create(request: NetworkRequest) -> HttpResponse:
    """A dossier of the list's current selection (its filters come along in the query)."""
    reports = _export_rows(request)
    filters = ReportFilterForm(request.GET or None, network=request.network).filters()
    municipality = filters.get("municipality")
    if request.method == "POST":
        form = DossierForm(request.POST)
        if form.is_valid():
            try:
                dossier = services.create_dossier(
                    network=request.network,
                    by=request.user,
                    title=form.cleaned_data["title"],
                    recipient=form.cleaned_data["recipient"],
                    reports=reports,
                    municipality=municipality,
                )
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                return redirect("conditions:dossier-detail", dossier.pk)
    else:
        form = DossierForm(initial=_dossier_initial(filters))
    return render(
        request,
        "conditions/staff/dossier_form.html",
        {"form": form, "reports": reports, "query": request.GET.urlencode()},
        status=400 if form.is_bound else 200,
    )


def _dossier_initial(filters: dict[str, Any]) -> dict[str, str]:
    municipality = filters.get("municipality")
    category = filters.get("category")
    road = category in (Category.ROAD, Category.WINTER_ROAD)
    recipient = (
        _("Swedish Transport Administration")
        if road
        else (_("%(m)s municipality") % {"m": municipality.name} if municipality else "")
    )
    where = municipality.name if municipality else _("the county")
    what = Category(category).label if category else _("Rural conditions")
    return {"title": f"{what} – {where}", "recipient": recipient}


@role_required(READ_ROLES)
@require_GET
def dossier_list(request: NetworkRequest) -> HttpResponse:
    from django.db.models import Count

    dossiers = (
        Dossier.objects.for_network(request.network)
        .select_related("municipality")
        .defer("municipality__boundary")
        .annotate(report_count=Count("reports"))
    )
    return render(request, "conditions/staff/dossier_list.html", {"dossiers": dossiers})


@role_required(READ_ROLES)
@require_GET
def dossier_detail(request: NetworkRequest, pk: int) -> HttpResponse:
    dossier = get_dossier_for_user(request.user, request.network, pk)
    return render(
        request,
        "conditions/staff/dossier_detail.html",
        {
            "dossier": dossier,
            "reports": dossier.reports.with_place().with_me_too_count(),
            "form": SentForm(),
        },
    )


@role_required(READ_ROLES)
@require_GET
def dossier_pdf(request: NetworkRequest, pk: int) -> HttpResponse:
    dossier = get_dossier_for_user(request.user, request.network, pk)
    reports = list(
        dossier.reports.with_place()
        .prefetch_related("photos__image")
        .with_me_too_count()
        .order_by("municipality__name", "published_at")
    )
    pdf = exports.dossier_pdf(
        network=request.network, title=dossier.title, recipient=dossier.recipient, reports=reports
    )
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="dossier-{dossier.pk}.pdf"'
    return response


@role_required(WRITE_ROLES)
@require_POST
def dossier_sent(request: NetworkRequest, pk: int) -> HttpResponse:
    dossier = get_dossier_for_user(request.user, request.network, pk, write=True)
    form = SentForm(request.POST)
    if form.is_valid():
        try:
            dossier = services.mark_dossier_sent(
                dossier=dossier, by=request.user, sent_on=form.cleaned_data["sent_on"]
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            if dossier.action_id:
                messages.success(request, _("Marked as sent, and logged as an action in the plan."))
            else:
                messages.warning(
                    request,
                    _(
                        "Marked as sent. No infrastructure activity in the plan for the year: "
                        "no action was logged."
                    ),
                )
            return redirect("conditions:dossier-detail", dossier.pk)
    return render(
        request,
        "conditions/staff/dossier_detail.html",
        {
            "dossier": dossier,
            "reports": dossier.reports.with_place().with_me_too_count(),
            "form": form,
        },
        status=400,
    )
