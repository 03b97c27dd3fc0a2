"""Staff pages for the plan, actions and follow-up. Thin: parse, fetch through access, call a service."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from bygdebas.core.access import (
    APPROVE_ROLES,
    READ_ROLES,
    WRITE_ROLES,
    role_required,
)
from bygdebas.core.forms import add_service_errors
from bygdebas.core.http import NetworkRequest
from bygdebas.core.models import Network
from bygdebas.plan import forms, reports, services
from bygdebas.plan.access import (
    get_action_for_user,
    get_activity_for_user,
    get_area_for_user,
    get_plan_for_user,
)
from bygdebas.plan.followup import build_follow_up
from bygdebas.plan.importer import PlanImportError, parse_plan_document
from bygdebas.plan.models import Action, Plan


def _current_plan(network: Network) -> Plan | None:
    plans = Plan.objects.for_network(network)
    year = timezone.localdate().year
    return plans.filter(year__lte=year).order_by("-year").first() or plans.order_by("year").first()


@role_required(READ_ROLES)
@require_GET
def home(request: NetworkRequest) -> HttpResponse:
    plan = _current_plan(request.network)
    if plan is None:
        return redirect("plan:plan-list")
    return redirect("plan:follow-up", year=plan.year)


@role_required(READ_ROLES)
@require_GET
def plan_list(request: NetworkRequest) -> HttpResponse:
    plans = Plan.objects.for_network(request.network).order_by("-year")
    return render(request, "plan/plan_list.html", {"plans": plans})


# --- Import -----------------------------------------------------------------------------------


def _preview_forms(
    data: Any = None, *, initial: dict[str, Any] | None = None
) -> tuple[Any, Any, Any]:
    """The preview's three parts: plan texts, area titles, activities (with targets)."""
    initial = initial or {}
    plan_form = forms.PlanPreviewForm(data, initial=initial.get("plan"), prefix="plan")
    areas = forms.AreaTitleFormSet(data, initial=initial.get("areas"), prefix="areas")
    if data is not None:
        total = int(data.get("areas-TOTAL_FORMS") or 0)
        titles = [
            data.get(f"areas-{i}-title") or _("Area %(n)s") % {"n": i + 1} for i in range(total)
        ]
    else:
        titles = [area["title"] for area in initial.get("areas", [])]
    choices = [(index, title) for index, title in enumerate(titles)]
    activities = forms.PreviewActivityFormSet(
        data,
        initial=initial.get("activities"),
        prefix="activities",
        area_choices=choices,
    )
    return plan_form, areas, activities


@role_required(WRITE_ROLES)
@require_http_methods(["GET", "POST"])
def plan_import(request: NetworkRequest) -> HttpResponse:
    """Step 1: upload a document. A readable one goes on to the preview, nothing is saved yet."""
    form = forms.PlanUploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["document"]
        try:
            parsed = parse_plan_document(filename=upload.name, data=upload.read())
        except PlanImportError as error:
            form.add_error("document", str(error))
        else:
            year = form.cleaned_data.get("year") or parsed.year or timezone.localdate().year
            # Refused here, before the preview, rather than after the staff have checked it.
            if Plan.objects.for_network(request.network).filter(year=year).exists():
                form.add_error(
                    "year",
                    _(
                        "There is already a plan for %(year)s. Give another year, or edit or "
                        "delete that plan first."
                    )
                    % {"year": year},
                )
                return render(request, "plan/plan_import.html", {"form": form}, status=400)
            initial = {
                "plan": {
                    "year": year,
                    "title": parsed.title_for(year),
                    "vision": parsed.vision,
                    "values": parsed.values,
                    "overall_goal": parsed.overall_goal,
                    "target_groups": parsed.target_groups,
                    "purpose": parsed.purpose,
                    "source_filename": upload.name,
                },
                "areas": [{"title": area.title} for area in parsed.areas],
                "activities": [
                    {
                        "area": area_index,
                        "text": activity.text,
                        **{
                            key: value
                            for n, target in enumerate(activity.targets[:2], start=1)
                            for key, value in (
                                (f"metric_{n}", target.metric),
                                (f"value_{n}", target.value),
                                (f"note_{n}", target.note),
                            )
                        },
                    }
                    for area_index, area in enumerate(parsed.areas)
                    for activity in area.activities
                ],
            }
            plan_form, areas, activities = _preview_forms(initial=initial)
            return render(
                request,
                "plan/plan_import_preview.html",
                {
                    "plan_form": plan_form,
                    "areas": areas,
                    "activities": activities,
                    "parsed": parsed,
                    "retitled": parsed.title_for(year) != parsed.title,
                    "year": year,
                },
            )
    return render(
        request, "plan/plan_import.html", {"form": form}, status=400 if form.errors else 200
    )


@role_required(WRITE_ROLES)
@require_POST
def plan_import_save(request: NetworkRequest) -> HttpResponse:
    """Step 2: save the reviewed preview as the plan, all or nothing."""
    network = request.network
    plan_form, areas, activities = _preview_forms(request.POST)
    if plan_form.is_valid() and areas.is_valid() and activities.is_valid():
        titles = {
            index: form.cleaned_data.get("title", "").strip()
            for index, form in enumerate(areas.forms)
            if form.cleaned_data and not form.cleaned_data.get("DELETE")
        }
        grouped: dict[int, list[dict[str, Any]]] = {index: [] for index in titles}
        for form in activities.forms:
            data = form.cleaned_data
            if not data or data.get("DELETE") or not data.get("text", "").strip():
                continue
            if data["area"] not in grouped or not titles.get(data["area"]):
                form.add_error("area", _("This area was removed or has no title."))
                continue
            grouped[data["area"]].append({"text": data["text"], "targets": form.targets()})
        if not any(form.errors for form in activities.forms):
            data = {
                **{k: v for k, v in plan_form.cleaned_data.items() if k not in {"year"}},
                "areas": [
                    {"title": titles[index], "activities": grouped[index]}
                    for index in sorted(titles)
                    if titles[index]
                ],
            }
            try:
                plan = services.create_plan(
                    network=network,
                    year=plan_form.cleaned_data["year"],
                    data=data,
                    source_filename=plan_form.cleaned_data.get("source_filename", ""),
                )
            except ValidationError as error:
                add_service_errors(plan_form, error)
            else:
                messages.success(
                    request,
                    _("The plan for %(year)s was saved with %(n)s activities.")
                    % {"year": plan.year, "n": sum(len(a["activities"]) for a in data["areas"])},
                )
                return redirect("plan:plan-detail", year=plan.year)
    return render(
        request,
        "plan/plan_import_preview.html",
        {"plan_form": plan_form, "areas": areas, "activities": activities},
        status=400,
    )


# --- The plan ---------------------------------------------------------------------------------


@role_required(READ_ROLES)
@require_GET
def plan_detail(request: NetworkRequest, year: int) -> HttpResponse:
    plan = get_plan_for_user(request.user, request.network, year)
    areas = plan.areas.order_by("order", "pk").prefetch_related("activities__targets")
    role = request.user.role_in(plan.network)
    return render(
        request,
        "plan/plan_detail.html",
        {
            "plan": plan,
            "areas": areas,
            "can_approve": role in APPROVE_ROLES,
            "approve_form": forms.ApprovePlanForm(),
            "copy_form": forms.CopyPlanForm(initial={"year": plan.year + 1}),
            "area_form": forms.AreaForm(),
        },
    )


@role_required(WRITE_ROLES)
@require_http_methods(["GET", "POST"])
def plan_edit(request: NetworkRequest, year: int) -> HttpResponse:
    plan = get_plan_for_user(request.user, request.network, year, write=True)
    form = forms.PlanTextsForm(request.POST or None, instance=plan)
    if request.method == "POST" and form.is_valid():
        services.update_plan(plan=plan, data=form.cleaned_data)
        messages.success(request, _("The plan was saved."))
        return redirect("plan:plan-detail", year=plan.year)
    return render(request, "plan/plan_form.html", {"plan": plan, "form": form})


@role_required(WRITE_ROLES)
@require_http_methods(["GET", "POST"])
def plan_copy(request: NetworkRequest, year: int) -> HttpResponse:
    plan = get_plan_for_user(request.user, request.network, year, write=True)
    form = forms.CopyPlanForm(request.POST or None, initial={"year": plan.year + 1})
    if request.method == "POST" and form.is_valid():
        try:
            copy = services.copy_plan(plan=plan, year=form.cleaned_data["year"])
        except ValidationError as error:
            form.add_error("year", error)
        else:
            messages.success(request, _("The plan was copied to %(year)s.") % {"year": copy.year})
            return redirect("plan:plan-detail", year=copy.year)
    return render(request, "plan/plan_copy.html", {"plan": plan, "form": form})


@role_required(APPROVE_ROLES)
@require_POST
def plan_approve(request: NetworkRequest, year: int) -> HttpResponse:
    plan = get_plan_for_user(request.user, request.network, year)
    form = forms.ApprovePlanForm(request.POST)
    if form.is_valid():
        services.approve_plan(
            plan=plan,
            user=request.user,
            approved_on=form.cleaned_data["approved_on"],
        )
        messages.success(request, _("The plan is recorded as adopted by the board."))
    else:
        messages.error(request, _("Give the date the board adopted the plan."))
    return redirect("plan:plan-detail", year=plan.year)


@role_required(WRITE_ROLES)
@require_http_methods(["GET", "POST"])
def plan_delete(request: NetworkRequest, year: int) -> HttpResponse:
    plan = get_plan_for_user(request.user, request.network, year, write=True)
    if request.method == "POST":
        services.delete_plan(plan=plan)
        messages.success(request, _("The plan for %(year)s was deleted.") % {"year": year})
        return redirect("plan:plan-list")
    return render(request, "plan/plan_confirm_delete.html", {"plan": plan})


# --- Areas and activities ----------------------------------------------------------------------


@role_required(WRITE_ROLES)
@require_POST
def area_add(request: NetworkRequest, year: int) -> HttpResponse:
    plan = get_plan_for_user(request.user, request.network, year, write=True)
    form = forms.AreaForm(request.POST)
    if form.is_valid():
        services.add_area(plan=plan, title=form.cleaned_data["title"])
        messages.success(request, _("The area was added."))
    else:
        messages.error(request, _("Give the new area a title."))
    return redirect("plan:plan-detail", year=plan.year)


@role_required(WRITE_ROLES)
@require_http_methods(["GET", "POST"])
def area_edit(request: NetworkRequest, pk: int) -> HttpResponse:
    area = get_area_for_user(request.user, request.network, pk, write=True)
    form = forms.AreaForm(request.POST or None, initial={"title": area.title})
    if request.method == "POST" and form.is_valid():
        services.update_area(area=area, title=form.cleaned_data["title"])
        return redirect("plan:plan-detail", year=area.plan.year)
    return render(request, "plan/area_form.html", {"area": area, "form": form})


@role_required(WRITE_ROLES)
@require_POST
def area_delete(request: NetworkRequest, pk: int) -> HttpResponse:
    area = get_area_for_user(request.user, request.network, pk, write=True)
    try:
        services.delete_area(area=area)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("The area was deleted."))
    return redirect("plan:plan-detail", year=area.plan.year)


def _direction(request: HttpRequest) -> int:
    return -1 if request.POST.get("direction") == "up" else 1


@role_required(WRITE_ROLES)
@require_POST
def area_move(request: NetworkRequest, pk: int) -> HttpResponse:
    area = get_area_for_user(request.user, request.network, pk, write=True)
    services.move(obj=area, direction=_direction(request))
    return redirect(
        reverse("plan:plan-detail", kwargs={"year": area.plan.year}) + f"#area-{area.pk}"
    )


def _activity_form_page(request: HttpRequest, *, plan: Plan, activity: Any = None) -> HttpResponse:
    initial = {"area": activity.area_id, "text": activity.text} if activity else None
    form = forms.ActivityForm(request.POST or None, plan=plan, initial=initial)
    targets = forms.TargetFormSet(
        request.POST or None,
        prefix="targets",
        initial=[
            {"metric": t.metric, "value": t.value, "note": t.note} for t in activity.targets.all()
        ]
        if activity
        else None,
    )
    if request.method == "POST" and form.is_valid() and targets.is_valid():
        chosen = [t for t in (f.target() for f in targets.forms) if t]
        try:
            saved = services.save_activity(
                area=form.cleaned_data["area"],
                text=form.cleaned_data["text"],
                targets=chosen,
                activity=activity,
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("The activity was saved."))
            return redirect("plan:activity-detail", pk=saved.pk)
    return render(
        request,
        "plan/activity_form.html",
        {"plan": plan, "activity": activity, "form": form, "targets": targets},
        status=400 if request.method == "POST" else 200,
    )


@role_required(WRITE_ROLES)
@require_http_methods(["GET", "POST"])
def activity_add(request: NetworkRequest, year: int) -> HttpResponse:
    plan = get_plan_for_user(request.user, request.network, year, write=True)
    return _activity_form_page(request, plan=plan)


@role_required(WRITE_ROLES)
@require_http_methods(["GET", "POST"])
def activity_edit(request: NetworkRequest, pk: int) -> HttpResponse:
    activity = get_activity_for_user(request.user, request.network, pk, write=True)
    return _activity_form_page(request, plan=activity.area.plan, activity=activity)


@role_required(READ_ROLES)
@require_GET
def activity_detail(request: NetworkRequest, pk: int) -> HttpResponse:
    network = request.network
    activity = get_activity_for_user(request.user, network, pk)
    plan = activity.area.plan
    follow_up = build_follow_up(network=network, plan=plan)
    row = next(row for row in follow_up.rows if row.activity.pk == activity.pk)
    actions = activity.actions.select_related("municipality")
    page = Paginator(actions, 50).get_page(request.GET.get("page"))
    return render(
        request,
        "plan/activity_detail.html",
        {"activity": activity, "plan": plan, "row": row, "page": page},
    )


@role_required(WRITE_ROLES)
@require_POST
def activity_delete(request: NetworkRequest, pk: int) -> HttpResponse:
    activity = get_activity_for_user(request.user, request.network, pk, write=True)
    year = activity.area.plan.year
    try:
        services.delete_activity(activity=activity)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect("plan:activity-detail", pk=activity.pk)
    messages.success(request, _("The activity was deleted."))
    return redirect("plan:plan-detail", year=year)


@role_required(WRITE_ROLES)
@require_POST
def activity_move(request: NetworkRequest, pk: int) -> HttpResponse:
    activity = get_activity_for_user(request.user, request.network, pk, write=True)
    services.move(obj=activity, direction=_direction(request))
    url = reverse("plan:plan-detail", kwargs={"year": activity.area.plan.year})
    return redirect(f"{url}#activity-{activity.pk}")


# --- Actions ------------------------------------------------------------------------------------


def _plan_for_year(request: HttpRequest, network: Network) -> Plan | None:
    year = request.GET.get("year")
    if year and year.isdigit():
        return Plan.objects.for_network(network).filter(year=int(year)).first()
    return _current_plan(network)


@role_required(READ_ROLES)
@require_GET
def action_list(request: NetworkRequest) -> HttpResponse:
    network = request.network
    plan = _plan_for_year(request, network)
    filters = forms.ActionFilterForm(request.GET or None, network=network, plan=plan)
    actions = Action.objects.for_network(network).select_related("municipality")
    if plan is not None:
        actions = actions.for_year(plan.year)
    if filters.is_valid():
        if q := filters.cleaned_data.get("q"):
            actions = actions.search(q)
        if activity := filters.cleaned_data.get("activity"):
            actions = actions.filter(activities=activity)
        if municipality := filters.cleaned_data.get("municipality"):
            actions = actions.filter(municipality=municipality)
    page = Paginator(actions.prefetch_related("activities"), 50).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "plan/action_list.html",
        {
            "plan": plan,
            "page": page,
            "filters": filters,
            "query": query.urlencode(),
            "plans": Plan.objects.for_network(network).order_by("-year"),
        },
    )


@role_required(WRITE_ROLES)
@require_http_methods(["GET", "POST"])
def action_create(request: NetworkRequest) -> HttpResponse:
    network = request.network
    plan = _plan_for_year(request, network)
    if plan is None:
        messages.info(
            request, _("Import or create the year's plan first; actions are logged against it.")
        )
        return redirect("plan:plan-list")
    initial: dict[str, Any] = {"performed_on": timezone.localdate()}
    if plan.year != timezone.localdate().year:
        initial["performed_on"] = None
    if (activity_id := request.GET.get("activity", "")).isdigit():
        initial["activities"] = [int(activity_id)]
    form = forms.ActionForm(
        request.POST or None, request.FILES or None, network=network, plan=plan, initial=initial
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            action = services.log_action(
                network=network,
                performed_on=data["performed_on"],
                title=data["title"],
                description=data["description"],
                activities=list(data["activities"]),
                municipality=data["municipality"],
                participants=data["participants"],
                link=data["link"],
                attachment=data["attachment"] or None,
                created_by=request.user,
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("The action was logged."))
            return redirect("plan:action-detail", pk=action.pk)
    return render(
        request,
        "plan/action_form.html",
        {"form": form, "plan": plan},
        status=400 if request.method == "POST" else 200,
    )


@role_required(READ_ROLES)
@require_GET
def action_detail(request: NetworkRequest, pk: int) -> HttpResponse:
    action = get_action_for_user(request.user, request.network, pk)
    activities = action.activities.select_related("area__plan")
    return render(request, "plan/action_detail.html", {"action": action, "activities": activities})


@role_required(WRITE_ROLES)
@require_http_methods(["GET", "POST"])
def action_edit(request: NetworkRequest, pk: int) -> HttpResponse:
    network = request.network
    action = get_action_for_user(request.user, network, pk, write=True)
    plan = Plan.objects.for_network(network).filter(year=action.performed_on.year).first()
    if plan is None:
        raise Http404
    form = forms.ActionForm(
        request.POST or None, request.FILES or None, network=network, plan=plan, instance=action
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        attachment = data["attachment"]
        if data.get("remove_attachment"):
            attachment = False
        elif attachment == action.attachment or not attachment:
            attachment = None
        try:
            services.update_action(
                action=action,
                performed_on=data["performed_on"],
                title=data["title"],
                description=data["description"],
                activities=list(data["activities"]),
                municipality=data["municipality"],
                participants=data["participants"],
                link=data["link"],
                attachment=attachment,
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("The action was saved."))
            return redirect("plan:action-detail", pk=action.pk)
    return render(
        request,
        "plan/action_form.html",
        {"form": form, "plan": plan, "action": action},
        status=400 if request.method == "POST" else 200,
    )


@role_required(WRITE_ROLES)
@require_http_methods(["GET", "POST"])
def action_delete(request: NetworkRequest, pk: int) -> HttpResponse:
    action = get_action_for_user(request.user, request.network, pk, write=True)
    if request.method == "POST":
        services.delete_action(action=action)
        messages.success(request, _("The action was deleted."))
        return redirect("plan:action-list")
    return render(request, "plan/action_confirm_delete.html", {"action": action})


@role_required(READ_ROLES)
@require_GET
def action_attachment(request: NetworkRequest, pk: int) -> FileResponse:
    action = get_action_for_user(request.user, request.network, pk)
    if not action.attachment:
        raise Http404
    return FileResponse(
        action.attachment.open("rb"),
        as_attachment=True,
        filename=(action.attachment.name or "attachment").rsplit("/", 1)[-1],
    )


# --- Follow-up and the annual report -----------------------------------------------------------


@role_required(READ_ROLES)
@require_GET
def follow_up(request: NetworkRequest, year: int) -> HttpResponse:
    network = request.network
    plan = get_plan_for_user(request.user, network, year)
    filters = forms.FollowUpFilterForm(request.GET or None, plan=plan)
    kwargs: dict[str, Any] = {}
    if filters.is_valid():
        area = filters.cleaned_data.get("area")
        kwargs = {
            "area_id": area.pk if area else None,
            "status": filters.cleaned_data.get("status") or None,
            "query": filters.cleaned_data.get("q") or "",
        }
    result = build_follow_up(network=network, plan=plan, **kwargs)
    template = "plan/follow_up.html"
    if request.headers.get("HX-Request"):
        template += "#results"
    return render(
        request,
        template,
        {
            "plan": plan,
            "follow_up": result,
            "filters": filters,
            "plans": Plan.objects.for_network(network).order_by("-year"),
        },
    )


@role_required(READ_ROLES)
@require_GET
def report_pdf(request: NetworkRequest, year: int) -> HttpResponse:
    network = request.network
    plan = get_plan_for_user(request.user, network, year)
    content = reports.render_pdf(
        network=network, plan=plan, base_url=request.build_absolute_uri("/")
    )
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{reports.filename(plan, "pdf")}"'
    return response


@role_required(READ_ROLES)
@require_GET
def report_docx(request: NetworkRequest, year: int) -> HttpResponse:
    network = request.network
    plan = get_plan_for_user(request.user, network, year)
    content = reports.render_docx(network=network, plan=plan)
    response = HttpResponse(content, content_type=reports.DOCX_CONTENT_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{reports.filename(plan, "docx")}"'
    return response
