"""Demo knowledge bank for the Örebro county network: projects with funding, advice given,
funding calls to seek and good examples (published, and one waiting in the moderation queue).

``load`` is called by ``python manage.py load_demo`` (``bygdebas.demo``) after the plans and the
member registry are in place. The projects and people are made up; the municipalities, LEADER
areas and funders are the county's own kinds. The photos are drawn here (no files shipped).
"""

from __future__ import annotations

import datetime
import io
from decimal import Decimal

from django.db import transaction
from django.utils import timezone
from PIL import Image as PILImage
from PIL import ImageDraw

from bygdebas.core.access import WRITE_ROLES
from bygdebas.core.images import process_image
from bygdebas.core.models import Municipality, Network, User
from bygdebas.members.access import organisations_for_contact
from bygdebas.members.models import Organisation
from bygdebas.projects import services
from bygdebas.projects.models import Example, Goal, Project, Theme

CECILIA_EMAIL = "cecilia@demo.bygdebas.se"

# name, municipality code, locality, status, budget, youth, goals, [(source, funder, amount/hours)]
PROJECTS = [
    (
        "Bygdegården i Kilsmo – nytt kök",
        "1880",
        "Kilsmo",
        "running",
        420_000,
        False,
        [11, 17],
        [
            ("leader", "LEADER Mälardalen", 250_000),
            ("boverket", "Boverket, samlingslokaler", 120_000),
            ("own_work", "", 400),
        ],
    ),
    (
        "Laddstolpar i Svartå",
        "1881",
        "Svartå",
        "granted",
        180_000,
        False,
        [7, 13],
        [
            ("mikrofonden", "Mikrofonden Örebro län", 60_000),
            ("county_board", "Länsstyrelsen", 90_000),
        ],
    ),
    (
        "Unga filmare i Hällefors",
        "1863",
        "Hällefors",
        "running",
        95_000,
        True,
        [4, 10],
        [("foundation", "Allmänna arvsfonden", 80_000), ("own_work", "", 150)],
    ),
    (
        "Byskolan i Ramundeboda – förstudie",
        "1860",
        "Ramundeboda",
        "applied",
        60_000,
        True,
        [4, 11],
        [("region", "Region Örebro län", 40_000)],
    ),
    (
        "Fiber till Mullhyttan",
        "1814",
        "Mullhyttan",
        "finished",
        2_400_000,
        False,
        [9],
        [
            ("jordbruksverket", "Jordbruksverket, bredbandsstöd", 1_600_000),
            ("municipality", "Lekebergs kommun", 300_000),
            ("own_work", "", 2_000),
        ],
    ),
]

# days before today, project index (or None), topic, hours, notes, follow-up in days
ADVICE = [
    (60, 0, "funding", "3", "Genomgång av LEADER-ansökan, budget och medfinansiering.", 30),
    (45, 1, "energy", "2", "Frågor om effektabonnemang och placering av laddstolparna.", None),
    (30, 2, "association", "1.5", "Hur ungdomarna bildar en egen förening.", 20),
    (20, 3, "funding", "2.5", "Vilka utlysningar passar en förstudie om byskolan.", 14),
    (10, None, "premises", "1", "Hyresavtal för bystugan.", None),
    (3, 4, "broadband", "1", "Slutrapport till Jordbruksverket.", None),
]

# funder, title, days to deadline, eligible, municipality codes, themes, url
CALLS = [
    (
        "LEADER Mälardalen",
        "Lokala mötesplatser och service",
        45,
        "Ideella föreningar, byalag",
        [],
        ["meeting_places", "services"],
        "https://www.leadermalardalen.se/",
    ),
    (
        "Mikrofonden Örebro län",
        "Lån och garantier till lokala initiativ",
        90,
        "Sociala företag och föreningar",
        [],
        ["enterprise"],
        "",
    ),
    (
        "Boverket",
        "Bidrag till allmänna samlingslokaler",
        20,
        "Föreningar som äger eller driver en samlingslokal",
        [],
        ["meeting_places"],
        "https://www.boverket.se/",
    ),
    (
        "Region Örebro län",
        "Kultur för barn och unga på landsbygden",
        35,
        "Föreningar och grupper",
        ["1863", "1860", "1814"],
        ["youth"],
        "",
    ),
    (
        "Lekebergs kommun",
        "Bygdepeng 2025",
        14,
        "Föreningar i Lekeberg",
        ["1814"],
        ["services", "nature"],
        "",
    ),
]

# title, summary, story, municipality code, locality, (lat, lon), goals, themes, youth, colour
EXAMPLES = [
    (
        "Byskolan som blev bygdegård",
        "När skolan i Kilsmo lades ner köpte byalaget huset. I dag är det kafé, gym och samlingslokal.",
        "Det började med ett stormöte i gymnastiksalen 2019. **Sextio personer** kom, och alla ville "
        "behålla huset.\n\n- Byalaget köpte skolan för en krona\n- LEADER betalade det nya köket\n"
        "- Ideella timmar: över 3 000\n\nI dag hyrs lokalen ut varje helg.",
        "1880",
        "Kilsmo",
        (59.0917, 15.3486),
        [11, 17],
        ["meeting_places", "school"],
        False,
        (72, 132, 90),
    ),
    (
        "Lanthandeln som byborna köpte",
        "Svartå fick behålla sin butik när byborna bildade en ekonomisk förening och tog över.",
        "När handlaren gick i pension fanns ingen köpare. **Tvåhundra hushåll** köpte andelar.",
        "1881",
        "Svartå",
        (59.1330, 14.5170),
        [8, 11],
        ["services", "enterprise"],
        False,
        (170, 110, 60),
    ),
    (
        "Unga filmare visar sin bygd",
        "Ungdomar i Hällefors gör kortfilmer om platser de tycker om – och visar dem på biografen.",
        "Projektet drivs av ungdomarna själva, med stöd från en filmpedagog.",
        "1863",
        "Hällefors",
        (59.7830, 14.5210),
        [4, 10],
        ["youth", "meeting_places"],
        True,
        (60, 90, 160),
    ),
    (
        "Egen fiber i Mullhyttan",
        "Byborna grävde själva och fick snabbt bredband till 140 hushåll och företag.",
        "Fiberföreningen bildades 2020. Med bredbandsstöd och eget arbete blev nätet klart 2024.",
        "1814",
        "Mullhyttan",
        (59.1450, 14.6940),
        [9],
        ["broadband"],
        False,
        (90, 90, 90),
    ),
    (
        "Solceller på bygdegårdens tak",
        "Bygdegården i Tångeråsa producerar nu mer el än den använder under sommarhalvåret.",
        "Föreningen sökte klimatklivet och fick hjälp med upphandlingen av nätverkets rådgivare.",
        "1814",
        "Tångeråsa",
        (59.1560, 14.8850),
        [7, 13],
        ["energy"],
        False,
        (200, 170, 40),
    ),
]


def _photo(colour: tuple[int, int, int], title: str) -> io.BytesIO:
    """A simple landscape picture: sky, a field and a red house."""
    image = PILImage.new("RGB", (1600, 1000), (180, 210, 235))
    draw = ImageDraw.Draw(image)
    draw.rectangle((0, 620, 1600, 1000), fill=colour)
    draw.rectangle((600, 420, 1000, 700), fill=(150, 30, 30))
    draw.polygon([(560, 430), (800, 260), (1040, 430)], fill=(60, 40, 40))
    draw.rectangle((760, 560, 840, 700), fill=(240, 240, 240))
    out = io.BytesIO()
    image.save(out, "JPEG", quality=85)
    out.seek(0)
    out.name = f"{title}.jpg"
    return out


@transaction.atomic
def load(network: Network, *, year: int) -> str:
    """Load the demo knowledge bank (once: a second run changes nothing)."""
    if Project.objects.for_network(network).exists():
        return "Projects: already loaded."
    today = timezone.localdate()
    staff = User.objects.with_role_in(network, WRITE_ROLES).order_by("pk").first()
    municipalities = {m.code: m for m in Municipality.objects.filter(county=network.county)}
    organisations = list(
        Organisation.objects.for_network(network).select_related("municipality").order_by("pk")
    )
    goals = {g.number: g for g in Goal.objects.all()}
    themes = {t.key: t for t in Theme.objects.all()}

    projects = []
    for name, code, locality, status, budget, youth, goal_numbers, funding in PROJECTS:
        in_place = [o for o in organisations if o.municipality and o.municipality.code == code]
        project = services.save_project(
            network=network,
            fields={
                "name": name,
                "municipality": municipalities.get(code),
                "locality": locality,
                "status": status,
                "budget": Decimal(budget),
                "is_youth": youth,
                "starts_on": datetime.date(year, 1, 15),
                "ends_on": datetime.date(year + 1, 6, 30),
                "target_groups": "Unga 13–19 år" if youth else "Boende och föreningar i byn",
                "results": "Ett första resultat finns redan." if status == "finished" else "",
            },
            organisations=in_place[:1],
            goals=[goals[n] for n in goal_numbers],
        )
        for source, funder, value in funding:
            services.add_funding(
                project=project,
                source=source,
                funder=funder,
                amount=Decimal(value) if source != "own_work" else None,
                hours=Decimal(value) if source == "own_work" else None,
            )
        projects.append(project)

    logged = 0
    for days, index, topic, hours, notes, follow_up in ADVICE:
        given_on = max(today - datetime.timedelta(days=days), datetime.date(year, 1, 2))
        if given_on.year != year:
            continue
        advised = projects[index] if index is not None else None
        organisation = (advised.organisations.first() if advised else None) or (
            organisations[0] if organisations else None
        )
        advice = services.save_advice(
            network=network,
            user=staff,
            fields={
                "given_on": given_on,
                "project": advised,
                "organisation": organisation,
                "recipient": "" if (advised or organisation) else "Bystugans förening",
                "topic": topic,
                "hours": Decimal(hours),
                "notes": notes,
                "follow_up_on": given_on + datetime.timedelta(days=follow_up)
                if follow_up
                else None,
            },
        )
        logged += advice.action_id is not None

    for funder, title, days, eligible, codes, keys, url in CALLS:
        services.save_call(
            network=network,
            fields={
                "funder": funder,
                "title": title,
                "url": url,
                "opens_on": today - datetime.timedelta(days=30),
                "deadline_on": today + datetime.timedelta(days=days),
                "eligible": eligible,
            },
            municipalities=[municipalities[c] for c in codes if c in municipalities],
            themes=[themes[k] for k in keys],
        )

    examples = 0
    if staff is not None:
        for title, summary, story, code, locality, (
            lat,
            lon,
        ), nums, keys, youth, colour in EXAMPLES:
            behind = next((p for p in projects if p.locality == locality), None)
            services.save_example(
                network=network,
                user=staff,
                fields={
                    "title": title,
                    "summary": summary,
                    "story": story,
                    "municipality": municipalities.get(code),
                    "locality": locality,
                    "lat": lat,
                    "lon": lon,
                    "is_youth": youth,
                    "project": behind,
                },
                organisations=list(behind.organisations.all()) if behind else [],
                goals=[goals[n] for n in nums],
                themes=[themes[k] for k in keys],
                image=process_image(_photo(colour, title)),
                image_alt=f"{locality}: ett rött hus vid en åker",
            )
            examples += 1

    # Cecilia's example waits in the moderation queue.
    cecilia = User.objects.filter(email=CECILIA_EMAIL).first()
    pending = 0
    if cecilia is not None:
        own = organisations_for_contact(cecilia, network).first()
        if own is not None:
            services.submit_example(
                network=network,
                user=cecilia,
                organisation=own,
                fields={
                    "title": "Vinterbad och bastu vid sjön",
                    "summary": "Byalaget byggde en flytande bastu som alla i byn kan boka.",
                    "story": "Bastun byggdes på tre helger av tjugo frivilliga.",
                    "municipality": own.municipality,
                    "locality": own.locality,
                },
                themes=[themes["nature"]],
                image=process_image(_photo((40, 80, 130), "bastu")),
                image_alt="En bastu på en brygga",
                language="sv",
            )
            pending = Example.objects.for_network(network).pending().count()
    return (
        f"Projects: {len(projects)} projects, {logged} advice sessions logged against the plan "
        f"for {year}, {len(CALLS)} funding calls, {examples} good examples published, "
        f"{pending} waiting for moderation."
    )
