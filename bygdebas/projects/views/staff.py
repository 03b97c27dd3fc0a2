"""Staff pages: projects with their funding and files, advice given, funding calls and examples.

Thin: parse a form, fetch through access, call one service, render or redirect.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, Sum
from django.http import FileResponse, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from bygdebas.core.access import READ_ROLES, WRITE_ROLES, role_required
from bygdebas.core.forms import add_service_errors
from bygdebas.core.http import NetworkRequest
from bygdebas.projects import booklet, services
from bygdebas.projects.access import (
    get_advice_for_user,
    get_attachment_for_user,
    get_call_for_user,
    get_example_for_user,
    get_funding_for_user,
    get_project_for_user,
)
from bygdebas.projects.forms import (
    AdviceForm,
    AttachmentForm,
    BookletForm,
    CallForm,
    ExampleForm,
    FundingForm,
    ProjectForm,
)
from bygdebas.projects.models import Advice, Example, FundingCall, Project, ProjectStatus

PAGE_SIZE = 50


def _status(request: NetworkRequest) -> int:
    return 400 if request.method == "POST" else 200


# --- Projects ------------------------------------------------------------------------------


@role_required(READ_ROLES)
@require_GET
def project_list(request: NetworkRequest) -> HttpResponse:
    projects = (
        Project.objects.for_network(request.network)
        .select_related("municipality")
        .with_funding_total()
        .annotate(advice_count=Count("advice", distinct=True))
        .order_by("name", "pk")
    )
    status = request.GET.get("status", "")
    if status in ProjectStatus.values:
        projects = projects.filter(status=status)
    page = Paginator(projects, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "projects/project_list.html", {"page": page})


def _project_form_page(request: NetworkRequest, project: Project | None) -> HttpResponse:
    form = ProjectForm(request.POST or None, network=request.network, instance=project)
    if request.method == "POST" and form.is_valid():
        try:
            saved = services.save_project(
                network=request.network,
                project=project,
                fields=form.model_fields(),
                organisations=form.cleaned_data["organisations"],
                goals=form.cleaned_data["goals"],
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("The project was saved."))
            return redirect("projects:project-detail", pk=saved.pk)
    return render(
        request,
        "projects/project_form.html",
        {"form": form, "project": project},
        status=_status(request),
    )


@role_required(WRITE_ROLES)
@require_http_methods(["GET", "POST"])
def project_create(request: NetworkRequest) -> HttpResponse:
    return _project_form_page(request, None)


@role_required(WRITE_ROLES)
@require_http_methods(["GET", "POST"])
def project_edit(request: NetworkRequest, pk: int) -> HttpResponse:
    project = get_project_for_user(request.user, request.network, pk, write=True)
    return _project_form_page(request, project)


@role_required(READ_ROLES)
@require_GET
def project_detail(request: NetworkRequest, pk: int) -> HttpResponse:
    project = get_project_for_user(request.user, request.network, pk)
    funding = list(project.funding.all())
    totals = project.funding.aggregate(amount=Sum("amount"), hours=Sum("hours"))
    return render(
        request,
        "projects/project_detail.html",
        {
            "project": project,
            "funding": funding,
            "totals": totals,
            "attachments": list(project.attachments.all()),
            "advice": list(project.advice.select_related("given_by")[:50]),
            "organisations": list(project.organisations.order_by("name")),
            "goals": list(project.goals.all()),
            "examples": list(project.examples.published()),
        },
    )


@role_required(WRITE_ROLES)
@require_http_methods(["GET", "POST"])
def project_delete(request: NetworkRequest, pk: int) -> HttpResponse:
    project = get_project_for_user(request.user, request.network, pk, write=True)
    if request.method == "POST":
        services.delete_project(project=project)
        messages.success(request, _("The project was deleted."))
        return redirect("projects:project-list")
    return render(
        request,
        "projects/confirm_delete.html",
        {"object": project, "cancel": project.get_absolute_url()},
    )


@role_required(WRITE_ROLES)
@require_http_methods(["GET", "POST"])
def funding_add(request: NetworkRequest, pk: int) -> HttpResponse:
    project = get_project_for_user(request.user, request.network, pk, write=True)
    form = FundingForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.add_funding(project=project, **form.model_fields())
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("The funding source was added."))
            return redirect("projects:project-detail", pk=project.pk)
    return render(
        request,
        "projects/funding_form.html",
        {"form": form, "project": project},
        status=_status(request),
    )


@role_required(WRITE_ROLES)
@require_POST
def funding_delete(request: NetworkRequest, pk: int) -> HttpResponse:
    funding = get_funding_for_user(request.user, request.network, pk, write=True)
    services.delete_funding(funding=funding)
    messages.success(request, _("The funding source was removed."))
    return redirect("projects:project-detail", pk=funding.project_id)


@role_required(WRITE_ROLES)
@require_http_methods(["GET", "POST"])
def attachment_add(request: NetworkRequest, pk: int) -> HttpResponse:
    project = get_project_for_user(request.user, request.network, pk, write=True)
    form = AttachmentForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        services.add_attachment(project=project, **form.cleaned_data)
        messages.success(request, _("The file was attached."))
        return redirect("projects:project-detail", pk=project.pk)
    return render(
        request,
        "projects/attachment_form.html",
        {"form": form, "project": project},
        status=_status(request),
    )


@role_required(READ_ROLES)
@require_GET
def attachment_download(request: NetworkRequest, pk: int) -> FileResponse:
    attachment = get_attachment_for_user(request.user, request.network, pk)
    return FileResponse(attachment.file.open("rb"), as_attachment=True)


@role_required(WRITE_ROLES)
@require_POST
def attachment_delete(request: NetworkRequest, pk: int) -> HttpResponse:
    attachment = get_attachment_for_user(request.user, request.network, pk, write=True)
    services.delete_attachment(attachment=attachment)
    messages.success(request, _("The file was removed."))
    return redirect("projects:project-detail", pk=attachment.project_id)


# --- Advice --------------------------------------------------------------------------------


@role_required(READ_ROLES)
@require_GET
def advice_list(request: NetworkRequest) -> HttpResponse:
    today = timezone.localdate()
    advice = Advice.objects.for_network(request.network).select_related(
        "organisation", "project", "given_by", "action"
    )
    page = Paginator(advice, PAGE_SIZE).get_page(request.GET.get("page"))
    due = list(advice.follow_up_due(today).order_by("follow_up_on")[:20])
    return render(request, "projects/advice_list.html", {"page": page, "due": due, "today": today})


def _advice_form_page(request: NetworkRequest, advice: Advice | None) -> HttpResponse:
    initial: dict[str, Any] = {"given_on": timezone.localdate()}
    if advice is None and request.GET.get("project"):
        initial["project"] = request.GET["project"]
    form = AdviceForm(
        request.POST or None, network=request.network, instance=advice, initial=initial
    )
    if request.method == "POST" and form.is_valid():
        try:
            saved = services.save_advice(
                network=request.network,
                advice=advice,
                user=request.user,
                fields=form.model_fields(),
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            if saved.action_id:
                messages.success(
                    request, _("The advice was saved and logged in the plan's follow-up.")
                )
            else:
                messages.warning(
                    request,
                    _(
                        "The advice was saved, but not logged in the follow-up: the plan for "
                        "%(year)s has no activity about supporting projects."
                    )
                    % {"year": saved.given_on.year},
                )
            return redirect("projects:advice-list")
    return render(
        request,
        "projects/advice_form.html",
        {"form": form, "advice": advice},
        status=_status(request),
    )


@role_required(WRITE_ROLES)
@require_http_methods(["GET", "POST"])
def advice_create(request: NetworkRequest) -> HttpResponse:
    return _advice_form_page(request, None)


@role_required(WRITE_ROLES)
@require_http_methods(["GET", "POST"])
def advice_edit(request: NetworkRequest, pk: int) -> HttpResponse:
    advice = get_advice_for_user(request.user, request.network, pk, write=True)
    return _advice_form_page(request, advice)


@role_required(WRITE_ROLES)
@require_http_methods(["GET", "POST"])
def advice_delete(request: NetworkRequest, pk: int) -> HttpResponse:
    advice = get_advice_for_user(request.user, request.network, pk, write=True)
    if request.method == "POST":
        services.delete_advice(advice=advice)
        messages.success(request, _("The advice was deleted, with the action it logged."))
        return redirect("projects:advice-list")
    return render(
        request,
        "projects/confirm_delete.html",
        {"object": advice, "cancel": reverse("projects:advice-list")},
    )


# --- Funding calls -------------------------------------------------------------------------


@role_required(READ_ROLES)
@require_GET
def call_staff_list(request: NetworkRequest) -> HttpResponse:
    calls = (
        FundingCall.objects.for_network(request.network)
        .prefetch_related("municipalities")
        .order_by("-deadline_on", "pk")
    )
    page = Paginator(calls, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request, "projects/call_staff_list.html", {"page": page, "today": timezone.localdate()}
    )


def _call_form_page(request: NetworkRequest, call: FundingCall | None) -> HttpResponse:
    form = CallForm(request.POST or None, network=request.network, instance=call)
    if request.method == "POST" and form.is_valid():
        try:
            services.save_call(
                network=request.network,
                call=call,
                fields=form.model_fields(),
                municipalities=form.cleaned_data["municipalities"],
                themes=form.cleaned_data["themes"],
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("The funding call was saved."))
            return redirect("projects:call-staff-list")
    return render(
        request,
        "projects/call_form.html",
        {"form": form, "call": call},
        status=_status(request),
    )


@role_required(WRITE_ROLES)
@require_http_methods(["GET", "POST"])
def call_create(request: NetworkRequest) -> HttpResponse:
    return _call_form_page(request, None)


@role_required(WRITE_ROLES)
@require_http_methods(["GET", "POST"])
def call_edit(request: NetworkRequest, pk: int) -> HttpResponse:
    call = get_call_for_user(request.user, request.network, pk, write=True)
    return _call_form_page(request, call)


@role_required(WRITE_ROLES)
@require_http_methods(["GET", "POST"])
def call_delete(request: NetworkRequest, pk: int) -> HttpResponse:
    call = get_call_for_user(request.user, request.network, pk, write=True)
    if request.method == "POST":
        services.delete_call(call=call)
        messages.success(request, _("The funding call was deleted."))
        return redirect("projects:call-staff-list")
    return render(
        request,
        "projects/confirm_delete.html",
        {"object": call, "cancel": reverse("projects:call-staff-list")},
    )


# --- Good examples -------------------------------------------------------------------------


@role_required(READ_ROLES)
@require_GET
def example_list(request: NetworkRequest) -> HttpResponse:
    examples = (
        Example.objects.for_network(request.network)
        .select_related("municipality", "photo")
        .order_by("-created_at", "-pk")
    )
    page = Paginator(examples, PAGE_SIZE).get_page(request.GET.get("page"))
    waiting = Example.objects.for_network(request.network).pending().count()
    return render(request, "projects/example_staff_list.html", {"page": page, "waiting": waiting})


def _example_form_page(request: NetworkRequest, example: Example | None) -> HttpResponse:
    form = ExampleForm(
        request.POST or None, request.FILES or None, network=request.network, instance=example
    )
    if request.method == "POST" and form.is_valid():
        try:
            saved = services.save_example(
                network=request.network,
                user=request.user,
                example=example,
                fields=form.model_fields("image", "image_alt"),
                organisations=form.cleaned_data["organisations"],
                goals=form.cleaned_data["goals"],
                themes=form.cleaned_data["themes"],
                image=form.cleaned_data.get("image"),
                image_alt=form.cleaned_data.get("image_alt") or "",
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("The example was saved."))
            return redirect("projects:staff-example-detail", pk=saved.pk)
    return render(
        request,
        "projects/example_form.html",
        {"form": form, "example": example},
        status=_status(request),
    )


@role_required(WRITE_ROLES)
@require_http_methods(["GET", "POST"])
def example_create(request: NetworkRequest) -> HttpResponse:
    return _example_form_page(request, None)


@role_required(WRITE_ROLES)
@require_http_methods(["GET", "POST"])
def example_edit(request: NetworkRequest, pk: int) -> HttpResponse:
    example = get_example_for_user(request.user, request.network, pk, write=True)
    return _example_form_page(request, example)


@role_required(READ_ROLES)
@require_GET
def example_staff_detail(request: NetworkRequest, pk: int) -> HttpResponse:
    example = get_example_for_user(request.user, request.network, pk)
    return render(
        request,
        "projects/example_staff_detail.html",
        {
            "example": example,
            "goals": list(example.goals.all()),
            "themes": list(example.themes.all()),
            "organisations": list(example.organisations.order_by("name")),
        },
    )


@role_required(WRITE_ROLES)
@require_POST
def example_publish(request: NetworkRequest, pk: int) -> HttpResponse:
    example = get_example_for_user(request.user, request.network, pk, write=True)
    if request.POST.get("publish") == "0":
        services.unpublish_example(example=example)
        messages.success(request, _("The example was taken off the catalogue."))
    else:
        try:
            services.republish_example(example=example, user=request.user)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, _("The example is published."))
    return redirect("projects:staff-example-detail", pk=example.pk)


@role_required(WRITE_ROLES)
@require_http_methods(["GET", "POST"])
def example_delete(request: NetworkRequest, pk: int) -> HttpResponse:
    example = get_example_for_user(request.user, request.network, pk, write=True)
    if request.method == "POST":
        services.delete_example(example=example)
        messages.success(request, _("The example was deleted."))
        return redirect("projects:staff-example-list")
    return render(
        request,
        "projects/confirm_delete.html",
        {"object": example, "cancel": reverse("projects:staff-example-list")},
    )


@role_required(READ_ROLES)
@require_GET
def example_booklet(request: NetworkRequest) -> HttpResponse:
    """Choose examples; with a choice, the booklet as a PDF."""
    form = BookletForm(request.GET or None, network=request.network)
    if request.GET and form.is_valid():
        pdf = booklet.render_booklet(
            network=request.network,
            examples=list(form.cleaned_data["examples"]),
            title=form.cleaned_data["title"],
            base_url=request.build_absolute_uri("/"),
        )
        response = HttpResponse(pdf, content_type="application/pdf")
        response["Content-Disposition"] = 'attachment; filename="goda-exempel.pdf"'
        return response
    return render(
        request,
        "projects/booklet_form.html",
        {"form": form},
        status=400 if request.GET else 200,
    )
