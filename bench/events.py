"""Server time of the public calendar and an event page, on SQLite and PostgreSQL.

Builds 24 networks with 10,000 events and 200,000 registrations between them (about 417 events
and 8,300 registrations a network), over two years back and one ahead, plus one small peer
network with 20 events and 200 registrations. Each network has one busy upcoming event with 400
registrations (300 places taken, 100 waiting). Then it times, in-process with Django's test
client (no network, no web server), as an anonymous visitor:

- the calendar, ``/kalender/`` (upcoming events, 20 a page, with places left)
- the calendar filtered by municipality, ``/kalender/?municipality=<code>``
- the month view, ``/kalender/<year>/<month>/`` of the current month
- the page of the network's busy event, ``/kalender/<pk>/`` (with the registration form)

It reports p50/p95/max in milliseconds and the queries a request makes, for the large networks
and for the small peer in the same run; the large/small ratio shows how each page's time grows
with the data, while its query count must not. Nothing is asserted: a benchmark only reports.

    python bench/events.py [--db sqlite|postgres|both] [--requests N]

Each database runs in a child process of this script, since Django reads its settings once.
SQLite goes to a temporary file; PostgreSQL to a database ``bygdebas_bench_events`` that is
created first and dropped afterwards. The figures are also written to
bench/results/events-<db>.json.
"""

from __future__ import annotations

import datetime
import random
import sys
from dataclasses import dataclass
from typing import Any

import harness

BENCH = harness.Bench(
    name="events",
    pg_database="bygdebas_bench_events",
    labels={
        "calendar": "calendar",
        "calendar-municipality": "calendar, one municipality",
        "month": "month view",
        "event-detail": "busy event page",
    },
    label_width=28,
)

NETWORKS = 24
EVENTS = 10_000
REGISTRATIONS = 200_000
BUSY_REGISTRATIONS = 400
BUSY_CAPACITY = 300
PEER_EVENTS = 20
PEER_REGISTRATIONS = 200
MUNICIPALITIES = 12
# Events from two years back to one year ahead of the run.
DAYS_BACK, DAYS_AHEAD = 730, 365
SEED = 20250101

PAGES = tuple(BENCH.labels)

KINDS = ("meeting", "seminar", "training", "conference", "study_visit", "dialogue", "other")
TITLES = (
    "Bygdemöte om skolskjutsarna",
    "Seminarium om landsbygdspolitik",
    "Studiebesök på sågverket",
    "Utbildning för föreningsstyrelser",
    "Partsöverskridande dialog om bredband",
    "Nätverksträff för lokala utvecklingsgrupper",
    "Workshop om Agenda 2030 i bygden",
    "Konferens om service på landsbygden",
)
DESCRIPTION = (
    "Välkommen till en kväll om **bygdens** framtid.\n\n"
    "Vi bjuder på kaffe och smörgås. Anmäl dig senast en vecka innan, och berätta om du har "
    "särskilda behov.\n\n- Inledning\n- Samtal i grupper\n- Vad gör vi nu?\n"
)


@dataclass
class Site:
    """One network as the benchmark sees it: an anonymous client and its busy event."""

    network: Any
    client: Any
    municipality_code: str
    busy_event_id: int
    busy_registrations: int
    events: int
    registrations: int

    def url(self, page: str, today: datetime.date) -> str:
        return {
            "calendar": "/kalender/",
            "calendar-municipality": f"/kalender/?municipality={self.municipality_code}",
            "month": f"/kalender/{today.year}/{today.month}/",
            "event-detail": f"/kalender/{self.busy_event_id}/",
        }[page]


def split(total: int, parts: int) -> list[int]:
    """``total`` in ``parts`` near-equal whole parts."""
    return [total // parts + (1 if i < total % parts else 0) for i in range(parts)]


def build(rng: random.Random, now: datetime.datetime) -> list[dict[str, Any]]:
    """Bulk-create the networks, events and registrations; one dict per network, peer last."""
    from django.db import transaction

    from bygdebas.core.models import County, Municipality, Network
    from bygdebas.events.models import Event, Registration

    built = []
    person = 0
    with transaction.atomic():
        county = County.objects.create(code="18", name="Örebro län")
        municipalities = Municipality.objects.bulk_create(
            Municipality(code=f"18{i:02d}", name=f"Kommun {i}", county=county, population=10_000)
            for i in range(MUNICIPALITIES)
        )
        specs = [
            (f"n{i + 1}", events, registrations)
            for i, (events, registrations) in enumerate(
                zip(split(EVENTS, NETWORKS), split(REGISTRATIONS, NETWORKS), strict=True)
            )
        ]
        specs.append(("peer", PEER_EVENTS, PEER_REGISTRATIONS))
        networks = Network.objects.bulk_create(
            Network(name=f"Nätverk {slug}", slug=slug, domain=f"{slug}.bench", county=county)
            for slug, _events, _registrations in specs
        )
        for network, (slug, event_count, registration_count) in zip(networks, specs, strict=True):
            is_peer = slug == "peer"
            busy_registrations = PEER_REGISTRATIONS // 4 if is_peer else BUSY_REGISTRATIONS
            busy_starts = (now + datetime.timedelta(days=14)).replace(
                hour=18, minute=0, second=0, microsecond=0
            )
            events = [
                Event(
                    network=network,
                    title="Stormöte om bygdens framtid",
                    description=DESCRIPTION,
                    kind="conference",
                    status="published",
                    starts_at=busy_starts,
                    ends_at=busy_starts + datetime.timedelta(hours=3),
                    place_name="Bygdegården",
                    address="Byvägen 1",
                    municipality=municipalities[0],
                    capacity=BUSY_CAPACITY if not is_peer else busy_registrations * 3 // 4,
                    sdgs=[8, 11],
                )
            ]
            for _ in range(event_count - 1):
                starts = now + datetime.timedelta(
                    days=rng.randint(-DAYS_BACK, DAYS_AHEAD), hours=rng.randint(-6, 6)
                )
                starts = starts.replace(minute=0, second=0, microsecond=0)
                status = rng.choices(("published", "draft", "cancelled"), (85, 10, 5))[0]
                is_digital = rng.random() < 0.2
                events.append(
                    Event(
                        network=network,
                        title=rng.choice(TITLES),
                        description=DESCRIPTION,
                        kind=rng.choice(KINDS),
                        format="digital" if is_digital else rng.choice(("physical", "hybrid")),
                        status=status,
                        starts_at=starts,
                        ends_at=starts + datetime.timedelta(hours=rng.choice((1, 2, 3, 8))),
                        place_name="" if is_digital else "Bygdegården",
                        address="" if is_digital else "Byvägen 1",
                        municipality=None if is_digital else rng.choice(municipalities),
                        video_url="https://video.example/rum" if is_digital else "",
                        capacity=rng.choice((None, 20, 30, 50, 100)),
                        is_members_only=rng.random() < 0.1,
                        sdgs=rng.sample(range(1, 18), rng.randint(0, 3)),
                        cancelled_at=now if status == "cancelled" else None,
                    )
                )
            events = Event.objects.bulk_create(events, batch_size=2_000)
            # The busy event's registrations, then the rest spread over the other events.
            counts = dict.fromkeys((e.pk for e in events), 0)
            counts[events[0].pk] = busy_registrations
            for pk in rng.choices(
                [e.pk for e in events[1:]], k=registration_count - busy_registrations
            ):
                counts[pk] += 1
            registrations = []
            for event in events:
                held = 0
                for place in range(counts[event.pk]):
                    person += 1
                    if rng.random() < 0.05 and event.pk != events[0].pk:
                        status = "cancelled"
                    elif event.capacity is None or held < event.capacity:
                        status, held = "confirmed", held + 1
                    else:
                        status = "waiting"
                    registrations.append(
                        Registration(
                            event=event,
                            name=f"Deltagare {person}",
                            email=f"deltagare{person}@example.org",
                            organisation=rng.choice(("", "", "Byalaget", "Hembygdsföreningen")),
                            status=status,
                            created_at=event.starts_at - datetime.timedelta(hours=place + 24),
                            cancelled_at=now if status == "cancelled" else None,
                        )
                    )
            Registration.objects.bulk_create(registrations, batch_size=5_000)
            built.append(
                {
                    "slug": slug,
                    "network": network,
                    "municipality_code": municipalities[0].code,
                    "busy": events[0].pk,
                    "busy_registrations": busy_registrations,
                    "events": len(events),
                    "registrations": len(registrations),
                }
            )
    return built


def benchmark(db: str, requests: int) -> int:
    info = harness.setup()
    from django.test import Client
    from django.utils import timezone

    def load() -> tuple[datetime.date, list[dict[str, Any]]]:
        today = timezone.localdate()
        return today, build(random.Random(SEED), timezone.now())

    (today, built), phases = harness.prepare(info, load)
    sites = [
        Site(
            network=row["network"],
            client=Client(HTTP_HOST=row["network"].domain),
            municipality_code=row["municipality_code"],
            busy_event_id=row["busy"],
            busy_registrations=row["busy_registrations"],
            events=row["events"],
            registrations=row["registrations"],
        )
        for row in built
    ]
    large, peer = sites[:-1], sites[-1]

    def page_probe(page: str) -> harness.Probe[Site]:
        return lambda site: harness.fetch(site.client, site.url(page, today), site.network.domain)

    probes = {page: page_probe(page) for page in PAGES}
    measured = harness.measure(large, peer, probes, requests)
    data = {
        "networks": len(large),
        "events": sum(s.events for s in large),
        "registrations": sum(s.registrations for s in large),
        "busy_event_registrations": BUSY_REGISTRATIONS,
        "peer_events": peer.events,
        "peer_registrations": peer.registrations,
        "peer_busy_event_registrations": peer.busy_registrations,
    }
    urls = {page: large[0].url(page, today) for page in PAGES}
    result = harness.results(db, info, data, phases, requests, measured, urls)
    harness.write_results(BENCH, result)
    harness.report(BENCH, result, data_line(result["data"]))
    return 0


def data_line(d: dict[str, Any]) -> str:
    """The report's line on the data built."""
    return (
        f"Data: {d['networks']} networks, {d['events']:,} events, {d['registrations']:,} "
        f"registrations; each network's busy event has {d['busy_event_registrations']}. "
        f"Peer: 1 network, {d['peer_events']} events, {d['peer_registrations']} registrations "
        f"(busy event {d['peer_busy_event_registrations']})."
    )


def main() -> int:
    parser = harness.parser(__doc__, requests=48)
    args = parser.parse_args()
    if args.requests < 1:
        parser.error("--requests must be positive")
    if args.db == "both":
        return harness.run_children(BENCH, __file__, ["--requests", str(args.requests)])
    return harness.run_one(BENCH, args.db, lambda: benchmark(args.db, args.requests))


if __name__ == "__main__":
    sys.exit(main())
