"""The member statistics page: a year's members, growth, coverage and renewal round."""

from __future__ import annotations

from django.http import HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from bygdebas.core.access import READ_ROLES, role_required
from bygdebas.core.http import NetworkRequest
from bygdebas.members.forms_registry import StatisticsYearForm
from bygdebas.members.models import Membership, current_year
from bygdebas.members.stats import member_statistics


@role_required(READ_ROLES)
@require_GET
def statistics(request: NetworkRequest) -> HttpResponse:
    network = request.network
    form = StatisticsYearForm(request.GET or None)
    this_year = current_year()
    year = (form.cleaned_data.get("year") if form.is_valid() else None) or this_year
    years = list(
        Membership.objects.for_network(network).order_by().values_list("year", flat=True).distinct()
    )
    choices = sorted({*years, this_year, this_year + 1, year}, reverse=True)
    return render(
        request,
        "members/stats/statistics.html",
        {
            "form": form,
            "year": year,
            "year_choices": choices,
            "stats": member_statistics(network, year),
        },
    )
