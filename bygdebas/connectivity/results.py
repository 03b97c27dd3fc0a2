"""What a finished analysis shows: the matrix, the map's lines, a card per place, the comparison
and the key findings. Shared by the result page and the downloads, so they always agree.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from typing import Any

import transit
from bygdebas.connectivity.dates import has_little_service
from bygdebas.connectivity.models import Analysis

JOURNEYS, FASTEST = "journeys", "fastest"
# Upper bounds of the heat map's buckets; a higher bucket is a better connection (darker).
JOURNEY_BUCKETS = (0, 2, 5, 10, 20)  # 0 | 1–2 | 3–5 | 6–10 | 11–20 | more
FASTEST_BUCKETS_MIN = (30, 60, 90, 120, 180)  # ≤30 | ≤60 | ≤90 | ≤120 | ≤180 | longer
FINDINGS_LIMIT = 8
# A place appears at most this often in a list of findings.
MENTIONS_PER_PLACE = 2


def hours_minutes(seconds: int | float | None) -> str:
    """Return seconds as h:mm, or an en dash for none."""
    if seconds is None:
        return "–"
    minutes = round(seconds / 60)
    return f"{minutes // 60}:{minutes % 60:02d}"


def clock(seconds: int | None) -> str:
    """Return seconds after midnight as HH:MM (a time after midnight as 24:10 and so on)."""
    if seconds is None:
        return "–"
    minutes = seconds // 60
    return f"{minutes // 60:02d}:{minutes % 60:02d}"


def journeys_bucket(journeys: int) -> int:
    for level, bound in enumerate(JOURNEY_BUCKETS):
        if journeys <= bound:
            return level
    return len(JOURNEY_BUCKETS)


def fastest_bucket(seconds: int | None) -> int:
    if seconds is None:
        return 0
    for level, bound in enumerate(FASTEST_BUCKETS_MIN):
        if seconds <= bound * 60:
            return len(FASTEST_BUCKETS_MIN) - level
    return 1


# --------------------------------------------------------------------------- back to transit


def transit_analysis(result: dict[str, Any]) -> transit.Analysis:
    """Rebuild transit's Analysis from a stored result, for transit.compare."""
    pairs = [
        transit.PairIndicators(
            origin=p["from"],
            destination=p["to"],
            journeys=p["journeys"],
            direct_trips=p["direct_trips"],
            first_departure_s=p["first_departure_s"],
            last_departure_s=p["last_departure_s"],
            fastest_s=p["fastest_s"],
            median_s=p["median_s"],
            latest_departure_arriving_by_0800_s=p["latest_departure_arriving_by_0800_s"],
            earliest_arrival_departing_from_1700_s=p["earliest_arrival_departing_from_1700_s"],
            commute_possible=p["commute_possible"],
            fewest_transfers=p["fewest_transfers"],
            saturday_commute_possible=p["saturday_commute_possible"],
            sunday_commute_possible=p["sunday_commute_possible"],
        )
        for p in result["pairs"]
    ]
    places = [
        transit.PlaceIndicators(
            name=p["name"],
            stops=p["stops"],
            population=p["population"],
            commute_destinations=tuple(p["commute_destination_names"]),
            commute_origins=tuple(p.get("commute_origin_names", ())),
            saturday_commute_destinations=tuple(p.get("saturday_commute_destination_names", ())),
            sunday_commute_destinations=tuple(p.get("sunday_commute_destination_names", ())),
            commute_population=p["commute_population"],
            commute_population_share=p["commute_population_share"],
        )
        for p in result["places"]
    ]
    return transit.Analysis(
        date=datetime.date.fromisoformat(result["date"]), places=places, pairs=pairs
    )


# --------------------------------------------------------------------------- matrix


@dataclass(frozen=True)
class Cell:
    text: str
    level: int  # 0 (none) … 5 (best)
    label: str  # for the title: "Örebro → Kumla"
    is_commute: bool = False
    is_self: bool = False
    # One of the two places has no stop within the radius: no figure, not a zero.
    is_unserved: bool = False


@dataclass(frozen=True)
class MatrixRow:
    name: str
    cells: list[Cell]
    has_stops: bool = True


@dataclass(frozen=True)
class Matrix:
    mode: str
    names: list[str]
    rows: list[MatrixRow]
    # The names of the places without a stop within the radius.
    unserved: frozenset[str] = frozenset()


def pairs_by_key(result: dict[str, Any]) -> dict[tuple[str, str], dict[str, Any]]:
    return {(p["from"], p["to"]): p for p in result.get("pairs", [])}


def place_names(result: dict[str, Any]) -> list[str]:
    return [p["name"] for p in result.get("places", [])]


def build_matrix(result: dict[str, Any], mode: str = JOURNEYS) -> Matrix:
    """The origin × destination table of journeys or of the fastest time, with heat levels."""
    names = place_names(result)
    pairs = pairs_by_key(result)
    unserved = frozenset(p["name"] for p in result.get("places", []) if not p["stops"])
    rows = []
    for origin in names:
        cells = []
        for destination in names:
            label = f"{origin} → {destination}"
            if origin == destination:
                cells.append(Cell(text="", level=0, label=label, is_self=True))
                continue
            if origin in unserved or destination in unserved:
                cells.append(Cell(text="–", level=0, label=label, is_unserved=True))
                continue
            pair = pairs[(origin, destination)]
            if mode == FASTEST:
                text = hours_minutes(pair["fastest_s"])
                level = fastest_bucket(pair["fastest_s"])
            else:
                text = str(pair["journeys"])
                level = journeys_bucket(pair["journeys"])
            cells.append(
                Cell(text=text, level=level, label=label, is_commute=pair["commute_possible"])
            )
        rows.append(MatrixRow(name=origin, cells=cells, has_stops=origin not in unserved))
    return Matrix(mode=mode, names=names, rows=rows, unserved=unserved)


# --------------------------------------------------------------------------- map


def map_data(result: dict[str, Any]) -> dict[str, Any]:
    """Places and one line per pair of places with journeys; width ∝ daily journeys both ways."""
    pairs = pairs_by_key(result)
    places = result.get("places", [])
    lines = []
    for i, a in enumerate(places):
        for b in places[i + 1 :]:
            there = pairs[(a["name"], b["name"])]["journeys"]
            back = pairs[(b["name"], a["name"])]["journeys"]
            if there + back:
                lines.append(
                    {
                        "from": a["name"],
                        "to": b["name"],
                        "coordinates": [[a["lat"], a["lon"]], [b["lat"], b["lon"]]],
                        "journeys": there + back,
                        "there": there,
                        "back": back,
                    }
                )
    most = max((line["journeys"] for line in lines), default=0)
    for line in lines:
        line["weight"] = round(1 + 11 * line["journeys"] / most, 1)
    return {
        "date": result.get("date"),
        "max_journeys": most,
        "places": [
            {
                "name": p["name"],
                "lat": p["lat"],
                "lon": p["lon"],
                "population": p["population"],
                "stops": p["stops"],
                "commute_destinations": p["commute_destinations"],
            }
            for p in places
        ],
        "lines": lines,
    }


# --------------------------------------------------------------------------- cards


@dataclass(frozen=True)
class PlaceCard:
    name: str
    population: int | None
    stops: int
    destinations: list[str]
    origins: list[str]
    saturday: list[str]
    sunday: list[str]
    reachable_population: int | None
    reachable_share: float | None
    best_connected: list[tuple[str, int]]  # (destination, journeys), most first


def place_cards(result: dict[str, Any]) -> list[PlaceCard]:
    """Per place: where one can commute to and from, and the population that can be reached."""
    outgoing: dict[str, list[dict[str, Any]]] = {}
    for pair in result.get("pairs", []):
        outgoing.setdefault(pair["from"], []).append(pair)
    cards = []
    for place in result.get("places", []):
        ranked = sorted(
            (p for p in outgoing.get(place["name"], []) if p["journeys"]),
            key=lambda p: (-p["journeys"], p["to"]),
        )
        cards.append(
            PlaceCard(
                name=place["name"],
                population=place["population"],
                stops=place["stops"],
                destinations=list(place["commute_destination_names"]),
                origins=list(place.get("commute_origin_names", [])),
                saturday=list(place.get("saturday_commute_destination_names", [])),
                sunday=list(place.get("sunday_commute_destination_names", [])),
                reachable_population=place["commute_population"],
                reachable_share=place["commute_population_share"],
                best_connected=[(p["to"], p["journeys"]) for p in ranked[:3]],
            )
        )
    return cards


# --------------------------------------------------------------------------- comparison


@dataclass(frozen=True)
class ChangeRow:
    origin: str
    destination: str
    journeys_before: int | None
    journeys_after: int | None
    journeys_change: int
    fastest_before: str
    fastest_after: str
    fastest_change_min: int | None
    has_lost_journeys: bool
    is_slower: bool
    has_lost_commute: bool
    is_flagged: bool


@dataclass
class ComparisonView:
    before: Analysis
    after: Analysis
    rows: list[ChangeRow] = field(default_factory=list)  # changed pairs, flagged first
    unchanged: int = 0
    lost_journeys: int = 0
    slower: int = 0
    lost_commutes: int = 0
    gained_commutes: int = 0

    @property
    def flagged(self) -> list[ChangeRow]:
        return [row for row in self.rows if row.is_flagged]


def compare_analyses(before: Analysis, after: Analysis) -> ComparisonView:
    """Per pair before and after (transit.compare), the flagged pairs first."""
    comparison = transit.compare(
        transit_analysis(before.result or {}), transit_analysis(after.result or {})
    )
    view = ComparisonView(before=before, after=after)
    for change in comparison.pairs:
        fastest = change.fastest_change_s
        row = ChangeRow(
            origin=change.origin,
            destination=change.destination,
            journeys_before=change.journeys_before,
            journeys_after=change.journeys_after,
            journeys_change=change.journeys_change,
            fastest_before=hours_minutes(change.fastest_before_s),
            fastest_after=hours_minutes(change.fastest_after_s),
            fastest_change_min=round(fastest / 60) if fastest is not None else None,
            has_lost_journeys=change.has_lost_journeys,
            is_slower=change.is_slower,
            has_lost_commute=change.has_lost_commute,
            is_flagged=change.has_lost_journeys or change.is_slower or change.has_lost_commute,
        )
        view.lost_journeys += row.has_lost_journeys
        view.slower += row.is_slower
        view.lost_commutes += row.has_lost_commute
        view.gained_commutes += bool(change.commute_possible_after) and not bool(
            change.commute_possible_before
        )
        changed = (
            change.journeys_before != change.journeys_after
            or change.fastest_before_s != change.fastest_after_s
            or change.commute_possible_before != change.commute_possible_after
        )
        if changed:
            view.rows.append(row)
        else:
            view.unchanged += 1
    view.rows.sort(key=lambda r: (not r.is_flagged, r.journeys_change, r.origin, r.destination))
    return view


# --------------------------------------------------------------------------- findings


@dataclass(frozen=True)
class Findings:
    pairs: int
    commute_pairs: int
    no_commute: list[tuple[str, str]]  # ordered pairs without a possible commute
    without_journeys: list[tuple[str, str]]
    # Pairs with some journeys, fewest first, each place in at most two of them.
    fewest_journeys: list[tuple[str, str, int]]
    isolated: list[str]  # places without any commute destination
    without_stops: list[str]  # places with no stop within the radius


def spread(
    pairs: list[dict[str, Any]], limit: int = FINDINGS_LIMIT, per_place: int = MENTIONS_PER_PLACE
) -> list[dict[str, Any]]:
    """The first pairs in order, each place named in at most per_place of them.

    A list of the worst-connected pairs would otherwise be one poorly served place and
    everything it connects to.
    """
    mentions: dict[str, int] = {}
    chosen: list[dict[str, Any]] = []
    for pair in pairs:
        if len(chosen) == limit:
            break
        if max(mentions.get(pair["from"], 0), mentions.get(pair["to"], 0)) >= per_place:
            continue
        chosen.append(pair)
        for name in (pair["from"], pair["to"]):
            mentions[name] = mentions.get(name, 0) + 1
    return chosen


def findings(result: dict[str, Any]) -> Findings:
    """The facts a politician should read first."""
    pairs = result.get("pairs", [])
    some = spread(
        sorted(
            (p for p in pairs if p["journeys"]),
            key=lambda p: (p["journeys"], p["from"], p["to"]),
        )
    )
    return Findings(
        pairs=len(pairs),
        commute_pairs=sum(1 for p in pairs if p["commute_possible"]),
        no_commute=[(p["from"], p["to"]) for p in pairs if not p["commute_possible"]],
        without_journeys=[(p["from"], p["to"]) for p in pairs if not p["journeys"]],
        fewest_journeys=[(p["from"], p["to"], p["journeys"]) for p in some],
        isolated=[p["name"] for p in result.get("places", []) if not p["commute_destinations"]],
        without_stops=[p["name"] for p in result.get("places", []) if not p["stops"]],
    )


# --------------------------------------------------------------------------- service level


@dataclass(frozen=True)
class ServiceLevel:
    trips: int
    typical_weekday_trips: int

    @property
    def is_little(self) -> bool:
        return has_little_service(self.trips, self.typical_weekday_trips)


def service_level(result: dict[str, Any]) -> ServiceLevel | None:
    """The trips of the analysed date against the feed's typical weekday, when stored."""
    service = result.get("service") or {}
    if service.get("typical_weekday_trips") is None or service.get("trips") is None:
        return None
    return ServiceLevel(int(service["trips"]), int(service["typical_weekday_trips"]))
