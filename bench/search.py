"""Search time (core.search.search) at 100,000 documents across 24 networks, SQLite and PostgreSQL.

Builds 24 networks with 100,000 search documents between them (about 4,170 a network): Swedish
titles of 3–8 words and texts of 30–150 words drawn from a vocabulary of inflected words and
compounds, common words much more often than rare ones (Zipf); 80 % public, 10 % for members,
10 % for staff. Plus one small peer network with 200 documents. Then it times ``search()``
in-process (no web server) for each kind of query, round-robin over the networks, alternately
as an anonymous visitor and as a staff member (who sees every document):

- a common word, in an inflected form (``landsbygden``; a fifth of the documents have it)
- two words that must both match (``kollektivtrafiken skolan``)
- a rare word (``bystugorna``, matching ``bystuga``, ``bystugan``…: 1 % of the documents)
- page 5 of the common word
- a word no document has
- a query full of operators and punctuation (``"bredband" (väg* -skola``: plain words to the
  parser, so it finds the documents that have bredband, väg and skola)

It reports p50/p95/max in milliseconds and the queries a search makes, for the large networks
and for the small peer in the same run; the large/small ratio shows how a search's time grows
with the data (its query count must not). Nothing is asserted: a benchmark only reports.

    python bench/search.py [--db sqlite|postgres|both] [--requests N]

Each database runs in a child process of this script, since Django reads its settings once.
SQLite goes to a temporary file; PostgreSQL to a database ``bygdebas_bench_search`` that is
created first and dropped afterwards. The figures are also written to
bench/results/search-<db>.json.
"""

from __future__ import annotations

import datetime
import random
import sys
from dataclasses import dataclass
from typing import Any

import harness

BENCH = harness.Bench(
    name="search",
    pg_database="bygdebas_bench_search",
    labels={
        "common": "common word (landsbygden)",
        "two-words": "two words",
        "rare": "rare word (bystugorna)",
        "page-5": "common word, page 5",
        "no-match": "no match",
        "operators": "operators and punctuation",
    },
    label_width=30,
)
QUERIES = {
    "common": ("landsbygden", 1),
    "two-words": ("kollektivtrafiken skolan", 1),
    "rare": ("bystugorna", 1),
    "page-5": ("landsbygd", 5),
    "no-match": ("xylofonorkester", 1),
    "operators": ('"bredband" (väg* -skola', 1),
}
NETWORKS = 24
DOCUMENTS = 100_000
PEER_DOCUMENTS = 200
SEED = 20250301

# Inflected forms per word; the first words are the most common (Zipf-distributed draws).
VOCABULARY = [
    ("bygd", "bygden", "bygder", "bygdens"),
    ("möte", "mötet", "möten", "mötena"),
    ("förening", "föreningen", "föreningar", "föreningens"),
    ("kommun", "kommunen", "kommuner", "kommunens"),
    ("väg", "vägen", "vägar", "vägarna"),
    ("skola", "skolan", "skolor", "skolorna"),
    ("service", "servicen"),
    ("bredband", "bredbandet", "bredbandets"),
    ("utveckling", "utvecklingen"),
    ("framtid", "framtiden"),
    ("byalag", "byalaget", "byalagen"),
    ("samverkan", "samverkans"),
    ("buss", "bussen", "bussar", "bussarna"),
    ("hållbar", "hållbara", "hållbart"),
    ("ungdom", "ungdomar", "ungdomarna"),
    ("projekt", "projektet", "projekten"),
    ("stöd", "stödet"),
    ("region", "regionen", "regionens"),
    ("remiss", "remissen", "remisser"),
    ("lokal", "lokala", "lokalen"),
    ("butik", "butiken", "butiker"),
    ("mack", "macken"),
    ("energi", "energin"),
    ("skog", "skogen", "skogar"),
    ("jordbruk", "jordbruket"),
    ("turism", "turismen"),
    ("kollektivtrafik", "kollektivtrafiken"),
    ("mobiltäckning", "mobiltäckningen"),
    ("krisberedskap", "krisberedskapen"),
    ("bygdegård", "bygdegården", "bygdegårdar"),
    ("leader", "leaderområdet"),
    ("finansiering", "finansieringen"),
    ("medlem", "medlemmar", "medlemmarna"),
    ("styrelse", "styrelsen"),
    ("seminarium", "seminariet"),
    ("dialog", "dialogen"),
    ("politik", "politiken"),
    ("vatten", "vattnet"),
    ("avlopp", "avloppet"),
    ("bostad", "bostäder", "bostäderna"),
]
PREFIXES = ["lands", "by", "läns", "sam", "grund", "närings", "fritids", "kultur"]
FILLER = [
    "och",
    "att",
    "i",
    "på",
    "för",
    "med",
    "som",
    "en",
    "det",
    "till",
    "om",
    "av",
    "är",
    "vi",
    "de",
    "har",
    "inte",
    "kan",
    "ska",
]
RARE = ("bystuga", "bystugan", "bystugans")


@dataclass
class Site:
    network: Any
    staff: Any
    documents: int
    turn: int = 0


def zipf_words(rng: random.Random) -> list[str]:
    weights = [1 / (rank + 1) for rank in range(len(VOCABULARY))]
    return [rng.choice(forms) for forms in rng.choices(VOCABULARY, weights, k=400)]


def text(rng: random.Random, words: list[str], count: int) -> str:
    picked = []
    for _ in range(count):
        roll = rng.random()
        if roll < 0.35:
            picked.append(rng.choice(FILLER))
        elif roll < 0.45:
            picked.append(rng.choice(PREFIXES) + rng.choice(words))
        else:
            picked.append(rng.choice(words))
    if rng.random() < 0.2:
        picked.insert(rng.randrange(len(picked)), "landsbygden")
    if rng.random() < 0.01:
        picked.insert(rng.randrange(len(picked)), rng.choice(RARE))
    return " ".join(picked).capitalize() + "."


def build(rng: random.Random, now: datetime.datetime) -> list[dict[str, Any]]:
    """Networks, a staff member each, and the documents; one dict per network, peer last."""
    from django.contrib.contenttypes.models import ContentType
    from django.db import transaction

    from bygdebas.core import search
    from bygdebas.core.models import Network, Role, SearchDocument, User

    content_type = ContentType.objects.get_for_model(Network)
    words = zipf_words(rng)
    visibilities = ("public", "members", "staff")
    specs = [(f"n{i + 1}", DOCUMENTS // NETWORKS) for i in range(NETWORKS)]
    specs.append(("peer", PEER_DOCUMENTS))
    built = []
    object_id = 0
    for slug, count in specs:
        with transaction.atomic():
            network = Network.objects.create(
                name=f"Nätverk {slug}", slug=slug, domain=f"{slug}.bench"
            )
            staff = User.objects.create_user(email=f"staff@{slug}.bench", password=None)
            Role.objects.create(user=staff, network=network, kind="staff")
            batch = []
            for _ in range(count):
                object_id += 1
                batch.append(
                    SearchDocument(
                        network=network,
                        content_type=content_type,
                        object_id=str(object_id),
                        kind=rng.choice(("advocacy.position", "projects.example", "events.event")),
                        title=text(rng, words, rng.randint(3, 8)).rstrip("."),
                        body=text(rng, words, rng.randint(30, 150)),
                        url=f"/sak/{object_id}/",
                        visibility=rng.choices(visibilities, (80, 10, 10))[0],
                        published_at=now - datetime.timedelta(days=rng.randint(0, 2000)),
                    )
                )
                if len(batch) == 2000:
                    search._insert(batch)
                    batch = []
            search._insert(batch)
        built.append({"network": network, "staff": staff, "documents": count})
    return built


def benchmark(db: str, requests: int) -> int:
    info = harness.setup()
    from django.utils import timezone

    from bygdebas.core import search

    built, phases = harness.prepare(info, lambda: build(random.Random(SEED), timezone.now()))
    sites = [Site(row["network"], row["staff"], row["documents"]) for row in built]
    large, peer = sites[:-1], sites[-1]
    for site in sites:
        site.staff.role_in(site.network)  # the role is read once per request, as in a view

    def probe(name: str) -> harness.Probe[Site]:
        query, page = QUERIES[name]

        def run(site: Site) -> int:
            site.turn += 1
            user = site.staff if site.turn % 2 else None
            found = search.search(query, network=site.network, user=user, page=page)
            return sum(len(r.title) + len(r.snippet) for r in found.results)

        return run

    probes = {name: probe(name) for name in BENCH.labels}
    measured = harness.measure(large, peer, probes, requests)
    counts = {
        name: search.search(query, network=large[0].network, page=page).total
        for name, (query, page) in QUERIES.items()
    }
    data = {
        "networks": len(large),
        "documents": sum(s.documents for s in large),
        "peer_documents": peer.documents,
        "matches_in_one_network": counts,
    }
    urls = dict.fromkeys(BENCH.labels, "")
    result = harness.results(db, info, data, phases, requests, measured, urls)
    harness.write_results(BENCH, result)
    harness.report(BENCH, result, data_line(result["data"]))
    return 0


def data_line(d: dict[str, Any]) -> str:
    """The report's line on the data built."""
    matches = ", ".join(f"{name} {n:,}" for name, n in d["matches_in_one_network"].items())
    return (
        f"Data: {d['networks']} networks, {d['documents']:,} documents; peer: 1 network, "
        f"{d['peer_documents']} documents. Public matches in one network: {matches}. "
        "Timed: search() itself, half as an anonymous visitor and half as staff."
    )


def main() -> int:
    parser = harness.parser(__doc__, requests=200)
    args = parser.parse_args()
    if args.requests < 1:
        parser.error("--requests must be positive")
    if args.db == "both":
        return harness.run_children(BENCH, __file__, ["--requests", str(args.requests)])
    return harness.run_one(BENCH, args.db, lambda: benchmark(args.db, args.requests))


if __name__ == "__main__":
    sys.exit(main())
