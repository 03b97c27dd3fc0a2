"""Storing feeds, starting, sweeping and re-running analyses.

The transit engine does the work; this module gives it files and places from the database. A feed
is read once at upload (its validity and summary come from transit, and a broken feed is refused
with transit's file/line message before anything is saved); an analysis runs in a task
(``tasks.run_analysis_task``, which calls ``runner.run_analysis``) that reports its progress on
the row.
"""

from __future__ import annotations

import datetime
import logging
import shutil
import tempfile
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files import File
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop, ngettext, override

import transit
from bygdebas.connectivity.dates import suggest_date, typical_weekday_trips
from bygdebas.connectivity.models import Analysis, AnalysisQuerySet, Feed
from bygdebas.connectivity.runner import feed_limits
from bygdebas.connectivity.tasks import run_analysis_task
from bygdebas.core.models import Municipality, Network, Town, User
from bygdebas.plan.models import Activity

logger = logging.getLogger(__name__)

STALLED_MESSAGE = gettext_noop(
    "The analysis stopped without finishing: the background worker may have been restarted. "
    "Run it again."
)


# --------------------------------------------------------------------------- feeds


def summarise(loaded: transit.Feed, *, today: datetime.date | None = None) -> dict[str, Any]:
    """Return the counts of a loaded feed, its trips per day and a suggested date to analyse."""
    validity = loaded.validity()
    suggested = None
    trips: list[int] = []
    if validity:
        trips = [int(n) for n in loaded.trips_per_day(*validity)]
        suggested = suggest_date(*validity, today=today, trips=trips)
    return {
        "trips_from": validity[0].isoformat() if validity else None,
        "trips_per_day": trips,
        "typical_weekday_trips": typical_weekday_trips(validity[0], trips) if validity else 0,
        "warnings": list(loaded.warnings),
        "agencies": len(loaded.agency_names),
        "agency_names": list(loaded.agency_names),
        "routes": len(loaded.route_ids),
        "stops": loaded.n_stops,
        "trips": loaded.n_trips,
        "stop_times": len(loaded.st_stop),
        "suggested_date": suggested.isoformat() if suggested else None,
    }


def store_feed(
    *,
    network: Network,
    upload: Any,
    name: str = "",
    credit: str = "",
    user: User | None = None,
) -> Feed:
    """Read an uploaded GTFS zip with transit and store it with its validity and summary.

    A feed transit cannot read is refused with its message (file and line); nothing is stored.
    """
    filename = Path(upload.name or "feed.zip").name
    with tempfile.TemporaryDirectory(prefix="bygdebas-upload-") as folder:
        path = Path(folder) / "feed.zip"
        with path.open("wb") as target:
            if hasattr(upload, "chunks"):
                for chunk in upload.chunks():
                    target.write(chunk)
            else:
                upload.seek(0)
                shutil.copyfileobj(upload, target)
        try:
            loaded = transit.load_feed(path, limits=feed_limits())
        except transit.FeedError as error:
            raise ValidationError({"file": str(error)}) from None
        validity = loaded.validity()
        if validity is None:
            raise ValidationError(
                {"file": _("The feed's calendar has no dates: it has no timetable to analyse.")}
            )
        summary = summarise(loaded, today=timezone.localdate())
        summary["bytes"] = path.stat().st_size
        feed = Feed(
            network=network,
            name=(name.strip() or Path(filename).stem)[:200],
            credit=credit.strip(),
            uploaded_by=user,
            valid_from=validity[0],
            valid_until=validity[1],
            summary=summary,
        )
        with path.open("rb") as handle:
            feed.file.save(filename, File(handle), save=False)
    try:
        with transaction.atomic():
            feed.save()
    except BaseException:
        feed.file.delete(save=False)
        raise
    return feed


def delete_feed(*, feed: Feed) -> None:
    """Delete a feed and its file; refused while analyses use it."""
    count = feed.analyses.count()
    if count:
        raise ValidationError(
            ngettext(
                "An analysis uses this feed. Delete it first.",
                "%(count)s analyses use this feed. Delete them first.",
                count,
            )
            % {"count": count}
        )
    name = feed.file.name or ""
    storage = feed.file.storage
    feed.delete()
    transaction.on_commit(lambda: storage.delete(name))


# --------------------------------------------------------------------------- places


def default_places(network: Network) -> list[dict[str, Any]]:
    """The county's municipal seats and the neighbouring towns, with their municipality's population."""
    towns = (
        Town.objects.select_related("municipality")
        .filter(
            Q(kind=Town.Kind.SEAT, municipality__county_id=network.county_id)
            | Q(kind=Town.Kind.NEIGHBOUR)
        )
        .order_by("kind", "name")
    )
    if network.county_id is None:
        towns = towns.none()
    # Seats first (the county's own), then the neighbours.
    rows = sorted(towns, key=lambda t: (t.kind != Town.Kind.SEAT, t.name))
    return [place_row(t, t.municipality) for t in rows]


def place_row(town: Town, municipality: Municipality) -> dict[str, Any]:
    return {
        "name": town.name,
        "lat": town.lat,
        "lon": town.lon,
        "population": municipality.population,
    }


# --------------------------------------------------------------------------- analyses


@transaction.atomic
def start_analysis(
    *,
    network: Network,
    feed: Feed,
    date: datetime.date,
    places: Sequence[dict[str, Any]],
    radius_m: int = 1000,
    min_transfer_s: int = 120,
    walk_m: int = 0,
    compared_with: Analysis | None = None,
    activity: Activity | None = None,
    user: User | None = None,
) -> Analysis:
    """Create an analysis and run it in the background once the transaction commits."""
    errors: dict[str, list[str]] = {}
    if feed.network_id != network.pk:
        raise ValidationError(_("The feed does not belong to this network."))
    if feed.status != Feed.Status.READY:
        errors.setdefault("feed", []).append(_("This feed cannot be read; upload it again."))
    if not feed.valid_from <= date <= feed.valid_until:
        errors.setdefault("date", []).append(
            _("The feed has timetables from %(start)s to %(end)s; choose a date in between.")
            % {"start": feed.valid_from.isoformat(), "end": feed.valid_until.isoformat()}
        )
    names = [p["name"] for p in places]
    if len(names) < 2:
        errors.setdefault("places", []).append(_("Give at least two places."))
    duplicates = sorted({n for n in names if names.count(n) > 1})
    if duplicates:
        errors.setdefault("places", []).append(
            _("Place names must be unique: %(names)s") % {"names": ", ".join(duplicates)}
        )
    if compared_with is not None and (
        compared_with.network_id != network.pk or not compared_with.is_done
    ):
        errors.setdefault("compared_with", []).append(
            _("Compare with a finished analysis of this network.")
        )
    if activity is not None and activity.area.plan.network_id != network.pk:
        errors.setdefault("activity", []).append(_("The activity does not belong to this network."))
    if errors:
        raise ValidationError(errors)
    analysis = Analysis.objects.create(
        network=network,
        feed=feed,
        date=date,
        places=[dict(p) for p in places],
        radius_m=radius_m,
        min_transfer_s=min_transfer_s,
        walk_m=walk_m,
        compared_with=compared_with,
        activity=activity,
        created_by=user,
    )
    _enqueue(analysis)
    return analysis


def _enqueue(analysis: Analysis) -> None:
    pk, attempt = analysis.pk, analysis.attempt
    transaction.on_commit(lambda: run_analysis_task.enqueue(pk, attempt))


def _stalled_fields(now: datetime.datetime) -> dict[str, Any]:
    # Written in the site's language, like the other messages the background work stores.
    with override(settings.LANGUAGE_CODE):
        message = _(STALLED_MESSAGE)
    return {
        "status": Analysis.Status.FAILED,
        "stage": Analysis.Stage.STOPPED,
        "error": message,
        "finished_at": now,
    }


def sweep_stalled_analyses(
    *, now: datetime.datetime | None = None, analyses: AnalysisQuerySet | None = None
) -> int:
    """Mark stalled analyses (of ``analyses``, default all) as failed; return how many."""
    now = now or timezone.now()
    rows = (Analysis.objects.all() if analyses is None else analyses).stalled(now=now)
    stalled = list(rows.values_list("pk", flat=True))
    if not stalled:
        return 0
    # The same condition again in the update: a heartbeat written meanwhile keeps the row alive.
    swept = Analysis.objects.filter(pk__in=stalled).stalled(now=now).update(**_stalled_fields(now))
    logger.warning("Connectivity analyses stalled and marked as failed: %s", stalled)
    return swept


def sweep_if_stalled(*, analysis: Analysis, now: datetime.datetime | None = None) -> bool:
    """Mark one analysis as failed if it stalled; without a query unless it looks stalled."""
    now = now or timezone.now()
    if not analysis.is_stalled(now=now):
        return False
    fields = _stalled_fields(now)
    swept = (
        Analysis.objects.filter(pk=analysis.pk, attempt=analysis.attempt)
        .stalled(now=now)
        .update(**fields)
    )
    if swept:
        for name, value in fields.items():
            setattr(analysis, name, value)
    else:  # a worker wrote a heartbeat meanwhile (or the row changed): show it as it is
        analysis.refresh_from_db(
            fields=[
                "status",
                "stage",
                "progress",
                "error",
                "heartbeat_at",
                "finished_at",
                "attempt",
            ]
        )
    return bool(swept)


@transaction.atomic
def rerun_analysis(*, analysis: Analysis, now: datetime.datetime | None = None) -> Analysis:
    """Queue a failed (or stalled) analysis again with the same feed, date, places and parameters."""
    now = now or timezone.now()
    sweep_if_stalled(analysis=analysis, now=now)
    if analysis.status != Analysis.Status.FAILED:
        raise ValidationError(_("Only an analysis that failed can be run again."))
    if analysis.feed.status != Feed.Status.READY:
        raise ValidationError(
            _("The timetable feed cannot be read. Upload it again and start a new analysis.")
        )
    fields: dict[str, Any] = {
        "status": Analysis.Status.QUEUED,
        "stage": Analysis.Stage.WAITING,
        "progress": 0,
        "error": "",
        "started_at": None,
        "finished_at": None,
        "heartbeat_at": now,
    }
    # Only from the failed attempt just seen: a second click queues nothing more.
    queued = Analysis.objects.filter(
        pk=analysis.pk, attempt=analysis.attempt, status=Analysis.Status.FAILED
    ).update(attempt=F("attempt") + 1, **fields)
    if not queued:
        raise ValidationError(_("Only an analysis that failed can be run again."))
    for name, value in fields.items():
        setattr(analysis, name, value)
    analysis.attempt += 1
    _enqueue(analysis)
    return analysis


def delete_analysis(*, analysis: Analysis) -> None:
    """Delete an analysis; the action logged for it stays in the follow-up."""
    analysis.delete()
