"""python manage.py load_demo: the Örebro county demo network, its plan, actions and logins."""

from __future__ import annotations

from types import ModuleType
from typing import Any

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandParser
from django.db import transaction
from django.utils import timezone

from bygdebas.advocacy import demo as advocacy_demo
from bygdebas.api import demo as api_demo
from bygdebas.conditions import demo as conditions_demo
from bygdebas.connectivity import demo as connectivity_demo
from bygdebas.core import demo as core_demo
from bygdebas.events import demo as events_demo
from bygdebas.members import demo as members_demo
from bygdebas.national import demo as national_demo
from bygdebas.newsletter import demo as newsletter_demo
from bygdebas.plan import demo as plan_demo
from bygdebas.projects import demo as projects_demo
from bygdebas.recruitment import demo as recruitment_demo
from bygdebas.webhooks import demo as webhooks_demo
from bygdebas.widgets import demo as widgets_demo

# The apps' demo data, in the order they need each other: the plan first (the others log actions
# against it), recruitment after the member registry it converts prospects into.
STEPS: list[ModuleType] = [
    plan_demo,
    events_demo,
    members_demo,
    recruitment_demo,
    connectivity_demo,
    api_demo,
    webhooks_demo,
    widgets_demo,
    national_demo,
    advocacy_demo,
    newsletter_demo,
    projects_demo,
    conditions_demo,
]


class Command(BaseCommand):
    help = "Load the Örebro county demo network: geography, the seed plan, actions and logins."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--reset", action="store_true", help="Delete the demo network first.")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["reset"] and (network := core_demo.demo_network()) is not None:
            network.delete()
        call_command("load_geography", "--county", "18", verbosity=0, stdout=self.stdout)
        if core_demo.demo_network() is not None:
            self.stdout.write("The demo network is already loaded.")
        else:
            self._load()
        self._print_logins()

    @transaction.atomic
    def _load(self) -> None:
        network = core_demo.load_network()
        year = timezone.localdate().year
        summaries = (step.load(network, year=year) for step in STEPS)
        plan, events = next(summaries), next(summaries)
        self.stdout.write(f"Loaded {network}: {plan}, {events}.")
        for summary in summaries:
            self.stdout.write(summary)

    def _print_logins(self) -> None:
        self.stdout.write("")
        for line in core_demo.login_lines():
            self.stdout.write(line)
        # Where `make demo` serves the site: HOST and PORT, through BYGDEBAS_BASE_URL.
        base = settings.BYGDEBAS_BASE_URL.rstrip("/")
        self.stdout.write(f"Open {base}/ (office: {base}/kansli/)")
        self.stdout.write(
            "Contact persons can also log in without a password at "
            f"{base}/medlem/logga-in/ (the link is printed in this terminal's mail log)."
        )
