"""Demo prospects for the Örebro county network: the pipeline at every stage, with contacts logged.

``load`` is called by ``python manage.py load_demo`` (``bygdebas.demo``) after the plans are in
place. The people and groups are made up; the municipalities are the county's own.
"""

from __future__ import annotations

import datetime
from typing import Any

from django.db import transaction
from django.utils import timezone

from bygdebas.core.access import WRITE_ROLES
from bygdebas.core.models import Municipality, Network, User
from bygdebas.recruitment import services
from bygdebas.recruitment.models import Prospect, ProspectContact, Status

# name, municipality code, locality, contact, youth focus, where it is, next step, days to it
# (from today; negative is overdue), [(kind, month, day, text, participants)]
DemoRow = tuple[
    str, str, str, str, bool, str, str, int | None, list[tuple[str, int, int, str, int | None]]
]
DEMO_PROSPECTS: list[DemoRow] = [
    (
        "Unga i Grythyttan",
        "1863",
        "Grythyttan",
        "Alva Lind",
        True,
        Status.FOUND,
        "Ring Alva och berätta om nätverket",
        12,
        [],
    ),
    (
        "Bygdegruppen Mullhyttan",
        "1814",
        "Mullhyttan",
        "Göran Ek",
        False,
        Status.FOUND,
        "Skicka inbjudan till medlemsmötet",
        20,
        [],
    ),
    (
        "Fjugesta ungdomsråd",
        "1814",
        "Fjugesta",
        "Nora Persson",
        True,
        Status.CONTACTED,
        "Boka ett möte i Fjugesta",
        -5,  # overdue: the reminder goes out
        [("contact", 2, 12, "Mejlade Nora om hur vi kan stötta ungdomsrådet.", None)],
    ),
    (
        "Ramundebodas vänner",
        "1860",
        "Ramundeboda",
        "Lars Holm",
        False,
        Status.CONTACTED,
        "Följ upp efter deras årsmöte",
        30,
        [("contact", 3, 3, "Telefonsamtal med ordföranden om medlemskap.", None)],
    ),
    (
        "Pershyttans intresseförening",
        "1884",
        "Pershyttan",
        "Karin Sjö",
        False,
        Status.CONTACTED,
        "Skicka material om Mikrofonden",
        9,
        [("contact", 3, 18, "Träffade Karin på LEADER-träffen i Nora.", None)],
    ),
    (
        "Unga bönder i Kumlabygden",
        "1881",
        "Ekeby-Almby",
        "Oskar Berg",
        True,
        Status.MEETING,
        "Styrelsen beslutar om medlemskap",
        14,
        [
            ("contact", 2, 20, "Första kontakt via Instagram.", None),
            ("meeting", 4, 8, "Möte i bygdegården om vad nätverket kan göra för unga.", 9),
        ],
    ),
    (
        "Tivedens bygdeförening",
        "1860",
        "Tived",
        "Eva Strand",
        False,
        Status.MEETING,
        "Skicka medlemsansökan",
        6,
        [
            ("contact", 1, 28, "Samtal om bredbandsfrågan.", None),
            ("meeting", 3, 27, "Möte med styrelsen i Tived.", 6),
        ],
    ),
    (
        "Ljusnarsbergs landsbygdsungdom",
        "1864",
        "Kopparberg",
        "Sami Rahimi",
        True,
        Status.MEETING,
        "Bjud in till höstens ungdomsträff",
        25,
        [("meeting", 4, 22, "Träff med gymnasieelever i Kopparberg.", 14)],
    ),
    (
        "Svartå byalag",
        "1885",
        "Svartå",
        "Inger Nyström",
        False,
        Status.MEMBER,
        "",
        None,
        [("meeting", 2, 6, "Informationsmöte om medlemskapet.", 11)],
    ),
    (
        "Unga i Ervalla",
        "1880",
        "Ervalla",
        "Leo Åberg",
        True,
        Status.MEMBER,
        "",
        None,
        [
            ("contact", 1, 22, "Leo hörde av sig via hemsidan.", None),
            ("meeting", 3, 11, "Möte om ungdomsgruppens planer.", 7),
        ],
    ),
    (
        "Hasselfors samhällsförening",
        "1882",
        "Hasselfors",
        "Per Vik",
        False,
        Status.DECLINED,
        "",
        None,
        [("contact", 2, 25, "Föreningen vill vänta ett år.", None)],
    ),
    (
        "Degerfors bygdenätverk",
        "1862",
        "Åtorp",
        "Maria Lund",
        False,
        Status.FOUND,
        "Ta reda på vem som är kontaktperson",
        40,
        [],
    ),
]


def _email(name: str) -> str:
    first = name.split()[0].lower()
    return f"{first.replace('å', 'a').replace('ä', 'a').replace('ö', 'o')}@exempel.se"


@transaction.atomic
def load(network: Network, *, year: int) -> str:
    """Create the demo prospects in ``network`` with contacts logged against ``year``'s plan."""
    if Prospect.objects.for_network(network).exists():
        return "Recruitment: the demo prospects are already loaded."
    today = timezone.localdate()
    staff = list(User.objects.with_role_in(network, WRITE_ROLES).order_by("pk"))
    municipalities = {m.code: m for m in Municipality.objects.filter(county=network.county)}
    activities = services.find_recruitment_activities(network, year)
    contacts = actions = 0
    for index, (name, code, locality, person, youth, status, step, days, log) in enumerate(
        DEMO_PROSPECTS
    ):
        prospect = services.save_prospect(
            network=network,
            actor=None,
            name=name,
            municipality=municipalities.get(code),
            locality=locality,
            contact_name=person,
            contact_email=_email(person),
            contact_phone=f"070-{index + 100:03d} 12 34",
            responsible=staff[index % len(staff)] if staff else None,
            is_youth_focus=youth,
            next_step=step,
            next_step_on=today + datetime.timedelta(days=days) if days is not None else None,
        )
        for kind, month, day, text, participants in log:
            happened_on = min(datetime.date(year, month, day), today)
            # Only what happened in the plan's year is logged against it.
            logs_action = (
                kind != ProspectContact.Kind.NOTE and bool(activities) and happened_on.year == year
            )
            services.save_contact(
                prospect=prospect,
                kind=kind if logs_action else ProspectContact.Kind.NOTE,
                happened_on=happened_on,
                text=text,
                participants=participants,
                activities=activities if logs_action else [],
            )
            contacts += 1
            actions += logs_action
        prospect.refresh_from_db()
        converted_on = min(datetime.date(year, 4, 15 + index), today)
        if status == Status.MEMBER and activities and converted_on.year == year:
            services.convert_prospect(
                prospect=prospect,
                actor=None,
                activities=activities,
                converted_on=converted_on,
                is_youth_led=youth,
            )
            actions += 1
        elif status not in {prospect.status, Status.MEMBER}:
            _move(prospect, status)
    total = Prospect.objects.for_network(network).count()
    return (
        f"Recruitment: {total} prospects, {contacts} contacts and meetings, "
        f"{actions} actions logged against the plan for {year}."
    )


def _move(prospect: Prospect, status: str) -> Any:
    reason = "" if status == Status.DECLINED else "Demo"
    return services.move_prospect(prospect=prospect, status=status, reason=reason)
