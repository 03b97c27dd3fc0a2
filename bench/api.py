"""Server time of the open API's lists at national scale, on SQLite and PostgreSQL.

Builds 24 networks with about 5,000 member groups in all: one large network (Örebro's size and
more: 400 organisations, 600 events, 600 actions, 1,200 people) and 23 with 205 organisations,
150 events, 150 actions and 300 people each. Every network has a key with every scope. Then it
times, in-process with Django's test client (no network, no web server), with the key:

- ``/api/v1/organisations?limit=100``: the first page of 100 organisations
- the third page of 100, through the cursors of the first two
- ``?updated_since=…``: the organisations changed in the last hour (a synchronisation)
- ``/api/v1/events?limit=100``: the first page of 100 events, with their place counts
- ``/api/v1/public/events/upcoming?limit=100``: no key, the host's upcoming public events
- ``/api/v1/people?limit=100``: personal data, with its line in the audit log

Each request goes the whole way: key check (a hash and one query), the rate limit's count,
the page, serialising, the ETag. The figures for the large network stand next to those for a
small peer in the same run; the queries a page makes must not grow with the data. Nothing is
asserted: a benchmark only reports.

    python bench/api.py [--db sqlite|postgres|both] [--requests N]

Each database runs in a child process of this script. SQLite goes to a temporary file;
PostgreSQL to a database ``bygdebas_bench_api`` that is created first and dropped afterwards. The
figures are also written to bench/results/api-<db>.json.
"""

from __future__ import annotations

import datetime
import random
import sys
from dataclasses import dataclass
from typing import Any

import harness

BENCH = harness.Bench(
    name="api",
    pg_database="bygdebas_bench_api",
    labels={
        "organisations": "organisations, 100",
        "organisations-page-3": "organisations, 3rd page",
        "organisations-since": "organisations, since",
        "events": "events, 100",
        "public-events": "public upcoming, 100",
        "people": "people, 100 (audited)",
    },
    label_width=24,
)

NETWORKS = 24
LARGE = {"organisations": 400, "events": 600, "actions": 600, "people": 1_200}
SMALL = {"organisations": 205, "events": 150, "actions": 150, "people": 300}
MUNICIPALITIES = 12
SEED = 20251205
PAGES = tuple(BENCH.labels)
VILLAGES = ("Berga", "Ekeby", "Sörby", "Norrby", "Lunda", "Åsby", "Hammar", "Viby", "Dala")


@dataclass
class Site:
    network: Any
    client: Any  # with the key
    anonymous: Any  # without
    since: str
    cursor_3: str

    def url(self, page: str) -> str:
        return {
            "organisations": "/api/v1/organisations?limit=100",
            "organisations-page-3": f"/api/v1/organisations?limit=100&cursor={self.cursor_3}",
            "organisations-since": f"/api/v1/organisations?limit=100&updated_since={self.since}",
            "events": "/api/v1/events?limit=100",
            "public-events": "/api/v1/public/events/upcoming?limit=100",
            "people": "/api/v1/people?limit=100",
        }[page]


def build_network(
    rng: random.Random, network: Any, municipalities: list[Any], sizes: dict[str, int], year: int
) -> str:
    """Bulk-create one network's rows; returns its key."""
    from django.utils import timezone

    from bygdebas.api.services import create_api_key
    from bygdebas.events.models import Event
    from bygdebas.members.models import Engagement, Membership, Organisation, Person
    from bygdebas.members.normalise import name_key
    from bygdebas.plan.models import Action, Activity, Area, Plan

    orgs = []
    for i in range(sizes["organisations"]):
        name = f"{rng.choice(VILLAGES)} {i} byalag"
        orgs.append(
            Organisation(
                network=network,
                name=name,
                name_key=name_key(name),
                municipality=rng.choice(municipalities),
                locality=rng.choice(VILLAGES),
                email=f"info{i}@example.org",
                phone="019-12 34 56",
            )
        )
    orgs = Organisation.objects.bulk_create(orgs, batch_size=2_000)
    Membership.objects.bulk_create(
        (Membership(organisation=org, year=year, status="active") for org in orgs),
        batch_size=2_000,
    )
    people = Person.objects.bulk_create(
        (
            Person(network=network, name=f"Person {i}", email=f"p{network.pk}-{i}@example.org")
            for i in range(sizes["people"])
        ),
        batch_size=2_000,
    )
    Engagement.objects.bulk_create(
        (
            Engagement(person=person, organisation=orgs[i % len(orgs)], role="contact")
            for i, person in enumerate(people)
        ),
        batch_size=2_000,
    )
    plan = Plan.objects.create(network=network, year=year, title=f"Verksamhetsplan {year}")
    area = Area.objects.create(plan=plan, title="Område", order=0)
    activities = Activity.objects.bulk_create(
        Activity(area=area, text=f"Aktivitet {i}", order=i) for i in range(5)
    )
    actions = Action.objects.bulk_create(
        (
            Action(
                network=network,
                performed_on=datetime.date(year, 1 + i % 12, 1 + i % 28),
                title=f"Insats {i}",
            )
            for i in range(sizes["actions"])
        ),
        batch_size=2_000,
    )
    Action.activities.through.objects.bulk_create(
        (
            Action.activities.through(action_id=action.pk, activity_id=activity.pk)
            for action in actions
            for activity in rng.sample(activities, 2)
        ),
        batch_size=5_000,
    )
    now = timezone.now()
    events = Event.objects.bulk_create(
        (
            Event(
                network=network,
                title=f"Bygdemöte {i}",
                status="published" if i % 10 else "draft",
                starts_at=now + datetime.timedelta(days=i % 300 - 100, hours=i % 7),
                ends_at=now + datetime.timedelta(days=i % 300 - 100, hours=i % 7 + 2),
                municipality=rng.choice(municipalities),
                capacity=40,
            )
            for i in range(sizes["events"])
        ),
        batch_size=2_000,
    )
    Event.activities.through.objects.bulk_create(
        (
            Event.activities.through(event_id=event.pk, activity_id=activities[0].pk)
            for event in events
        ),
        batch_size=5_000,
    )
    _api_key, key = create_api_key(
        network=network,
        name="Bench",
        scopes=["read_public", "read_registry", "read_personal"],
        expires_at=now + datetime.timedelta(days=30),
        created_by=None,
        rate_limit=1_000_000_000,
    )
    return key


def build(rng: random.Random, year: int) -> list[dict[str, Any]]:
    """The networks; the large one first, a small peer last."""
    from django.db import transaction
    from django.utils import timezone

    from bygdebas.core.models import County, Municipality, Network
    from bygdebas.members.models import Organisation

    built = []
    with transaction.atomic():
        county = County.objects.create(code="18", name="Örebro län")
        municipalities = Municipality.objects.bulk_create(
            Municipality(code=f"18{i:02d}", name=f"Kommun {i}", county=county)
            for i in range(MUNICIPALITIES)
        )
        for n in range(NETWORKS):
            slug = "large" if n == 0 else f"n{n}"
            network = Network.objects.create(
                name=f"Nätverk {slug}", slug=slug, domain=f"{slug}.bench", county=county
            )
            sizes = LARGE if n == 0 else SMALL
            key = build_network(rng, network, municipalities, sizes, year)
            built.append({"network": network, "key": key})
    # A synchronisation's worth of changes: 5 % of the organisations changed in the last hour
    # (the others an hour and more ago).
    hour_ago = timezone.now() - datetime.timedelta(hours=1)
    Organisation.objects.update(updated_at=hour_ago - datetime.timedelta(minutes=5))
    changed = [
        pk for pk in Organisation.objects.values_list("pk", flat=True) if rng.random() < 0.05
    ]
    Organisation.objects.filter(pk__in=changed).update(updated_at=timezone.now())
    return built


def benchmark(db: str, requests: int) -> int:
    info = harness.setup()
    from django.conf import settings
    from django.test import Client
    from django.utils import timezone

    # The public endpoints count per client address: the benchmark is one client.
    settings.BYGDEBAS_API_PUBLIC_RATE_LIMIT = 1_000_000_000
    year = timezone.localdate().year
    built, phases = harness.prepare(info, lambda: build(random.Random(SEED), year))
    since = (timezone.now() - datetime.timedelta(hours=1)).isoformat().replace("+", "%2B")
    sites = []
    for row in (built[0], built[-1]):
        host = row["network"].domain
        client = Client(HTTP_HOST=host, HTTP_AUTHORIZATION=f"Bearer {row['key']}")
        cursor = None
        for _ in range(2):
            url = "/api/v1/organisations?limit=100" + (f"&cursor={cursor}" if cursor else "")
            cursor = client.get(url).json()["next_cursor"]
        sites.append(
            Site(
                network=row["network"],
                client=client,
                anonymous=Client(HTTP_HOST=host),
                since=since,
                cursor_3=cursor,
            )
        )
    large, peer = sites

    def page_probe(page: str) -> harness.Probe[Site]:
        def probe(site: Site) -> int:
            client = site.anonymous if page == "public-events" else site.client
            return harness.fetch(client, site.url(page), site.network.domain)

        return probe

    # One request per page and site first: the first request of a rate-limit window also
    # clears the ended windows, which is not the page's own cost (the harness counts the
    # queries of its warm-up request).
    for site in sites:
        for page in PAGES:
            page_probe(page)(site)
    measured = harness.measure([large], peer, {page: page_probe(page) for page in PAGES}, requests)
    data = {
        "networks": 1,
        "all_networks": NETWORKS,
        "large": LARGE,
        "small": SMALL,
        "organisations_in_all": LARGE["organisations"] + (NETWORKS - 1) * SMALL["organisations"],
        "events_in_all": LARGE["events"] + (NETWORKS - 1) * SMALL["events"],
    }
    urls = {page: large.url(page) for page in PAGES}
    result = harness.results(db, info, data, phases, requests, measured, urls)
    harness.write_results(BENCH, result)
    harness.report(BENCH, result, data_line(data))
    print_cpu(cpu_per_request(large, page_probe, requests))
    return 0


def cpu_per_request(site: Site, page_probe: Any, requests: int) -> dict[str, tuple[float, float]]:
    """This process's CPU time per request of each page on the large network (the wall clock
    above also counts the waits for a shared machine's cores): p50 and p95 in ms."""
    import time

    found = {}
    for page in PAGES:
        probe = page_probe(page)
        samples = []
        for _ in range(requests):
            start = time.process_time()
            probe(site)
            samples.append((time.process_time() - start) * 1000)
        found[page] = (harness.percentile(samples, 50), harness.percentile(samples, 95))
    return found


def print_cpu(found: dict[str, tuple[float, float]]) -> None:
    print()
    print("CPU time of this process per request, large network (SQLite's work is in-process;")
    print("PostgreSQL's server time is not):")
    for page, (p50, p95) in found.items():
        print(f"  {BENCH.labels[page]:<{BENCH.label_width}} p50 {p50:6.1f} ms   p95 {p95:6.1f} ms")


def data_line(d: dict[str, Any]) -> str:
    large, small = d["large"], d["small"]
    return (
        f"Data: {d['all_networks']} networks, {d['organisations_in_all']:,} organisations and "
        f"{d['events_in_all']:,} events in all. Large: {large['organisations']} organisations, "
        f"{large['events']} events, {large['actions']} actions, {large['people']:,} people. "
        f"{d['all_networks'] - 1} small: {small['organisations']} organisations, "
        f"{small['events']} events, {small['actions']} actions, {small['people']} people each "
        "(the peer is one of them). Every page holds 100 rows."
    )


def main() -> int:
    parser = harness.parser(__doc__, requests=100)
    args = parser.parse_args()
    if args.requests < 1:
        parser.error("--requests must be positive")
    if args.db == "both":
        return harness.run_children(BENCH, __file__, ["--requests", str(args.requests)])
    return harness.run_one(BENCH, args.db, lambda: benchmark(args.db, args.requests))


if __name__ == "__main__":
    sys.exit(main())
