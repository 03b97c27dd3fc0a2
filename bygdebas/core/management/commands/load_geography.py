"""python manage.py load_geography [--county CODE] [--boundaries FILE.geojson] [--towns FILE.csv]"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from bygdebas.core import geo


class Command(BaseCommand):
    help = (
        "Load counties, municipalities with boundaries, and towns (idempotent): one county from "
        "the national data with --county, or the given files."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--county",
            action="append",
            metavar="CODE",
            help="Load this county (two-digit code, e.g. 18) from data/geo/; may be repeated.",
        )
        parser.add_argument("--counties", type=Path, default=geo.COUNTIES_CSV)
        parser.add_argument(
            "--boundaries",
            type=Path,
            default=geo.DATA_DIR / "orebro_lan_and_neighbours_kommuner.geojson",
            help="GeoJSON with properties id (municipality code), kom_namn, lan_code.",
        )
        parser.add_argument(
            "--towns",
            type=Path,
            default=geo.DATA_DIR / "towns.csv",
            help="CSV: town,kommun,kommun_code,lan_code,role,lat,lon[,coord_source,populations].",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["county"]:
            for code in options["county"]:
                try:
                    result = geo.load_county(code)
                except geo.UnknownCountyError as error:
                    raise CommandError(str(error), returncode=2) from error
                self._report(result, options["verbosity"])
            return
        for name in ("counties", "boundaries", "towns"):
            if not options[name].exists():
                raise CommandError(f"No such file: {options[name]}")
        try:
            result = geo.load_geography(
                counties_csv=options["counties"],
                boundaries_geojson=options["boundaries"],
                towns_csv=options["towns"],
            )
        except (geo.GeographyError, KeyError, ValueError) as error:
            raise CommandError(f"Nothing was loaded: {error}") from error
        self._report(result, options["verbosity"])

    def _report(self, result: geo.GeographyResult, verbosity: int) -> None:
        for warning in result.warnings:
            self.stderr.write(warning)
        if verbosity:
            self.stdout.write(geo.describe(result))
