"""Shared set-up for the connectivity tests: the real SJ feed, geography, small place sets."""

from __future__ import annotations

import datetime
import io
import zipfile
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile

from bygdebas.connectivity import runner, services
from bygdebas.connectivity.models import Analysis, Feed
from bygdebas.core.models import Network, User

SJ_FEED = Path(settings.BASE_DIR) / "data" / "gtfs" / "sj-rail-2023.zip"
REFERENCE_DATE = datetime.date(2023, 11, 28)  # a Tuesday
BOXING_DAY = datetime.date(2023, 12, 26)  # Annandag jul, also a Tuesday

# Four places on the Örebro–Hallsberg–Laxå line and one off it (Askersund has no rail).
FEW_PLACES: list[dict[str, Any]] = [
    {"name": "Örebro", "lat": 59.2789, "lon": 15.2113, "population": 160140},
    {"name": "Hallsberg", "lat": 59.0671, "lon": 15.1104, "population": 16120},
    {"name": "Kumla", "lat": 59.1264, "lon": 15.1403, "population": 22681},
    {"name": "Laxå", "lat": 58.9894, "lon": 14.6167, "population": 5423},
    {"name": "Askersund", "lat": 58.8799, "lon": 14.9036, "population": 11477},
]


def sj_upload(name: str = "sj-rail-2023.zip") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, SJ_FEED.read_bytes(), content_type="application/zip")


def broken_upload(name: str = "broken.zip") -> SimpleUploadedFile:
    """The SJ feed with an unparsable time on line 3 of stop_times.txt."""
    out = io.BytesIO()
    with zipfile.ZipFile(SJ_FEED) as source, zipfile.ZipFile(out, "w") as target:
        for info in source.infolist():
            data = source.read(info)
            if info.filename.endswith("stop_times.txt"):
                lines = data.decode("utf-8-sig").splitlines()
                header = lines[0].split(",")
                row = lines[2].split(",")
                row[header.index("arrival_time")] = "soon"
                row[header.index("departure_time")] = "soon"
                lines[2] = ",".join(row)
                data = ("\n".join(lines) + "\n").encode()
            target.writestr(info.filename, data)
    return SimpleUploadedFile(name, out.getvalue(), content_type="application/zip")


def store_sj_feed(network: Network, user: User | None = None, name: str = "SJ 2023") -> Feed:
    return services.store_feed(network=network, upload=sj_upload(), name=name, user=user)


def finished_analysis(
    network: Network,
    feed: Feed,
    *,
    date: datetime.date = REFERENCE_DATE,
    places: list[dict[str, Any]] | None = None,
    **fields: Any,
) -> Analysis:
    """An analysis run synchronously, as the task does."""
    analysis = Analysis.objects.create(
        network=network, feed=feed, date=date, places=places or FEW_PLACES, **fields
    )
    runner.run_analysis(analysis_id=analysis.pk)
    analysis.refresh_from_db()
    return analysis
