"""Loading and serving geography: counties, municipalities, their boundaries and towns.

``data/geo/`` holds all 21 counties and 290 municipalities with their boundaries
(``sweden_regions.geojson``, ``sweden_municipalities.geojson``); ``load_county(code)`` loads one
county from them. Some counties have richer data (``RICHER_DATA``): the municipal seats with their
positions and populations, and the towns in neighbouring counties the network follows. Another
set of files is a data import: point ``load_geography`` at a GeoJSON of municipality boundaries
(properties ``id`` = municipality code, ``kom_namn``, ``lan_code``) and a towns CSV.
"""

from __future__ import annotations

import csv
import datetime
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import models, transaction
from django.db.models import Q

from bygdebas.core.models import County, Municipality, Network, Town

DATA_DIR = Path(settings.BASE_DIR) / "data" / "geo"
COUNTIES_CSV = DATA_DIR / "counties.csv"
NATIONAL_COUNTIES = DATA_DIR / "sweden_regions.geojson"
NATIONAL_MUNICIPALITIES = DATA_DIR / "sweden_municipalities.geojson"
POPULATION_COLUMNS = {
    "kommun_pop_2024_12_31": datetime.date(2024, 12, 31),
    "kommun_pop_2023_12_31": datetime.date(2023, 12, 31),
}


@dataclass(frozen=True)
class CountyData:
    """What ``data/geo/`` knows about a county beyond the national files."""

    # The municipalities around the county that its network follows (GeoJSON, as the national
    # file), and the towns: seats with position and population, neighbouring towns, rail nodes.
    neighbours: Path
    towns: Path


RICHER_DATA: dict[str, CountyData] = {
    "18": CountyData(
        neighbours=DATA_DIR / "orebro_lan_and_neighbours_kommuner.geojson",
        towns=DATA_DIR / "towns.csv",
    ),
}


class GeographyError(ValueError):
    pass


class UnknownCountyError(GeographyError):
    def __init__(self, code: str) -> None:
        self.code = code
        valid = ", ".join(f"{c} {name}" for c, name in county_choices())
        super().__init__(f"Unknown county code {code!r}. Valid codes: {valid}.")


@dataclass
class GeographyResult:
    counties: int = 0
    municipalities: int = 0
    towns: int = 0
    # Rows created, and existing rows whose values changed; both 0 when it was all there.
    added: int = 0
    changed: int = 0
    warnings: list[str] = field(default_factory=list)
    # The county load_county() loaded, and how many of the municipalities lie around it.
    county: County | None = None
    neighbours: int = 0

    @property
    def is_unchanged(self) -> bool:
        return not (self.added or self.changed)

    def count(self, outcome: str) -> None:
        if outcome == "added":
            self.added += 1
        elif outcome == "changed":
            self.changed += 1


def _read_csv(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8-sig", newline="") as handle:
        return list(csv.DictReader(handle))


def _feature_geometry(path: Path) -> dict[str, Any]:
    data = json.loads(path.read_text(encoding="utf-8"))
    if data.get("type") != "FeatureCollection":
        raise GeographyError(f"{path.name}: expected a GeoJSON FeatureCollection")
    return data


def _sync[M: models.Model](
    model: type[M], row: M | None, lookup: dict[str, Any], values: dict[str, Any]
) -> tuple[M, str]:
    """Create the row (``row`` is None) or update its fields that differ.

    Returns the row and ``added``, ``changed`` or ``unchanged``.
    """
    if row is None:
        return model._default_manager.create(**lookup, **values), "added"
    differing = [name for name, value in values.items() if _differs(row, name, value)]
    if not differing:
        return row, "unchanged"
    for name in differing:
        setattr(row, name, values[name])
    row.save(update_fields=differing)
    return row, "changed"


def _differs(row: models.Model, name: str, value: Any) -> bool:
    """Whether the field holds another value; a foreign key is compared by id, without a query."""
    field = row._meta.get_field(name)
    if isinstance(field, models.ForeignKey):
        return bool(getattr(row, field.attname) != (value.pk if value is not None else None))
    return bool(getattr(row, name) != value)


def county_choices() -> list[tuple[str, str]]:
    """Every county ``data/geo/`` has, as (code, name), in code order."""
    return [(row["code"].zfill(2), row["name"]) for row in _read_csv(COUNTIES_CSV)]


def _load_counties(
    path: Path, outlines: dict[str, dict[str, Any]], result: GeographyResult
) -> dict[str, County]:
    """Every county in the CSV, with its outline from ``outlines`` (code: geometry) if there."""
    existing = {county.code: county for county in County.objects.all()}
    counties = {}
    for row in _read_csv(path):
        code = row["code"].zfill(2)
        values: dict[str, Any] = {"name": row["name"]}
        if code in outlines:
            values["boundary"] = outlines[code]
        county, outcome = _sync(County, existing.get(code), {"code": code}, values)
        counties[code] = county
        result.counties += 1
        result.count(outcome)
    return counties


def _outline(path: Path, code: str) -> dict[str, Any]:
    """The geometry of county ``code`` in a GeoJSON of counties (property ``l_id``)."""
    for feature in _feature_geometry(path)["features"]:
        if str((feature.get("properties") or {}).get("l_id", "")).zfill(2) == code:
            return dict(feature["geometry"])
    raise GeographyError(f"{path.name}: no outline for county {code}")


def _load_municipalities(
    features: list[dict[str, Any]],
    source: str,
    counties: dict[str, County],
    result: GeographyResult,
    facts: dict[str, dict[str, Any]] | None = None,
) -> None:
    """Municipalities from GeoJSON features, with their seat and population from ``facts``."""
    existing = {m.code: m for m in Municipality.objects.all()}
    for number, feature in enumerate(features, start=1):
        props = feature.get("properties") or {}
        code = str(props.get("id", "")).zfill(4)
        county_code = str(props.get("lan_code", "")).zfill(2)
        if not code.isdigit() or county_code not in counties:
            raise GeographyError(
                f"{source}: feature {number} has no valid municipality code "
                f"(id={props.get('id')!r}) or county code (lan_code={props.get('lan_code')!r})"
            )
        _, outcome = _sync(
            Municipality,
            existing.get(code),
            {"code": code},
            {
                "name": props.get("kom_namn") or code,
                "county": counties[county_code],
                "boundary": feature.get("geometry"),
                **(facts or {}).get(code, {}),
            },
        )
        result.municipalities += 1
        result.count(outcome)


def _town_facts(path: Path) -> dict[str, dict[str, Any]]:
    """The seat and the latest population of each municipality (by code), from a towns CSV."""
    facts: dict[str, dict[str, Any]] = {}
    for row in _read_csv(path):
        wanted = facts.setdefault(row["kommun_code"].zfill(4), {})
        if row["role"] == Town.Kind.SEAT:
            wanted.update(
                seat_name=_town_name(row), seat_lat=float(row["lat"]), seat_lon=float(row["lon"])
            )
        for column, counted_on in POPULATION_COLUMNS.items():
            if row.get(column):
                wanted.update(population=int(row[column]), population_on=counted_on)
                break
    return facts


def _town_name(row: dict[str, str]) -> str:
    return row["town"].split(" (")[0].strip()


def _load_towns(path: Path, result: GeographyResult) -> None:
    municipalities = {m.code: m for m in Municipality.objects.all()}
    towns = {(t.municipality_id, t.name): t for t in Town.objects.all()}
    for line, row in enumerate(_read_csv(path), start=2):
        code = row["kommun_code"].zfill(4)
        municipality = municipalities.get(code)
        if municipality is None:
            result.warnings.append(f"{path.name} line {line}: unknown municipality {code}")
            continue
        name = _town_name(row)
        _, outcome = _sync(
            Town,
            towns.get((municipality.pk, name)),
            {"municipality": municipality, "name": name},
            {
                "kind": row["role"],
                "lat": float(row["lat"]),
                "lon": float(row["lon"]),
                "source": row.get("coord_source", "")[:200],
            },
        )
        result.towns += 1
        result.count(outcome)
    # Municipalities loaded before, from other files, get their seat and population too.
    for code, values in _town_facts(path).items():
        if values and code in municipalities:
            _, outcome = _sync(Municipality, municipalities[code], {}, values)
            result.count(outcome)


@transaction.atomic
def load_geography(
    *,
    counties_csv: Path = COUNTIES_CSV,
    boundaries_geojson: Path = DATA_DIR / "orebro_lan_and_neighbours_kommuner.geojson",
    towns_csv: Path | None = DATA_DIR / "towns.csv",
    county_outlines: dict[str, Path] | None = None,
) -> GeographyResult:
    """Create or update counties, municipalities (with boundaries) and towns; all or nothing."""
    result = GeographyResult()
    outlines = {
        code: _outline(path, code)
        for code, path in (county_outlines or {"18": NATIONAL_COUNTIES}).items()
    }
    counties = _load_counties(counties_csv, outlines, result)
    data = _feature_geometry(boundaries_geojson)
    facts = _town_facts(towns_csv) if towns_csv is not None else {}
    _load_municipalities(data["features"], boundaries_geojson.name, counties, result, facts)
    if towns_csv is not None:
        _load_towns(towns_csv, result)
    return result


@transaction.atomic
def load_county(code: str) -> GeographyResult:
    """Load one county, its municipalities with boundaries and its towns; all or nothing, idempotent.

    Every county's name is loaded too (they are a short fixed list); ``RICHER_DATA`` adds the
    seats, populations, towns and neighbouring municipalities where ``data/geo/`` has them.
    """
    code = code.strip()
    code = code.zfill(2) if code.isdigit() else code
    if code not in dict(county_choices()):
        raise UnknownCountyError(code)
    result = GeographyResult()
    counties = _load_counties(COUNTIES_CSV, {code: _outline(NATIONAL_COUNTIES, code)}, result)
    result.county = counties[code]
    national = _feature_geometry(NATIONAL_MUNICIPALITIES)["features"]
    features = [f for f in national if str(f["properties"].get("lan_code")).zfill(2) == code]
    richer = RICHER_DATA.get(code)
    if richer is not None:
        known = {str(f["properties"]["id"]) for f in features}
        around = [
            f
            for f in _feature_geometry(richer.neighbours)["features"]
            if str(f["properties"].get("id")) not in known
        ]
        result.neighbours = len(around)
        features += around
    facts = _town_facts(richer.towns) if richer is not None else {}
    _load_municipalities(features, NATIONAL_MUNICIPALITIES.name, counties, result, facts)
    if richer is not None:
        _load_towns(richer.towns, result)
    return result


def municipalities_geojson(network: Network) -> dict[str, Any]:
    """The network's county's municipalities and their neighbours, as a FeatureCollection."""
    county_id = network.county_id
    rows = Municipality.objects.select_related("county").filter(boundary__isnull=False)
    features = []
    # The county's own municipalities, and neighbours with a town the network follows.
    wanted = Q(county_id=county_id) | Q(towns__kind=Town.Kind.NEIGHBOUR)
    for municipality in rows.filter(wanted).distinct().order_by("code"):
        features.append(
            {
                "type": "Feature",
                "geometry": municipality.boundary,
                "properties": {
                    "code": municipality.code,
                    "name": municipality.name,
                    "county": municipality.county.name,
                    "in_network": municipality.county_id == county_id,
                    "seat": municipality.seat_name,
                    "population": municipality.population,
                },
            }
        )
    return {"type": "FeatureCollection", "features": features}


def _said(part: str, earlier: list[str]) -> bool:
    """Whether ``part`` (a municipality, say) is already a comma-separated piece of an earlier
    part, or the last word(s) of one ("Byvägen 4, 692 32 Kumla" says Kumla)."""
    wanted = " ".join(part.split()).casefold()
    for text in earlier:
        for piece in text.split(","):
            piece = " ".join(piece.split()).casefold()
            if piece == wanted or piece.endswith(f" {wanted}"):
                return True
    return False


def place_line(*parts: str | None) -> str:
    """Where something is, as one line: the parts joined by commas, each said once.

    ``place_line("Byvägen 4, Kumla", "Kumla")`` is "Byvägen 4, Kumla", not "…, Kumla, Kumla".
    """
    kept: list[str] = []
    for part in parts:
        part = (part or "").strip()
        if part and not _said(part, kept):
            kept.append(part)
    return ", ".join(kept)


def describe(result: GeographyResult) -> str:
    """One line saying what a load did, for the commands' output."""
    if result.county is None:
        what = f"{result.counties} counties, {result.municipalities} municipalities"
    else:
        what = (
            f"{result.county.name} ({result.county.code}), "
            f"{result.municipalities - result.neighbours} municipalities"
        )
        if result.neighbours:
            what += f" and {result.neighbours} around it"
    what += f", {result.towns} towns"
    if result.is_unchanged:
        return f"Geography {what}: already loaded, nothing changed."
    return f"Geography {what}: {result.added} rows added, {result.changed} changed."
