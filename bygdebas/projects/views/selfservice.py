"""Contact persons' pages: their good examples (send in, see, change when asked) and the
weekly mail of funding calls."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from bygdebas.core import moderation
from bygdebas.core.forms import add_service_errors
from bygdebas.core.http import NetworkRequest
from bygdebas.members.access import (
    check_contact,
    contact_login_required,
    organisations_for_contact,
)
from bygdebas.projects import services
from bygdebas.projects.access import get_own_example
from bygdebas.projects.forms import DigestForm, ResubmitExampleForm, SubmitExampleForm
from bygdebas.projects.models import Example


@contact_login_required
@require_GET
def my_examples(request: NetworkRequest) -> HttpResponse:
    """The contact person's own submissions, with where each stands."""
    check_contact(request.user, request.network)
    examples = (
        Example.objects.for_network(request.network)
        .submitted_by_user(request.user)
        .select_related("photo")
        .order_by("-submitted_at", "-pk")
    )
    return render(request, "projects/my_examples.html", {"examples": list(examples)})


@contact_login_required
@require_http_methods(["GET", "POST"])
def example_submit(request: NetworkRequest) -> HttpResponse:
    check_contact(request.user, request.network)
    organisations = organisations_for_contact(request.user, request.network).order_by("name")
    form = SubmitExampleForm(
        request.POST or None,
        request.FILES or None,
        network=request.network,
        organisations=organisations,
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.submit_example(
                network=request.network,
                user=request.user,
                organisation=form.cleaned_data["organisation"],
                fields=form.model_fields("image", "image_alt", "organisation"),
                goals=form.cleaned_data["goals"],
                themes=form.cleaned_data["themes"],
                image=form.cleaned_data["image"],
                image_alt=form.cleaned_data["image_alt"],
                language=get_language(),
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(
                request,
                _(
                    "Thank you! The example was sent in; the office reads it before it is published."
                ),
            )
            return redirect("projects:my-examples")
    return render(
        request,
        "projects/example_submit.html",
        {"form": form},
        status=400 if request.method == "POST" else 200,
    )


@contact_login_required
@require_http_methods(["GET", "POST"])
def example_resubmit(request: NetworkRequest, pk: int) -> HttpResponse:
    """Change an example after the office asked for changes, and send it in again."""
    example = get_own_example(request.user, request.network, pk)
    form = ResubmitExampleForm(
        request.POST or None, request.FILES or None, network=request.network, instance=example
    )
    can_change = example.moderation_status == moderation.ModerationStatus.CHANGES_REQUESTED
    if request.method == "POST" and can_change and form.is_valid():
        changes = form.model_fields("image", "image_alt")
        changes["goals"] = list(form.cleaned_data["goals"])
        changes["themes"] = list(form.cleaned_data["themes"])
        try:
            services.resubmit_example(
                example=example,
                user=request.user,
                changes=changes,
                image=form.cleaned_data.get("image"),
                image_alt=form.cleaned_data.get("image_alt") or "",
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("The example was sent in again."))
            return redirect("projects:my-examples")
    elif request.method == "POST" and not can_change:
        messages.error(request, _("This example is not waiting for your changes."))
        return redirect("projects:my-examples")
    return render(
        request,
        "projects/example_resubmit.html",
        {"form": form, "example": example, "can_change": can_change},
        status=400 if request.method == "POST" else 200,
    )


@contact_login_required
@require_POST
def call_digest(request: NetworkRequest) -> HttpResponse:
    """Start or stop the weekly mail of new funding calls."""
    check_contact(request.user, request.network)
    form = DigestForm(request.POST)
    wanted = form.is_valid() and form.cleaned_data["wanted"]
    services.set_call_digest(network=request.network, user=request.user, wanted=wanted)
    messages.success(
        request,
        _("You will get new funding calls by mail once a week.")
        if wanted
        else _("You will no longer get funding calls by mail."),
    )
    return redirect("members:selfservice-home")
