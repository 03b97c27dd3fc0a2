"""The staff moderation queue, mountable by any app with submissions (``core.moderation``).

In the app's ``urls.py``::

    from bygdebas.core.moderation_views import moderation_urls

    urlpatterns = [
        ...,
        *moderation_urls(
            Item,
            prefix="kansli/nyhetsbrev/inlamnat",
            name="item-moderation",  # newsletter:item-moderation, …-moderation-detail
            edit_form=ItemEditForm,  # optional: a ModelForm of the moderated fields
        ),
    ]

The queue (``<prefix>/``) lists what waits for staff, oldest first, and what waits for its
submitter; each submission's page (``<prefix>/<pk>/``) shows its content, the submitter's
original where staff changed it, the log, and one form: the (editable) content and the decision
(approve, ask for changes, decline, with the message to the sender). Both work without
JavaScript. The pages are ``core/moderation/queue.html`` and ``detail.html``, made of the partials
``_queue.html``, ``_decision_form.html`` and ``_history.html``; an app passes its own
``template_name`` / ``detail_template_name`` to use the partials in its own pages. Both need
``roles`` (WRITE_ROLES: administrators and staff); another network's submission is 404.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import URLPattern, path
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods

from bygdebas.core import moderation
from bygdebas.core.access import WRITE_ROLES, fetch, role_required
from bygdebas.core.forms import add_service_errors
from bygdebas.core.http import NetworkRequest
from bygdebas.core.models_moderation import ModerationStatus, Submission

APPROVE, REQUEST_CHANGES, DECLINE = "approve", "request_changes", "decline"


class DecisionForm(forms.Form):
    decision = forms.ChoiceField(
        label=gettext_lazy("Decision"),
        choices=[
            (APPROVE, gettext_lazy("Approve (with the changes above)")),
            (REQUEST_CHANGES, gettext_lazy("Ask the sender for changes")),
            (DECLINE, gettext_lazy("Decline")),
        ],
        widget=forms.RadioSelect,
    )
    reason = forms.CharField(
        label=gettext_lazy("Message to the sender"),
        help_text=gettext_lazy(
            "Needed when you ask for changes or decline: say what and why. Optional when you "
            "approve. The sender gets it by e-mail."
        ),
        required=False,
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 4}),
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if (
            data.get("decision") in (REQUEST_CHANGES, DECLINE)
            and not data.get("reason", "").strip()
        ):
            self.add_error("reason", _("Say why: the sender is told."))
        return data


def edit_form_for(model: type[Submission]) -> type[forms.ModelForm[Any]]:
    """A ModelForm of ``model``'s moderated fields, when the app gives none."""
    return forms.modelform_factory(model, fields=list(model.moderated_fields))


def _detail_url_name(request: HttpRequest, name: str) -> str:
    namespace = request.resolver_match.namespace if request.resolver_match else ""
    return f"{namespace}:{name}-detail" if namespace else f"{name}-detail"


def _queue_url_name(request: HttpRequest, name: str) -> str:
    namespace = request.resolver_match.namespace if request.resolver_match else ""
    return f"{namespace}:{name}" if namespace else name


def queue_view(
    model: type[Submission],
    *,
    name: str,
    roles: frozenset[str] = WRITE_ROLES,
    template_name: str = "core/moderation/queue.html",
) -> Callable[..., HttpResponseBase]:
    """The list of ``model``'s submissions that wait, for the request's network."""

    @role_required(roles)
    @require_GET
    def view(request: NetworkRequest) -> HttpResponse:
        rows: Any = model._default_manager.all()
        rows = rows.for_network(request.network).select_related("submitted_by")
        pending = list(rows.pending().order_by("submitted_at", "pk"))
        waiting = list(rows.awaiting_submitter().order_by("decided_at", "pk"))
        return render(
            request,
            template_name,
            {
                "title": moderation.moderated_label(model),
                "pending": pending,
                "waiting": waiting,
                "detail_url_name": _detail_url_name(request, name),
            },
        )

    return view


def detail_view(
    model: type[Submission],
    *,
    name: str,
    roles: frozenset[str] = WRITE_ROLES,
    edit_form: type[forms.ModelForm[Any]] | None = None,
    template_name: str = "core/moderation/detail.html",
) -> Callable[..., HttpResponseBase]:
    """One submission: its content, original and log, and the decision form (POST decides)."""
    form_class = edit_form or edit_form_for(model)

    @role_required(roles)
    @require_http_methods(["GET", "POST"])
    def view(request: NetworkRequest, pk: int) -> HttpResponse:
        queryset: Any = model._default_manager.select_related("submitted_by", "decided_by")
        obj: Any = fetch(request.user, request.network, queryset, pk, roles=roles)
        is_open = obj.moderation_status in (
            ModerationStatus.PENDING,
            ModerationStatus.CHANGES_REQUESTED,
        )
        data = request.POST if request.method == "POST" else None
        decision = DecisionForm(data, prefix="decision")
        edit = form_class(data, instance=obj, prefix="edit")
        if request.method == "POST" and not is_open:
            decision.add_error(None, _("This submission has already been decided."))
        elif request.method == "POST" and decision.is_valid():
            choice = decision.cleaned_data["decision"]
            if choice != APPROVE or edit.is_valid():
                try:
                    _decide(request, obj, choice, decision.cleaned_data["reason"], edit)
                except ValidationError as error:
                    named = hasattr(error, "error_dict") and choice == APPROVE
                    add_service_errors(edit if named else decision, error)
                else:
                    messages.success(request, _done_message(choice, obj))
                    return redirect(_queue_url_name(request, name))
        return render(
            request,
            template_name,
            {
                "submission": obj,
                "title": moderation.moderated_label(model),
                "fields": _fields(obj),
                "original_differs": obj.original and obj.original != moderation.snapshot(obj),
                "history": moderation.history(obj),
                "decision_form": decision,
                "edit_form": edit,
                "is_open": is_open,
                "queue_url_name": _queue_url_name(request, name),
            },
            status=400 if request.method == "POST" else 200,
        )

    return view


def _decide(
    request: NetworkRequest, obj: Any, choice: str, reason: str, edit: forms.ModelForm[Any]
) -> None:
    if choice == APPROVE:
        edits = {field: edit.cleaned_data[field] for field in edit.changed_data}
        obj.refresh_from_db()  # validating the form changed the instance; the service edits it
        moderation.approve(obj, by=request.user, edits=edits, note=reason)
    elif choice == REQUEST_CHANGES:
        moderation.request_changes(obj, by=request.user, reason=reason)
    else:
        moderation.decline(obj, by=request.user, reason=reason)


def _done_message(choice: str, obj: Submission) -> str:
    return {
        APPROVE: _("“%(title)s” was approved; the sender has been told."),
        REQUEST_CHANGES: _("“%(title)s” was sent back for changes; the sender has been told."),
        DECLINE: _("“%(title)s” was declined; the sender has been told."),
    }[choice] % {"title": obj}


def _fields(obj: Submission) -> list[dict[str, Any]]:
    """Each moderated field's label, current value and the submitter's original value."""
    rows = []
    values = moderation.snapshot(obj)
    for field_name in obj.moderated_fields:
        field: Any = obj._meta.get_field(field_name)
        original = obj.original.get(field_name) if obj.original else None
        current = values.get(field_name)
        rows.append(
            {
                "name": field_name,
                "label": field.verbose_name,
                "value": current,
                "original": original,
                "is_changed": bool(obj.original) and original != current,
            }
        )
    return rows


def moderation_urls(
    model: type[Submission],
    *,
    prefix: str,
    name: str,
    roles: frozenset[str] = WRITE_ROLES,
    edit_form: type[forms.ModelForm[Any]] | None = None,
    template_name: str = "core/moderation/queue.html",
    detail_template_name: str = "core/moderation/detail.html",
) -> list[URLPattern]:
    """The queue at ``<prefix>/`` (URL name ``name``) and each submission at ``<prefix>/<pk>/``
    (``<name>-detail``)."""
    prefix = prefix.strip("/")
    return [
        path(
            f"{prefix}/",
            queue_view(model, name=name, roles=roles, template_name=template_name),
            name=name,
        ),
        path(
            f"{prefix}/<int:pk>/",
            detail_view(
                model,
                name=name,
                roles=roles,
                edit_form=edit_form,
                template_name=detail_template_name,
            ),
            name=f"{name}-detail",
        ),
    ]
