"""Benchmark of the transit engine: synthetic feeds at county and Sweden scale, and pyraptor.

    .venv/bin/python bench/transit.py [--quick] [--scales county,sweden] [--pyraptor-budget 60]

Run from the repository root (`make bench-transit`). Every measurement runs in a child process
of its own, so that peak memory (ru_maxrss) is that step's alone:

1. feeds: the synthetic feeds (bench/transit_feeds.py) are written to var/bench/ once, from a
   fixed seed, and reused while the generator is unchanged;
2. per feed: the bare pyarrow read of stop_times.txt (the I/O limit: best of 5), then
   load_feed and the full analysis (indicators.analyse for every ordered pair of places, on a
   school Tuesday and that week's Saturday and Sunday; best of 5 on the county, like the
   read, with the compiled code loaded first and nothing derived from the feed kept between
   runs), and on the county a cold run: a fresh process loading code and feed, analysing once;
3. pyraptor from PyPI in its own Python 3.11 environment (var/bench/pyraptor-venv, made on the
   first run), on the SJ rail feed of data/gtfs on Tuesday 2023-11-28: the same earliest-arrival
   queries answered by both, compared one by one, and their speed.

--quick runs the county scale only and gives pyraptor a shorter time budget. Results are
printed as tables and written to bench/results/transit.json. Nothing here uses the network
except pip installing pyraptor from PyPI on the first run.
"""

from __future__ import annotations

import argparse
import datetime as dt
import hashlib
import json
import os
import platform
import resource
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
VAR = ROOT / "var" / "bench"
RESULTS = ROOT / "bench" / "results"
PYRAPTOR_VENV = VAR / "pyraptor-venv"
FERROBUS_VENV = VAR / "ferrobus-venv"
# Not runtime dependencies of Bygdebas: installed by the bench in its own environment.
FERROBUS_PACKAGES = ("ferrobus==0.2.1", "osmium>=4.0")
FERROBUS_MAX_TRANSFERS = 10
SJ_FEED = ROOT / "data" / "gtfs" / "sj-rail-2023.zip"
SJ_PLACES = ROOT / "data" / "geo" / "towns.csv"
SJ_DATE = dt.date(2023, 11, 28)
# The synthetic feeds' school Tuesday.
COUNTY_DATE = dt.date(2026, 3, 10)
HERE = Path(__file__).resolve()

sys.path[:0] = [str(ROOT), str(HERE.parent)]


# --------------------------------------------------------------------------- child steps


def _peak_mib() -> float:
    """This process's peak resident memory since its exec (ru_maxrss would include the parent's
    at the fork)."""
    try:
        status = Path("/proc/self/status").read_text()
        return int(status.split("VmHWM:")[1].split()[0]) / 1024
    except (OSError, IndexError, ValueError):
        return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def child_read(folder: str) -> dict[str, Any]:
    """Time pyarrow's plain read of stop_times.txt (types inferred, all threads), best of 5."""
    import pyarrow.csv as pacsv

    best_wall, best_cpu, rows = float("inf"), float("inf"), 0
    for _ in range(5):
        wall, cpu = time.perf_counter(), time.process_time()
        table = pacsv.read_csv(Path(folder) / "stop_times.txt")
        best_wall = min(best_wall, time.perf_counter() - wall)
        best_cpu = min(best_cpu, time.process_time() - cpu)
        rows = table.num_rows
        del table
    return {"read_s": best_wall, "read_cpu_s": best_cpu, "rows": rows, "peak_mib": _peak_mib()}


def child_analyse(folder: str, date: str, repeats: str = "5") -> dict[str, Any]:
    """load_feed, then the full analysis `repeats` times, timed apart.

    As for the read (pyarrow imported, best of 5), the engine's compiled code is loaded first,
    on the small feed; each analysis starts from the loaded feed with nothing derived from it
    (the sorted connections, transfer links and pruning are made again every time).
    """
    from transit import analyse, load_feed, read_places

    warm = time.perf_counter()
    child_compile()
    code_s = time.perf_counter() - warm
    wall, cpu = time.perf_counter(), time.process_time()
    feed = load_feed(folder)
    load_s, load_cpu = time.perf_counter() - wall, time.process_time() - cpu
    places = read_places(Path(folder) / "places.csv")
    runs: list[tuple[float, float]] = []
    for _ in range(int(repeats)):
        feed.derived.clear()
        wall, cpu = time.perf_counter(), time.process_time()
        analysis = analyse(feed, places, dt.date.fromisoformat(date))
        runs.append((time.perf_counter() - wall, time.process_time() - cpu))
    best = min(runs)
    return {
        "code_load_s": code_s,
        "load_s": load_s,
        "load_cpu_s": load_cpu,
        "analyse_s": best[0],
        "analyse_cpu_s": best[1],
        "analyse_runs_s": [r[0] for r in runs],
        "stops": feed.n_stops,
        "trips": feed.n_trips,
        "stop_times": len(feed.st_stop),
        "places": len(places),
        "pairs": len(analysis.pairs),
        "pairs_with_journeys": sum(1 for p in analysis.pairs if p.journeys),
        "journeys": sum(p.journeys for p in analysis.pairs),
        "commutes": sum(1 for p in analysis.pairs if p.commute_possible),
        "peak_mib": _peak_mib(),
    }


def child_cold(folder: str, date: str) -> dict[str, Any]:
    """What one run of a fresh process costs: loading the compiled code, the feed, one analysis."""
    wall = time.perf_counter()
    from transit import analyse, load_feed, read_places

    feed = load_feed(folder)
    analyse(feed, read_places(Path(folder) / "places.csv"), dt.date.fromisoformat(date))
    return {"cold_s": time.perf_counter() - wall, "peak_mib": _peak_mib()}


def child_compile() -> dict[str, Any]:
    """Load the compiled kernels (compiling them on a machine's first run) on a tiny feed."""
    from transit_feeds import SMALL, generate

    from transit import analyse, load_feed, read_places

    folder = VAR / "transit-compile"
    if not (folder / "stop_times.txt").exists():
        generate(SMALL, folder)
    wall = time.perf_counter()
    analyse(load_feed(folder), read_places(folder / "places.csv"), dt.date(2026, 3, 10))
    return {"first_run_s": time.perf_counter() - wall}


def child_ours_queries(problem_path: str) -> dict[str, Any]:
    """Our side of the pyraptor comparison: all pairs on the shared timetable, then the queries."""
    from transit_peers import comparison_feed, sj_places

    from transit import all_pairs, load_feed, place_stops

    problem = json.loads(Path(problem_path).read_text(encoding="utf-8"))
    feed = comparison_feed(load_feed(problem["feed"]), dt.date.fromisoformat(problem["date"]))
    places = sj_places()
    stops = place_stops(feed, places)
    tt = feed.timetable(dt.date.fromisoformat(problem["date"]), min_transfer_s=0)
    all_pairs_s = float("inf")
    for _ in range(3):  # the first also loads the compiled code: best of 3
        wall = time.perf_counter()
        found = all_pairs(tt, stops)
        all_pairs_s = min(all_pairs_s, time.perf_counter() - wall)
    answers = []
    names = problem["place_names"]
    for query in problem["queries"]:
        origin = names[query["origin_place"]]
        row: list[int | None] = []
        for d in query["destination_places"]:
            arrival = next(
                (j for j in found[(origin, names[d])] if j.departure_s >= query["departure_s"]),
                None,
            )
            row.append(None if arrival is None else arrival.arrival_s)
        answers.append(row)
    changes = max((j.transfers for js in found.values() for j in js), default=0)
    return {"all_pairs_s": all_pairs_s, "answers": answers, "max_changes": changes}


def child_ours_ferrobus(problem_path: str, places_kind: str) -> dict[str, Any]:
    """Our side of the ferrobus comparison, and the bare read of the stop_times it was given."""
    import pyarrow.csv as pacsv
    from transit_peers import ours_on_ferrobus_question

    problem = json.loads(Path(problem_path).read_text(encoding="utf-8"))
    result = ours_on_ferrobus_question(problem, _places(places_kind, problem["feed"]))
    best = float("inf")
    for _ in range(5):
        started = time.perf_counter()
        pacsv.read_csv(Path(problem["gtfs"]) / "stop_times.txt")
        best = min(best, time.perf_counter() - started)
    result["read_s"] = best
    return result


def _places(kind: str, feed: str) -> list[Any]:
    """The SJ comparison's towns, or a synthetic feed's places.csv."""
    from transit_peers import sj_places

    from transit import read_places

    return sj_places() if kind == "sj" else read_places(Path(feed) / "places.csv")


CHILDREN = {
    "read": child_read,
    "analyse": child_analyse,
    "cold": child_cold,
    "compile": child_compile,
    "ours-queries": child_ours_queries,
    "ours-ferrobus": child_ours_ferrobus,
}


# --------------------------------------------------------------------------- the parent


def run_child(*args: str) -> dict[str, Any]:
    """Run one step in a fresh interpreter; its last output line is its JSON result."""
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    done = subprocess.run(
        [sys.executable, str(HERE), "--child", *args],
        capture_output=True,
        text=True,
        env=env,
        check=False,
        timeout=1800,
    )
    if done.returncode:
        sys.stderr.write(done.stderr)
        raise SystemExit(f"bench child {args} failed ({done.returncode})")
    return dict(json.loads(done.stdout.strip().splitlines()[-1]))


def ensure_feed(name: str) -> Path:
    """Write the scale's synthetic feed unless the same generator already wrote it."""
    from transit_feeds import SCALES, generate

    folder = VAR / f"transit-{name}"
    stamp = folder / "generator.sha256"
    digest = hashlib.sha256((HERE.parent / "transit_feeds.py").read_bytes()).hexdigest()
    if stamp.exists() and stamp.read_text() == digest:
        return folder
    started = time.perf_counter()
    counts = generate(SCALES[name], folder)
    stamp.write_text(digest)
    print(f"  wrote {folder.relative_to(ROOT)}: {counts} in {time.perf_counter() - started:.0f} s")
    return folder


def ensure_pyraptor() -> Path | None:
    python = PYRAPTOR_VENV / "bin" / "python"
    if python.exists():
        return python
    candidates = sorted(Path.home().glob(".pyenv/versions/3.11.*/bin/python3"))
    base = str(candidates[-1]) if candidates else "python3.11"
    print(f"  making {PYRAPTOR_VENV.relative_to(ROOT)} with {base} and pip install pyraptor …")
    try:
        subprocess.run([base, "-m", "venv", str(PYRAPTOR_VENV)], check=True, timeout=300)
        subprocess.run(
            [
                str(python),
                "-m",
                "pip",
                "install",
                "--quiet",
                "pyraptor",
                "pandas<2",
                "numpy<2",
                "attrs",
            ],
            check=True,
            timeout=900,
        )
    except (OSError, subprocess.SubprocessError) as error:
        print(f"  pyraptor is not available: {error}")
        return None
    return python


def ensure_ferrobus() -> Path | None:
    """ferrobus and pyosmium from PyPI, in their own environment (made on the first run)."""
    python = FERROBUS_VENV / "bin" / "python"
    if python.exists():
        return python
    print(
        f"  making {FERROBUS_VENV.relative_to(ROOT)} and pip install {' '.join(FERROBUS_PACKAGES)} …"
    )
    try:
        subprocess.run([sys.executable, "-m", "venv", str(FERROBUS_VENV)], check=True, timeout=300)
        subprocess.run(
            [str(python), "-m", "pip", "install", "--quiet", *FERROBUS_PACKAGES],
            check=True,
            timeout=900,
        )
    except (OSError, subprocess.SubprocessError) as error:
        print(f"  ferrobus is not available: {error}")
        return None
    return python


def compare_ferrobus(
    name: str, feed_path: Path, places_kind: str, date: dt.date, budget_s: float
) -> dict[str, Any] | None:
    """ferrobus and our engine on the same all-pairs question: every pair's day profile."""
    from transit_peers import write_ferrobus_problem

    python = ensure_ferrobus()
    if python is None:
        return None
    problem_path = VAR / f"transit-ferrobus-{name}.json"
    answers_path = VAR / f"transit-ferrobus-{name}-answers.json"
    problem = write_ferrobus_problem(
        problem_path,
        feed_path=feed_path,
        places=_places(places_kind, str(feed_path)),
        date=date,
        budget_s=budget_s,
        max_transfers=FERROBUS_MAX_TRANSFERS,
    )
    started = time.perf_counter()
    script = HERE.parent / "transit_ferrobus.py"
    try:
        subprocess.run(
            [str(python), str(script), str(problem_path), str(answers_path)],
            check=True,
            timeout=budget_s * 3 + 600,
            capture_output=True,  # its notes on the optional GTFS files left out
            text=True,
        )
    except subprocess.SubprocessError as error:
        print(f"  ferrobus failed on {name}: {error}")
        print("\n".join(str(getattr(error, "stderr", "") or "").splitlines()[-5:]))
        return None
    wall = time.perf_counter() - started
    theirs = json.loads(answers_path.read_text(encoding="utf-8"))
    ours = run_child("ours-ferrobus", str(problem_path), places_kind)
    from transit_peers import compare_answers

    compared = compare_answers(problem, ours, theirs)
    answered = len(theirs["answers"])
    return {
        "feed": name,
        "date": date.isoformat(),
        "trips": problem["trips"],
        "stop_times": problem["stop_times"],
        "pairs": len(problem["pairs"]),
        "pairs_answered": answered,
        "read_s": ours["read_s"],
        "ours_all_pairs_s": ours["all_pairs_s"],
        "ours_max_changes": ours["max_changes"],
        "ferrobus_network_s": theirs["network_s"],
        "ferrobus_model_s": theirs["model_s"],
        "ferrobus_query_s": theirs["query_s"],
        "ferrobus_wall_s": wall,
        "ferrobus_routes": theirs["routes"],
        "ferrobus_all_pairs_s": theirs["query_s"] * len(problem["pairs"]) / max(answered, 1),
        "max_transfers": FERROBUS_MAX_TRANSFERS,
        **{f"answers_{k}": v for k, v in compared.items()},
    }


def compare_pyraptor(budget_s: float) -> dict[str, Any] | None:
    python = ensure_pyraptor()
    if python is None:
        return None
    rounds = 8
    problem_path = VAR / "transit-pyraptor-problem.json"
    answers_path = VAR / "transit-pyraptor-answers.json"
    from transit_peers import write_problem

    problem = write_problem(problem_path, budget_s, rounds)
    started = time.perf_counter()
    subprocess.run(
        [
            str(python),
            str(HERE.parent / "transit_pyraptor.py"),
            str(problem_path),
            str(answers_path),
        ],
        check=True,
        timeout=budget_s * 3 + 600,
    )
    theirs = json.loads(answers_path.read_text(encoding="utf-8"))
    pyraptor_wall = time.perf_counter() - started
    ours = run_child("ours-queries", str(problem_path))
    answered = len(theirs["answers"])
    same = differ = 0
    examples = []
    for q, (mine, their) in enumerate(zip(ours["answers"], theirs["answers"], strict=False)):
        for d, (a, b) in enumerate(zip(mine, their, strict=True)):
            if a == b:
                same += 1
            else:
                differ += 1
                if len(examples) < 10:
                    query = problem["queries"][q]
                    names = problem["place_names"]
                    examples.append(
                        {
                            "from": names[query["origin_place"]],
                            "to": names[query["destination_places"][d]],
                            "departure_s": query["departure_s"],
                            "ours": a,
                            "pyraptor": b,
                        }
                    )
    per_query = theirs["query_s"] / max(answered, 1)
    needed = problem["queries_for_full_profiles"]
    return {
        "feed": "SJ rail 2023 (data/gtfs), Tuesday 2023-11-28",
        "stop_times": problem["stop_times"],
        "pyraptor_build_s": theirs["build_s"],
        "pyraptor_queries": answered,
        "pyraptor_queries_planned": len(problem["queries"]),
        "pyraptor_query_s": theirs["query_s"],
        "pyraptor_per_query_s": per_query,
        "pyraptor_wall_s": pyraptor_wall,
        "rounds": rounds,
        "answers_compared": same + differ,
        "answers_equal": same,
        "answers_different": differ,
        "examples": examples,
        "ours_all_pairs_s": ours["all_pairs_s"],
        "ours_max_changes": ours["max_changes"],
        "queries_for_full_profiles": needed,
        "pyraptor_full_profiles_s": per_query * needed,
        "speedup_sampled": theirs["query_s"] / ours["all_pairs_s"],
        "speedup_full_profiles": per_query * needed / ours["all_pairs_s"],
    }


def print_ferrobus(found: list[dict[str, Any]], pyraptor: dict[str, Any] | None) -> None:
    """The ferrobus table, with pyraptor's figure and the read limit beside ours."""
    if not found:
        return
    print("ferrobus (PyPI, RAPTOR in Rust) and ours on the same all-pairs question: every ordered")
    print("pair's earliest arrivals over the day (ferrobus: range_multimodal_routing per pair;")
    print("ours: all_pairs, every pair's Pareto profile at once, best of 3), the date's own trips:")
    header = (
        f"{'feed':7} {'trips':>6} {'stop_times':>10} {'pairs':>6} {'read s':>7} {'ours s':>7}"
        f" {'ferrobus s':>10} {'model s':>7} {'ferrobus/ours':>13} {'ours/read':>9} {'equal':>14}"
    )
    print(header)
    print("-" * len(header))
    for f in found:
        compared = f["answers_equal"] + f["answers_different"]
        share = f["answers_equal"] / compared if compared else float("nan")
        print(
            f"{f['feed']:7} {f['trips']:>6,} {f['stop_times']:>10,} {f['pairs']:>6} "
            f"{f['read_s']:>7.3f} {f['ours_all_pairs_s']:>7.3f} {f['ferrobus_all_pairs_s']:>10.2f} "
            f"{f['ferrobus_model_s']:>7.2f} "
            f"{f['ferrobus_all_pairs_s'] / f['ours_all_pairs_s']:>13.0f} "
            f"{f['ours_all_pairs_s'] / f['read_s']:>9.1f} "
            f"{f['answers_equal']:>6}/{compared:<6} {100 * share:.1f} %"
        )
    print("(equal: ferrobus's arrival at most 1 s after ours, the walk off the stop's node it")
    print(
        " rounds up; ferrobus s: its queries for every pair, extrapolated from those answered when the"
    )
    print(" budget ran out; model s: ferrobus building its model from the GTFS folder and the")
    print(" .pbf, not in ferrobus s; read s: pyarrow's bare read of the stop_times given)")
    if pyraptor:
        print(
            f"pyraptor on sj: {pyraptor['pyraptor_per_query_s'] * 1000:.0f} ms a one-to-all query;"
            f" the {pyraptor['queries_for_full_profiles']:,} queries of every pair's profile"
            f" ≈ {pyraptor['pyraptor_full_profiles_s']:.0f} s"
        )
    for f in found:
        answered = f"{f['pairs_answered']} of {f['pairs']} pairs answered"
        single = f["answers_single_equal"] + f["answers_single_different"]
        print(
            f"  {f['feed']}: {answered}; range-query differences by kind {f['answers_by_kind']};"
            f" its one-to-many queries at 07, 12 and 16: {f['answers_single_equal']} of {single}"
            " equal"
        )
        for e in f["answers_examples"][:4]:
            print(f"    differs: {e}")


def machine() -> dict[str, Any]:
    cpu = "?"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return {
        "cpu": cpu,
        "cores": os.cpu_count(),
        "python": platform.python_version(),
        "load_average": os.getloadavg(),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--quick", action="store_true", help="county scale only, short pyraptor run"
    )
    parser.add_argument("--scales", help="comma-separated: county, sweden (default: both)")
    parser.add_argument("--pyraptor-budget", type=float, help="seconds of pyraptor queries")
    parser.add_argument("--no-pyraptor", action="store_true")
    parser.add_argument("--no-ferrobus", action="store_true")
    parser.add_argument("--ferrobus-budget", type=float, help="seconds of ferrobus queries a feed")
    parser.add_argument("--child", nargs="+", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        step, *rest = args.child
        print(json.dumps(CHILDREN[step](*rest)))
        return

    default = "county" if args.quick else "county,sweden"
    scales = [s for s in (default if args.scales is None else args.scales).split(",") if s]
    budget = args.pyraptor_budget or (15.0 if args.quick else 60.0)
    VAR.mkdir(parents=True, exist_ok=True)
    started = time.perf_counter()
    info = machine()
    print(f"transit bench — {info['cpu']}, {info['cores']} cores, Python {info['python']}")
    print(f"load average at start: {', '.join(f'{x:.2f}' for x in info['load_average'])}")
    compiled = run_child("compile")
    print(
        f"compiled kernels loaded or built in {compiled['first_run_s']:.1f} s (not in the figures)"
    )

    rows = []
    for name in scales:
        folder = ensure_feed(name)
        read = run_child("read", str(folder))
        repeats = "5" if name == "county" else "1"
        analysed = run_child("analyse", str(folder), "2026-03-10", repeats)
        cold = run_child("cold", str(folder), "2026-03-10") if name == "county" else None
        total = analysed["load_s"] + analysed["analyse_s"]
        row = {
            "feed": name,
            "stops": analysed["stops"],
            "trips": analysed["trips"],
            "stop_times": analysed["stop_times"],
            "places": analysed["places"],
            "read_s": read["read_s"],
            "read_cpu_s": read["read_cpu_s"],
            "read_peak_mib": read["peak_mib"],
            **{
                k: analysed[k]
                for k in (
                    "code_load_s",
                    "load_s",
                    "load_cpu_s",
                    "analyse_s",
                    "analyse_cpu_s",
                    "analyse_runs_s",
                )
            },
            "cold_process_s": cold["cold_s"] if cold else None,
            "analysis_over_read": analysed["analyse_s"] / read["read_s"],
            "load_and_analysis_over_read": total / read["read_s"],
            "peak_mib": analysed["peak_mib"],
            "pairs": analysed["pairs"],
            "pairs_with_journeys": analysed["pairs_with_journeys"],
            "journeys": analysed["journeys"],
            "commutes": analysed["commutes"],
        }
        rows.append(row)
        print(f"  {name}: done ({analysed['pairs']} pairs, {analysed['journeys']} journeys)")

    print()
    header = (
        f"{'feed':8} {'stops':>7} {'stop_times':>10} {'places':>6} {'read s':>7} {'load s':>7}"
        f" {'analyse s':>9} {'an./read':>8} {'(load+an.)/read':>15} {'cold s':>6} {'peak MiB':>8}"
    )
    print(header)
    print("-" * len(header))
    for r in rows:
        cold_s = f"{r['cold_process_s']:>6.2f}" if r["cold_process_s"] is not None else f"{'-':>6}"
        print(
            f"{r['feed']:8} {r['stops']:>7,} {r['stop_times']:>10,} {r['places']:>6} "
            f"{r['read_s']:>7.2f} {r['load_s']:>7.2f} {r['analyse_s']:>9.2f} "
            f"{r['analysis_over_read']:>8.1f} {r['load_and_analysis_over_read']:>15.1f} "
            f"{cold_s} {r['peak_mib']:>8.0f}"
        )
    print("(wall-clock seconds; read = pyarrow.csv.read_csv of stop_times.txt alone, best of 5;")
    print(" analyse = indicators.analyse for all ordered pairs on Tuesday, Saturday and Sunday,")
    print(" best of 5 on the county and one run on Sweden, with the compiled code loaded and the")
    print(" feed loaded, nothing derived from it; cold = a fresh process loading the code and the")
    print(" feed and analysing once)")
    for r in rows:
        runs = ", ".join(f"{x:.2f}" for x in r["analyse_runs_s"])
        print(f"  {r['feed']}: analyses {runs} s; compiled code loaded in {r['code_load_s']:.2f} s")
    cpu = ", ".join(
        f"{r['feed']} read {r['read_cpu_s']:.2f} / load {r['load_cpu_s']:.2f} / analyse {r['analyse_cpu_s']:.2f}"
        for r in rows
    )
    print(f"CPU seconds: {cpu}")

    comparison = None
    if not args.no_pyraptor:
        print()
        comparison = compare_pyraptor(budget)
        if comparison:
            c = comparison
            print(f"pyraptor (PyPI) on {c['feed']}, {c['stop_times']:,} stop_times:")
            print(
                f"  pyraptor: {c['pyraptor_queries']} of {c['pyraptor_queries_planned']} one-to-all "
                f"queries in {c['pyraptor_query_s']:.1f} s ({c['pyraptor_per_query_s'] * 1000:.0f} ms "
                f"each, {c['rounds']} rounds), timetable built in {c['pyraptor_build_s']:.1f} s"
            )
            print(
                f"  ours: every pair's full profile (all departure times) in "
                f"{c['ours_all_pairs_s'] * 1000:.0f} ms"
            )
            print(
                f"  answers: {c['answers_equal']} of {c['answers_compared']} earliest arrivals equal,"
                f" {c['answers_different']} different"
            )
            print(
                f"  speed: pyraptor's sampled queries alone took {c['speedup_sampled']:.0f}x our "
                f"whole profile; the {c['queries_for_full_profiles']:,} queries the same profiles "
                f"need would take ≈{c['pyraptor_full_profiles_s']:.0f} s, "
                f"{c['speedup_full_profiles']:.0f}x ours (extrapolated)"
            )
            for e in c["examples"]:
                print(f"  differs: {e}")

    ferrobus = []
    if not args.no_ferrobus:
        print()
        ferrobus_budget = args.ferrobus_budget or (30.0 if args.quick else 120.0)
        peers = [
            ("sj", SJ_FEED, "sj", SJ_DATE),
            ("county", VAR / "transit-county", "county", COUNTY_DATE),
        ]
        for name, path, kind, date in peers:
            if name == "county" and "county" not in scales:
                continue
            found = compare_ferrobus(name, path, kind, date, ferrobus_budget)
            if found is None:
                break
            ferrobus.append(found)
        print_ferrobus(ferrobus, comparison)

    RESULTS.mkdir(exist_ok=True)
    out = RESULTS / "transit.json"
    info["load_average_end"] = os.getloadavg()
    out.write_text(
        json.dumps(
            {"machine": info, "feeds": rows, "pyraptor": comparison, "ferrobus": ferrobus},
            indent=2,
        ),
        encoding="utf-8",
    )
    print()
    print(f"load average at end: {', '.join(f'{x:.2f}' for x in os.getloadavg())}")
    print(f"written to {out.relative_to(ROOT)} in {time.perf_counter() - started:.0f} s")


if __name__ == "__main__":
    main()
