"""Time to import a 50,000-row .xlsx of organisations, on SQLite and PostgreSQL.

Writes a workbook of 50,000 rows (one organisation a row, most with a contact person and a
membership, as a network's registry export would look), into a network that already holds
5,000 organisations, 5 % of the rows being organisations already there (by organisation number)
and 2 % repeating an earlier row of the file. Then it times, in-process:

- reading the file (``read_table``: calamine, every cell);
- the preview (``make_plan``: every row parsed, validated and matched, nothing written);
- a dry run (``run_import(dry_run=True)``: everything written in a transaction, rolled back);
- the import (``run_import``), and the import of the same file once more (everything a
  duplicate, nothing to change).

It reports seconds per step (wall clock, and the process's CPU time: on a shared machine the
wall clock grows with the load, the CPU time much less; the database server's CPU on PostgreSQL
is not in it), how the import's time splits into reading, checking and matching, writing each
kind of row and the commit, and the peak memory (maximum resident set size) of the process. The
aim is an import of at most 30 s. Nothing is asserted: a benchmark only reports.

    python bench/members_import.py [--db sqlite|postgres|both] [--rows 50000]

Each database runs in a child process (Django reads its settings once). SQLite goes to a
temporary file; PostgreSQL to a database ``bygdebas_bench_import`` created first and dropped
afterwards. The figures are also written to bench/results/members_import-<db>.json.
"""

from __future__ import annotations

import cProfile
import datetime
import json
import random
import resource
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import harness

BENCH = harness.Bench(
    name="members_import",
    pg_database="bygdebas_bench_import",
    labels={},
    label_width=30,
)
ROWS = 50_000
EXISTING = 5_000
SEED = 20250301
AIM_SECONDS = 30

MUNICIPALITIES = [
    ("1814", "Lekeberg"), ("1860", "Laxå"), ("1861", "Hallsberg"), ("1862", "Degerfors"),
    ("1863", "Hällefors"), ("1864", "Ljusnarsberg"), ("1880", "Örebro"), ("1881", "Kumla"),
    ("1882", "Askersund"), ("1883", "Karlskoga"), ("1884", "Nora"), ("1885", "Lindesberg"),
]  # fmt: skip
PLACES = [
    "Åsbro", "Hjortkvarn", "Mossby", "Vretstorp", "Sköllersta", "Ekeby", "Kilsmo", "Glanshammar",
    "Fjugesta", "Mullhyttan", "Svartå", "Ramundeboda", "Zinkgruvan", "Olshammar", "Gyttorp",
    "Vedevåg", "Fellingsbro", "Frövi", "Ervalla", "Garphyttan", "Tysslinge", "Odensbacken",
]  # fmt: skip
FORMS = ["{} byalag", "Byalaget {}", "{} bygdeförening", "Utvecklingsgruppen {}", "{} IF"]
FIRST = ["Anna", "Erik", "Karin", "Lars", "Maria", "Per", "Eva", "Johan", "Sara", "Nils"]
LAST = ["Andersson", "Berg", "Ek", "Lind", "Nyström", "Holm", "Sjöberg", "Öst", "Åberg"]
KINDS = ["Byalag", "Lokal utvecklingsgrupp", "Förening", "Studieförbund", "Företag"]
ROLES = ["Kontaktperson", "Ordförande", "Sekreterare", "Kassör", "Ledamot"]
HEADERS = [
    "Föreningens namn", "Organisationsnummer", "Kommun", "Ort", "Adress", "Postnummer",
    "Postort", "E-post", "Telefon", "Webbplats", "Grundad", "Ungdomsledd", "Typ", "Taggar",
    "Kontaktperson", "Kontaktpersonens e-post", "Kontaktpersonens telefon", "Roll", "Födelseår",
    "Medlemsår", "Avgift", "Betald",
]  # fmt: skip


def org_number(n: int) -> str:
    """A valid (Luhn) organisation number, different for each n."""
    from bygdebas.members.normalise import luhn_ok

    base = f"8{n:08d}"
    digit = next(d for d in range(10) if luhn_ok(base + str(d)))
    return f"{base[:6]}-{base[6:]}{digit}"


def ascii_of(name: str) -> str:
    return name.lower().translate(str.maketrans("åäö", "aao"))


def name_of(n: int) -> str:
    return FORMS[n % len(FORMS)].format(f"{PLACES[n % len(PLACES)]} {n}")


def write_workbook(path: Path, rows: int, rng: random.Random) -> dict[str, int]:
    """The file: existing organisations are 1..EXISTING; row i is organisation EXISTING + i."""
    import openpyxl

    workbook = openpyxl.Workbook(write_only=True)
    sheet = workbook.create_sheet("Föreningar")
    sheet.append(HEADERS)
    existing_rows = repeats = 0
    for i in range(rows):
        n = EXISTING + 1 + i
        if rng.random() < 0.05:
            n = rng.randint(1, EXISTING)  # already in the registry
            existing_rows += 1
        elif i > 10 and rng.random() < 0.02:
            n = EXISTING + 1 + rng.randint(0, i - 1)  # an earlier row again
            repeats += 1
        code, municipality = MUNICIPALITIES[n % len(MUNICIPALITIES)]
        place = PLACES[n % len(PLACES)]
        has_contact = rng.random() < 0.7
        has_membership = rng.random() < 0.6
        first, last = rng.choice(FIRST), rng.choice(LAST)
        sheet.append(
            [
                name_of(n),
                org_number(n) if n % 5 else "",
                municipality if n % 2 else code,
                place,
                f"Byvägen {n % 90 + 1}",
                f"{700 + n % 99:03d} {n % 90 + 10:02d}",
                municipality,
                f"info{n}@exempel.se" if n % 3 else "",
                f"019-{n % 90 + 10:02d} {n % 89 + 10:02d} {n % 79 + 10:02d}" if n % 4 else "",
                f"www.forening{n}.se" if n % 6 == 0 else "",
                1900 + n % 120,
                "ja" if n % 17 == 0 else "nej",
                KINDS[n % len(KINDS)],
                "Bredband, Skola" if n % 7 == 0 else ("Ungdom" if n % 11 == 0 else ""),
                f"{first} {last}" if has_contact else "",
                f"{ascii_of(first)}.{ascii_of(last)}.{n}@exempel.se" if has_contact else "",
                f"070{n % 10_000_000:07d}" if has_contact else "",
                rng.choice(ROLES) if has_contact else "",
                1950 + n % 55 if has_contact else None,
                2025 if has_membership else None,
                rng.choice([200, 300, 500]) if has_membership else None,
                datetime.date(2025, 1 + n % 12, 1 + n % 28) if has_membership else None,
            ]
        )
    workbook.save(path)
    return {"existing_rows": existing_rows, "repeated_rows": repeats}


def build_registry() -> Any:
    """The network, Örebro county's municipalities and the existing organisations."""
    from bygdebas.core.models import County, Municipality, Network
    from bygdebas.members.models import Organisation
    from bygdebas.members.normalise import name_key

    county = County.objects.create(code="18", name="Örebro län")
    Municipality.objects.bulk_create(
        Municipality(code=code, name=name, county=county) for code, name in MUNICIPALITIES
    )
    network = Network.objects.create(name="Bench", slug="bench", domain="n1.bench", county=county)
    by_code = {m.code: m for m in Municipality.objects.all()}
    organisations = []
    for n in range(1, EXISTING + 1):
        name = name_of(n)
        organisations.append(
            Organisation(
                network=network,
                name=name,
                name_key=name_key(name),
                org_number=org_number(n) if n % 5 else "",
                municipality=by_code[MUNICIPALITIES[n % len(MUNICIPALITIES)][0]],
            )
        )
    Organisation.objects.bulk_create(organisations, batch_size=1000)
    return network


def peak_mib() -> float:
    return round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)


def benchmark(db: str, rows: int, profile: bool = False) -> int:
    info = harness.setup()
    from django.db import connection

    from bygdebas.core.models import AuditEntry
    from bygdebas.members.importer import make_plan, read_table, run_import
    from bygdebas.members.importer.columns import guess_mapping
    from bygdebas.members.models import Organisation

    network, phases = harness.prepare(info, build_registry)
    workdir = Path(harness.os.environ["BYGDEBAS_MEDIA_ROOT"]).parent
    path = workdir / "organisationer.xlsx"
    started = time.perf_counter()
    shares = write_workbook(path, rows, random.Random(SEED))
    write_s = time.perf_counter() - started
    data = path.read_bytes()
    steps: dict[str, dict[str, Any]] = {}
    memory_before = peak_mib()

    def step(label: str, work: Any) -> Any:
        profiler = cProfile.Profile() if profile else None
        start, cpu = time.perf_counter(), time.process_time()
        value = profiler.runcall(work) if profiler else work()
        steps[label] = {
            "seconds": round(time.perf_counter() - start, 2),
            "cpu_seconds": round(time.process_time() - cpu, 2),
            "peak_mib": peak_mib(),
        }
        if profiler:
            harness.RESULTS.mkdir(parents=True, exist_ok=True)
            name = label.replace(" ", "_")
            profiler.dump_stats(harness.RESULTS / f"members_import-{db}-{name}.prof")
        return value

    table = step("read", lambda: read_table(path.name, data))
    mapping = guess_mapping(table.headers)
    plan = step("preview", lambda: make_plan(network=network, table=table, mapping=mapping))
    kwargs = {"network": network, "actor": None, "filename": path.name}
    splits: dict[str, dict[str, float]] = {}

    def import_file(label: str, **options: Any) -> Any:
        """Read the file and import it, as the command does; notes the time of each phase."""
        start = time.perf_counter()
        table = read_table(path.name, data)
        read_s = time.perf_counter() - start
        result = run_import(table=table, **kwargs, **options)
        split = {"read": read_s, "plan": result.seconds.get("plan", 0.0)}
        split |= {f"save: {name}": s for name, s in result.counts.seconds.items()}
        split["commit" if label != "dry run" else "roll back"] = result.seconds.get("commit", 0.0)
        splits[label] = {name: round(s, 2) for name, s in split.items()}
        return result

    dry = step("dry run", lambda: import_file("dry run", dry_run=True))
    real = step("import", lambda: import_file("import"))
    again = step("import again", lambda: import_file("import again"))
    for result in (dry, real, again):
        if result.errors:
            print(json.dumps(result.as_dict()["errors"][:5], ensure_ascii=False), file=sys.stderr)
            return 1
    version = info["sqlite"]
    if connection.vendor == "postgresql":
        version = info.get("postgresql", "")
    result = {
        "database": db,
        "machine": info | {"load_average_at_end": harness.load_average()},
        "data": {
            "rows": rows,
            "columns": len(HEADERS),
            "file_mib": round(len(data) / 1024 / 1024, 1),
            "existing_organisations": EXISTING,
            **shares,
            "plan_new_organisations": len(plan.new_organisations()),
            "plan_people": len(plan.people),
        },
        "seconds": phases.seconds() | {"write_workbook": round(write_s, 1)},
        "memory_before_mib": memory_before,
        "steps": steps,
        "phases": splits,
        "import": real.as_dict() | {"people": real.counts.people_created},
        "import_again": again.as_dict(),
        "organisations_after": Organisation.objects.filter(network=network).count(),
        "audit_entries_after": AuditEntry.objects.filter(network=network).count(),
    }
    harness.RESULTS.mkdir(parents=True, exist_ok=True)
    harness.results_path(BENCH, db).write_text(json.dumps(result, indent=2) + "\n")
    report(result, version)
    return 0


def report(result: dict[str, Any], version: str) -> None:
    m, d = result["machine"], result["data"]
    print(f"== Members import benchmark on {harness.DB_LABELS[result['database']]} {version} ==")
    print(
        f"Machine: {m['cpu']}, {m['cores']} cores, {m['ram_gib']} GiB RAM; Python {m['python']}, "
        f"Django {m['django']}. sum(range(1000)) takes {m['sum_range_1000_us']} µs. Load average "
        f"{m['load_average_at_start']} at the start, {m['load_average_at_end']} at the end."
    )
    print(
        f"Data: {d['rows']:,} rows × {d['columns']} columns ({d['file_mib']} MiB .xlsx, written "
        f"in {result['seconds']['write_workbook']} s) into a network with "
        f"{d['existing_organisations']:,} organisations; {d['existing_rows']:,} rows are "
        f"organisations already there, {d['repeated_rows']:,} repeat an earlier row."
    )
    print(
        f"Import: {json.dumps(result['import'])}; again: "
        f"{json.dumps(result['import_again'])}. Afterwards {result['organisations_after']:,} "
        f"organisations and {result['audit_entries_after']:,} audit entries."
    )
    print(f"Peak memory before the steps: {result['memory_before_mib']} MiB.")
    print()
    print(f"{'step':<16} {'seconds':>8} {'CPU s':>8} {'peak MiB':>9}")
    for label, row in result["steps"].items():
        print(
            f"{label:<16} {row['seconds']:>8.2f} {row['cpu_seconds']:>8.2f} {row['peak_mib']:>9.1f}"
        )
    print()
    labels = list(result["phases"])
    names = list(dict.fromkeys(name for split in result["phases"].values() for name in split))
    print(f"{'phase (s)':<22}" + "".join(f"{label:>14}" for label in labels))
    for name in names:
        cells = "".join(
            f"{result['phases'][label][name]:>14.2f}"
            if name in result["phases"][label]
            else f"{'':>14}"
            for label in labels
        )
        print(f"{name:<22}{cells}")
    seconds = result["steps"]["import"]["seconds"]
    verdict = "within" if seconds <= AIM_SECONDS else "OVER"
    print(f"The import took {seconds:.1f} s: {verdict} the aim of {AIM_SECONDS} s.")


def main() -> int:
    parser = harness.parser(__doc__, requests=1)
    parser.add_argument("--rows", type=int, default=ROWS, help=f"rows in the file ({ROWS})")
    parser.add_argument(
        "--profile",
        action="store_true",
        help="cProfile each step into bench/results/members_import-<db>-<step>.prof",
    )
    args = parser.parse_args()
    if args.db == "both":
        failed = []
        for db in harness.DATABASES:
            command = [sys.executable, __file__, "--db", db, "--rows", str(args.rows)]
            command += ["--profile"] if args.profile else []
            if subprocess.run(command, check=False).returncode:
                failed.append(db)
            print()
        if failed:
            print(f"The run failed on: {', '.join(failed)}.", file=sys.stderr)
        return 1 if failed else 0
    return harness.run_one(BENCH, args.db, lambda: benchmark(args.db, args.rows, args.profile))


if __name__ == "__main__":
    sys.exit(main())
