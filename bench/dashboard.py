"""Server time of the follow-up dashboard and the activity lists, on SQLite and PostgreSQL.

Builds 10 networks, each with a 2025 plan of 60 activities (4 areas × 15) and 2,000 actions
(20,000 in all, each logged against 1-3 activities, some busier than others), plus one small
peer network with the same plan and only 20 actions. Then it times, in-process with Django's
test client (no network, no web server), logged in as each network's staff member:

- the dashboard, ``/kansli/uppfoljning/2025/``
- the action list, ``/kansli/insatser/?year=2025`` (paginated, 50 a page)
- the plan page, ``/kansli/plan/2025/`` (all 60 activities with their targets)
- the activity page of each network's busiest activity (all its actions, unpaginated)
- ``build_follow_up()`` alone, the aggregation under the dashboard, without a request or template

It reports p50/p95/max in milliseconds and the queries a request makes, for the large networks
and for the small peer in the same run; the large/small ratio shows how each page's time grows
with the data, while its query count must not. Nothing is asserted: a benchmark only reports.

    python bench/dashboard.py [--db sqlite|postgres|both] [--requests N] [--scale 1.0]

Each database runs in a child process of this script, since Django reads its settings once.
SQLite goes to a temporary file; PostgreSQL to a database ``bygdebas_bench`` that is created
first and dropped afterwards. The figures are also written to bench/results/dashboard-<db>.json.
"""

from __future__ import annotations

import datetime
import random
import sys
from dataclasses import dataclass
from typing import Any

import harness

BENCH = harness.Bench(
    name="dashboard",
    pg_database="bygdebas_bench",
    labels={
        "dashboard": "dashboard",
        "action-list": "action list",
        "plan": "plan (60 activities)",
        "activity-detail": "busiest activity",
        "build_follow_up": "build_follow_up() alone",
    },
    label_width=26,
)

YEAR = 2025
NETWORKS = 10
AREAS = 4
ACTIVITIES_PER_AREA = 15
ACTIONS_PER_NETWORK = 2_000
PEER_ACTIONS = 20
MUNICIPALITIES = 12
# Actions cluster on a few activities: the k-th most used gets weight 1/k^SKEW.
SKEW = 0.8
SEED = 20250101

PAGES = ("dashboard", "action-list", "plan", "activity-detail")


@dataclass
class Site:
    """One network as the benchmark sees it: its plan, a logged-in client and its busiest activity."""

    network: Any
    plan: Any
    client: Any
    busy_activity_id: int
    busy_actions: int

    def url(self, page: str) -> str:
        return {
            "dashboard": f"/kansli/uppfoljning/{YEAR}/",
            "action-list": f"/kansli/insatser/?year={YEAR}",
            "plan": f"/kansli/plan/{YEAR}/",
            "activity-detail": f"/kansli/aktiviteter/{self.busy_activity_id}/",
        }[page]


WORDS = (
    "möte med kommunen",
    "studiebesök",
    "workshop om lokal utveckling",
    "nätverksträff",
    "utbildning för styrelser",
    "remissvar",
    "artikel i lokaltidningen",
    "bygdedialog",
    "samråd om bredband",
    "seminarium om landsbygdspolitik",
    "rådgivning till förening",
)


def build(rng: random.Random, actions_per_network: int) -> tuple[list[dict[str, Any]], dict]:
    """Bulk-create the networks; returns per network its ids and busiest activity, and totals."""
    from django.contrib.auth.hashers import make_password
    from django.db import transaction

    from bygdebas.core.models import County, Municipality, Network, Role, User
    from bygdebas.plan.models import Action, Activity, Area, Plan, Target

    Link = Action.activities.through
    totals = {"actions": 0, "links": 0, "targets": 0, "activities": 0}
    built = []
    with transaction.atomic():
        county = County.objects.create(code="18", name="Örebro län")
        municipalities = Municipality.objects.bulk_create(
            Municipality(code=f"18{i:02d}", name=f"Kommun {i}", county=county, population=10_000)
            for i in range(MUNICIPALITIES)
        )
        specs = [(f"n{i + 1}", actions_per_network) for i in range(NETWORKS)]
        specs.append(("peer", PEER_ACTIONS))
        networks = Network.objects.bulk_create(
            Network(name=f"Nätverk {slug}", slug=slug, domain=f"{slug}.bench", county=county)
            for slug, _ in specs
        )
        users = User.objects.bulk_create(
            User(email=f"staff@{slug}.bench", password=make_password(None)) for slug, _ in specs
        )
        Role.objects.bulk_create(
            Role(user=user, network=network, kind=Role.Kind.STAFF)
            for user, network in zip(users, networks, strict=True)
        )
        plans = Plan.objects.bulk_create(
            Plan(
                network=network,
                year=YEAR,
                title=f"Verksamhetsplan {YEAR}",
                vision="Hela länet ska leva!",
            )
            for network in networks
        )
        areas = Area.objects.bulk_create(
            Area(plan=plan, title=f"Område {a + 1}", order=a)
            for plan in plans
            for a in range(AREAS)
        )
        activities = Activity.objects.bulk_create(
            Activity(
                area=area, text=f"Aktivitet {area.order + 1}.{i + 1}: {rng.choice(WORDS)}", order=i
            )
            for area in areas
            for i in range(ACTIVITIES_PER_AREA)
        )
        per_plan = AREAS * ACTIVITIES_PER_AREA
        targets = []
        for index, activity in enumerate(activities):
            j = index % per_plan
            if j % 3 != 2:
                targets.append(
                    Target(activity=activity, metric="plan.actions", value=rng.randint(5, 60))
                )
            if j % 4 == 0:
                value = rng.randint(50, 800)
                targets.append(Target(activity=activity, metric="plan.participants", value=value))
        Target.objects.bulk_create(targets)
        # Totals are of the large networks; the peer (the last) is reported on its own.
        totals["targets"] = sum(1 for t in targets if t.activity.area.plan.network.slug != "peer")
        totals["activities"] = NETWORKS * per_plan

        for n, ((slug, count), network, user, plan) in enumerate(
            zip(specs, networks, users, plans, strict=True)
        ):
            own = activities[n * per_plan : (n + 1) * per_plan]
            order = own[:]
            rng.shuffle(order)
            weights = [1 / (k + 1) ** SKEW for k in range(len(order))]
            actions = Action.objects.bulk_create(
                Action(
                    network=network,
                    performed_on=datetime.date(YEAR, 1, 1)
                    + datetime.timedelta(days=rng.randrange(365)),
                    title=f"Insats {i + 1}: {rng.choice(WORDS)}",
                    description=" ".join(rng.choices(WORDS, k=rng.randint(0, 6))),
                    municipality=rng.choice(municipalities) if rng.random() < 0.8 else None,
                    participants=rng.randint(0, 80) if rng.random() < 0.6 else None,
                    created_by=user,
                )
                for i in range(count)
            )
            links = []
            per_activity: dict[int, int] = dict.fromkeys((a.pk for a in own), 0)
            for action in actions:
                chosen: set[int] = set()
                wanted = rng.choice((1, 1, 2, 2, 3))
                while len(chosen) < wanted:
                    chosen.add(rng.choices(order, weights)[0].pk)
                for activity_id in chosen:
                    links.append(Link(action_id=action.pk, activity_id=activity_id))
                    per_activity[activity_id] += 1
            Link.objects.bulk_create(links)
            totals["actions"] += len(actions) if slug != "peer" else 0
            totals["links"] += len(links) if slug != "peer" else 0
            busy = max(per_activity, key=lambda pk: per_activity[pk])
            built.append(
                {
                    "slug": slug,
                    "network": network,
                    "user": user,
                    "plan": plan,
                    "busy": busy,
                    "busy_actions": per_activity[busy],
                }
            )
    return built, totals


def benchmark(db: str, requests: int, scale: float) -> int:
    info = harness.setup()
    from django.test import Client

    from bygdebas.plan.followup import build_follow_up

    actions_per_network = max(1, round(ACTIONS_PER_NETWORK * scale))
    (built, totals), phases = harness.prepare(
        info, lambda: build(random.Random(SEED), actions_per_network)
    )

    sites = []
    for row in built:
        client = Client(HTTP_HOST=row["network"].domain)
        client.force_login(row["user"])
        sites.append(Site(row["network"], row["plan"], client, row["busy"], row["busy_actions"]))
    large, peer = sites[:-1], sites[-1]

    def page_probe(page: str) -> harness.Probe[Site]:
        return lambda site: harness.fetch(site.client, site.url(page), site.network.domain)

    def aggregate(site: Site) -> int:
        build_follow_up(network=site.network, plan=site.plan)
        return 0

    probes = {page: page_probe(page) for page in PAGES} | {"build_follow_up": aggregate}
    measured = harness.measure(large, peer, probes, requests)
    data = {
        "networks": NETWORKS,
        "activities_per_network": AREAS * ACTIVITIES_PER_AREA,
        "actions_per_network": actions_per_network,
        "actions": totals["actions"],
        "action_activity_links": totals["links"],
        "targets": totals["targets"],
        "peer_actions": PEER_ACTIONS,
        "busiest_activity_actions": sorted(s.busy_actions for s in large),
        "peer_busiest_activity_actions": peer.busy_actions,
    }
    urls = {page: large[0].url(page) for page in PAGES} | {"build_follow_up": ""}
    result = harness.results(db, info, data, phases, requests, measured, urls)
    dashboard = next(row for row in result["large"] if row["page"] == "dashboard")
    aggregation = next(row for row in result["large"] if row["page"] == "build_follow_up")
    result["build_follow_up_share_of_dashboard_p50"] = round(
        aggregation["p50_ms"] / dashboard["p50_ms"], 2
    )
    harness.write_results(BENCH, result)
    harness.report(BENCH, result, data_line(result["data"]))
    print()
    print(
        f"build_follow_up() is {result['build_follow_up_share_of_dashboard_p50']:.0%} of the "
        "dashboard's p50 on the large networks; the rest is the request, the other queries and "
        "the template."
    )
    return 0


def data_line(d: dict[str, Any]) -> str:
    """The report's line on the data built."""
    return (
        f"Data: {d['networks']} networks × {d['activities_per_network']} activities × "
        f"{d['actions_per_network']:,} actions = {d['actions']:,} actions, "
        f"{d['action_activity_links']:,} action-activity links, {d['targets']:,} targets; "
        f"busiest activity {min(d['busiest_activity_actions'])}-{max(d['busiest_activity_actions'])} "
        f"actions. Peer: 1 network × {d['activities_per_network']} activities × "
        f"{d['peer_actions']} actions (busiest activity {d['peer_busiest_activity_actions']})."
    )


def main() -> int:
    parser = harness.parser(__doc__, requests=30)
    parser.add_argument(
        "--scale", type=float, default=1.0, help="multiplies the 2,000 actions per network (1.0)"
    )
    args = parser.parse_args()
    if args.requests < 1 or args.scale <= 0:
        parser.error("--requests and --scale must be positive")
    if args.db == "both":
        options = ["--requests", str(args.requests), "--scale", str(args.scale)]
        return harness.run_children(BENCH, __file__, options)
    return harness.run_one(BENCH, args.db, lambda: benchmark(args.db, args.requests, args.scale))


if __name__ == "__main__":
    sys.exit(main())
