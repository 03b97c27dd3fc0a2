"""The command line: `python -m transit connectivity …` and `python -m transit compare …`."""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import io
import json
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any, TextIO

from transit.compare import compare
from transit.errors import FeedError
from transit.indicators import Analysis, Progress, analyse
from transit.loading import load_feed
from transit.places import Place, read_places

PROGRESS_MIN_PLACES = 10
BAR_WIDTH = 30


class UsageError(Exception):
    """A problem with the input that the user can fix; printed as one line, exit code 2."""


def parse_date(text: str) -> dt.date:
    """Return the date of a YYYY-MM-DD string; UsageError otherwise."""
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise UsageError(f"bad date {text!r}: expected YYYY-MM-DD") from None


class ProgressBar:
    """A one-line text bar on stderr, redrawn in place."""

    def __init__(self, label: str, stream: TextIO) -> None:
        self.label = label
        self.stream = stream

    def __call__(self, done: int, total: int) -> None:
        """Redraw the bar at done out of total steps."""
        filled = BAR_WIDTH * done // total if total else BAR_WIDTH
        bar = "#" * filled + "-" * (BAR_WIDTH - filled)
        end = "\n" if done >= total else ""
        self.stream.write(f"\r{self.label} [{bar}] {done}/{total}{end}")
        self.stream.flush()


def build_parser() -> argparse.ArgumentParser:
    """Return the argument parser of both subcommands."""
    parser = argparse.ArgumentParser(
        prog="python -m transit", description="Public-transport connectivity between places."
    )
    commands = parser.add_subparsers(dest="command", required=True)

    def common(sub: argparse.ArgumentParser, formats: list[str]) -> None:
        sub.add_argument("--date", required=True, help="the date to analyse, YYYY-MM-DD")
        sub.add_argument("--places", required=True, help="CSV with name,lat,lon[,population]")
        sub.add_argument("--radius-m", type=float, default=1000.0, help="stops within (m)")
        sub.add_argument("--min-transfer-s", type=int, default=120, help="minimum change (s)")
        sub.add_argument("--walk-m", type=float, default=0.0, help="walk between stops (m)")
        sub.add_argument("--format", choices=formats, default="json")
        sub.add_argument("--out", help="write here instead of standard output")
        sub.add_argument("--progress", action="store_true", help="always show progress")

    connectivity = commands.add_parser("connectivity", help="indicators of every pair of places")
    connectivity.add_argument("feed", help="GTFS .zip or folder")
    common(connectivity, ["json", "csv", "xlsx"])

    comparison = commands.add_parser("compare", help="compare two feeds or two dates")
    comparison.add_argument("old", help="the earlier GTFS .zip or folder")
    comparison.add_argument("new", help="the later GTFS .zip or folder")
    comparison.add_argument("--new-date", help="the date to analyse in NEW (default: --date)")
    common(comparison, ["json", "csv"])
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; return the exit code."""
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.format == "xlsx" and not args.out:
        parser.error("--format xlsx needs --out")
    for option in ("radius_m", "min_transfer_s", "walk_m"):
        if getattr(args, option) < 0:
            parser.error(f"--{option.replace('_', '-')} must not be negative")
    try:
        if args.command == "connectivity":
            _connectivity(args)
        else:
            _compare(args)
    except (FeedError, UsageError, OSError, ValueError) as error:
        # A message, never a traceback: these are problems with the input, not with the code.
        print(f"transit: error: {error}", file=sys.stderr)
        return 2
    return 0


def _progress(args: argparse.Namespace, places: list[Place], label: str) -> Progress | None:
    shown = args.progress or (sys.stderr.isatty() and len(places) >= PROGRESS_MIN_PLACES)
    return ProgressBar(label, sys.stderr) if shown else None


def _run(
    args: argparse.Namespace, feed_path: str, date: dt.date, places: list[Place], label: str
) -> Analysis:
    if not Path(feed_path).exists():
        raise UsageError(f"no such feed: {feed_path}")
    feed = load_feed(feed_path)
    for warning in feed.warnings:
        print(f"transit: warning: {warning}", file=sys.stderr)
    if not feed.services_on(date).any():
        print(f"transit: warning: no service runs on {date} in {feed_path}", file=sys.stderr)
    return analyse(
        feed,
        places,
        date,
        radius_m=args.radius_m,
        min_transfer_s=args.min_transfer_s,
        walk_m=args.walk_m,
        progress=_progress(args, places, label),
    )


def _places(path: str) -> list[Place]:
    if not Path(path).is_file():
        raise UsageError(f"no such places file: {path}")
    places = read_places(path)
    if len(places) < 2:
        raise UsageError(f"{Path(path).name}: needs at least two places")
    return places


def _connectivity(args: argparse.Namespace) -> None:
    date = parse_date(args.date)
    places = _places(args.places)
    analysis = _run(args, args.feed, date, places, "connectivity")
    if args.format == "xlsx":
        _write_xlsx(analysis, Path(args.out))
        return
    if args.format == "csv":
        _emit(_csv([p.to_dict() for p in analysis.pairs]), args.out)
    else:
        _emit(json.dumps(analysis.to_dict(), ensure_ascii=False, indent=2) + "\n", args.out)


def _compare(args: argparse.Namespace) -> None:
    date = parse_date(args.date)
    new_date = parse_date(args.new_date) if args.new_date else date
    places = _places(args.places)
    before = _run(args, args.old, date, places, "old")
    after = _run(args, args.new, new_date, places, "new")
    comparison = compare(before, after)
    if args.format == "csv":
        _emit(_csv([p.to_dict() for p in comparison.pairs]), args.out)
    else:
        _emit(json.dumps(comparison.to_dict(), ensure_ascii=False, indent=2) + "\n", args.out)


def _csv(rows: list[dict[str, Any]]) -> str:
    out = io.StringIO()
    if rows:
        writer = csv.DictWriter(out, fieldnames=list(rows[0]), lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
    return out.getvalue()


def _emit(text: str, out: str | None) -> None:
    if out:
        Path(out).write_text(text, encoding="utf-8")
    else:
        sys.stdout.write(text)


def _write_xlsx(analysis: Analysis, path: Path) -> None:
    try:
        import openpyxl
    except ImportError:
        raise UsageError("--format xlsx needs openpyxl, which is not installed") from None
    book = openpyxl.Workbook()
    sheets = (
        ("pairs", [p.to_dict() for p in analysis.pairs]),
        ("places", [_flat(p.to_dict()) for p in analysis.places]),
    )
    for i, (title, rows) in enumerate(sheets):
        sheet = book.active if i == 0 else book.create_sheet()
        assert sheet is not None
        sheet.title = title
        if rows:
            sheet.append(list(rows[0]))
            for row in rows:
                sheet.append(list(row.values()))
    book.save(path)


def _flat(row: dict[str, Any]) -> dict[str, Any]:
    return {k: ", ".join(v) if isinstance(v, list) else v for k, v in row.items()}
