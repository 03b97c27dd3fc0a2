"""Server time of the catalogue of good examples: search, filters and the list, on SQLite and
PostgreSQL.

Builds 24 networks with 20,000 published good examples between them (about 833 a network):
Swedish titles of 4–9 words and summaries and stories of 20–120 words drawn from a vocabulary of
inflected words and compounds (common words far more often than rare ones), each with a
municipality, two goals, a theme and every sixth one for children and young people; every
example is in the search index (``core.search``). Plus one small peer network with 40 examples.
Then it times, in-process with Django's test client (no web server), as an anonymous visitor:

- the catalogue, ``/goda-exempel/`` (newest first, 20 a page)
- a search for a common word in an inflected form, ``?q=byskolan`` (matches ``byskola``…)
- a search for a rare word, ``?q=bastuflotten``
- a search with filters, ``?q=bygdegården&youth=on&theme=meeting_places``
- filters alone, ``?goal=11&theme=school``
- the map's points, ``/goda-exempel/karta.json?q=byskolan``
- the catalogue's search alone (``projects.catalogue.find_examples``, no view or template):
  ``byskolan``, and ``bygdegården`` with the youth and theme filters

It reports p50/p95/max in milliseconds and the queries a request makes, for the large networks
and for the small peer in the same run (the large/small ratio shows how time grows with the
data, while the query count must not). The aim for search at this size is p95 under 100 ms.
Nothing is asserted: a benchmark only reports.

    python bench/projects.py [--db sqlite|postgres|both] [--requests N]

Each database runs in a child process of this script, since Django reads its settings once.
SQLite goes to a temporary file; PostgreSQL to a database ``bygdebas_bench_projects`` that is
created first and dropped afterwards. The figures are also written to
bench/results/projects-<db>.json.
"""

from __future__ import annotations

import datetime
import random
import sys
from dataclasses import dataclass
from typing import Any

import harness

BENCH = harness.Bench(
    name="projects",
    pg_database="bygdebas_bench_projects",
    labels={
        "catalogue": "catalogue",
        "search-common": "search, common word",
        "search-rare": "search, rare word",
        "search-filtered": "search with filters",
        "filters": "filters alone",
        "map": "map points, search",
        "find-common": "find_examples(), common",
        "find-filtered": "find_examples(), filtered",
    },
    label_width=24,
)
URLS = {
    "catalogue": "/goda-exempel/",
    "search-common": "/goda-exempel/?q=byskolan",
    "search-rare": "/goda-exempel/?q=bastuflotten",
    "search-filtered": "/goda-exempel/?q=bygdeg%C3%A5rden&youth=on&theme=meeting_places",
    "filters": "/goda-exempel/?goal=11&theme=school",
    "map": "/goda-exempel/karta.json?q=byskolan",
}
NETWORKS = 24
EXAMPLES = 20_000
PEER_EXAMPLES = 40
SEED = 20250514

VOCABULARY = [
    ("bygd", "bygden", "bygder"),
    ("byskola", "byskolan", "byskolor", "byskolorna"),
    ("förening", "föreningen", "föreningar"),
    ("bygdegård", "bygdegården", "bygdegårdar"),
    ("butik", "butiken", "butiker"),
    ("projekt", "projektet", "projekten"),
    ("ungdom", "ungdomar", "ungdomarna"),
    ("energi", "energin"),
    ("bredband", "bredbandet"),
    ("lanthandel", "lanthandeln"),
    ("mötesplats", "mötesplatsen", "mötesplatser"),
    ("laddstolpe", "laddstolpen", "laddstolpar"),
    ("byalag", "byalaget"),
    ("skog", "skogen"),
    ("turism", "turismen"),
    ("kultur", "kulturen"),
    ("samverkan",),
    ("finansiering", "finansieringen"),
    ("ideell", "ideella"),
    ("framtid", "framtiden"),
]
FILLER = ["och", "att", "i", "på", "för", "med", "som", "en", "det", "till", "vi", "har"]
RARE = ("bastuflotte", "bastuflotten")
THEMES = ["services", "school", "meeting_places", "energy", "broadband", "nature", "youth"]


@dataclass
class Site:
    network: Any
    client: Any
    examples: int


def words(rng: random.Random, count: int) -> str:
    weights = [1 / (rank + 1) for rank in range(len(VOCABULARY))]
    picked = []
    for _ in range(count):
        if rng.random() < 0.35:
            picked.append(rng.choice(FILLER))
        else:
            picked.append(rng.choice(rng.choices(VOCABULARY, weights)[0]))
    if rng.random() < 0.005:
        picked.insert(rng.randrange(len(picked)), rng.choice(RARE))
    return " ".join(picked).capitalize()


def build(rng: random.Random, now: datetime.datetime) -> list[dict[str, Any]]:
    """Networks with published, indexed examples; one dict per network, peer last."""
    from django.db import transaction

    from bygdebas.core import search
    from bygdebas.core.models import County, Municipality, Network
    from bygdebas.core.moderation import ModerationStatus
    from bygdebas.projects.models import Example

    county = County.objects.create(code="99", name="Bänklän")
    municipalities = [
        Municipality.objects.create(code=f"9{n:03d}", name=f"Kommun {n}", county=county)
        for n in range(12)
    ]
    Goals = Example.goals.through
    Themes = Example.themes.through
    specs = [(f"n{i + 1}", EXAMPLES // NETWORKS) for i in range(NETWORKS)]
    specs.append(("peer", PEER_EXAMPLES))
    built = []
    for slug, count in specs:
        with transaction.atomic():
            network = Network.objects.create(
                name=f"Nätverk {slug}", slug=slug, domain=f"{slug}.bench"
            )
            rows = Example.objects.bulk_create(
                [
                    Example(
                        network=network,
                        title=words(rng, rng.randint(4, 9)),
                        summary=words(rng, rng.randint(20, 40)) + ".",
                        story=words(rng, rng.randint(20, 80)) + ".",
                        municipality=rng.choice(municipalities),
                        locality="Byn",
                        lat=59 + rng.random(),
                        lon=14.5 + rng.random(),
                        is_youth=rng.random() < 1 / 6,
                        moderation_status=ModerationStatus.APPROVED,
                        published_at=now - datetime.timedelta(days=rng.randint(0, 1500)),
                    )
                    for _ in range(count)
                ],
                batch_size=1000,
            )
            Goals.objects.bulk_create(
                [
                    Goals(example_id=row.pk, goal_id=goal)
                    for row in rows
                    for goal in rng.sample(range(1, 18), 2)
                ],
                batch_size=2000,
            )
            Themes.objects.bulk_create(
                [Themes(example_id=row.pk, theme_id=rng.choice(THEMES)) for row in rows],
                batch_size=2000,
            )
            search.reindex(network=network, kinds=["projects.example"])
        built.append({"network": network, "examples": count})
    return built


def benchmark(db: str, requests: int) -> int:
    info = harness.setup()
    from django.test import Client
    from django.utils import timezone

    built, phases = harness.prepare(info, lambda: build(random.Random(SEED), timezone.now()))
    sites = [
        Site(row["network"], Client(HTTP_HOST=row["network"].domain), row["examples"])
        for row in built
    ]
    large, peer = sites[:-1], sites[-1]

    from bygdebas.projects.catalogue import find_examples

    def probe(name: str) -> harness.Probe[Site]:
        return lambda site: harness.fetch(site.client, URLS[name], site.network.domain)

    def find(query: str, filters: dict[str, Any]) -> harness.Probe[Site]:
        def run(site: Site) -> int:
            page = find_examples(site.network, query=query, filters=filters)
            return sum(len(e.title) for e in page.examples)

        return run

    probes = {name: probe(name) for name in URLS}
    probes["find-common"] = find("byskolan", {})
    probes["find-filtered"] = find(
        "bygdegården", {"is_youth": True, "theme": "meeting_places", "goal": None}
    )
    measured = harness.measure(large, peer, probes, requests)
    data = {
        "networks": len(large),
        "examples": sum(s.examples for s in large),
        "peer_examples": peer.examples,
    }
    urls = {**URLS, "find-common": "(in-process)", "find-filtered": "(in-process)"}
    result = harness.results(db, info, data, phases, requests, measured, urls)
    harness.write_results(BENCH, result)
    harness.report(BENCH, result, data_line(result["data"]))
    return 0


def data_line(d: dict[str, Any]) -> str:
    """The report's line on the data built."""
    return (
        f"Data: {d['networks']} networks, {d['examples']:,} published good examples, all "
        f"indexed; peer: 1 network, {d['peer_examples']} examples. Timed: the public pages "
        "through Django's test client, as an anonymous visitor."
    )


def main() -> int:
    parser = harness.parser(__doc__, requests=96)
    args = parser.parse_args()
    if args.requests < 1:
        parser.error("--requests must be positive")
    if args.db == "both":
        return harness.run_children(BENCH, __file__, ["--requests", str(args.requests)])
    return harness.run_one(BENCH, args.db, lambda: benchmark(args.db, args.requests))


if __name__ == "__main__":
    sys.exit(main())
