"""The national overview (riks), area mappings, and copying another network's plan."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from bygdebas.core.access import READ_ROLES, WRITE_ROLES, role_required
from bygdebas.core.http import NetworkRequest
from bygdebas.national import services
from bygdebas.national.access import (
    copyable_plans,
    get_copyable_plan_for_user,
    national_required,
)
from bygdebas.national.models import SharedArea
from bygdebas.national.overview import mapping_rows, national_overview
from bygdebas.plan.forms import CopyPlanForm

FIRST_YEAR = 2000


def _year(request: HttpRequest) -> int:
    try:
        year = int(request.GET.get("year", ""))
    except ValueError:
        return timezone.localdate().year
    return year if FIRST_YEAR <= year <= 2999 else timezone.localdate().year


@national_required
@require_GET
def overview(request: HttpRequest) -> HttpResponse:
    """Every network's public figures for a year, side by side and summed."""
    year = _year(request)
    data = national_overview(year)
    return render(
        request,
        "national/overview.html",
        {"overview": data, "year": year, "previous": year - 1, "following": year + 1},
    )


class AreaMappingForm(forms.Form):
    """One choice of shared area per plan area of the year."""

    def __init__(self, *args: object, rows: list, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        for area, shared, _chosen in rows:
            self.fields[f"area-{area.pk}"] = forms.ChoiceField(
                label=area.title, choices=SharedArea.choices, initial=shared, required=True
            )

    def choices(self) -> dict[int, str]:
        return {int(name.split("-", 1)[1]): value for name, value in self.cleaned_data.items()}


@role_required(READ_ROLES)
@require_http_methods(["GET", "POST"])
def area_mapping(request: NetworkRequest, year: int) -> HttpResponse:
    """How the network's plan areas of ``year`` are read nationally (staff may change it)."""
    rows = mapping_rows(request.network, year)
    form = AreaMappingForm(request.POST or None, rows=rows)
    if request.method == "POST":
        if request.user.role_in(request.network) not in WRITE_ROLES:
            raise PermissionDenied
        if form.is_valid():
            services.save_area_mappings(network=request.network, choices=form.choices())
            messages.success(request, _("The national areas were saved."))
            return redirect("national:area-mapping", year=year)
    return render(
        request,
        "national/area_mapping.html",
        {"form": form, "rows": rows, "year": year},
        status=400 if form.errors else 200,
    )


@role_required(READ_ROLES)
@require_GET
def plan_sources(request: NetworkRequest) -> HttpResponse:
    """Other networks' adopted plans that this network may start its own from."""
    return render(
        request,
        "national/plan_sources.html",
        {"plans": list(copyable_plans(request.network)), "year": timezone.localdate().year},
    )


@role_required(WRITE_ROLES)
@require_http_methods(["GET", "POST"])
def plan_copy(request: NetworkRequest, pk: int) -> HttpResponse:
    """Copy another network's adopted plan as the start of this network's plan for a year."""
    source = get_copyable_plan_for_user(request.user, request.network, pk)
    form = CopyPlanForm(request.POST or None, initial={"year": source.year + 1})
    if request.method == "POST" and form.is_valid():
        try:
            copy = services.copy_plan_from(
                source=source, network=request.network, year=form.cleaned_data["year"]
            )
        except ValidationError as error:
            form.add_error("year", error)
        else:
            messages.success(
                request,
                _("The plan of %(network)s was copied to your plan for %(year)s.")
                % {"network": source.network.name, "year": copy.year},
            )
            return redirect("plan:plan-detail", year=copy.year)
    return render(
        request,
        "national/plan_copy.html",
        {"source": source, "form": form},
        status=400 if form.errors else 200,
    )
