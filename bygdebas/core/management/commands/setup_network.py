"""python manage.py setup_network --name NAME --slug SLUG --domain HOST --county CODE --admin-email EMAIL

The first step of a new installation, on an empty database: the county's geography, the network
and its first administrator, who is mailed a link to choose a password. Safe to run again.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.http.request import validate_host

from bygdebas.core import geo, services
from bygdebas.core.models import Role


class Command(BaseCommand):
    help = (
        "Set up a network: load its county's municipalities, boundaries and towns, create the "
        "network and its administrator, and mail the administrator a link to choose a password. "
        "Idempotent."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--name", required=True, help="The network's name.")
        parser.add_argument("--slug", required=True, help="Short identifier, e.g. orebro.")
        parser.add_argument(
            "--domain", required=True, help="The host name it is served on, e.g. orebro.example.se."
        )
        parser.add_argument(
            "--county", required=True, metavar="CODE", help="The county's code, e.g. 18."
        )
        parser.add_argument(
            "--admin-email", required=True, help="The first administrator's e-mail address."
        )
        parser.add_argument(
            "--resend",
            action="store_true",
            help="Mail the administrator a new link even if nothing else is to be done.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            setup = services.set_up_network(
                name=options["name"],
                slug=options["slug"],
                domain=options["domain"],
                county_code=options["county"],
                admin_email=options["admin_email"],
                resend=options["resend"],
            )
        except geo.UnknownCountyError as error:
            raise CommandError(str(error), returncode=2) from error
        except services.NetworkSetupError as error:
            raise CommandError(f"Nothing was changed: {error}") from error

        network, user = setup.network, setup.administrator
        self.stdout.write(geo.describe(setup.geography))
        if setup.is_network_new:
            self.stdout.write(
                f"Network {network.name} ({network.slug}) created on {network.domain}."
            )
        else:
            self.stdout.write(
                f"Network {network.name} ({network.slug}) on {network.domain}: already there."
            )
        if setup.is_user_new:
            self.stdout.write(f"Administrator {user.email}: account created, without a password.")
        elif setup.role_before == Role.Kind.ADMIN:
            self.stdout.write(f"Administrator {user.email}: already there.")
        elif setup.role_before is None:
            self.stdout.write(f"Administrator {user.email}: existing account, role given.")
        else:
            self.stdout.write(
                f"Administrator {user.email}: role changed from {setup.role_before} to admin."
            )
        if setup.is_mailed:
            what = "to log in" if user.has_usable_password() else "to choose a password"
            self.stdout.write(f"Mailed {user.email} a link {what} on {network.base_url}/.")
        else:
            self.stdout.write("No mail sent (--resend sends the administrator a new link).")
        if not validate_host(network.domain, settings.ALLOWED_HOSTS):
            self.stderr.write(
                f"Warning: {network.domain} is not in DJANGO_ALLOWED_HOSTS, so the site will "
                "refuse it until it is added."
            )
