"""Public pages: published positions (searchable, by topic, with PDF and feeds), and the page
where members invited by link write their views on a consultation case."""

from __future__ import annotations

import datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from bygdebas.advocacy import exports
from bygdebas.advocacy.forms import ContributionForm, PositionFilterForm
from bygdebas.advocacy.models import Case, Position
from bygdebas.advocacy.services import cases as case_services
from bygdebas.core.access import current_network, fetch_in_network
from bygdebas.core.feeds import PublicFeed
from bygdebas.core.forms import add_service_errors
from bygdebas.core.markdown import render_markdown
from bygdebas.core.metadata import PageMeta, summary
from bygdebas.core.public_forms import rate_limited
from bygdebas.core.search import search
from bygdebas.core.signed_links import LinkError, read_token

PAGE_SIZE = 20
CONTRIBUTION_DAYS = datetime.timedelta(days=180)


@require_GET
def position_list(request: HttpRequest) -> HttpResponse:
    """Published positions, newest first; a search ranks them; a topic narrows them."""
    network = current_network(request)
    form = PositionFilterForm(request.GET or None, network=network)
    context: dict[str, Any] = {"form": form, "results": None, "page": None}
    data = form.cleaned_data if form.is_valid() else {}
    if data.get("q", "").strip():
        context["results"] = search(
            data["q"],
            network=network,
            user=request.user,
            kinds=["advocacy.position"],
            page=request.GET.get("page"),
        )
    else:
        positions = Position.objects.for_network(network).published().select_related("topic")
        if data.get("topic"):
            positions = positions.filter(topic=data["topic"])
        context["page"] = Paginator(positions, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    context["query"] = query.urlencode()
    return render(request, "advocacy/position_list.html", context)


def _published(request: HttpRequest, pk: int) -> Position:
    network = current_network(request)
    return fetch_in_network(
        network, Position.objects.published().select_related("topic", "case", "network"), pk
    )


@require_GET
def position_detail(request: HttpRequest, pk: int) -> HttpResponse:
    position = _published(request, pk)
    page_meta = PageMeta(title=position.title, description=summary(position.text), type="article")
    return render(
        request,
        "advocacy/position_detail.html",
        {"position": position, "page_meta": page_meta},
    )


@require_GET
def position_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    position = _published(request, pk)
    letter = exports.letter_for_position(position)
    response = HttpResponse(exports.render_pdf(letter), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{exports.filename(letter, "pdf")}"'
    return response


class PositionFeed(PublicFeed):
    home_path = "/stallningstaganden/"

    def title(self, network: Any) -> str:
        return _("Positions – %(network)s") % {"network": network.name}

    def description(self, network: Any) -> str:
        return _("The network's published positions and consultation answers.")

    def items(self, network: Any) -> Any:
        return Position.objects.for_network(network).published()[:50]

    def item_title(self, item: Position) -> str:
        return item.title

    def item_description(self, item: Position) -> str:
        return render_markdown(item.text)

    def item_link(self, item: Position) -> str:
        return item.get_absolute_url()

    def item_pubdate(self, item: Position) -> Any:
        return item.published_at

    def item_updateddate(self, item: Position) -> Any:
        return item.updated_at


def _case_for_token(request: HttpRequest, token: str) -> Case:
    network = current_network(request)
    try:
        values = read_token(
            token, purpose=case_services.CONTRIBUTE, network=network, max_age=CONTRIBUTION_DAYS
        )
    except LinkError:
        raise Http404 from None
    return fetch_in_network(network, Case.objects.select_related("network"), values.get("c"))


@require_http_methods(["GET", "POST"])
@rate_limited("advocacy.contribute", per=("ip", "network"))
def contribute(request: HttpRequest, token: str) -> HttpResponse:
    """A member, invited by link, writes their views on a case; staff and the board read them."""
    case = _case_for_token(request, token)
    form = ContributionForm(request.POST or None)
    is_open = case.is_open and case.status != Case.Status.BOARD_REVIEW
    if request.method == "POST" and form.is_valid():
        try:
            case_services.add_contribution(
                case=case,
                name=form.cleaned_data["name"],
                email=form.cleaned_data["email"],
                organisation=form.cleaned_data["organisation"],
                text=form.cleaned_data["text"],
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            return render(request, "advocacy/contribute_done.html", {"case": case})
    return render(
        request,
        "advocacy/contribute.html",
        {"case": case, "form": form, "is_open": is_open},
        status=400 if request.method == "POST" else 200,
    )
