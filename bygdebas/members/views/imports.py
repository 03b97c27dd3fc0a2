"""Staff pages to import organisations from a file: upload → mapping and preview → save → summary.

The file is kept between the steps in the default storage under an import token
(``importer.storage``), never in the form. Nothing is saved before the last step, and then all
or nothing (``importer.run_import``).
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.db import transaction
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from bygdebas.core.access import WRITE_ROLES, role_required
from bygdebas.core.http import NetworkRequest
from bygdebas.members.importer import (
    FIELDS,
    FIELDS_BY_KEY,
    ImportFileError,
    Plan,
    PlannedRow,
    Table,
    make_plan,
    read_table,
    run_import,
    storage,
)
from bygdebas.members.importer.forms import (
    DUPLICATE_CHOICES,
    MappingForm,
    UploadForm,
    chosen_header_row,
)
from bygdebas.members.models import Engagement, Membership, Organisation

PREVIEW_ROWS = 20
LISTED_DUPLICATES = 200
LISTED_ERRORS = 500
RESULT_KEY = "members-import-result-{token}"


@role_required(WRITE_ROLES)
@require_http_methods(["GET", "POST"])
def import_upload(request: NetworkRequest) -> HttpResponse:
    """Step 1: choose the file. A readable one is kept and goes on to the preview."""
    network = request.network
    form = UploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        data = upload.read()
        try:
            table = read_table(upload.name, data)
        except ImportFileError as error:
            form.add_error("file", str(error))
        else:
            if not table.rows:
                form.add_error("file", _("The file has column headings but no rows."))
            else:
                token = storage.store(
                    network=network,
                    user=request.user,
                    filename=upload.name,
                    data=data,
                )
                return redirect("members:import-preview", token=token)
    return render(
        request,
        "members/imports/upload.html",
        {"form": form, "fields": FIELDS},
        status=400 if form.errors else 200,
    )


def _table(stored: storage.StoredUpload, request: NetworkRequest) -> Table:
    try:
        return read_table(stored.filename, stored.data, header_row=chosen_header_row(request.POST))
    except ImportFileError:  # it was readable when uploaded
        raise Http404("The stored file cannot be read.") from None


@role_required(WRITE_ROLES)
@require_http_methods(["GET", "POST"])
def import_preview(request: NetworkRequest, token: str) -> HttpResponse:
    """Step 2: the columns as recognised, the first rows as they will be saved, errors, duplicates.

    POST here only recomputes the preview with a corrected mapping; nothing is saved.
    """
    network = request.network
    stored = storage.load(network=network, token=token)
    table = _table(stored, request)
    form = MappingForm(table, request.POST or None)
    return _render_preview(request, stored, table, form)


def _render_preview(
    request: NetworkRequest,
    stored: storage.StoredUpload,
    table: Table,
    form: MappingForm,
    *,
    status: int = 200,
) -> HttpResponse:
    network = request.network
    plan = None
    if not form.is_bound or form.is_valid():
        plan = make_plan(
            network=network,
            table=table,
            mapping=form.mapping(),
            on_duplicate=form.on_duplicate_choice(),
            decisions=form.decisions(),
        )
    return render(
        request,
        "members/imports/preview.html",
        {"stored": stored, "table": table, "form": form, **_preview_context(plan, form)},
        status=status,
    )


def _preview_context(plan: Plan | None, form: MappingForm) -> dict[str, Any]:
    if plan is None:
        return {"plan": None}
    errors = plan.errors
    duplicates = [row for row in plan.rows if row.is_duplicate]
    decisions = form.decisions()
    default = form.on_duplicate_choice()
    return {
        "plan": plan,
        "summary": {
            "rows": len(plan.rows),
            "new": len(plan.new_organisations()),
            "existing": len(plan.changed_organisations()),
            "duplicates": len(duplicates),
            "skipped": plan.skipped,
            "errors": len(errors),
            "people": len(plan.people),
        },
        "preview_rows": [_display_row(row, plan) for row in plan.rows[:PREVIEW_ROWS]],
        "errors": [
            {
                "row": error.row,
                "field": FIELDS_BY_KEY[error.field].label,
                "message": error.message,
            }
            for error in errors[:LISTED_ERRORS]
        ],
        "more_errors": max(0, len(errors) - LISTED_ERRORS),
        "duplicates": [
            {
                "row": row,
                "choice": decisions.get(row.line, default),
            }
            for row in duplicates[:LISTED_DUPLICATES]
        ],
        "more_duplicates": max(0, len(duplicates) - LISTED_DUPLICATES),
        "duplicate_choices": DUPLICATE_CHOICES,
    }


def _label(choices: Any, value: str) -> str:
    return str(choices(value).label) if value else ""


def _display_row(row: PlannedRow, plan: Plan) -> dict[str, Any]:
    """One row as it will be saved, for the preview table."""
    organisation = row.parsed.organisation
    person = row.parsed.person
    membership = row.parsed.membership
    municipality = organisation.get("municipality_id")
    return {
        "line": row.line,
        "action": row.action,
        "duplicate_of_name": row.duplicate_of_name,
        "duplicate_of_line": row.duplicate_of_line,
        "name": organisation.get("name", ""),
        "org_number": organisation.get("org_number", ""),
        "kind": _label(Organisation.Kind, organisation.get("kind", "")),
        "municipality": plan.lookups.municipality_names.get(municipality) if municipality else "",
        "locality": organisation.get("locality", ""),
        "email": organisation.get("email", ""),
        "phone": organisation.get("phone", ""),
        "tags": ", ".join(row.parsed.tags),
        "contact": person.get("name", ""),
        "contact_email": person.get("email", ""),
        "role": _label(Engagement.Role, row.parsed.role),
        "membership_year": membership.get("year"),
        "membership_status": _label(Membership.Status, membership.get("status", "")),
        "fee": membership.get("fee"),
        "paid_on": membership.get("paid_on"),
        "errors": row.parsed.errors,
    }


@role_required(WRITE_ROLES)
@require_POST
def import_save(request: NetworkRequest, token: str) -> HttpResponse:
    """Step 3: import with the chosen mapping and duplicate choices, all or nothing."""
    network = request.network
    stored = storage.load(network=network, token=token)
    table = _table(stored, request)
    form = MappingForm(table, request.POST)
    if not form.is_valid():
        return _render_preview(request, stored, table, form, status=400)
    result = run_import(
        network=network,
        actor=request.user,
        table=table,
        filename=stored.filename,
        mapping=form.mapping(),
        on_duplicate=form.on_duplicate_choice(),
        decisions=form.decisions(),
    )
    if result.errors:
        messages.error(request, _("Nothing was saved: correct the errors in the file first."))
        return _render_preview(request, stored, table, form, status=400)
    transaction.on_commit(lambda: storage.discard(network=network, token=token))
    request.session[RESULT_KEY.format(token=token)] = {
        "network": network.pk,
        "filename": stored.filename,
        "rows": result.rows,
        "created": result.created,
        "updated": result.updated,
        "duplicates": result.duplicates,
        "skipped": result.skipped,
        "people_created": result.counts.people_created,
        "people_updated": result.counts.people_updated,
        "roles_added": result.counts.roles_added,
        "memberships": result.counts.memberships_created + result.counts.memberships_updated,
    }
    return redirect("members:import-done", token=token)


@role_required(WRITE_ROLES)
@require_GET
def import_done(request: NetworkRequest, token: str) -> HttpResponse:
    """Step 4: what the import did."""
    network = request.network
    summary = request.session.get(RESULT_KEY.format(token=token))
    if not summary or summary.get("network") != network.pk:
        storage.load(network=network, token=token)  # 404 unless the import is still open
        return redirect("members:import-preview", token=token)
    return render(request, "members/imports/done.html", {"summary": summary})


@role_required(WRITE_ROLES)
@require_POST
def import_cancel(request: NetworkRequest, token: str) -> HttpResponse:
    network = request.network
    storage.load(network=network, token=token)
    transaction.on_commit(lambda: storage.discard(network=network, token=token))
    messages.info(request, _("The import was cancelled and the file removed."))
    return redirect("members:import-upload")
