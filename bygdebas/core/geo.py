"""Loading and serving geography: counties, municipalities, their boundaries and towns.

Adding another county is a data import: point ``load_geography`` at a GeoJSON of municipality
boundaries (properties ``id`` = municipality code, ``kom_namn``, ``lan_code``) and a towns CSV.
"""

from __future__ import annotations

import csv
import datetime
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import Q

from bygdebas.core.models import County, Municipality, Network, Town

DATA_DIR = Path(settings.BASE_DIR) / "data" / "geo"
POPULATION_COLUMNS = {
    "kommun_pop_2024_12_31": datetime.date(2024, 12, 31),
    "kommun_pop_2023_12_31": datetime.date(2023, 12, 31),
}


class GeographyError(ValueError):
    pass


@dataclass
class GeographyResult:
    counties: int = 0
    municipalities: int = 0
    towns: int = 0
    warnings: list[str] = field(default_factory=list)


def _read_csv(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8-sig", newline="") as handle:
        return list(csv.DictReader(handle))


def _feature_geometry(path: Path) -> dict[str, Any]:
    data = json.loads(path.read_text(encoding="utf-8"))
    if data.get("type") != "FeatureCollection":
        raise GeographyError(f"{path.name}: expected a GeoJSON FeatureCollection")
    return data


@transaction.atomic
def load_geography(
    *,
    counties_csv: Path = DATA_DIR / "counties.csv",
    boundaries_geojson: Path = DATA_DIR / "orebro_lan_and_neighbours_kommuner.geojson",
    towns_csv: Path | None = DATA_DIR / "towns.csv",
    county_outlines: dict[str, Path] | None = None,
) -> GeographyResult:
    """Create or update counties, municipalities (with boundaries) and towns; all or nothing."""
    result = GeographyResult()
    counties = {}
    for row in _read_csv(counties_csv):
        county, _ = County.objects.update_or_create(
            code=row["code"].zfill(2), defaults={"name": row["name"]}
        )
        counties[county.code] = county
        result.counties += 1
    for code, path in (county_outlines or {"18": DATA_DIR / "orebro_lan_region.geojson"}).items():
        outline = _feature_geometry(path)["features"][0]["geometry"]
        County.objects.filter(code=code).update(boundary=outline)

    data = _feature_geometry(boundaries_geojson)
    for number, feature in enumerate(data["features"], start=1):
        props = feature.get("properties") or {}
        code = str(props.get("id", "")).zfill(4)
        county_code = str(props.get("lan_code", "")).zfill(2)
        if not code.isdigit() or county_code not in counties:
            raise GeographyError(
                f"{boundaries_geojson.name}: feature {number} has no valid municipality code "
                f"(id={props.get('id')!r}) or county code (lan_code={props.get('lan_code')!r})"
            )
        Municipality.objects.update_or_create(
            code=code,
            defaults={
                "name": props.get("kom_namn") or code,
                "county": counties[county_code],
                "boundary": feature.get("geometry"),
            },
        )
        result.municipalities += 1

    if towns_csv is not None:
        municipalities = {m.code: m for m in Municipality.objects.all()}
        for line, row in enumerate(_read_csv(towns_csv), start=2):
            code = row["kommun_code"].zfill(4)
            municipality = municipalities.get(code)
            if municipality is None:
                result.warnings.append(f"{towns_csv.name} line {line}: unknown municipality {code}")
                continue
            name = row["town"].split(" (")[0].strip()
            lat, lon = float(row["lat"]), float(row["lon"])
            Town.objects.update_or_create(
                municipality=municipality,
                name=name,
                defaults={
                    "kind": row["role"],
                    "lat": lat,
                    "lon": lon,
                    "source": row.get("coord_source", "")[:200],
                },
            )
            result.towns += 1
            if row["role"] == Town.Kind.SEAT:
                municipality.seat_name, municipality.seat_lat, municipality.seat_lon = (
                    name,
                    lat,
                    lon,
                )
            for column, counted_on in POPULATION_COLUMNS.items():
                if row.get(column):
                    municipality.population = int(row[column])
                    municipality.population_on = counted_on
                    break
            municipality.save()
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
