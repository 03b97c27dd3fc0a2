"""Demo newsletter for the Örebro county network: topics, subscribers, items from the office and
from members (one waiting for review), one sent issue in the archive and a draft.

``load`` is called by ``python manage.py load_demo`` after the plan, events and members. No
mail is sent: the sent issue is recorded as the sending would have left it. Addresses are made
up (example.org).
"""

from __future__ import annotations

import datetime

from django.db import transaction
from django.utils import timezone

from bygdebas.core.access import WRITE_ROLES
from bygdebas.core.models import Network, User
from bygdebas.core.moderation import ModerationStatus
from bygdebas.members.models import Organisation
from bygdebas.newsletter import sending, services
from bygdebas.newsletter.models import (
    Consent,
    Delivery,
    Issue,
    IssueEntry,
    Item,
    Subscription,
    Topic,
)

TOPICS = ["Evenemang", "Bredband och infrastruktur", "Krisberedskap", "Goda exempel"]
SUBSCRIBERS = [
    ("Anna Lindqvist", "anna.lindqvist", "1880"),
    ("Bengt Ek", "bengt.ek", "1814"),
    ("Carina Holm", "carina.holm", "1863"),
    ("Dragan Petrović", "dragan.petrovic", "1885"),
    ("Elin Sjöberg", "elin.sjoberg", "1860"),
    ("Fatima Ali", "fatima.ali", "1882"),
    ("Gustav Nyström", "gustav.nystrom", "1883"),
    ("Hanna Berg", "hanna.berg", "1884"),
    ("", "info.byalaget", "1862"),
    ("Ivar Larsson", "ivar.larsson", "1861"),
]
OFFICE_ITEMS = [
    (
        "Landsbygdsriksdagen i Örebro",
        "I maj samlas landsbygdsrörelsen till **Landsbygdsriksdag**. Anmälan öppnar i mars – "
        "berätta gärna för grannar och föreningar.",
        "Evenemang",
    ),
    (
        "Bredbandsstödet 2025",
        "Länsstyrelsen har öppnat nya medel för fiber på landsbygden. Kansliet hjälper er "
        "att söka – hör av er före den 30 april.",
        "Bredband och infrastruktur",
    ),
]
MEMBER_ITEMS = [
    (
        "Byfest i Åsbro",
        "Åsbro byalag bjuder in till byfest med loppis, fika och dans på logen.",
        ModerationStatus.APPROVED,
    ),
    (
        "Ny laddstolpe vid bygdegården",
        "Nu kan du ladda elbilen vid Mullhyttans bygdegård, dygnet runt.",
        ModerationStatus.PENDING,
    ),
]


def load(network: Network, *, year: int) -> str:
    """Fill the network's newsletter; safe to run twice (does nothing the second time)."""
    if Issue.objects.for_network(network).exists():
        return "newsletter: already loaded"
    staff = User.objects.with_role_in(network, WRITE_ROLES).order_by("pk").first()
    organisation = Organisation.objects.for_network(network).order_by("pk").first()
    municipalities = {m.code: m for m in network.municipalities()}
    now = timezone.now()
    with transaction.atomic():
        topics = {
            name: Topic.objects.create(network=network, name=name, position=i)
            for i, name in enumerate(TOPICS)
        }
        subscriptions = []
        for i, (name, local, code) in enumerate(SUBSCRIBERS):
            subscription = Subscription.objects.create(
                network=network,
                email=f"{local}@example.org",
                name=name,
                municipality=municipalities.get(code),
                source=Subscription.Source.FORM,
                confirmed_at=now - datetime.timedelta(days=90 - i),
                is_member_contact=i % 3 == 0,
            )
            subscription.topics.set([topics[TOPICS[i % len(TOPICS)]]])
            Consent.objects.create(
                subscription=subscription,
                source=Subscription.Source.FORM,
                text=services.consent_text(),
            )
            subscriptions.append(subscription)
        office = [
            Item.objects.create(
                network=network,
                title=title,
                text=text,
                topic=topics[topic],
                moderation_status=ModerationStatus.APPROVED,
                submitted_by=staff,
            )
            for title, text, topic in OFFICE_ITEMS
        ]
        members = [
            Item.objects.create(
                network=network,
                title=title,
                text=text,
                organisation=organisation,
                moderation_status=status,
                submitter_name=str(organisation) if organisation else "",
                submitted_at=now - datetime.timedelta(days=3),
            )
            for title, text, status in MEMBER_ITEMS
        ]
        sent = Issue.objects.create(
            network=network,
            number=1,
            title="Vårens nyheter",
            introduction="Välkommen till årets första nyhetsbrev från nätverket!",
        )
        for position, item in enumerate([office[0], members[0]], start=1):
            IssueEntry.objects.create(issue=sent, item=item, position=position)
        sent.subject, sent.body_html, sent.body_text = sending.render_issue(sent)
        sent.status = Issue.Status.SENT
        sent.sending_started_at = sent.sent_at = now - datetime.timedelta(days=30)
        sent.save()
        Delivery.objects.bulk_create(
            Delivery(
                issue=sent,
                subscription=s,
                email=s.email,
                status=Delivery.Status.SENT,
                attempts=1,
                sent_at=sent.sent_at,
            )
            for s in subscriptions
        )
        sent.recipients_count = sent.delivered_count = len(subscriptions)
        sent.save(update_fields=["recipients_count", "delivered_count"])
        draft = Issue.objects.create(network=network, number=2, title="Sommarnumret")
        services.add_item(issue=draft, item=office[1])
    return (
        f"newsletter: {len(subscriptions)} subscribers, {len(office) + len(members)} items, "
        "one issue sent and one draft"
    )
