"""Demo data for Landsbygdsläget in the Örebro county network: residents' reports across the
county (roads, broadband, mobile coverage, buses, closed services) at every status, "me too",
updates, a dossier sent to the road authority, and the member groups' crisis preparedness with a
drill. The people are made up; the places are the county's own.

``load`` is called by ``python manage.py load_demo`` after the plans and members are in place.
"""

from __future__ import annotations

import contextlib
import datetime
import random

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from bygdebas.conditions import preparedness, services
from bygdebas.conditions.models import (
    Alert,
    AlertRecipient,
    ChainMember,
    MeToo,
    PreparednessProfile,
    Report,
    ReportLog,
    ReportUpdate,
    Status,
)
from bygdebas.core.access import WRITE_ROLES
from bygdebas.core.models import Municipality, Network, User
from bygdebas.core.moderation import ModerationStatus
from bygdebas.members.models import Organisation

# category, municipality code, locality, title, description, status, days ago, me too
DEMO_REPORTS: list[tuple[str, str, str, str, str, str, int, int]] = [
    ("road", "1814", "Mullhyttan", "Potthål på väg 204 vid Mullhyttan",
     "Flera djupa hål i körbanan strax norr om skolan. Bussen får köra runt dem.", Status.SENT, 60, 7),
    ("road", "1863", "Grythyttan", "Sönderkörd grusväg till Loka brunn",
     "Efter tjällossningen är vägen nästan ofarbar med vanlig bil.", Status.OPEN, 20, 3),
    ("winter_road", "1862", "Fellingsbro", "Ingen plogning på Fellingsbrovägen",
     "Vägen plogades inte på tre dygn efter snöfallet i januari.", Status.ANSWERED, 300, 12),
    ("winter_road", "1885", "Ramsberg", "Isigt och osandat vid busshållplatsen",
     "Barnen halkar på väg till skolbussen varje morgon.", Status.FIXED, 280, 4),
    ("broadband", "1864", "Ställdalen", "Fiberutbyggnaden har stannat i Ställdalen",
     "Ett tjugotal hushåll väntar fortfarande på fiber som utlovades för två år sedan.", Status.SENT, 90, 18),
    ("broadband", "1860", "Hasselfors", "Kopparnätet släcks utan ersättning",
     "Telebolaget säger upp fast telefoni och bredband via koppar, inget alternativ finns.", Status.OPEN, 14, 9),
    ("mobile", "1883", "Tiveden", "Ingen mobiltäckning längs riksväg 49",
     "Det går inte att ringa 112 på en lång sträcka genom Tiveden.", Status.SENT, 120, 25),
    ("mobile", "1884", "Tysslinge", "Svag täckning i Tysslinge",
     "Samtal bryts hemma och i affären.", Status.OPEN, 7, 2),
    ("transport", "1881", "Hallsberg", "Sista bussen från Hallsberg dras in",
     "Kvällsturen 22.10 försvinner i nya tidtabellen; då kommer man inte hem från tåget.", Status.OPEN, 10, 15),
    ("transport", "1882", "Bodarne", "Hållplatsen i Bodarne saknar väderskydd",
     "Skolbarn väntar i regn och snö utan tak.", Status.NOT_OURS, 200, 1),
    ("shop", "1861", "Laxå", "Lanthandeln i Ramundeboda stänger",
     "Butiken stänger till sommaren; närmaste affär blir 25 km bort.", Status.OPEN, 30, 22),
    ("school", "1885", "Guldsmedshyttan", "Byskolan föreslås läggas ned",
     "Kommunen utreder att stänga skolan i Guldsmedshyttan.", Status.ANSWERED, 150, 40),
    ("health", "1863", "Grythyttan", "Vårdcentralen öppen bara två dagar i veckan",
     "Äldre utan bil får åka till Hällefors för varje besök.", Status.OPEN, 45, 11),
    ("post", "1814", "Fjugesta", "Paketombudet i Fjugesta har slutat",
     "Paket måste hämtas i Örebro.", Status.FIXED, 240, 6),
    ("bank", "1862", "Frövi", "Ingen uttagsautomat kvar i Frövi",
     "Bankomaten är borttagen och kontanter finns inte att få.", Status.OPEN, 25, 8),
    ("road", "1880", "Glanshammar", "Trasig vägtrumma översvämmar vägen",
     "Vid kraftigt regn står vattnet över vägen vid Lillkyrka.", Status.OPEN, 3, 0),
    ("other", "1861", "Hasslerör", "Gatlyktorna släckta i Hasslerör",
     "Hela byn är mörk sedan i höstas.", Status.OPEN, 5, 1),
]  # fmt: skip

# Member groups' preparedness: meeting point, resources, households, contact chain (made up).
DEMO_PROFILES = [
    ("Bygdegården", ("has_heat", "has_water", "has_power", "has_radio", "has_first_aid",
                     "has_generator", "has_fuel", "has_wood_stoves"), 85,
     [("Karin Holm", "070-123 45 01"), ("Per Ström", "070-123 45 02"), ("Lena Bäck", "070-123 45 03")]),
    ("Skolans matsal", ("has_heat", "has_water", "has_first_aid", "has_water_tank", "has_vehicle"), 40,
     [("Ove Lund", "070-223 45 01"), ("Siv Berg", "070-223 45 02")]),
    ("Kyrkans församlingshem", ("has_heat", "has_radio", "has_satellite_radio"), 120,
     [("Gun Ek", "070-323 45 01"), ("Ali Hassan", "070-323 45 02"), ("Maja Dahl", "070-323 45 03")]),
    ("Brandstationen", ("has_power", "has_generator", "has_fuel", "has_vehicle"), 60,
     [("Jonas Falk", "070-423 45 01")]),
]  # fmt: skip


UPDATE_TEXTS: dict[str, str] = {
    Status.SENT: "Skickat till ansvarig myndighet i en sammanställning.",
    Status.ANSWERED: "Vi har fått svar och följer upp det.",
    Status.FIXED: "Åtgärdat enligt boende på orten. Tack!",
    Status.NOT_OURS: "Det här ansvarar kommunens tekniska förvaltning för direkt.",
}


def _staff(network: Network) -> User | None:
    return User.objects.with_role_in(network, WRITE_ROLES).order_by("pk").first()


def _position(municipality: Municipality, rng: random.Random) -> tuple[float, float]:
    lat = municipality.seat_lat or 59.27
    lon = municipality.seat_lon or 15.21
    return lat + rng.uniform(-0.02, 0.02), lon + rng.uniform(-0.03, 0.03)


def load(network: Network, *, year: int) -> str:
    """Load the demo reports and preparedness; safe to run twice."""
    if Report.objects.for_network(network).exists():
        return "Landsbygdsläget: already loaded."
    rng = random.Random(15)
    staff = _staff(network)
    municipalities = {m.code: m for m in network.municipalities().defer(None)}
    now = timezone.now()
    count = 0
    with transaction.atomic():
        services.set_held_categories(network=network, categories=["other"])
        reports: list[Report] = []
        for category, code, locality, title, description, status, days, me_too in DEMO_REPORTS:
            municipality = municipalities.get(code)
            if municipality is None:
                continue
            lat, lon = _position(municipality, rng)
            at = now - datetime.timedelta(days=days)
            report = Report.objects.create(
                network=network,
                category=category,
                title=title,
                description=description,
                reported_title=title,
                reported_description=description,
                municipality=municipality,
                locality=locality,
                lat=lat,
                lon=lon,
                submitter_name="Boende i " + locality,
                submitter_email=f"boende{count + 1}@example.org",
                submitter_language="sv",
                created_at=at,
                confirmed_at=at,
                published_at=at,
                moderation_status=ModerationStatus.APPROVED,
                status=status,
                status_changed_at=at + datetime.timedelta(days=days // 2)
                if status != Status.OPEN
                else None,
            )
            ReportLog.objects.create(report=report, action=ReportLog.Action.PUBLISHED, at=at)
            MeToo.objects.bulk_create(
                MeToo(
                    report=report,
                    email=f"granne{n}.{report.pk}@example.org",
                    created_at=at,
                    confirmed_at=at,
                )
                for n in range(me_too)
            )
            if status != Status.OPEN:
                ReportUpdate.objects.create(
                    report=report,
                    new_status=status,
                    text=UPDATE_TEXTS.get(status, ""),
                    created_at=at + datetime.timedelta(days=max(days // 2, 1)),
                    created_by=staff,
                )
            reports.append(report)
            count += 1
        # One report waits for moderation (its category is held).
        held = municipalities.get("1880")
        if held is not None:
            lat, lon = _position(held, rng)
            waiting = Report.objects.create(
                network=network,
                category="other",
                title="Återvinningsstationen töms för sällan",
                description="Containrarna är överfulla varje helg.",
                reported_title="Återvinningsstationen töms för sällan",
                reported_description="Containrarna är överfulla varje helg.",
                municipality=held,
                locality="Vintrosa",
                lat=lat,
                lon=lon,
                submitter_name="Boende i Vintrosa",
                submitter_email="vintrosa@example.org",
                submitter_language="sv",
                confirmed_at=now,
            )
            from bygdebas.core import moderation

            moderation.submit(
                waiting, name=waiting.submitter_name, email=waiting.submitter_email, mail=False
            )
        if staff is not None:
            roads = [r for r in reports if r.category in ("road", "winter_road")][:3]
            if roads:
                dossier = services.create_dossier(
                    network=network,
                    by=staff,
                    title="Vägarnas skick i Örebro län",
                    recipient="Trafikverket",
                    reports=roads,
                )
                sent_on = datetime.date(year, 5, 20)
                # A demo without a plan for the year still loads.
                with contextlib.suppress(ValidationError):
                    services.mark_dossier_sent(dossier=dossier, by=staff, sent_on=sent_on)
        profiles = _load_preparedness(network, staff, municipalities, rng, year=year)
    return f"Landsbygdsläget: {count} reports, {profiles} preparedness profiles."


def _load_preparedness(
    network: Network,
    staff: User | None,
    municipalities: dict[str, Municipality],
    rng: random.Random,
    *,
    year: int,
) -> int:
    organisations = list(
        Organisation.objects.for_network(network)
        .filter(municipality__isnull=False)
        .select_related("municipality")
        .order_by("pk")[: len(DEMO_PROFILES)]
    )
    now = timezone.now()
    for organisation, (place, flags, households, chain) in zip(
        organisations, DEMO_PROFILES, strict=False
    ):
        municipality = organisation.municipality
        assert municipality is not None
        lat, lon = _position(municipality, rng)
        profile = PreparednessProfile.objects.create(
            network=network,
            organisation=organisation,
            meeting_point=f"{place}, {organisation.locality or municipality.name}",
            municipality=municipality,
            lat=lat,
            lon=lon,
            households=households,
            first_aid_trained=rng.randint(1, 6),
            crisis_support_trained=rng.randint(0, 3),
            updated_by=staff,
            **dict.fromkeys(flags, True),
        )
        for position, (name, phone) in enumerate(chain):
            ChainMember.objects.create(
                profile=profile, position=position, name=name, phone=phone, consent_at=now
            )
    if staff is not None and organisations:
        chosen = sorted(
            {o.municipality for o in organisations if o.municipality is not None},
            key=lambda m: m.name,
        )
        alert = preparedness.send_alert(
            network=network,
            by=staff,
            message="Övning: långvarigt strömavbrott. Samlas vid er trygghetspunkt och svara hur läget är.",
            municipalities=chosen,
            is_drill=True,
            sent_on=datetime.date(year, 10, 8),
        )
        drill_at = datetime.datetime(year, 10, 8, 16, 0, tzinfo=datetime.UTC)
        Alert.objects.filter(pk=alert.pk).update(sent_at=drill_at)
        for n, recipient in enumerate(AlertRecipient.objects.filter(alert=alert).order_by("pk")):
            if n % 3 == 0:
                preparedness.record_reply(
                    recipient=recipient, reply="fine", note="Alla i byn är kontaktade."
                )
            elif n % 3 == 1:
                preparedness.record_reply(
                    recipient=recipient, reply="help", note="Behöver bränsle till elverket."
                )
    return len(organisations)
