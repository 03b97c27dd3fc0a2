"""Advocacy search and the inbox at 100,000 watched entries, SQLite and PostgreSQL.

Builds 100,000 matched watched entries from 20 sources a network (Swedish titles of 3–8 words and
summaries of 20–80 words, drawn from the same Zipf vocabulary as bench/search.py), 300
consultation cases and 200 published positions, all indexed for search as the app indexes them,
spread over ``--networks`` networks (24 by default, as bench/search.py; ``--networks 1`` puts all
100,000 entries in one network, the worst case); plus a small peer network with 200 entries.
Then it times, in-process, round-robin over the large networks:

- the staff search over entries, cases and positions (``advocacy.views.SEARCH_KINDS``) for a
  common inflected word (``landsbygden``), two words, a rare word and a word nobody has;
- the public position search (anonymous, positions only) for the common word;
- the inbox page (``advocacy:inbox``, the first page of 50, through the test client);
- the keyword rules (``advocacy.matching.Rules``) on one entry, as the fetcher runs them.

It reports p50/p95/max in milliseconds and the queries each makes, for the large network and the
small peer in the same run; the issue asks for a search p95 under 100 ms at 100,000 entries.
Nothing is asserted: a benchmark only reports.

    python bench/advocacy.py [--db sqlite|postgres|both] [--requests N] [--networks N]

SQLite goes to a temporary file; PostgreSQL to a database ``bygdebas_bench_advocacy`` that is
created first and dropped afterwards. The figures are also written to
bench/results/advocacy-<db>.json.
"""

from __future__ import annotations

import datetime
import random
import sys
from dataclasses import dataclass
from typing import Any

import harness
from search import RARE, text, zipf_words

BENCH = harness.Bench(
    name="advocacy",
    pg_database="bygdebas_bench_advocacy",
    labels={
        "common": "staff search: landsbygden",
        "two-words": "staff search: two words",
        "rare": "staff search: rare word",
        "no-match": "staff search: no match",
        "public": "public positions: landsbygden",
        "inbox": "inbox page (50 rows)",
        "rules": "keyword rules on one entry",
    },
    label_width=32,
)
QUERIES = {
    "common": "landsbygden",
    "two-words": "kollektivtrafiken skolan",
    "rare": "bystugorna",
    "no-match": "xylofonorkester",
    "public": "landsbygden",
}
ENTRIES = 100_000
PEER_ENTRIES = 200
SOURCES = 20
CASES = 300
POSITIONS = 200
SEED = 20251205
RULES = ("landsbygd*", "kollektivtrafik", "bredband*", "krisberedskap*", "sociala ekonomin")
EXCLUSIONS = ("turism*",)


@dataclass
class Site:
    network: Any
    staff: Any
    client: Any
    entries: int
    sample: tuple[str, str]


def build_network(
    rng: random.Random, slug: str, entries: int, now: datetime.datetime, *, share: int
) -> Site:
    from django.contrib.contenttypes.models import ContentType
    from django.db import transaction
    from django.test import Client

    from bygdebas.advocacy.models import Case, Entry, Position, Source
    from bygdebas.advocacy.registrations import case_document, entry_document, position_document
    from bygdebas.core import search
    from bygdebas.core.models import Network, Role, SearchDocument, User

    words = zipf_words(rng)
    with transaction.atomic():
        network = Network.objects.create(name=f"Nätverk {slug}", slug=slug, domain=f"{slug}.bench")
        staff = User.objects.create_user(email=f"staff@{slug}.bench", password="bench-pass-1")
        Role.objects.create(user=staff, network=network, kind="staff")
        sources = Source.objects.bulk_create(
            Source(network=network, name=f"Källa {i}", url=f"https://{slug}.bench/{i}.xml")
            for i in range(SOURCES)
        )
    kinds = [
        (Entry, ContentType.objects.get_for_model(Entry), "advocacy.entry", entry_document),
        (Case, ContentType.objects.get_for_model(Case), "advocacy.case", case_document),
        (Position, ContentType.objects.get_for_model(Position), "advocacy.position",
         position_document),
    ]  # fmt: skip

    def index(rows: list[Any], content_type: Any, kind: str, document: Any) -> None:
        docs = []
        for row in rows:
            data = document(row)
            docs.append(
                SearchDocument(
                    network=network,
                    content_type=content_type,
                    object_id=str(row.pk),
                    kind=kind,
                    title=data.title,
                    body=data.body,
                    url=data.url,
                    visibility=data.visibility,
                    published_at=data.published_at,
                )
            )
        search._insert(docs)

    sample = ("", "")
    done = 0
    while done < entries:
        count = min(2000, entries - done)
        with transaction.atomic():
            rows = []
            for i in range(count):
                title = text(rng, words, rng.randint(3, 8)).rstrip(".")
                summary = text(rng, words, rng.randint(20, 80))
                rows.append(
                    Entry(
                        network=network,
                        source=sources[(done + i) % SOURCES],
                        guid=f"{slug}-{done + i}",
                        link=f"https://{slug}.bench/e/{done + i}",
                        title=title,
                        summary=summary,
                        published_at=now - datetime.timedelta(minutes=done + i),
                        is_match=True,
                        matched_terms="landsbygd*",
                    )
                )
            sample = (rows[0].title, rows[0].summary)
            index(Entry.objects.bulk_create(rows), *kinds[0][1:])
        done += count
    with transaction.atomic():
        cases = Case.objects.bulk_create(
            Case(
                network=network,
                authority="Region Örebro län",
                title=text(rng, words, 6).rstrip("."),
                received_on=now.date(),
                answer=text(rng, words, 200),
            )
            for _ in range(max(1, CASES // share))
        )
        index(cases, *kinds[1][1:])
        positions = Position.objects.bulk_create(
            Position(
                network=network,
                title=text(rng, words, 6).rstrip("."),
                text=text(rng, words, 300),
                published_on=now.date(),
                is_published=True,
                published_at=now,
            )
            for _ in range(max(1, POSITIONS // share))
        )
        index(positions, *kinds[2][1:])
    client = Client(HTTP_HOST=f"{slug}.bench")
    client.force_login(staff)
    return Site(network, staff, client, entries, sample)


def build(rng: random.Random, now: datetime.datetime, networks: int) -> list[Site]:
    """The large networks, then the peer."""
    return [
        *(
            build_network(rng, f"n{i + 1}", ENTRIES // networks, now, share=networks)
            for i in range(networks)
        ),
        build_network(rng, "peer", PEER_ENTRIES, now, share=60),
    ]


def benchmark(db: str, requests: int, networks: int) -> int:
    info = harness.setup()
    from django.utils import timezone

    from bygdebas.advocacy.matching import Rules
    from bygdebas.advocacy.views import SEARCH_KINDS
    from bygdebas.core import search

    sites, phases = harness.prepare(
        info, lambda: build(random.Random(SEED), timezone.now(), networks)
    )
    large, peer = sites[:-1], sites[-1]
    for site in sites:
        site.staff.role_in(site.network)
    rules = Rules.of(RULES, EXCLUSIONS)

    def staff_search(query: str) -> harness.Probe[Site]:
        def run(site: Site) -> int:
            found = search.search(query, network=site.network, user=site.staff, kinds=SEARCH_KINDS)
            return sum(len(r.title) + len(r.snippet) for r in found.results)

        return run

    def public_search(site: Site) -> int:
        found = search.search(
            QUERIES["public"], network=site.network, user=None, kinds=["advocacy.position"]
        )
        return sum(len(r.title) + len(r.snippet) for r in found.results)

    def inbox(site: Site) -> int:
        return harness.fetch(site.client, "/kansli/bevakning/", site.network.slug)

    def keyword_rules(site: Site) -> int:
        return len(rules.matched_terms(*site.sample))

    probes: dict[str, harness.Probe[Site]] = {
        name: staff_search(QUERIES[name]) for name in ("common", "two-words", "rare", "no-match")
    }
    probes.update({"public": public_search, "inbox": inbox, "rules": keyword_rules})
    measured = harness.measure(large, peer, probes, requests)
    first = large[0]
    counts = {
        name: search.search(q, network=first.network, user=first.staff, kinds=SEARCH_KINDS).total
        for name, q in QUERIES.items()
        if name != "public"
    }
    data = {
        "networks": len(large),
        "entries": sum(site.entries for site in large),
        "sources": SOURCES,
        "cases": CASES,
        "positions": POSITIONS,
        "peer_entries": peer.entries,
        "matches": counts,
        "rare_words": list(RARE),
    }
    urls = dict.fromkeys(BENCH.labels, "")
    urls["inbox"] = "/kansli/bevakning/"
    result = harness.results(db, info, data, phases, requests, measured, urls)
    harness.write_results(BENCH, result)
    harness.report(BENCH, result, data_line(result["data"]))
    return 0


def data_line(d: dict[str, Any]) -> str:
    matches = ", ".join(f"{name} {n:,}" for name, n in d["matches"].items())
    return (
        f"Data: {d['networks']} networks with {d['entries']:,} watched entries between them "
        f"({d['sources']} sources, {d['cases']} cases, {d['positions']} positions a network's "
        f"share); peer: {d['peer_entries']} entries. Staff matches in one network: {matches}."
    )


def main() -> int:
    parser = harness.parser(__doc__, requests=200)
    parser.add_argument("--networks", type=int, default=24, help="networks sharing the entries")
    args = parser.parse_args()
    if args.requests < 1:
        parser.error("--requests must be positive")
    if args.db == "both":
        options = ["--requests", str(args.requests), "--networks", str(args.networks)]
        return harness.run_children(BENCH, __file__, options)
    return harness.run_one(BENCH, args.db, lambda: benchmark(args.db, args.requests, args.networks))


if __name__ == "__main__":
    sys.exit(main())
