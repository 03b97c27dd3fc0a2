"""Demo data of the meeting places: past events with their outcome logged against the plan,
upcoming ones open for registration, and the partnership bodies with their meetings. Called by
``manage.py load_demo`` (``bygdebas.demo``) after the plan's demo."""

from __future__ import annotations

import datetime
from typing import Any
from zoneinfo import ZoneInfo

from django.utils import timezone

from bygdebas.core.demo import STAFF_EMAIL
from bygdebas.core.models import Municipality, Network, User
from bygdebas.events.models import Event, Registration
from bygdebas.events.services import bodies as body_services
from bygdebas.events.services import registrations as event_services
from bygdebas.plan.models import Activity, Plan

STOCKHOLM = ZoneInfo("Europe/Stockholm")
BODIES_PLAN_YEAR = 2025
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
        "position": (59.2740, 15.2186),
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
        "position": (59.5937, 15.2275),
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
        "position": (59.1311, 15.1302),
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
        "position": (59.8741, 14.9952),
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


def load(network: Network, *, year: int) -> str:
    """The demo events and partnership bodies of ``network``, logged against its plans."""
    if Event.objects.for_network(network).exists():
        return "events already loaded"
    staff = User.objects.get(email=STAFF_EMAIL)
    municipalities = {m.code: m for m in Municipality.objects.all()}
    events, registrations = _load_events(network, staff, municipalities)
    meetings = _load_bodies(network, staff, municipalities)
    return f"{events} events with {registrations} registrations, {meetings} partnership meetings"


def _load_events(
    network: Network, staff: User, municipalities: dict[str, Municipality]
) -> tuple[int, int]:
    """Past events with outcomes (logged against the 2025 plan) and upcoming ones."""
    # Activities by year and (area number, activity number), for whichever plan an event falls in.
    activities = {
        (year_plan.year, area_index + 1, index + 1): activity
        for year_plan in Plan.objects.for_network(network)
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
                # Where the place is, so that the calendar shows the event's map.
                "lat": spec["position"][0] if "position" in spec else None,
                "lon": spec["position"][1] if "position" in spec else None,
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


def _load_bodies(network: Network, staff: User, municipalities: dict[str, Municipality]) -> int:
    plan = Plan.objects.for_network(network).get(year=BODIES_PLAN_YEAR)
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
