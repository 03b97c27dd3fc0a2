"""Time the plan import's parser on large documents, and its PDF and Word readers on the seed.

    .venv/bin/python bench/plan_import.py [--sizes 1,5,10] [--repeat 3]

**Data.** A text plan of the given sizes in MiB (default 1, 5 and 10: the upload limit), made of
the seed plan (``data/seeds/verksamhetsplan-2025-orebro-lan.txt``) with its activities section
repeated, as the parser reads it: wrapped lines, page debris, bullets and one hyphenated word in
the vision. Then one single activity of 1 MiB, wrapped over 12,000 lines (the shape that took
quadratic time when every wrapped line was appended to a copy of the text before it). Then the
committed PDF and Word fixtures (``bygdebas/plan/tests/fixtures``) read through
``parse_plan_document``, each per page.

**Peer.** The same text through the work no parser can skip: decoding it and splitting and
trimming its lines in Python (``bare``). The table gives parse / bare: how many such passes the
parser's work costs; linear time shows as a ratio that stays the same from 1 to 10 MiB.

**Figures.** Wall-clock seconds and the process's CPU seconds, the best of ``--repeat`` runs (on
a shared machine the wall clock grows with the load; the CPU time much less), seconds per MiB,
and the peak resident memory of the process at the end. Nothing is asserted: a benchmark only
reports. Results are also written to bench/results/plan_import.json.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import sys
import time
from collections.abc import Callable

import harness

ROOT = harness.ROOT
SEED = ROOT / "data/seeds/verksamhetsplan-2025-orebro-lan.txt"
FIXTURES = ROOT / "bygdebas/plan/tests/fixtures"
MIB = 1024 * 1024


def large_plan(mib: float) -> bytes:
    """The seed with its activities repeated to ``mib`` MiB."""
    seed = SEED.read_text(encoding="utf-8")
    head, activities = seed.split("Aktiviteter", 1)
    parts, size = [head, "Aktiviteter"], len(head.encode())
    while size < mib * MIB:
        parts.append(activities)
        size += len(activities.encode())
    return "".join(parts).encode()


def long_activity(mib: float) -> bytes:
    """One activity of ``mib`` MiB, wrapped every 80 characters or so."""
    words = "Delta i möten med kommunbygderåd och lokala utvecklingsgrupper i hela länet"
    lines, size = [], 0
    while size < mib * MIB:
        lines.append(words)
        size += len(words.encode()) + 1
    return ("Aktiviteter\nSamverkan\n• " + "\n".join(lines) + ".\n").encode()


def bare(data: bytes) -> int:
    """The peer: decode and split and trim every line."""
    return sum(1 for line in data.decode("utf-8").splitlines() if line.strip())


def best(run: Callable[[], object], repeat: int) -> tuple[float, float]:
    """The best wall-clock and CPU seconds of ``repeat`` runs."""
    walls, cpus = [], []
    for _ in range(repeat):
        wall, cpu = time.perf_counter(), time.process_time()
        run()
        walls.append(time.perf_counter() - wall)
        cpus.append(time.process_time() - cpu)
    return min(walls), min(cpus)


def main() -> int:
    options = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    options.add_argument("--sizes", default="1,5,10", help="text sizes in MiB (1,5,10)")
    options.add_argument("--repeat", type=int, default=3, help="runs of each, the best kept (3)")
    args = options.parse_args()
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bygdebas.settings")
    info = harness.setup()
    from bygdebas.plan.importer import parse_plan_document

    rows: list[dict[str, object]] = []

    def row(label: str, data: bytes, filename: str, *, pages: int = 0) -> None:
        wall, cpu = best(lambda: parse_plan_document(filename=filename, data=data), args.repeat)
        is_text = filename.endswith(".txt")
        _peer_wall, peer_cpu = best(lambda: bare(data), args.repeat) if is_text else (0.0, 0.0)
        rows.append(
            {
                "document": label,
                "mib": round(len(data) / MIB, 2),
                "pages": pages,
                "wall_s": round(wall, 3),
                "cpu_s": round(cpu, 3),
                "cpu_s_per_mib": round(cpu / (len(data) / MIB), 3),
                "cpu_s_per_page": round(cpu / pages, 4) if pages else None,
                "parse_over_bare": round(cpu / peer_cpu, 1) if peer_cpu else None,
            }
        )

    for size in (float(s) for s in args.sizes.split(",")):
        row(f"text plan, {size:g} MiB", large_plan(size), "plan.txt")
    row("one activity over 12,000 lines", long_activity(1), "plan.txt")
    from pypdf import PdfReader

    for path in sorted(FIXTURES.glob("seed-*")):
        pages = len(PdfReader(path).pages) if path.suffix == ".pdf" else 0
        row(path.name, path.read_bytes(), path.name, pages=pages)

    info["load_average_at_end"] = harness.load_average()
    peak_mib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024
    print("== Plan import: parsing ==")
    print(
        f"{info['cpu']}, {info['cores']} cores, {info['ram_gib']} GiB, Python {info['python']}; "
        f"sum(range(1000)) {info['sum_range_1000_us']} µs; load "
        f"{info['load_average_at_start']} → {info['load_average_at_end']}"
    )
    print(
        f"{'document':<32} {'MiB':>6} {'pages':>5} {'wall s':>8} {'CPU s':>8} {'CPU s/MiB':>10} "
        f"{'CPU s/page':>10} {'parse/bare':>10}"
    )
    for r in rows:
        per_page = f"{r['cpu_s_per_page']:.4f}" if r["cpu_s_per_page"] is not None else "–"
        ratio = f"{r['parse_over_bare']:.1f}" if r["parse_over_bare"] is not None else "–"
        print(
            f"{r['document']:<32} {r['mib']:>6.2f} {r['pages'] or '–':>5} {r['wall_s']:>8.3f} "
            f"{r['cpu_s']:>8.3f} {r['cpu_s_per_mib']:>10.3f} {per_page:>10} {ratio:>10}"
        )
    print(f"peak resident memory: {peak_mib} MiB")
    harness.RESULTS.mkdir(parents=True, exist_ok=True)
    (harness.RESULTS / "plan_import.json").write_text(
        json.dumps({"machine": info, "rows": rows, "peak_mib": peak_mib}, indent=2)
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
