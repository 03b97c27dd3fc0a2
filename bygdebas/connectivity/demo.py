"""Demo data: the SJ rail feed of 2023 and one finished analysis of Tuesday 28 November 2023."""

from __future__ import annotations

import datetime
from pathlib import Path

from django.conf import settings
from django.core.files import File

from bygdebas.connectivity import runner, services
from bygdebas.connectivity.models import Analysis, Feed
from bygdebas.core.demo import STAFF_EMAIL
from bygdebas.core.models import Network, User

DEMO_FEED = Path(settings.BASE_DIR) / "data" / "gtfs" / "sj-rail-2023.zip"
DEMO_NAME = "SJ tåg 2022/23"
DEMO_CREDIT = "Trafiklab/Samtrafiken GTFS Regional (operatören SJ), CC0"
DEMO_DATE = datetime.date(2023, 11, 28)


def load(network: Network, *, year: int | None = None) -> str:
    """Store the SJ feed and run one analysis for 2023-11-28 synchronously; safe to repeat.

    The demo's staff member uploads and starts them, when there is one.
    """
    user = User.objects.filter(email=STAFF_EMAIL).first()
    feed = Feed.objects.for_network(network).filter(name=DEMO_NAME).first()
    if feed is None:
        with DEMO_FEED.open("rb") as handle:
            feed = services.store_feed(
                network=network,
                upload=File(handle, name=DEMO_FEED.name),
                name=DEMO_NAME,
                credit=DEMO_CREDIT,
                user=user,
            )
    analysis = Analysis.objects.for_network(network).filter(feed=feed, date=DEMO_DATE).first()
    places = services.default_places(network)
    if analysis is None and len(places) < 2:
        return f"Connectivity: feed {feed.name} stored; no analysis (load the geography first)."
    if analysis is None:
        analysis = Analysis.objects.create(
            network=network,
            feed=feed,
            date=DEMO_DATE,
            places=places,
            created_by=user,
        )
        analysis = runner.run_analysis(analysis_id=analysis.pk) or analysis
    return (
        f"Connectivity: feed {feed.name} ({feed.valid_from} – {feed.valid_until}), "
        f"analysis of {analysis.date} with {len(analysis.places)} places: {analysis.status}"
    )
