"""Server time of the registry's staff pages, on SQLite and PostgreSQL.

Builds 24 networks: one large with 5,000 organisations and 50,000 people (10 roles an
organisation), and 23 smaller ones with 100 organisations and 1,000 people each; each
organisation has memberships over the last four years (about 60 % active), a third of them tags.
Then it times, in-process with Django's test client (no network, no web server), signed in as
staff of the network:

- the organisation list, ``/kansli/organisationer/`` (50 a page, sorted by name)
- the list filtered by kind, municipality and membership status, sorted by last update
- the list searched by name, ``?q=berg`` (also matches localities, e-mail, org numbers)
- the people list searched by name, ``/kansli/personer/?q=andersson``
- the map's JSON, ``/kansli/organisationer/karta.json`` (every organisation with a position)
- the member statistics page, ``/kansli/medlemsstatistik/``

It reports p50/p95/max in milliseconds and the queries a request makes, for the large network and
for a small peer in the same run; the large/small ratio shows how each page's time grows with
the data, while its query count must not. Nothing is asserted: a benchmark only reports.

    python bench/members.py [--db sqlite|postgres|both] [--requests N]

Each database runs in a child process of this script, since Django reads its settings once.
SQLite goes to a temporary file; PostgreSQL to a database ``bygdebas_bench_members`` that is
created first and dropped afterwards. The figures are also written to
bench/results/members-<db>.json.
"""

from __future__ import annotations

import random
import sys
from dataclasses import dataclass
from typing import Any

import harness

BENCH = harness.Bench(
    name="members",
    pg_database="bygdebas_bench_members",
    labels={
        "list": "organisation list",
        "list-filtered": "list, filtered and sorted",
        "list-search": "list, searched",
        "people-search": "people, searched",
        "map-json": "map JSON",
        "statistics": "member statistics",
    },
    label_width=26,
)

NETWORKS = 24
LARGE_ORGANISATIONS, LARGE_PEOPLE = 5_000, 50_000
SMALL_ORGANISATIONS, SMALL_PEOPLE = 100, 1_000
MUNICIPALITIES = 12
YEARS = 4
SEED = 20250301
PAGES = tuple(BENCH.labels)

VILLAGES = (
    "Berga", "Ekeby", "Sörby", "Norrby", "Lunda", "Åsby", "Hammar", "Viby", "Dala", "Bergsäng",
    "Holmen", "Kvarntorp", "Lindby", "Västanby", "Östansjö", "Mossberg", "Skogaby", "Rönnäs",
)  # fmt: skip
PATTERNS = ("{v} byalag", "{v}s bygdeförening", "Utvecklingsgruppen i {v}", "Levande {v}")
FIRST = ("Anna", "Eva", "Karin", "Lars", "Erik", "Johan", "Maria", "Nils", "Sara", "Per")
LAST = ("Andersson", "Johansson", "Karlsson", "Nilsson", "Eriksson", "Larsson", "Berg", "Holm")
KINDS = ("village", "local_group", "local_group", "association", "study", "company", "other")
ROLES = ("contact", "chair", "treasurer", "secretary", "board", "board", "board", "other")


@dataclass
class Site:
    network: Any
    client: Any
    municipality_code: str
    year: int
    organisations: int
    people: int

    def url(self, page: str) -> str:
        return {
            "list": "/kansli/organisationer/",
            "list-filtered": (
                f"/kansli/organisationer/?kind=local_group&municipality={self.municipality_code}"
                f"&status=active&year={self.year}&sort=-updated"
            ),
            "list-search": "/kansli/organisationer/?q=berg",
            "people-search": "/kansli/personer/?q=andersson",
            "map-json": "/kansli/organisationer/karta.json",
            "statistics": f"/kansli/medlemsstatistik/?year={self.year}",
        }[page]


def luhn_number(rng: random.Random, taken: set[str]) -> str:
    from bygdebas.members.normalise import luhn_ok

    while True:
        body = "802" + "".join(str(rng.randint(0, 9)) for _ in range(6))
        check = next(str(d) for d in range(10) if luhn_ok(body + str(d)))
        number = f"{body[:6]}-{body[6:]}{check}"
        if number not in taken:
            taken.add(number)
            return number


def build_network(
    rng: random.Random,
    network: Any,
    municipalities: list[Any],
    organisations: int,
    people: int,
    year: int,
) -> None:
    """Bulk-create one network's organisations, tags, memberships, people and roles."""
    from bygdebas.members.models import Engagement, Membership, Organisation, Person, Tag
    from bygdebas.members.normalise import name_key

    tags = Tag.objects.bulk_create(
        Tag(network=network, name=name)
        for name in ("bygdegård", "bredband", "ungdom", "LEADER", "hembygd", "skola")
    )
    numbers: set[str] = set()
    orgs = []
    for i in range(organisations):
        municipality = rng.choice(municipalities)
        village = f"{rng.choice(VILLAGES)}{'' if i < len(VILLAGES) else f' {i}'}"
        name = rng.choice(PATTERNS).format(v=village)
        orgs.append(
            Organisation(
                network=network,
                name=name,
                name_key=name_key(name),
                kind=rng.choice(KINDS),
                org_number=luhn_number(rng, numbers) if rng.random() < 0.8 else "",
                municipality=municipality,
                locality=village,
                latitude=59.3 + rng.uniform(-0.5, 0.5) if rng.random() < 0.9 else None,
                longitude=15.0 + rng.uniform(-0.7, 0.7),
                email=f"info{i}@example.org",
                phone="019-12 34 56",
                founded_year=rng.randint(1950, 2024) if rng.random() < 0.8 else None,
                is_youth_led=rng.random() < 0.08,
            )
        )
    for org in orgs:
        if org.latitude is None:
            org.longitude = None
    orgs = Organisation.objects.bulk_create(orgs, batch_size=2_000)
    through = Organisation.tags.through
    through.objects.bulk_create(
        (
            through(organisation_id=org.pk, tag_id=tag.pk)
            for org in orgs
            if rng.random() < 0.33
            for tag in rng.sample(tags, rng.randint(1, 2))
        ),
        batch_size=5_000,
    )
    memberships = []
    for org in orgs:
        if rng.random() < 0.25:
            continue
        first = rng.randint(year - YEARS + 1, year)
        for y in range(first, year + 1):
            status = rng.choices(
                ("active", "renewal_requested", "lapsed"), (85, 10, 5) if y == year else (95, 0, 5)
            )[0]
            memberships.append(Membership(organisation=org, year=y, status=status))
    Membership.objects.bulk_create(memberships, batch_size=5_000)
    persons = Person.objects.bulk_create(
        (
            Person(
                network=network,
                name=f"{rng.choice(FIRST)} {rng.choice(LAST)}",
                email=f"person{network.pk}-{i}@example.org",
                phone=f"070-{rng.randint(100, 999)} {rng.randint(10, 99)} {rng.randint(10, 99)}",
            )
            for i in range(people)
        ),
        batch_size=5_000,
    )
    per_org = max(people // organisations, 1)
    Engagement.objects.bulk_create(
        (
            Engagement(
                person=person,
                organisation=orgs[(index // per_org) % len(orgs)],
                role=ROLES[index % per_org % len(ROLES)],
            )
            for index, person in enumerate(persons)
        ),
        batch_size=5_000,
    )


def build(rng: random.Random, year: int) -> list[dict[str, Any]]:
    """The networks; the large one first, a small peer last."""
    from django.db import transaction

    from bygdebas.core.models import County, Municipality, Network, Role, User

    built = []
    with transaction.atomic():
        county = County.objects.create(code="18", name="Örebro län")
        municipalities = Municipality.objects.bulk_create(
            Municipality(
                code=f"18{i:02d}", name=f"Kommun {i}", county=county, population=10_000 + i
            )
            for i in range(MUNICIPALITIES)
        )
        for n in range(NETWORKS):
            is_large = n == 0
            slug = "large" if is_large else f"n{n}"
            network = Network.objects.create(
                name=f"Nätverk {slug}", slug=slug, domain=f"{slug}.bench", county=county
            )
            user = User.objects.create_user(email=f"staff@{slug}.bench", password=None)
            Role.objects.create(user=user, network=network, kind="staff")
            organisations = LARGE_ORGANISATIONS if is_large else SMALL_ORGANISATIONS
            people = LARGE_PEOPLE if is_large else SMALL_PEOPLE
            build_network(rng, network, municipalities, organisations, people, year)
            built.append(
                {
                    "network": network,
                    "user": user,
                    "organisations": organisations,
                    "people": people,
                    "municipality_code": municipalities[1].code,
                }
            )
    return built


def vacuumed[T](built: T) -> T:
    """VACUUM on PostgreSQL after the bulk load, as autovacuum does soon after one (PostgreSQL
    13 and later vacuum after inserts too): it fills the visibility map, without which counts
    cannot use index-only scans. ``harness.prepare`` then ANALYZEs."""
    from django.db import connection

    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("VACUUM")
    return built


def benchmark(db: str, requests: int) -> int:
    info = harness.setup()
    from django.test import Client
    from django.utils import timezone

    year = timezone.localdate().year
    built, phases = harness.prepare(info, lambda: vacuumed(build(random.Random(SEED), year)))
    sites = []
    for row in (built[0], built[-1]):
        client = Client(HTTP_HOST=row["network"].domain)
        client.force_login(row["user"])
        sites.append(
            Site(
                network=row["network"],
                client=client,
                municipality_code=row["municipality_code"],
                year=year,
                organisations=row["organisations"],
                people=row["people"],
            )
        )
    large, peer = sites

    def page_probe(page: str) -> harness.Probe[Site]:
        return lambda site: harness.fetch(site.client, site.url(page), site.network.domain)

    measured = harness.measure([large], peer, {page: page_probe(page) for page in PAGES}, requests)
    data = {
        "networks": 1,  # the one large network is timed (the harness's "spread over")
        "all_networks": NETWORKS,
        "large_organisations": LARGE_ORGANISATIONS,
        "large_people": LARGE_PEOPLE,
        "small_networks": NETWORKS - 1,
        "small_organisations": SMALL_ORGANISATIONS,
        "small_people": SMALL_PEOPLE,
    }
    urls = {page: large.url(page) for page in PAGES}
    result = harness.results(db, info, data, phases, requests, measured, urls)
    harness.write_results(BENCH, result)
    harness.report(BENCH, result, data_line(data))
    return 0


def data_line(d: dict[str, Any]) -> str:
    return (
        f"Data: {d['all_networks']} networks. Large: {d['large_organisations']:,} organisations, "
        f"{d['large_people']:,} people. {d['small_networks']} small: {d['small_organisations']} "
        f"organisations and {d['small_people']:,} people each (the peer is one of them). "
        f"Memberships over {YEARS} years."
    )


def main() -> int:
    parser = harness.parser(__doc__, requests=60)
    args = parser.parse_args()
    if args.requests < 1:
        parser.error("--requests must be positive")
    if args.db == "both":
        return harness.run_children(BENCH, __file__, ["--requests", str(args.requests)])
    return harness.run_one(BENCH, args.db, lambda: benchmark(args.db, args.requests))


if __name__ == "__main__":
    sys.exit(main())
