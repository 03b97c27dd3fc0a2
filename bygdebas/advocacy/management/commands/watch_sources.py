"""Watched sources for scripts and cron.

    python manage.py watch_sources add URL --name NAME --keywords "a,b" [--exclude "c"] [--network SLUG]
    python manage.py watch_sources fetch [--network SLUG] [--force] [--json]

``fetch`` exits 0 when it ran, also when some sources failed (they are reported, and marked with
their error); it exits 2 only when it could not run at all (an unknown network, a database
error). ``--json`` prints ``{"sources", "fetched", "not_modified", "new_entries", "matched",
"errors": [{"source", "message"}]}``.
"""

from __future__ import annotations

import json
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import DatabaseError
from django.utils import translation

from bygdebas.advocacy.services import watch
from bygdebas.core.models import Network


class Command(BaseCommand):
    help = "Add a watched source, or fetch the due sources and report what came in."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        add = sub.add_parser("add", help="Add a watched RSS or Atom source.")
        add.add_argument("url")
        add.add_argument("--name", required=True)
        add.add_argument("--keywords", default="", help="Comma-separated words and phrases.")
        add.add_argument("--exclude", default="", help="Comma-separated exclusions.")
        add.add_argument("--network", help="The network's slug (needed when there are several).")
        fetch = sub.add_parser("fetch", help="Fetch the sources not fetched within the interval.")
        fetch.add_argument("--network", help="Only this network's sources.")
        fetch.add_argument("--force", action="store_true", help="Ignore the interval.")
        fetch.add_argument("--json", action="store_true", help="Print the outcome as JSON.")
        fetch.add_argument(
            "--enqueue", action="store_true", help="Hand the fetching to the task worker."
        )

    def execute(self, *args: Any, **options: Any) -> Any:
        # "could not run at all" is exit status 2, whatever the cause.
        try:
            return super().execute(*args, **options)
        except CommandError as error:
            error.returncode = 2
            raise

    def _network(self, slug: str | None, *, required: bool) -> Network | None:
        if slug:
            network = Network.objects.filter(slug=slug).first()
            if network is None:
                raise CommandError(f"No network with the slug {slug!r}.")
            return network
        if not required:
            return None
        networks = list(Network.objects.all()[:2])
        if len(networks) != 1:
            raise CommandError("Name the network with --network SLUG.")
        return networks[0]

    def handle(self, *args: Any, **options: Any) -> None:
        with translation.override(settings.LANGUAGE_CODE):
            try:
                if options["action"] == "add":
                    self._add(options)
                else:
                    self._fetch(options)
            except DatabaseError as error:
                raise CommandError(f"The database could not be used: {error}") from error

    def _add(self, options: dict[str, Any]) -> None:
        network = self._network(options["network"], required=True)
        assert network is not None
        try:
            source = watch.save_source(
                network=network,
                name=options["name"],
                url=options["url"],
                keywords=options["keywords"],
                exclusions=options["exclude"],
            )
        except ValidationError as error:
            messages = (
                "; ".join(
                    str(message) for messages in error.message_dict.values() for message in messages
                )
                if hasattr(error, "error_dict")
                else "; ".join(error.messages)
            )
            raise CommandError(messages) from error
        self.stdout.write(f"Added source {source.pk}: {source.name} ({source.url})")

    def _fetch(self, options: dict[str, Any]) -> None:
        network = self._network(options["network"], required=False)
        if options["enqueue"]:
            from bygdebas.advocacy.tasks import fetch_watched_sources

            result = fetch_watched_sources.enqueue(network.pk if network else None)
            self.stdout.write(f"Enqueued {result.id}.")
            return
        report = watch.fetch_sources(network=network, force=options["force"])
        if options["json"]:
            self.stdout.write(json.dumps(report.as_json(), ensure_ascii=False))
            return
        self.stdout.write(
            f"{report.sources} sources: {report.fetched} fetched, {report.not_modified} not "
            f"modified, {report.new_entries} new entries, {report.matched} matched, "
            f"{len(report.errors)} errors."
        )
        for error in report.errors:
            self.stderr.write(f"{error['source']}: {error['message']}")
