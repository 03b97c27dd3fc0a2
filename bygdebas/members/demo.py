"""The demo registry: about a hundred organisations across Örebro county's twelve municipalities.

Village associations and local development groups with real village names, placed near their
municipality's seat, with valid (made-up) organisation numbers, a contact person and a chair
each, and memberships from 2023 to the demo year that grow year by year; a few municipalities,
study associations, companies and authorities that are in the registry without being members.
Seeded, so every load gives the same registry. Called by ``manage.py load_demo``
(``bygdebas.demo``).
"""

from __future__ import annotations

import datetime
import random
from decimal import Decimal
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

from django.db import transaction

from bygdebas.core.models import AuditEntry, Municipality, User
from bygdebas.members.models import Engagement, Membership, Organisation
from bygdebas.members.normalise import luhn_ok
from bygdebas.members.services import registry as services

if TYPE_CHECKING:
    from bygdebas.core.models import Network

SEED = 18_2023
FIRST_YEAR = 2023
CECILIA_EMAIL = "cecilia@demo.bygdebas.se"
SOURCE = AuditEntry.Source.SYSTEM
STOCKHOLM = ZoneInfo("Europe/Stockholm")

# Villages and localities by municipality code.
VILLAGES: dict[str, list[str]] = {
    "1880": [  # Örebro
        "Glanshammar", "Vintrosa", "Ekeby-Almby", "Kilsmo", "Odensbacken", "Hampetorp",
        "Ervalla", "Tysslinge", "Garphyttan", "Mosås", "Stora Mellösa", "Norrbyås", "Hovsta",
        "Lillkyrka", "Ånsta", "Axberg",
    ],
    "1881": ["Hällabrottet", "Ekeby", "Sannahed", "Åbytorp", "Kvarntorp", "Hardemo", "Blacksta"],  # Kumla
    "1861": ["Pålsboda", "Vretstorp", "Östansjö", "Sköllersta", "Hjortkvarn", "Svennevad", "Viby"],
    "1882": ["Åmmeberg", "Olshammar", "Zinkgruvan", "Rönneshytta", "Snavlunda", "Hammar", "Lerbäck"],
    "1860": ["Finnerödja", "Hasselfors", "Tived", "Ramundeboda", "Porla", "Lassåna"],  # Laxå
    "1814": ["Mullhyttan", "Lanna", "Edsberg", "Tångeråsa", "Knista", "Hidinge", "Kvistbro"],  # Lekeberg
    "1862": ["Svartå", "Åtorp", "Strången", "Högberget"],  # Degerfors
    "1883": ["Granbergsdal", "Valåsen", "Gälleråsen", "Ölmbrotorp", "Linnebäck", "Immetorp"],  # Karlskoga
    "1884": ["Gyttorp", "Pershyttan", "Järnboås", "Ramshyttan", "Vikern", "Dalkarlsberg"],  # Nora
    "1885": [  # Lindesberg
        "Frövi", "Fellingsbro", "Storå", "Guldsmedshyttan", "Vedevåg", "Ramsberg",
        "Ullersäter", "Rockhammar", "Löa", "Mårdshyttan",
    ],
    "1863": ["Grythyttan", "Sikfors", "Hjulsjö", "Silvergruvan", "Loka", "Bredsjö"],  # Hällefors
    "1864": ["Bångbro", "Ställdalen", "Stjärnfors", "Mossgruvan", "Ljusnarsberg", "Hörken"],
}  # fmt: skip

LOCAL_GROUP_NAMES = (
    ("{v} byalag", Organisation.Kind.VILLAGE),
    ("{g} bygdeförening", Organisation.Kind.LOCAL_GROUP),
    ("Utvecklingsgruppen i {v}", Organisation.Kind.LOCAL_GROUP),
    ("{v} intresseförening", Organisation.Kind.LOCAL_GROUP),
    ("Föreningen Levande {v}", Organisation.Kind.LOCAL_GROUP),
    ("Byföreningen {v}", Organisation.Kind.VILLAGE),
)
YOUTH_NAMES = ("Unga i {v}", "Ungdomsrådet {v}", "{v} unga bygdeutvecklare")
TAGS = ("bygdegård", "bredband", "ungdom", "LEADER", "hembygd", "skola", "krisberedskap")

# (name, kind, municipality code or "", tags): in the registry, but not local groups.
OTHERS: list[tuple[str, str, str, tuple[str, ...]]] = [
    ("Lekebergs kommun", Organisation.Kind.MUNICIPALITY, "1814", ()),
    ("Hällefors kommun", Organisation.Kind.MUNICIPALITY, "1863", ()),
    ("Laxå kommun", Organisation.Kind.MUNICIPALITY, "1860", ()),
    ("Region Örebro län", Organisation.Kind.REGION, "1880", ("LEADER",)),
    ("Länsstyrelsen i Örebro län", Organisation.Kind.COUNTY_BOARD, "1880", ()),
    ("Studiefrämjandet Örebro län", Organisation.Kind.STUDY, "1880", ()),
    ("Studieförbundet Vuxenskolan Örebro län", Organisation.Kind.STUDY, "1880", ("hembygd",)),
    ("ABF Örebro län", Organisation.Kind.STUDY, "1880", ()),
    ("Tivedens Lanthandel AB", Organisation.Kind.COMPANY, "1860", ()),
    ("Bergslagens Bygdefiber ekonomisk förening", Organisation.Kind.COMPANY, "1885", ("bredband",)),
    ("LEADER Bergslagen", Organisation.Kind.ASSOCIATION, "1885", ("LEADER",)),
    ("Örebro läns bygdegårdsdistrikt", Organisation.Kind.ASSOCIATION, "1880", ("bygdegård",)),
]  # fmt: skip

FIRST_NAMES = (
    "Anna", "Eva", "Maria", "Karin", "Kerstin", "Ingrid", "Lena", "Sara", "Emma", "Elin",
    "Johanna", "Linnea", "Maja", "Britt", "Gunilla", "Lars", "Anders", "Johan", "Per", "Erik",
    "Karl", "Nils", "Mikael", "Olof", "Gustav", "Oskar", "Jonas", "Hampus", "Sven", "Björn",
)  # fmt: skip
LAST_NAMES = (
    "Andersson", "Johansson", "Karlsson", "Nilsson", "Eriksson", "Larsson", "Olsson",
    "Persson", "Svensson", "Gustafsson", "Pettersson", "Jonsson", "Jansson", "Hansson",
    "Bengtsson", "Lindqvist", "Lindberg", "Berg", "Holm", "Sjöberg", "Hedlund", "Åberg",
    "Öberg", "Ekström", "Wallin", "Björk", "Dahl", "Hellström", "Sundberg", "Forsberg",
)  # fmt: skip

ORG_NUMBER_PREFIX: dict[str, str] = {
    Organisation.Kind.MUNICIPALITY: "212",
    Organisation.Kind.REGION: "232",
    Organisation.Kind.COUNTY_BOARD: "202",
    Organisation.Kind.COMPANY: "556",
}


def org_number(rng: random.Random, prefix: str, taken: set[str]) -> str:
    """A made-up organisation number that passes the Luhn check: ``NNNNNN-NNNN``."""
    while True:
        body = prefix + "".join(str(rng.randint(0, 9)) for _ in range(9 - len(prefix)))
        check = next(str(d) for d in range(10) if luhn_ok(body + str(d)))
        number = f"{body[:6]}-{body[6:]}{check}"
        if number not in taken:
            taken.add(number)
            return number


def _ascii(text: str) -> str:
    table = str.maketrans("åäöéÅÄÖÉ", "aaoeAAOE")
    return text.translate(table).lower().replace(" ", "").replace("-", "")


def _phone(rng: random.Random) -> str:
    return f"07{rng.choice('02369')}{rng.randint(1_000_000, 9_999_999)}"


def _position(rng: random.Random, municipality: Municipality | None) -> tuple[float, float]:
    lat = municipality.seat_lat if municipality and municipality.seat_lat else 59.27
    lon = municipality.seat_lon if municipality and municipality.seat_lon else 15.21
    return round(lat + rng.uniform(-0.15, 0.15), 5), round(lon + rng.uniform(-0.25, 0.25), 5)


def _membership_years(rng: random.Random, year: int) -> tuple[int | None, int | None]:
    """(first year as member, last year as member) for a local group; None when never."""
    draw = rng.random()
    if draw < 0.14:
        return None, None
    # Most groups were members from the start; more join each year (the growth).
    joined = FIRST_YEAR if draw < 0.55 else rng.randint(FIRST_YEAR + 1, max(year, FIRST_YEAR + 1))
    left = None
    if rng.random() < 0.08:  # a few leave again
        left = rng.randint(joined, year)
    return min(joined, year), left


def _memberships(
    rng: random.Random, organisation: Organisation, year: int, *, force_member: bool = False
) -> list[Membership]:
    joined, left = (FIRST_YEAR, None) if force_member else _membership_years(rng, year)
    if joined is None:
        return []
    rows = []
    for y in range(joined, year + 1):
        start = datetime.datetime(y, 1, 10, 9, 0, tzinfo=STOCKHOLM)
        fee = Decimal(300 if organisation.kind != Organisation.Kind.ASSOCIATION else 500)
        row = Membership(
            organisation=organisation,
            year=y,
            status=Membership.Status.ACTIVE,
            fee=fee,
            applied_at=start,
            decided_at=start,
            invoiced_on=datetime.date(y, 2, 1),
            paid_on=datetime.date(y, 2, rng.randint(5, 27)),
        )
        if y > joined:  # renewed from the year before
            row.renewal_requested_at = start - datetime.timedelta(days=rng.randint(20, 40))
            row.renewal_confirmed_at = start + datetime.timedelta(days=rng.randint(0, 30))
        if left is not None and y == left + 1:
            row.status = Membership.Status.LAPSED
            row.paid_on = row.invoiced_on = row.renewal_confirmed_at = None
            row.reminders_sent = 2
            rows.append(row)
            break
        if y == year and y > joined and not force_member:
            # The demo year's renewal round is still going: some have not answered yet.
            draw = rng.random()
            if draw < 0.18:
                row.status = Membership.Status.RENEWAL_REQUESTED
                row.paid_on = row.renewal_confirmed_at = None
                row.reminders_sent = rng.randint(0, 2)
            elif draw < 0.22:
                row.status = Membership.Status.LAPSED
                row.paid_on = row.invoiced_on = row.renewal_confirmed_at = None
                row.reminders_sent = 3
        rows.append(row)
    return rows


def _person(rng: random.Random, network: Network, used: set[str], **fields: Any) -> Any:
    while True:
        first, last = rng.choice(FIRST_NAMES), rng.choice(LAST_NAMES)
        email = f"{_ascii(first)}.{_ascii(last)}@example.org"
        if email not in used:
            used.add(email)
            break
    defaults = {
        "name": f"{first} {last}",
        "email": email,
        "phone": _phone(rng),
        "legal_basis": "contract",
    }
    defaults.update(fields)
    return services.create_person(network=network, actor=None, source=SOURCE, **defaults)


@transaction.atomic
def load(network: Network, *, year: int) -> str:
    """Create the demo registry in ``network`` with memberships up to ``year``; a summary line."""
    if Organisation.objects.for_network(network).filter(name=OTHERS[0][0]).exists():
        return "The demo registry is already loaded."
    rng = random.Random(SEED)
    municipalities = {m.code: m for m in Municipality.objects.filter(code__in=VILLAGES)}
    numbers: set[str] = set(
        Organisation.objects.for_network(network)
        .exclude(org_number="")
        .values_list("org_number", flat=True)
    )
    emails: set[str] = set(network.people.values_list("email", flat=True))
    organisations: list[Organisation] = []
    memberships: list[Membership] = []
    cecilia = User.objects.filter(email=CECILIA_EMAIL).first()
    cecilia_org: Organisation | None = None
    people = 0

    for code, villages in VILLAGES.items():
        municipality = municipalities.get(code)
        for index, village in enumerate(villages):
            youth = rng.random() < 0.12
            pattern, kind = (
                (rng.choice(YOUTH_NAMES), Organisation.Kind.LOCAL_GROUP)
                if youth
                else LOCAL_GROUP_NAMES[(index + len(code)) % len(LOCAL_GROUP_NAMES)]
            )
            genitive = village if village.endswith(("s", "x", "z")) else village + "s"
            name = pattern.format(v=village, g=genitive)
            lat, lon = _position(rng, municipality)
            slug = _ascii(village)
            organisation = services.create_organisation(
                network=network,
                actor=None,
                source=SOURCE,
                name=name,
                kind=kind,
                org_number=org_number(rng, "802", numbers) if rng.random() < 0.85 else "",
                municipality=municipality,
                locality=village,
                latitude=lat,
                longitude=lon,
                street_address=f"{rng.choice(('Byvägen', 'Skolvägen', 'Kyrkvägen'))} {rng.randint(1, 40)}",
                postal_code=f"7{rng.randint(10, 19)} {rng.randint(10, 99)}",
                postal_town=village,
                website=f"https://{slug}.example.org/" if rng.random() < 0.5 else "",
                email=f"info@{slug}.example.org",
                phone=_phone(rng),
                founded_year=rng.randint(1975, 2022) if not youth else rng.randint(2018, 2024),
                is_youth_led=youth,
                notes="",
                tags=rng.sample(TAGS, rng.randint(0, 2)) + (["ungdom"] if youth else []),
            )
            organisations.append(organisation)
            is_cecilias = cecilia is not None and cecilia_org is None and code == "1814"
            rows = _memberships(rng, organisation, year, force_member=is_cecilias)
            memberships.extend(rows)
            if is_cecilias:
                cecilia_org = organisation
                contact = network.people.filter(email=CECILIA_EMAIL).first()
                if contact is None:
                    contact = services.create_person(
                        network=network,
                        actor=None,
                        source=SOURCE,
                        name="Cecilia Carlsson",
                        email=CECILIA_EMAIL,
                        phone="0701234567",
                        legal_basis="contract",
                        user=cecilia,
                    )
                elif contact.user_id is None:
                    contact.user = cecilia
                    contact.save(update_fields=["user"])
            else:
                contact = _person(rng, network, emails, birth_year=rng.randint(1950, 2004))
            chair = _person(
                rng,
                network,
                emails,
                birth_year=rng.randint(1998, 2006) if youth else rng.randint(1945, 1995),
            )
            for person, role in (
                (contact, Engagement.Role.CONTACT),
                (chair, Engagement.Role.CHAIR),
            ):
                services.add_engagement(
                    person=person, organisation=organisation, role=role, actor=None, source=SOURCE
                )
            people += 2

    for name, other_kind, code, tags in OTHERS:
        municipality = municipalities.get(code)
        lat, lon = _position(rng, municipality)
        organisation = services.create_organisation(
            network=network,
            actor=None,
            source=SOURCE,
            name=name,
            kind=other_kind,
            org_number=org_number(rng, ORG_NUMBER_PREFIX.get(other_kind, "802"), numbers),
            municipality=municipality,
            locality=municipality.seat_name if municipality else "",
            latitude=lat,
            longitude=lon,
            email=f"info@{_ascii(name)[:20]}.example.org",
            tags=list(tags),
        )
        organisations.append(organisation)
        contact = _person(rng, network, emails)
        services.add_engagement(
            person=contact,
            organisation=organisation,
            role=Engagement.Role.CONTACT,
            actor=None,
            source=SOURCE,
        )
        people += 1
        if other_kind == Organisation.Kind.ASSOCIATION:
            memberships.extend(_memberships(rng, organisation, year))

    Membership.objects.bulk_create(memberships)
    members = sum(1 for m in memberships if m.year == year and m.status == "active")
    return (
        f"{len(organisations)} organisations, {people} people and {len(memberships)} memberships "
        f"{FIRST_YEAR}–{year} ({members} active members in {year})"
        + (f"; Cecilia is the contact person of {cecilia_org}" if cecilia_org else "")
        + "."
    )
