"""python manage.py load_demo: the Örebro county demo network, its plan, actions and logins."""

from __future__ import annotations

import datetime
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandParser
from django.db import transaction

from bygdebas.core.models import County, Municipality, Network, Role, User
from bygdebas.plan import services
from bygdebas.plan.importer import parse_plan_document
from bygdebas.plan.models import Activity

SEED_PLAN = Path(settings.BASE_DIR) / "data" / "seeds" / "verksamhetsplan-2025-orebro-lan.txt"
DEMO_PASSWORD = "demo-bygdebas-2025"
DEMO_USERS = [
    ("anna@demo.bygdebas.se", "Anna", "Andersson", Role.Kind.ADMIN),
    ("bertil@demo.bygdebas.se", "Bertil", "Berg", Role.Kind.STAFF),
    ("styrelse@demo.bygdebas.se", "Sara", "Styrelsesson", Role.Kind.BOARD),
    ("cecilia@demo.bygdebas.se", "Cecilia", "Carlsson", Role.Kind.CONTACT),
]

# (date, what was done, [(area number, activity number)], municipality code, participants)
DEMO_ACTIONS_2025: list[tuple[str, str, list[tuple[int, int]], str, int | None]] = [
    (
        "2025-01-14",
        "Yttrande över Region Örebro läns trafikförsörjningsprogram",
        [(1, 1), (1, 6)],
        "1880",
        None,
    ),
    ("2025-01-28", "Nyhetsbrev nr 1 2025 skickat till medlemmarna", [(1, 13)], "", 412),
    ("2025-02-04", "Möte med kommunbygderådet i Lekeberg", [(3, 5), (3, 3)], "1814", 14),
    ("2025-02-11", "Digitalt medlemsmöte om bredbandsutbyggnaden", [(1, 7), (1, 9)], "", 38),
    ("2025-02-20", "Besök hos byalaget i Ramundeboda", [(2, 4), (3, 1)], "1860", 11),
    (
        "2025-03-06",
        "ROS-gruppens seminarium: Agenda 2030 på landsbygden",
        [(2, 6), (3, 6), (1, 3)],
        "1880",
        46,
    ),
    (
        "2025-03-14",
        "Inlägg om kollektivtrafik mellan Hällefors och Lindesberg",
        [(1, 6), (1, 14)],
        "1863",
        None,
    ),
    (
        "2025-03-25",
        "Partnerskapsmöte, Region Örebro län landsbygdsprogram",
        [(3, 3), (3, 2)],
        "1880",
        22,
    ),
    (
        "2025-04-02",
        "Workshop om krisberedskap med Askersunds bygdegårdar",
        [(1, 8), (1, 9)],
        "1882",
        27,
    ),
    (
        "2025-04-10",
        "Ansökan till Mikrofonden stödd för Nora bygdeförening",
        [(2, 1), (1, 4), (3, 4)],
        "1884",
        None,
    ),
    ("2025-04-23", "Nyhetsbrev nr 2 2025 med tre medlemsnotiser", [(1, 13)], "", 430),
    (
        "2025-05-06",
        "Ungdomsträff om landsbygdens framtid i Karlskoga",
        [(2, 4), (2, 7)],
        "1883",
        19,
    ),
    (
        "2025-05-15",
        "Tvärpolitisk dialog: vägar och bredband i norra länet",
        [(1, 11), (1, 7)],
        "1885",
        34,
    ),
    ("2025-05-27", "Rapport till riksorganisationen om regionala frågor", [(1, 10)], "", None),
    ("2025-06-03", "Deltagande i LEADER Bergslagens styrelsemöte", [(3, 4), (1, 4)], "1885", 9),
    (
        "2025-06-12",
        "Goda exempel: film om Kopparbergs lokala handel",
        [(2, 3), (1, 14)],
        "1864",
        None,
    ),
    ("2025-06-18", "Landsbygdsriksdagen, fyra deltagare från länet", [(3, 8), (2, 5)], "", 4),
    ("2025-08-19", "Uppdatering av länets sidor på helasverige.se", [(1, 12)], "", None),
    ("2025-08-28", "Möte med nybildad ungdomsgrupp i Degerfors", [(2, 4), (3, 1)], "1862", 8),
    ("2025-09-04", "Seminarium om social ekonomi med Coompanion", [(1, 2), (2, 5)], "1880", 31),
    (
        "2025-09-11",
        "Samverkansmöte med Värmlands och Västmanlands länsavdelningar",
        [(3, 7)],
        "",
        12,
    ),
    ("2025-09-17", "Medlemsvärvning på Hallsbergs marknad", [(3, 1), (2, 2)], "1861", None),
    ("2025-09-30", "Nyhetsbrev nr 3 2025 om höstens mötesplatser", [(1, 13)], "", 455),
    (
        "2025-10-07",
        "Yttrande om länsplanen för transportinfrastruktur",
        [(1, 7), (1, 6), (1, 1)],
        "1880",
        None,
    ),
    ("2025-10-15", "Fysisk mötesplats: bygdekväll i Kumla", [(1, 9), (3, 5)], "1881", 42),
    (
        "2025-10-22",
        "Utbildning för lokala utvecklingsgrupper: söka projektstöd",
        [(2, 1), (2, 5)],
        "1880",
        23,
    ),
    ("2025-11-05", "Dialog med länsstyrelsen om landsbygdsfrågor", [(3, 2), (3, 3)], "1880", 6),
    ("2025-11-12", "Skolprojekt: barn och unga kartlägger sin bygd", [(2, 7)], "1814", 26),
    ("2025-11-20", "Krisberedskapsövning med byalag i Ljusnarsberg", [(1, 8)], "1864", 18),
    ("2025-11-26", "Deltagande i HSSL:s regionträff", [(3, 8), (3, 7)], "", 3),
    ("2025-12-03", "Nyhetsbrev nr 4 2025 med årsberättelse i korthet", [(1, 13)], "", 461),
    (
        "2025-12-10",
        "Sociala medier: kampanj om landsbygdens julhandel",
        [(1, 14), (2, 3)],
        "",
        None,
    ),
    (
        "2025-12-16",
        "Inbjudan till nya lokala grupper i Laxå och Askersund",
        [(2, 4), (3, 1)],
        "1860",
        None,
    ),
]
DEMO_ACTIONS_2026: list[tuple[str, str, list[tuple[int, int]], str, int | None]] = [
    ("2026-01-20", "Nyhetsbrev nr 1 2026", [(1, 13)], "", 470),
    ("2026-02-10", "Möte med kommunbygderådet i Nora", [(3, 5)], "1884", 12),
    (
        "2026-03-12",
        "Seminarium om kollektivtrafik mellan kommunhuvudorterna",
        [(1, 6), (1, 9)],
        "1880",
        51,
    ),
    ("2026-04-16", "Besök hos ungdomsföreningen i Hällefors", [(2, 4), (2, 7)], "1863", 15),
    ("2026-05-21", "Nyhetsbrev nr 2 2026", [(1, 13)], "", 478),
]


class Command(BaseCommand):
    help = "Load the Örebro county demo network: geography, the seed plan, actions and logins."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--reset", action="store_true", help="Delete the demo network first.")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["reset"]:
            Network.objects.filter(slug="orebro").delete()
        call_command("load_geography", verbosity=0, stdout=self.stdout)
        if Network.objects.filter(slug="orebro").exists():
            self.stdout.write("The demo network is already loaded.")
        else:
            self._load()
        self._print_logins()

    @transaction.atomic
    def _load(self) -> None:
        network = Network.objects.create(
            name="Hela Sverige ska leva Örebro län",
            slug="orebro",
            county=County.objects.get(code="18"),
            tagline="Stad och land – hand i hand!",
            contact_email="orebro@demo.bygdebas.se",
            phone="019-10 20 30",
            address="Box 123\n701 00 Örebro",
        )
        for email, first, last, kind in DEMO_USERS:
            user = User.objects.filter(email=email).first() or User.objects.create_user(
                email=email, password=DEMO_PASSWORD, first_name=first, last_name=last
            )
            Role.objects.create(user=user, network=network, kind=kind)
        staff = User.objects.get(email="bertil@demo.bygdebas.se")

        parsed = parse_plan_document(filename=SEED_PLAN.name, data=SEED_PLAN.read_bytes())
        plan = services.create_plan(
            network=network, year=2025, data=parsed.to_dict(), source_filename=SEED_PLAN.name
        )
        services.approve_plan(
            plan=plan,
            user=User.objects.get(email="styrelse@demo.bygdebas.se"),
            approved_on=datetime.date(2024, 11, 20),
        )
        plan_2026 = services.copy_plan(plan=plan, year=2026)
        municipalities = {m.code: m for m in Municipality.objects.all()}
        for year_plan, rows in ((plan, DEMO_ACTIONS_2025), (plan_2026, DEMO_ACTIONS_2026)):
            activities = {
                (area_index + 1, index + 1): activity
                for area_index, area in enumerate(year_plan.areas.order_by("order"))
                for index, activity in enumerate(area.activities.order_by("order"))
            }
            for day, title, refs, code, participants in rows:
                chosen: list[Activity] = [activities[ref] for ref in refs]
                services.log_action(
                    network=network,
                    performed_on=datetime.date.fromisoformat(day),
                    title=title,
                    activities=chosen,
                    municipality=municipalities.get(code),
                    participants=participants,
                    created_by=staff,
                )
        self.stdout.write(
            f"Loaded {network}: plans 2025 and 2026, "
            f"{len(DEMO_ACTIONS_2025) + len(DEMO_ACTIONS_2026)} actions."
        )

    def _print_logins(self) -> None:
        self.stdout.write("")
        self.stdout.write(f"Demo logins (password for all: {DEMO_PASSWORD})")
        for email, _first, _last, kind in DEMO_USERS:
            self.stdout.write(f"  {Role.Kind(kind).label:<22} {email}")
        self.stdout.write("Open http://127.0.0.1:8000/ (office: http://127.0.0.1:8000/kansli/)")
