"""Demo data of the plan: the Örebro county seed plan for 2025 (adopted), its copy for 2026, and
the actions logged against both. Called by ``manage.py load_demo`` (``bygdebas.demo``)."""

from __future__ import annotations

import datetime
from pathlib import Path

from django.conf import settings

from bygdebas.core.demo import BOARD_EMAIL, STAFF_EMAIL
from bygdebas.core.models import Municipality, Network, User
from bygdebas.plan import services
from bygdebas.plan.importer import parse_plan_document
from bygdebas.plan.models import Activity, Plan

SEED_PLAN = Path(settings.BASE_DIR) / "data" / "seeds" / "verksamhetsplan-2025-orebro-lan.txt"
PLAN_YEAR = 2025

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


def load(network: Network, *, year: int) -> str:
    """Import the seed plan for 2025, adopt it, copy it to 2026 and log the demo actions."""
    if Plan.objects.for_network(network).exists():
        return "plans already loaded"
    staff = User.objects.get(email=STAFF_EMAIL)
    parsed = parse_plan_document(filename=SEED_PLAN.name, data=SEED_PLAN.read_bytes())
    plan = services.create_plan(
        network=network, year=PLAN_YEAR, data=parsed.to_dict(), source_filename=SEED_PLAN.name
    )
    services.approve_plan(
        plan=plan,
        user=User.objects.get(email=BOARD_EMAIL),
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
    return f"plans 2025 and 2026, {len(DEMO_ACTIONS_2025) + len(DEMO_ACTIONS_2026)} actions"
