"""Staff pages for timetable feeds and connectivity analyses. Thin: parse, fetch, call a service."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from bygdebas.connectivity import exports, results, services
from bygdebas.connectivity.access import get_analysis_for_user, get_feed_for_user
from bygdebas.connectivity.dates import holiday_name
from bygdebas.connectivity.forms import AnalysisForm, CompareForm, FeedUploadForm
from bygdebas.connectivity.models import Analysis, Feed
from bygdebas.core.access import READ_ROLES, WRITE_ROLES, role_required
from bygdebas.core.forms import add_service_errors
from bygdebas.core.http import NetworkRequest

PAGE_SIZE = 50
MODES = {"resor": results.JOURNEYS, "snabbast": results.FASTEST}


@role_required(READ_ROLES)
@require_GET
def analysis_list(request: NetworkRequest) -> HttpResponse:
    network = request.network
    # Analyses a dead worker left "running" show as failed here too, without waiting for cron.
    services.sweep_stalled_analyses(analyses=Analysis.objects.for_network(network))
    analyses = (
        Analysis.objects.for_network(network)
        .select_related("feed", "created_by")
        .defer("result", "places")
    )
    page = Paginator(analyses, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "connectivity/analysis_list.html",
        {"page": page, "feed_count": Feed.objects.for_network(network).count()},
    )


@role_required(READ_ROLES)
@require_GET
def feed_list(request: NetworkRequest) -> HttpResponse:
    feeds = Feed.objects.for_network(request.network).select_related("uploaded_by")
    page = Paginator(feeds, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "connectivity/feed_list.html", {"page": page})


@role_required(WRITE_ROLES)
@require_http_methods(["GET", "POST"])
def feed_upload(request: NetworkRequest) -> HttpResponse:
    network = request.network
    form = FeedUploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            feed = services.store_feed(
                network=network,
                upload=form.cleaned_data["file"],
                name=form.cleaned_data["name"],
                credit=form.cleaned_data["credit"],
                user=request.user,
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("The feed was read and saved."))
            return redirect("connectivity:feed-detail", pk=feed.pk)
    return render(
        request,
        "connectivity/feed_upload.html",
        {"form": form},
        status=400 if request.method == "POST" else 200,
    )


@role_required(READ_ROLES)
@require_GET
def feed_detail(request: NetworkRequest, pk: int) -> HttpResponse:
    feed = get_feed_for_user(request.user, request.network, pk)
    analyses = feed.analyses.select_related("created_by").defer("result", "places")
    return render(
        request, "connectivity/feed_detail.html", {"feed": feed, "analyses": analyses[:PAGE_SIZE]}
    )


@role_required(WRITE_ROLES)
@require_POST
def feed_delete(request: NetworkRequest, pk: int) -> HttpResponse:
    feed = get_feed_for_user(request.user, request.network, pk, write=True)
    try:
        services.delete_feed(feed=feed)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect("connectivity:feed-detail", pk=feed.pk)
    messages.success(request, _("The feed was deleted."))
    return redirect("connectivity:feed-list")


@role_required(WRITE_ROLES)
@require_http_methods(["GET", "POST"])
def analysis_create(request: NetworkRequest) -> HttpResponse:
    network = request.network
    feed = None
    if request.method == "GET" and request.GET.get("feed", "").isdigit():
        feed = get_feed_for_user(request.user, network, int(request.GET["feed"]))
    form = AnalysisForm(request.POST or None, network=network, feed=feed)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            analysis = services.start_analysis(
                network=network,
                feed=data["feed"],
                date=data["date"],
                places=data["places"],
                radius_m=data["radius_m"],
                min_transfer_s=data["min_transfer_s"],
                walk_m=data["walk_m"],
                compared_with=data["compared_with"],
                activity=data["activity"],
                user=request.user,
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("The analysis was started."))
            return redirect("connectivity:analysis-detail", pk=analysis.pk)
    return render(
        request,
        "connectivity/analysis_form.html",
        {"form": form, "has_feeds": form.feeds.exists()},
        status=400 if request.method == "POST" else 200,
    )


def _comparison(
    request: HttpRequest, analysis: Analysis
) -> tuple[CompareForm, results.ComparisonView | None]:
    """The comparison chosen on the page (?jamfor=), else the one chosen when starting it."""
    data = request.GET if "jamfor" in request.GET else None
    form = CompareForm(
        data,
        analysis=analysis,
        initial={"jamfor": analysis.compared_with_id},
    )
    other = analysis.compared_with if data is None else None
    if data is not None and form.is_valid():
        other = form.cleaned_data["jamfor"]
    if other is None or not other.is_done or other.network_id != analysis.network_id:
        return form, None
    return form, results.compare_analyses(other, analysis)


@role_required(READ_ROLES)
@require_GET
def analysis_detail(request: NetworkRequest, pk: int) -> HttpResponse:
    analysis = get_analysis_for_user(request.user, request.network, pk)
    # Without cron, the page itself notices a dead worker, stops polling and offers to run again.
    services.sweep_if_stalled(analysis=analysis)
    context: dict = {"analysis": analysis, "holiday": holiday_name(analysis.date)}
    if analysis.is_done:
        result = analysis.result or {}
        mode_key = request.GET.get("visa", "resor")
        mode = MODES.get(mode_key, results.JOURNEYS)
        compare_form, comparison = _comparison(request, analysis)
        context.update(
            matrix=results.build_matrix(result, mode),
            mode=mode,
            cards=results.place_cards(result),
            findings=results.findings(result),
            comparison=comparison,
            compare_form=compare_form,
            compare_query=f"jamfor={comparison.before.pk}" if comparison else "",
            weekend=result.get("weekend", {}),
            has_service=result.get("has_service", True),
            service=results.service_level(result),
            warnings=result.get("warnings", []),
            formats=exports.FORMATS,
        )
        if request.headers.get("HX-Request") and request.headers.get("HX-Target") == "matrix":
            return render(request, "connectivity/analysis_detail.html#matrix", context)
    return render(request, "connectivity/analysis_detail.html", context)


@role_required(READ_ROLES)
@require_GET
def analysis_progress(request: NetworkRequest, pk: int) -> HttpResponse:
    """The progress fragment the result page polls; once finished, htmx reloads the page."""
    analysis = get_analysis_for_user(request.user, request.network, pk)
    if not request.headers.get("HX-Request"):
        return redirect("connectivity:analysis-detail", pk=analysis.pk)
    services.sweep_if_stalled(analysis=analysis)
    response = render(
        request,
        "connectivity/analysis_detail.html#progress",
        {"analysis": analysis, "is_fragment": True},
    )
    if not analysis.is_pending:
        response["HX-Refresh"] = "true"
    return response


@role_required(READ_ROLES)
@require_GET
def analysis_map(request: NetworkRequest, pk: int) -> JsonResponse:
    analysis = get_analysis_for_user(request.user, request.network, pk)
    if not analysis.is_done:
        raise Http404
    return JsonResponse(
        results.map_data(analysis.result or {}), json_dumps_params={"ensure_ascii": False}
    )


@role_required(READ_ROLES)
@require_GET
def analysis_export(request: NetworkRequest, pk: int, fmt: str) -> HttpResponse:
    analysis = get_analysis_for_user(request.user, request.network, pk)
    if fmt not in exports.FORMATS or not analysis.is_done:
        raise Http404
    if fmt == "csv":
        content = exports.render_csv(analysis)
    elif fmt == "xlsx":
        content = exports.render_xlsx(analysis)
    else:
        _form, comparison = _comparison(request, analysis)
        content = exports.render_pdf(analysis, comparison, base_url=request.build_absolute_uri("/"))
    response = HttpResponse(content, content_type=exports.CONTENT_TYPES[fmt])
    response["Content-Disposition"] = f'attachment; filename="{exports.filename(analysis, fmt)}"'
    return response


@role_required(WRITE_ROLES)
@require_POST
def analysis_delete(request: NetworkRequest, pk: int) -> HttpResponse:
    analysis = get_analysis_for_user(request.user, request.network, pk, write=True)
    services.delete_analysis(analysis=analysis)
    messages.success(request, _("The analysis was deleted."))
    return redirect("connectivity:analysis-list")


@role_required(WRITE_ROLES)
@require_POST
def analysis_rerun(request: NetworkRequest, pk: int) -> HttpResponse:
    """Queue a failed analysis again with the same parameters."""
    analysis = get_analysis_for_user(request.user, request.network, pk, write=True)
    try:
        services.rerun_analysis(analysis=analysis)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("The analysis was queued to run again."))
    return redirect("connectivity:analysis-detail", pk=analysis.pk)
