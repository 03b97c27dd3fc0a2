"""Landsbygdsläget's public map data and list at 100,000 reports across 24 networks.

Builds 24 networks sharing Örebro county's geography (a square municipality per network for
speed), with 100,000 published reports between them (about 4,170 a network) spread over the
county, in every category and status, some with "me too"; plus one small peer network with 200
reports. Then it times, in-process with Django's test client (no web server), as an anonymous
visitor on each network's host:

- the map's data, ``/landsbygdslaget/karta.geojson?bbox=…`` for a town-sized view (about 1 %
  of the county), the compact GeoJSON the map asks for on every move
- the same for the whole county (``bbox`` of the county: capped at 2,000 points)
- the public list, ``/landsbygdslaget/lista/`` (50 a page), and its page 20 filtered by category
- the Open311 requests, ``/open311/v2/requests.json?service_code=road&status=open``

It reports p50/p95/max in milliseconds and the queries a request makes, for the large networks
and for the small peer in the same run; the large/small ratio shows how each page's time grows
with the data, while its query count must not. Aim: p95 under 100 ms. Nothing is asserted.

    python bench/conditions.py [--db sqlite|postgres|both] [--requests N]

Each database runs in a child process of this script, since Django reads its settings once.
The figures are also written to bench/results/conditions-<db>.json.
"""

from __future__ import annotations

import datetime
import random
import sys
from dataclasses import dataclass
from typing import Any

import harness

BENCH = harness.Bench(
    name="conditions",
    pg_database="bygdebas_bench_conditions",
    labels={
        "map-town": "map data, town view",
        "map-county": "map data, whole county",
        "list": "list, page 1",
        "list-filtered": "list, road, page 20",
        "open311": "Open311 requests",
    },
    label_width=26,
)
NETWORKS = 24
REPORTS = 100_000
PEER_REPORTS = 200
SEED = 20251205
# The county's box (west, south, east, north) and a town-sized view inside it.
COUNTY = (14.4, 58.7, 15.9, 59.9)
TOWN = (15.15, 59.22, 15.30, 59.32)
PATHS = {
    "map-town": "/landsbygdslaget/karta.geojson?bbox={},{},{},{}".format(*TOWN),
    "map-county": "/landsbygdslaget/karta.geojson?bbox={},{},{},{}".format(*COUNTY),
    "list": "/landsbygdslaget/lista/",
    "list-filtered": "/landsbygdslaget/lista/?category=road&sida=20",
    "open311": "/open311/v2/requests.json?service_code=road&status=open",
}
CATEGORIES = ["road", "winter_road", "broadband", "mobile", "transport", "shop", "school", "other"]
STATUSES = ["open"] * 5 + ["sent", "answered", "fixed", "not_ours"]


@dataclass
class Site:
    network: Any
    client: Any
    reports: int


def build(rng: random.Random, now: datetime.datetime) -> list[dict[str, Any]]:
    from django.db import transaction

    from bygdebas.conditions.models import MeToo, Report
    from bygdebas.core.models import County, Municipality, Network

    county = County.objects.create(code="18", name="Örebro län")
    west, south, east, north = COUNTY
    municipality = Municipality.objects.create(
        code="1880",
        name="Örebro",
        county=county,
        seat_lat=59.27,
        seat_lon=15.21,
        boundary={
            "type": "Polygon",
            "coordinates": [
                [[west, south], [east, south], [east, north], [west, north], [west, south]]
            ],
        },
    )
    specs = [(f"n{i + 1}", REPORTS // NETWORKS) for i in range(NETWORKS)]
    specs.append(("peer", PEER_REPORTS))
    built = []
    for slug, count in specs:
        with transaction.atomic():
            network = Network.objects.create(
                name=f"Nätverk {slug}", slug=slug, domain=f"{slug}.bench", county=county
            )
            batch = []
            for n in range(count):
                at = now - datetime.timedelta(minutes=rng.randint(0, 60 * 24 * 900))
                batch.append(
                    Report(
                        network=network,
                        category=rng.choice(CATEGORIES),
                        status=rng.choice(STATUSES),
                        title=f"Rapport {n} om vägen vid byn",
                        description="Beskrivning av problemet. " * 5,
                        municipality=municipality,
                        lat=rng.uniform(south, north),
                        lon=rng.uniform(west, east),
                        submitter_email=f"r{n}@{slug}.bench",
                        created_at=at,
                        confirmed_at=at,
                        published_at=at,
                        moderation_status="approved",
                    )
                )
            Report.objects.bulk_create(batch, batch_size=2000)
            rows = list(Report.objects.for_network(network).values_list("pk", "created_at"))
            me_too = [
                MeToo(report_id=pk, email=f"m{k}.{pk}@bench", created_at=at, confirmed_at=at)
                for pk, at in rng.sample(rows, len(rows) // 10)
                for k in range(rng.randint(1, 4))
            ]
            MeToo.objects.bulk_create(me_too, batch_size=5000)
        built.append({"network": network, "reports": count})
    return built


def benchmark(db: str, requests: int) -> int:
    info = harness.setup()
    from django.test import Client
    from django.utils import timezone

    built, phases = harness.prepare(info, lambda: build(random.Random(SEED), timezone.now()))
    sites = [
        Site(row["network"], Client(HTTP_HOST=row["network"].domain), row["reports"])
        for row in built
    ]
    large, peer = sites[:-1], sites[-1]

    def probe(page: str) -> harness.Probe[Site]:
        return lambda site: harness.fetch(site.client, PATHS[page], site.network.domain)

    probes = {page: probe(page) for page in PATHS}
    measured = harness.measure(large, peer, probes, requests)
    data = {
        "networks": len(large),
        "reports": sum(s.reports for s in large),
        "peer_reports": peer.reports,
    }
    result = harness.results(db, info, data, phases, requests, measured, dict(PATHS))
    harness.write_results(BENCH, result)
    harness.report(BENCH, result, data_line(result["data"]))
    return 0


def data_line(d: dict[str, Any]) -> str:
    """The report's line on the data built."""
    return (
        f"Data: {d['networks']} networks, {d['reports']:,} published reports (a tenth with "
        f"1-4 'me too'); peer: 1 network, {d['peer_reports']} reports."
    )


def main() -> int:
    parser = harness.parser(__doc__, requests=30)
    args = parser.parse_args()
    if args.requests < 1:
        parser.error("--requests must be positive")
    if args.db == "both":
        return harness.run_children(BENCH, __file__, ["--requests", str(args.requests)])
    return harness.run_one(BENCH, args.db, lambda: benchmark(args.db, args.requests))


if __name__ == "__main__":
    sys.exit(main())
