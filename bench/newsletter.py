"""Newsletter sending: throughput against a local SMTP sink, and exactly-once under SIGKILL.

Builds one network with N confirmed subscribers and an issue of three items, starts an aiosmtpd
sink in a process of its own, and then:

1. measures the sink's ceiling: one client sends N pre-rendered messages over one connection,
   doing nothing else (no database, no rendering);
2. sends the issue for real with ``--workers`` worker processes (``manage.py newsletter_send
   --issue ID``, each claiming batches from the ledger and sending over one reused SMTP
   connection), killing a random worker with SIGKILL at ``--kills`` random points of the sending
   (at random counts of messages sent) and starting it again;
3. counts what the sink received: one message per recipient is the aim.

    python bench/newsletter.py [--recipients 20000] [--kills 20] [--workers 4]
                               [--db postgres|sqlite] [--json]

``--json`` prints ``{"recipients", "delivered", "duplicates", "lost", "messages_per_min",
"ceiling_per_min", "kills"}`` and more (the machine, its load). ``messages_per_min`` counts from
the first message sent to the last; ``wall_per_min`` also counts the workers' start-up and every
restart after a kill; run with ``--kills 0`` for the clean figure. PostgreSQL goes to a
database ``bygdebas_newsletter_bench`` (created, then dropped); SQLite to a temporary file.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import signal
import smtplib
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import harness

BENCH = harness.Bench(
    name="newsletter", pg_database="bygdebas_newsletter_bench", labels={}, label_width=0
)
ROOT = harness.ROOT


# --- The sink ---------------------------------------------------------------------------------


def run_sink(port: int, out: str) -> None:
    """An aiosmtpd server that writes each message's recipients to ``out``, one line each."""
    from aiosmtpd.controller import Controller

    handle = open(out, "a", buffering=1, encoding="utf-8")  # noqa: SIM115 - open until killed

    class Handler:
        async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
            handle.write("\n".join(envelope.rcpt_tos) + "\n")
            return "250 OK"

    controller = Controller(Handler(), hostname="127.0.0.1", port=port)
    controller.start()
    stop = False

    def finish(*_args: Any) -> None:
        nonlocal stop
        stop = True

    signal.signal(signal.SIGTERM, finish)
    print("ready", flush=True)
    while not stop:
        time.sleep(0.1)
    controller.stop()
    handle.close()


def start_sink(port: int, out: Path) -> subprocess.Popen[str]:
    sink = subprocess.Popen(
        [sys.executable, __file__, "--sink", str(port), "--out", str(out)],
        stdout=subprocess.PIPE,
        text=True,
    )
    assert sink.stdout is not None
    sink.stdout.readline()  # "ready"
    return sink


def stop_sink(sink: subprocess.Popen[str]) -> None:
    sink.send_signal(signal.SIGTERM)
    sink.wait(timeout=30)


def received(out: Path) -> list[str]:
    return [line for line in out.read_text(encoding="utf-8").splitlines() if line]


# --- The data ----------------------------------------------------------------------------------


def build(recipients: int) -> int:
    """A network, its subscribers and an issue ready to send (ledger written); the issue's id."""
    from django.utils import timezone

    from bygdebas.core.models import Network
    from bygdebas.core.moderation import ModerationStatus
    from bygdebas.newsletter import sending, services
    from bygdebas.newsletter.models import Issue, IssueEntry, Item, Subscription

    network = Network.objects.create(
        name="Hela Sverige ska leva Örebro län", slug="orebro", domain="orebro.bench"
    )
    now = timezone.now()
    Subscription.objects.bulk_create(
        [
            Subscription(
                network=network,
                email=f"mottagare{i}@example.org",
                name=f"Läsare {i} Svensson",
                source=Subscription.Source.IMPORT,
                confirmed_at=now,
            )
            for i in range(recipients)
        ],
        batch_size=5000,
    )
    issue = Issue.objects.create(network=network, number=1, title="Vårens nyheter")
    issue.introduction = "Välkommen till vårens nummer! " * 5
    for position, title in enumerate(["Bredband i Lekeberg", "Årsmöte", "Goda exempel"]):
        item = Item.objects.create(
            network=network,
            title=title,
            text=("Det här är en notis om **" + title + "** med [en länk](https://example.org). ")
            * 8,
            link="https://example.org/" + str(position),
            moderation_status=ModerationStatus.APPROVED,
        )
        IssueEntry.objects.create(issue=issue, item=item, position=position)
    issue.subject, issue.body_html, issue.body_text = sending.render_issue(issue)
    issue.status = Issue.Status.SENDING
    issue.save()
    services.materialise(issue)
    return issue.pk


def sample_messages(issue_id: int, count: int) -> list[tuple[str, bytes]]:
    """``count`` pre-rendered messages like the real ones, for the ceiling."""
    from bygdebas.newsletter.models import Delivery, Issue
    from bygdebas.newsletter.sending import Template

    issue = Issue.objects.select_related("network").get(pk=issue_id)
    template = Template.for_issue(issue)
    deliveries = list(
        Delivery.objects.filter(issue=issue).select_related("subscription").order_by("pk")[:50]
    )
    messages = [(d.email, template.message(d, d.subscription)) for d in deliveries]
    return [(f"ceiling{i}@example.org", messages[i % len(messages)][1]) for i in range(count)]


def ceiling(port: int, messages: list[tuple[str, bytes]]) -> float:
    """Messages per minute one client gets through to the sink over one connection."""
    client = smtplib.SMTP("127.0.0.1", port)
    started = time.perf_counter()
    for to, message in messages:
        client.sendmail("noreply@orebro.bench", [to], message)
    elapsed = time.perf_counter() - started
    client.quit()
    return len(messages) / elapsed * 60


# --- The workers -------------------------------------------------------------------------------


def worker(issue_id: int, env: dict[str, str]) -> subprocess.Popen[bytes]:
    profile = ["-m", "cProfile", "-o", env["BENCH_PROFILE"]] if env.get("BENCH_PROFILE") else []
    return subprocess.Popen(
        [
            sys.executable,
            *profile,
            str(ROOT / "manage.py"),
            "newsletter_send",
            "--issue",
            str(issue_id),
        ],
        env=env,
        cwd=ROOT,
    )


def sent_count(issue_id: int) -> int:
    from bygdebas.newsletter.models import Delivery

    return Delivery.objects.filter(issue_id=issue_id, status=Delivery.Status.SENT).count()


def left_count(issue_id: int) -> int:
    from bygdebas.newsletter.models import Delivery

    return (
        Delivery.objects.filter(issue_id=issue_id)
        .exclude(status__in=[Delivery.Status.SENT, Delivery.Status.FAILED])
        .count()
    )


def send(issue_id: int, recipients: int, kills: int, workers: int, port: int) -> dict[str, Any]:
    env = dict(os.environ)
    env.update(
        {
            "EMAIL_HOST": "127.0.0.1",
            "EMAIL_PORT": str(port),
            "BYGDEBAS_NEWSLETTER_RATE_PER_MINUTE": "0",
        }
    )
    # Kill points between 2 % and 85 % of the list, so that each falls while workers run.
    low, high = recipients // 50, max(recipients * 85 // 100, recipients // 50 + 1)
    thresholds = sorted(random.randrange(low, high) for _ in range(kills))
    started = time.perf_counter()
    procs = [worker(issue_id, env) for _ in range(workers)]
    killed = 0
    while True:
        time.sleep(0.01)
        if thresholds and sent_count(issue_id) >= thresholds[0]:
            thresholds.pop(0)
            live = [i for i, p in enumerate(procs) if p.poll() is None]
            if live:
                index = random.choice(live)
                procs[index].send_signal(signal.SIGKILL)
                procs[index].wait()
                killed += 1
                procs[index] = worker(issue_id, env)
        if all(p.poll() is not None for p in procs):
            if left_count(issue_id) == 0:
                break
            # A worker finished while a killed one's claims were still out: go on.
            procs = [worker(issue_id, env)]
    elapsed = time.perf_counter() - started
    from django.db.models import Max, Min

    from bygdebas.newsletter.models import Delivery

    span = Delivery.objects.filter(issue_id=issue_id).aggregate(
        first=Min("sent_at"), last=Max("sent_at")
    )
    sending_s = (span["last"] - span["first"]).total_seconds() if span["first"] else elapsed
    return {"elapsed_s": round(elapsed, 2), "sending_s": round(sending_s, 2), "kills": killed}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--recipients", type=int, default=20_000)
    parser.add_argument("--kills", type=int, default=20)
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--db", choices=["postgres", "sqlite"], default="postgres")
    parser.add_argument("--json", action="store_true")
    parser.add_argument("--sink", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--out", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.sink:
        run_sink(args.sink, args.out)
        return 0

    result: dict[str, Any] = {}

    def benchmark() -> int:
        from django.core.management import call_command

        info = harness.setup()
        call_command("migrate", verbosity=0)
        issue_id = build(args.recipients)
        workdir = Path(tempfile.mkdtemp(prefix="bygdebas-newsletter-"))
        # The ceiling, on a sink of its own.
        port = harness_free_port()
        sink = start_sink(port, workdir / "ceiling.txt")
        try:
            ceiling_per_min = ceiling(port, sample_messages(issue_id, args.recipients))
        finally:
            stop_sink(sink)
        # The real sending.
        port = harness_free_port()
        out = workdir / "sink.txt"
        sink = start_sink(port, out)
        try:
            run = send(issue_id, args.recipients, args.kills, args.workers, port)
        finally:
            stop_sink(sink)
        lines = received(out)
        distinct = set(lines)
        result.update(
            {
                "recipients": args.recipients,
                "delivered": len(distinct),
                "duplicates": len(lines) - len(distinct),
                "lost": args.recipients - len(distinct),
                # From the first message sent to the last (the workers' start-up excluded);
                # wall_per_min counts from starting the first worker to the end.
                "messages_per_min": round(args.recipients / max(run["sending_s"], 0.001) * 60),
                "wall_per_min": round(args.recipients / run["elapsed_s"] * 60),
                "ceiling_per_min": round(ceiling_per_min),
                "kills": run["kills"],
                "workers": args.workers,
                "db": args.db,
                "elapsed_s": run["elapsed_s"],
                "load_average": harness.load_average(),
                "machine": info,
            }
        )
        return 0

    code = harness.run_one(BENCH, args.db, benchmark)
    if code:
        return code
    if args.json:
        print(json.dumps(result))
    else:
        print(
            f"== Newsletter sending on {result['machine']['cpu']} ({result['machine']['cores']} cores), {args.db} =="
        )
        print(f"recipients {result['recipients']}, workers {args.workers}, kills {result['kills']}")
        print(
            f"delivered {result['delivered']}, duplicates {result['duplicates']}, lost {result['lost']}"
        )
        print(
            f"{result['messages_per_min']:,} messages/min against the sink's ceiling of "
            f"{result['ceiling_per_min']:,}/min over one connection "
            f"({result['messages_per_min'] / result['ceiling_per_min']:.0%}); "
            f"{result['wall_per_min']:,}/min counting the workers' start-up"
        )
        print(f"load average at the end: {result['load_average']}")
    return 0


def harness_free_port() -> int:
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


if __name__ == "__main__":
    sys.exit(main())
