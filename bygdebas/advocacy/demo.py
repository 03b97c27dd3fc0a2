"""Demo watching and opinion-forming for the Örebro county network.

Watched sources (with addresses that are never fetched by the demo itself), matched entries in the
inbox, consultation cases at every stage — one sent, logged against the plan and published as a
position —, a few statements, and the issues raised with the national organisation. Safe to run
twice: the second run finds the rows the first made.
"""

from __future__ import annotations

import datetime

from django.db import transaction
from django.utils import timezone

from bygdebas.advocacy.matching import Rules
from bygdebas.advocacy.models import (
    Case,
    Contribution,
    Entry,
    NationalIssue,
    Position,
    Source,
    Topic,
    split_terms,
)
from bygdebas.advocacy.services import cases as services
from bygdebas.core.access import WRITE_ROLES
from bygdebas.core.models import Network, User
from bygdebas.core.search import index_object

TOPICS = (
    "Kollektivtrafik",
    "Bredband",
    "Vägar",
    "Krisberedskap",
    "Finansiering",
    "Service",
    "Skolor",
)

# name, url, keywords, exclusions
SOURCES = (
    (
        "Regeringen: remisser",
        "https://www.regeringen.se/remisser/rss.xml",
        "landsbygd*, kollektivtrafik, bredband*, glesbygd*, leader",
        "",
    ),
    (
        "Region Örebro län: nyheter",
        "https://www.regionorebrolan.se/nyheter.rss",
        "landsbygd*, kollektivtrafik*, trafikförsörjning*, serviceprogram*",
        "tandvård*",
    ),
    (
        "Länsstyrelsen Örebro: nyheter",
        "https://www.lansstyrelsen.se/orebro/rss",
        "landsbygdsprogram*, krisberedskap*, bredband*",
        "",
    ),
    (
        "Mikrofonden Sverige",
        "https://mikrofonden.se/feed/",
        "örebro, finansiering, lokal utveckling",
        "",
    ),
)

# source index, days ago, title, summary
ENTRIES = (
    (
        0,
        2,
        "Remiss: Förslag till ny landsbygdspolitisk strategi",
        "Regeringen remitterar förslaget om hur landsbygden ska stärkas till 2030.",
    ),
    (
        1,
        3,
        "Trafikförsörjningsprogrammet ute på remiss",
        "Region Örebro län vill ha synpunkter på kollektivtrafiken 2026–2030.",
    ),
    (
        1,
        5,
        "Ny tandvårdsklinik öppnar i Örebro",
        "Kliniken ligger på landsbygden utanför staden.",
    ),
    (2, 6, "Bredbandsstöd: ny utlysning", "Bredbandsföreningar på landsbygden kan söka stöd."),
    (
        2,
        9,
        "Krisberedskapsveckan: så förbereder sig byarna",
        "Länsstyrelsen samlar bygdegårdar och byalag kring krisberedskap.",
    ),
    (3, 12, "Mikrofonden Örebro beviljar lån", "Lån till lokal utveckling i Laxå och Hällefors."),
)

ANSWER = """{network} tackar för möjligheten att lämna synpunkter.

## Sammanfattning
Vi tillstyrker programmet i stort, men anser att turtätheten på landsbygden måste öka.

## Våra synpunkter
- Anropsstyrd trafik ska finnas i alla kommuner.
- Skolskjutsar och linjetrafik bör samordnas.
- Bytespunkter i byarna behöver väderskydd och cykelparkering.
"""

NATIONAL = (
    (
        NationalIssue.Kind.MOTION,
        "Motion om en nationell landsbygdsbudget",
        "Riksstämman",
        NationalIssue.Status.DECIDED,
        "Bifall: förbundsstyrelsen driver frågan.",
    ),
    (
        NationalIssue.Kind.QUESTION,
        "Fråga om stöd till bredbandsföreningar",
        "Länsrådet",
        NationalIssue.Status.RAISED,
        "",
    ),
)


def _staff(network: Network) -> User | None:
    return User.objects.with_role_in(network, WRITE_ROLES).order_by("pk").first()


@transaction.atomic
def load(network: Network, *, year: int) -> str:
    """The demo sources, inbox, cases, positions and national issues; a one-line summary."""
    today = timezone.localdate()
    staff = _staff(network)
    topics = {
        name: Topic.objects.for_network(network).get_or_create(
            name=name, defaults={"network": network}
        )[0]
        for name in TOPICS
    }
    sources = []
    for name, url, keywords, exclusions in SOURCES:
        source, _ = Source.objects.for_network(network).get_or_create(
            url=url,
            defaults={
                "network": network,
                "name": name,
                "keywords": keywords,
                "exclusions": exclusions,
            },
        )
        sources.append(source)
    now = timezone.now()
    for index, days, title, summary in ENTRIES:
        source = sources[index]
        rules = Rules.of(split_terms(source.keywords), split_terms(source.exclusions))
        terms = rules.matched_terms(title, summary)
        entry, created = Entry.objects.for_network(network).get_or_create(
            source=source,
            guid=f"demo-{index}-{days}",
            defaults={
                "network": network,
                "title": title,
                "summary": summary,
                "published_at": now - datetime.timedelta(days=days),
                "is_match": bool(terms),
                "matched_terms": ", ".join(terms),
            },
        )
        if created and entry.is_match:
            index_object(entry)

    cases = Case.objects.for_network(network)
    if not cases.exists() and staff is not None:
        _cases(network, staff=staff, year=year, today=today, topics=topics)
    positions = Position.objects.for_network(network)
    if not positions.filter(case__isnull=True).exists() and staff is not None:
        services.save_position(
            network=network,
            actor=staff,
            title="Bredband till hela länet",
            text="Alla hushåll och företag på landsbygden ska ha tillgång till snabbt bredband. "
            "Vi vill att regionen fortsätter stödja byanäten.",
            topic=topics["Bredband"],
            published_on=datetime.date(year, 3, 14),
            is_published=True,
        )
        services.save_position(
            network=network,
            actor=staff,
            title="Krisberedskap börjar i bygden",
            text="Bygdegårdar och byalag är viktiga trygghetspunkter när krisen kommer.",
            topic=topics["Krisberedskap"],
            published_on=datetime.date(year, 5, 20),
            is_published=True,
        )
    issues = NationalIssue.objects.for_network(network)
    if not issues.exists():
        for kind, title, channel, status, outcome in NATIONAL:
            NationalIssue.objects.create(
                network=network,
                kind=kind,
                title=title,
                channel=channel,
                status=status,
                outcome=outcome,
                raised_on=datetime.date(year, 4, 26),
            )
    return (
        f"advocacy {year}: {len(sources)} sources, "
        f"{Entry.objects.for_network(network).matched().count()} matched entries, "
        f"{cases.count()} cases, {positions.count()} positions, {issues.count()} national issues"
    )


def _cases(
    network: Network, *, staff: User, year: int, today: datetime.date, topics: dict[str, Topic]
) -> None:
    entry = Entry.objects.for_network(network).filter(guid="demo-1-3").first()
    sent = services.save_case(
        network=network,
        actor=staff,
        authority="Region Örebro län",
        title="Trafikförsörjningsprogram för Örebro län 2026–2030",
        reference="RS 2025/00412",
        received_on=datetime.date(year, 2, 3),
        deadline_on=datetime.date(year, 4, 30),
        responsible=staff,
        topic=topics["Kollektivtrafik"],
        entry=entry,
    )
    Contribution.objects.get_or_create(
        case=sent,
        email="gun.eriksson@example.org",
        defaults={
            "name": "Gun Eriksson",
            "organisation": "Svartå byalag",
            "text": "Bussen till Degerfors går för sällan för att pendla.",
        },
    )
    services.save_answer(case=sent, actor=staff, text=ANSWER.format(network=network.name))
    services.move_case(case=sent, actor=staff, status=Case.Status.BOARD_REVIEW)
    sent.refresh_from_db()
    services.approve(case=sent, actor=staff)
    if sent.activities.exists() or services.advocacy_activities(network, year):
        services.mark_sent(case=sent, actor=staff, sent_on=datetime.date(year, 4, 25))
        sent.refresh_from_db()
        services.publish_case_answer(case=sent, actor=staff)

    drafting = services.save_case(
        network=network,
        actor=staff,
        authority="Regeringskansliet, Landsbygds- och infrastrukturdepartementet",
        title="Förslag till ny landsbygdspolitisk strategi",
        reference="LI2025/01234",
        received_on=today - datetime.timedelta(days=20),
        deadline_on=today + datetime.timedelta(days=5),
        responsible=staff,
        topic=topics["Finansiering"],
    )
    services.save_answer(
        case=drafting, actor=staff, text="Utkast: vi välkomnar strategin men saknar finansiering."
    )
    services.save_case(
        network=network,
        actor=staff,
        authority="Länsstyrelsen i Örebro län",
        title="Regional handlingsplan för krisberedskap",
        reference="450-1234-2025",
        received_on=today - datetime.timedelta(days=40),
        deadline_on=today - datetime.timedelta(days=2),
        responsible=staff,
        topic=topics["Krisberedskap"],
    )
    declined = services.save_case(
        network=network,
        actor=staff,
        authority="Trafikverket",
        title="Hastighetsgränser på E18",
        reference="TRV 2025/9876",
        received_on=today - datetime.timedelta(days=15),
        deadline_on=today + datetime.timedelta(days=40),
    )
    services.move_case(
        case=declined,
        actor=staff,
        status=Case.Status.DECLINED,
        reason="Berör främst genomfartstrafiken; vi prioriterar trafikförsörjningsprogrammet.",
    )
