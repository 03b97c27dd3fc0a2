"""The national overview: every network's public figures side by side, and summed.

Each network's plan areas are read as one of the three shared areas (``SharedArea``): the
network's own choice (``AreaMapping``) where it made one, else a guess from the area's title
(``GUESS_TERMS``, in the plan's own words). A fixed number of queries whatever the number of
networks (asserted in the tests).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import Count

from bygdebas.core.models import Network
from bygdebas.core.national_figures import national_figures
from bygdebas.events.models import Event
from bygdebas.members.models import Membership
from bygdebas.national.models import AreaMapping, SharedArea
from bygdebas.plan.matching import text_matches
from bygdebas.plan.models import Action, Area

OTHER = "other"
GUESS_TERMS: dict[str, tuple[str, ...]] = {
    SharedArea.OPINION: ("opinionsbildning*", "kommunikation*", "påverka*", "opinion*"),
    SharedArea.SUPPORT: ("rådgivning*", "stöd*", "utbildning*", "support", "training"),
    SharedArea.COOPERATION: ("samverkan*", "nätverk*", "samarbete*", "cooperation", "network*"),
}


def guess_shared_area(title: str) -> str:
    """The shared area an area's title names, or ``OTHER``."""
    for key, terms in GUESS_TERMS.items():
        if text_matches(title, terms):
            return str(key)
    return OTHER


@dataclass
class NetworkFigures:
    network: Network
    member_organisations: int = 0
    events: int = 0
    actions: dict[str, int] = field(default_factory=dict)
    # The registered figures (core.national_figures), in their order.
    extra: list[int] = field(default_factory=list)

    @property
    def actions_total(self) -> int:
        return sum(self.actions.values())

    @property
    def action_cells(self) -> list[int]:
        """Actions per shared area in ``SharedArea`` order, then the other actions."""
        return [self.actions.get(key, 0) for key in [*SharedArea.values, OTHER]]


@dataclass
class Overview:
    year: int
    rows: list[NetworkFigures]
    columns: list[tuple[str, str]]
    extra_columns: list[str] = field(default_factory=list)

    @property
    def totals(self) -> NetworkFigures:
        total = NetworkFigures(network=Network(name=""))
        for row in self.rows:
            total.member_organisations += row.member_organisations
            total.events += row.events
            total.extra = [
                a + b for a, b in zip(total.extra or [0] * len(row.extra), row.extra, strict=True)
            ]
            for key, n in row.actions.items():
                total.actions[key] = total.actions.get(key, 0) + n
        return total


def area_shared_areas(year: int) -> dict[int, str]:
    """Every plan area of ``year`` (all networks) → its shared area."""
    chosen = dict(
        AreaMapping.objects.filter(area__plan__year=year).values_list("area_id", "shared_area")
    )
    return {
        pk: chosen.get(pk) or guess_shared_area(title)
        for pk, title in Area.objects.filter(plan__year=year).values_list("pk", "title")
    }


def national_overview(year: int) -> Overview:
    """Member organisations, actions per shared area and public events of every network."""
    networks = list(Network.objects.order_by("name"))
    rows = {network.pk: NetworkFigures(network=network) for network in networks}
    members = (
        Membership.objects.filter(year=year, status=Membership.Status.ACTIVE)
        .values("organisation__network")
        .annotate(n=Count("organisation", distinct=True))
    )
    for counted in members:
        rows[counted["organisation__network"]].member_organisations = counted["n"]
    events = (
        Event.objects.public()
        .filter(starts_at__year=year, status=Event.Status.PUBLISHED)  # not the cancelled
        .values("network")
        .annotate(n=Count("pk"))
    )
    for entry in events:
        rows[entry["network"]].events = entry["n"]
    shared = area_shared_areas(year)
    # An action counts once per shared area it serves, whatever the number of activities.
    seen: set[tuple[int, str]] = set()
    pairs = Action.activities.through.objects.filter(action__performed_on__year=year).values_list(
        "action_id", "action__network_id", "activity__area_id"
    )
    for action_id, network_id, area_id in pairs:
        key = shared.get(area_id, OTHER)
        if (action_id, key) in seen:
            continue
        seen.add((action_id, key))
        row = rows[network_id]
        row.actions[key] = row.actions.get(key, 0) + 1
    registered = national_figures()
    for figure in registered:
        counts = figure.count(year)
        for network_id, figures in rows.items():
            figures.extra.append(int(counts.get(network_id, 0)))
    columns = [(str(key), str(label)) for key, label in SharedArea.choices]
    return Overview(
        year=year,
        rows=list(rows.values()),
        columns=columns,
        extra_columns=[str(figure.label) for figure in registered],
    )


def mapping_rows(network: Network, year: int) -> list[tuple[Area, str, bool]]:
    """The network's plan areas of ``year``: (area, shared area, whether the network chose it)."""
    chosen = dict(
        AreaMapping.objects.for_network(network)
        .filter(area__plan__year=year)
        .values_list("area_id", "shared_area")
    )
    areas = Area.objects.for_network(network).filter(plan__year=year).order_by("order", "pk")
    return [
        (area, chosen.get(area.pk) or guess_shared_area(area.title), area.pk in chosen)
        for area in areas
    ]
