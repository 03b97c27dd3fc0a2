"""python manage.py load_demo: the Örebro county demo network, its plan, actions and logins."""

from __future__ import annotations

import datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandParser
from django.db import transaction
from django.utils import timezone

from bygdebas.connectivity import demo as connectivity_demo
from bygdebas.core.models import County, Municipality, Network, Role, User
from bygdebas.events.models import Event, Registration
from bygdebas.events.services import bodies as body_services
from bygdebas.events.services import registrations as event_services
from bygdebas.members import demo as members_demo
from bygdebas.plan import services
from bygdebas.plan.importer import parse_plan_document
from bygdebas.plan.models import Activity
from bygdebas.recruitment import demo as recruitment_demo

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


STOCKHOLM = ZoneInfo("Europe/Stockholm")
DEMO_FIRST_NAMES = [
    "Karin",
    "Lars",
    "Maria",
    "Anders",
    "Eva",
    "Per",
    "Lena",
    "Johan",
    "Sofia",
    "Erik",
]
DEMO_LAST_NAMES = ["Johansson", "Nilsson", "Lindberg", "Eriksson", "Holm", "Persson", "Ek", "Berg"]
DEMO_GROUPS = [
    "Ramundeboda byalag",
    "Nora bygdeförening",
    "Tivedens LUG",
    "",
    "Kopparbergs företagarförening",
]

DEMO_EVENTS: list[dict[str, Any]] = [
    {
        "title": "Landsbygdens framtid – Agenda 2030 i Örebro län",
        "description": "ROS-gruppens seminarium om hållbar utveckling på landsbygden.",
        "kind": Event.Kind.SEMINAR,
        "format": Event.Format.HYBRID,
        "capacity": 60,
        "starts_at": datetime.datetime(2025, 3, 14, 13, 0, tzinfo=STOCKHOLM),
        "in_days": None,
        "place": "Länsmuseet",
        "address": "Engelbrektsgatan 3, Örebro",
        "municipality": "1880",
        "video_url": "https://video.example.org/landsbygdens-framtid",
        "activities": [(2, 6), (3, 6)],
        "sdgs": [11, 13, 17],
        "registrations": 46,
        "minutes": "42 deltagare. Tre goda exempel presenterades; nästa steg är en studieresa.",
    },
    {
        "title": "Tvärpolitisk dialog om kollektivtrafiken",
        "description": "Politiker från länets partier möter bygderna om tåg och buss mellan centralorterna.",
        "kind": Event.Kind.DIALOGUE,
        "format": Event.Format.PHYSICAL,
        "capacity": 80,
        "starts_at": datetime.datetime(2025, 5, 15, 18, 0, tzinfo=STOCKHOLM),
        "in_days": None,
        "place": "Folkets hus",
        "address": "Kungsgatan 12, Lindesberg",
        "municipality": "1885",
        "activities": [(1, 11), (1, 6)],
        "sdgs": [9, 11],
        "registrations": 38,
        "minutes": "Krav på bättre förbindelser Hällefors–Lindesberg–Örebro lämnades över.",
    },
    {
        "title": "Bygdekväll i Kumla: mötesplatser på landsbygden",
        "description": "Fika, erfarenhetsutbyte och **goda exempel** från byalagen.",
        "kind": Event.Kind.MEETING,
        "format": Event.Format.PHYSICAL,
        "capacity": 40,
        "starts_at": None,
        "in_days": 12,
        "place": "Bygdegården",
        "address": "Byvägen 4, Kumla",
        "municipality": "1881",
        "activities": [(1, 9)],
        "registrations": 31,
    },
    {
        "title": "Digital träff: söka projektstöd från LEADER",
        "description": "Vi går igenom hur föreningar söker stöd. Länk skickas till anmälda.",
        "kind": Event.Kind.TRAINING,
        "format": Event.Format.DIGITAL,
        "capacity": None,
        "starts_at": None,
        "in_days": 20,
        "municipality": "",
        "video_url": "https://video.example.org/leader-stod",
        "activities": [(2, 1)],
        "registrations": 17,
    },
    {
        "title": "Studiebesök: lokal handel i Kopparberg",
        "description": "Vi besöker byns butik och samlingslokal. Begränsat antal platser.",
        "kind": Event.Kind.STUDY_VISIT,
        "format": Event.Format.PHYSICAL,
        "capacity": 12,
        "starts_at": None,
        "in_days": 34,
        "place": "Byns butik",
        "address": "Storgatan 1, Kopparberg",
        "municipality": "1864",
        "activities": [(2, 3)],
        "registrations": 15,
    },
]

DEMO_BODIES = [
    (
        "Landsbygdsrådet i Lekebergs kommun",
        "Lekebergs kommun",
        "1814",
        [("2025-02-04", "Kollektivtrafik till Fjugesta"), ("2025-09-23", "Bredband i glesbygd")],
    ),
    (
        "Partnerskapet för landsbygdsutveckling",
        "Region Örebro län",
        "1880",
        [("2025-03-25", "Landsbygdsprogrammets mål"), ("2025-10-21", "Krisberedskap i byarna")],
    ),
    (
        "LEADER Bergslagen, styrelsen",
        "LEADER Bergslagen",
        "1885",
        [("2025-06-03", "Stöd till små föreningar")],
    ),
]


class Command(BaseCommand):
    help = "Load the Örebro county demo network: geography, the seed plan, actions and logins."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--reset", action="store_true", help="Delete the demo network first.")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["reset"]:
            Network.objects.filter(slug="orebro").delete()
        call_command("load_geography", "--county", "18", verbosity=0, stdout=self.stdout)
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
        events, registrations = self._load_events(network, plan, staff, municipalities)
        meetings = self._load_bodies(network, plan, staff, municipalities)
        self.stdout.write(
            f"Loaded {network}: plans 2025 and 2026, "
            f"{len(DEMO_ACTIONS_2025) + len(DEMO_ACTIONS_2026)} actions, {events} events with "
            f"{registrations} registrations, {meetings} partnership meetings."
        )
        # The other apps' demo data: the member registry, recruitment and a transit analysis.
        year = timezone.localdate().year
        self.stdout.write(members_demo.load_demo(network, year=year))
        self.stdout.write(recruitment_demo.load_demo(network, year=year))
        self.stdout.write(connectivity_demo.load_demo(network, staff))

    def _load_events(
        self, network: Network, plan: Any, staff: User, municipalities: dict[str, Municipality]
    ) -> tuple[int, int]:
        """Past events with outcomes (logged against the 2025 plan) and upcoming ones."""
        # Activities by year and (area number, activity number), for whichever plan an event falls in.
        activities = {
            (year_plan.year, area_index + 1, index + 1): activity
            for year_plan in network.plans.all()
            for area_index, area in enumerate(year_plan.areas.order_by("order"))
            for index, activity in enumerate(area.activities.order_by("order"))
        }
        today = timezone.localdate()
        count = registrations = 0
        for spec in DEMO_EVENTS:
            starts_at = spec["starts_at"] or datetime.datetime.combine(
                today + datetime.timedelta(days=spec["in_days"]),
                datetime.time(18, 0),
                tzinfo=STOCKHOLM,
            )
            event = event_services.save_event(
                network=network,
                data={
                    "title": spec["title"],
                    "description": spec["description"],
                    "kind": spec["kind"],
                    "format": spec["format"],
                    "status": Event.Status.PUBLISHED,
                    "starts_at": starts_at,
                    "ends_at": starts_at + datetime.timedelta(hours=2, minutes=30),
                    "place_name": spec.get("place", ""),
                    "address": spec.get("address", ""),
                    "municipality": municipalities.get(spec["municipality"]),
                    "video_url": spec.get("video_url", ""),
                    "organisers": "Hela Sverige ska leva Örebro län",
                    "target_groups": "Lokala utvecklingsgrupper, förtroendevalda, allmänheten",
                    "sdgs": spec.get("sdgs", []),
                    "capacity": spec["capacity"],
                },
                activities=[
                    activities[(starts_at.year, *ref)]
                    for ref in spec["activities"]
                    if (starts_at.year, *ref) in activities
                ],
                questions=[
                    {"label": "Önskemål om kost", "is_required": False},
                    {"label": "Behov av tillgänglighetsanpassning", "is_required": False},
                ],
                user=staff,
            )
            for number in range(spec["registrations"]):
                Registration.objects.create(
                    event=event,
                    name=f"{DEMO_FIRST_NAMES[number % len(DEMO_FIRST_NAMES)]} "
                    f"{DEMO_LAST_NAMES[number * 7 % len(DEMO_LAST_NAMES)]}",
                    email=f"deltagare{number + 1}.event{event.pk}@demo.bygdebas.se",
                    organisation=DEMO_GROUPS[number % len(DEMO_GROUPS)],
                    status=Registration.Status.CONFIRMED
                    if event.capacity is None or number < event.capacity
                    else Registration.Status.WAITING,
                    attended=(number % 5 != 0) if spec["in_days"] is None else None,
                )
                registrations += 1
            if spec["in_days"] is None:
                event_services.record_outcome(
                    event=event,
                    minutes=spec["minutes"],
                    participant_count=round(spec["registrations"] * 0.8),
                    user=staff,
                )
            count += 1
        return count, registrations

    def _load_bodies(
        self, network: Network, plan: Any, staff: User, municipalities: dict[str, Municipality]
    ) -> int:
        partnership = [
            activity
            for activity in Activity.objects.filter(area__plan=plan)
            if "partnerskap" in activity.text or "kommunbygderåd" in activity.text
        ]
        meetings = 0
        for name, owner, code, dates in DEMO_BODIES:
            body = body_services.save_body(
                network=network,
                name=name,
                owner=owner,
                municipality=municipalities.get(code),
                representatives="Bertil Berg, Sara Styrelsesson",
            )
            for day, raised in dates:
                body_services.save_meeting(
                    body=body,
                    held_on=datetime.date.fromisoformat(day),
                    is_attended=True,
                    activities=partnership,
                    attended_by="Bertil Berg",
                    notes="Minnesanteckningar finns hos kansliet.",
                    raised=raised,
                    user=staff,
                )
                meetings += 1
        return meetings

    def _print_logins(self) -> None:
        self.stdout.write("")
        self.stdout.write(f"Demo logins (password for all: {DEMO_PASSWORD})")
        width = max(len(str(Role.Kind(kind).label)) for *_names, kind in DEMO_USERS)
        for email, _first, _last, kind in DEMO_USERS:
            self.stdout.write(f"  {Role.Kind(kind).label!s:<{width}}  {email}")
        self.stdout.write("Open http://127.0.0.1:8000/ (office: http://127.0.0.1:8000/kansli/)")
        self.stdout.write(
            "Contact persons can also log in without a password at "
            "http://127.0.0.1:8000/medlem/logga-in/ (the link is printed in this terminal's mail log)."
        )
