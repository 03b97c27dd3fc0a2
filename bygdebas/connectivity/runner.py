"""Running an analysis: the transit engine on the feed and places of a queued row, its progress
written on the row, the result kept and the analysis logged as an action against the plan.

``tasks.run_analysis_task`` calls ``run_analysis``; ``services`` queues the task. Keeping the work
here, apart from the services that queue it, means the task and the services do not import each
other.
"""

from __future__ import annotations

import contextlib
import datetime
import logging
import shutil
import tempfile
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

import transit
from bygdebas.connectivity.models import Analysis, Feed
from bygdebas.core.models import Network
from bygdebas.plan import services as plan_services
from bygdebas.plan.matching import find_activities
from bygdebas.plan.models import Activity, Plan

logger = logging.getLogger(__name__)

# An activity whose text mentions one of these is the plan's public-transport activity
# (plan.matching: "kollektivtrafik*" also finds "kollektivtrafiksfrågor").
ACTIVITY_KEYWORDS = ("kollektivtrafik*", "public transport*")
# The share of the progress bar before and after the journey search.
SEARCH_FROM, SEARCH_TO = 10, 90
# A running analysis writes a heartbeat at least this often while it searches (well under
# settings.CONNECTIVITY_STALLED_AFTER_S, after which it is taken for dead).
HEARTBEAT_EVERY_S = 60
PENDING = (Analysis.Status.QUEUED, Analysis.Status.RUNNING)


@contextlib.contextmanager
def local_copy(feed: Feed) -> Iterator[Path]:
    """Yield a local path of the feed's file (a temporary copy unless the storage is local)."""
    storage = feed.file.storage
    try:
        yield Path(storage.path(feed.file.name or ""))
        return
    except NotImplementedError:
        pass
    with tempfile.TemporaryDirectory(prefix="bygdebas-feed-") as folder:
        path = Path(folder) / "feed.zip"
        with feed.file.open("rb") as source, path.open("wb") as target:
            shutil.copyfileobj(source, target)
        yield path


def _places(rows: Sequence[dict[str, Any]]) -> list[transit.Place]:
    return [
        transit.Place(
            name=row["name"],
            lat=float(row["lat"]),
            lon=float(row["lon"]),
            population=row.get("population"),
        )
        for row in rows
    ]


def plan_activities(network: Network, year: int) -> list[Activity]:
    """The activities of the year's plan that mention public transport."""
    return find_activities(network, year, tiers=(ACTIVITY_KEYWORDS,))


class Superseded(Exception):
    """This run no longer owns the row: it was deleted, swept as stalled or queued again."""


def _set(analysis: Analysis, **fields: Any) -> None:
    """Write fields of the running analysis at once (the polling page sees them) with a heartbeat.

    The write only applies while the row is still pending with this run's attempt; otherwise this
    run is a zombie and Superseded stops it before it overwrites the newer state.
    """
    fields.setdefault("heartbeat_at", timezone.now())
    updated = Analysis.objects.filter(
        pk=analysis.pk, attempt=analysis.attempt, status__in=PENDING
    ).update(**fields)
    if not updated:
        raise Superseded
    for name, value in fields.items():
        setattr(analysis, name, value)


def progress_reporter(analysis: Analysis) -> Callable[[int, int], None]:
    """A transit progress callback that writes the percentage when it changes.

    It also writes when the last heartbeat is HEARTBEAT_EVERY_S old, so that a slow stretch of
    the search is not taken for a dead worker.
    """

    def report(done: int, total: int) -> None:
        percent = SEARCH_FROM + (SEARCH_TO - SEARCH_FROM) * done // max(total, 1)
        now = timezone.now()
        if percent != analysis.progress or (now - analysis.heartbeat_at) >= datetime.timedelta(
            seconds=HEARTBEAT_EVERY_S
        ):
            _set(analysis, progress=percent, heartbeat_at=now)

    return report


def result_of(
    found: transit.Analysis,
    *,
    places: Sequence[dict[str, Any]],
    has_service: bool,
    radius_m: int,
    min_transfer_s: int,
    walk_m: int,
) -> dict[str, Any]:
    """The stored result: transit's JSON plus the weekend, the parameters and the places' names."""
    result = found.to_dict()
    monday = found.date - datetime.timedelta(days=found.date.weekday())
    result["weekend"] = {
        "saturday": (monday + datetime.timedelta(days=5)).isoformat(),
        "sunday": (monday + datetime.timedelta(days=6)).isoformat(),
    }
    result["parameters"] = {
        "radius_m": radius_m,
        "min_transfer_s": min_transfer_s,
        "walk_m": walk_m,
    }
    result["has_service"] = has_service
    positions = {p["name"]: p for p in places}
    for row, indicators in zip(result["places"], found.places, strict=True):
        row["lat"] = positions[row["name"]]["lat"]
        row["lon"] = positions[row["name"]]["lon"]
        row["commute_origin_names"] = list(indicators.commute_origins)
        row["saturday_commute_destination_names"] = list(indicators.saturday_commute_destinations)
        row["sunday_commute_destination_names"] = list(indicators.sunday_commute_destinations)
    return result


def feed_limits() -> transit.Limits:
    """What an uploaded feed may unpack to (settings.CONNECTIVITY_MAX_FEED_UNPACKED_BYTES)."""
    default = transit.Limits()
    return transit.Limits(
        max_bytes=int(getattr(settings, "CONNECTIVITY_MAX_FEED_UNPACKED_BYTES", default.max_bytes))
    )


def analyse(analysis: Analysis, progress: Callable[[int, int], None] | None = None) -> dict:
    """Run transit on the analysis's feed, places, date and parameters; return the result JSON."""
    with local_copy(analysis.feed) as path:
        loaded = transit.load_feed(path, limits=feed_limits())
    if progress is not None:
        progress(0, 1)
    found = transit.analyse(
        loaded,
        _places(analysis.places),
        analysis.date,
        radius_m=float(analysis.radius_m),
        min_transfer_s=analysis.min_transfer_s,
        walk_m=float(analysis.walk_m),
        progress=progress,
    )
    result = result_of(
        found,
        places=analysis.places,
        has_service=bool(loaded.services_on(analysis.date).any()),
        radius_m=analysis.radius_m,
        min_transfer_s=analysis.min_transfer_s,
        walk_m=analysis.walk_m,
    )
    result["warnings"] = list(loaded.warnings)
    result["service"] = {
        "trips": int(loaded.trips_per_day(analysis.date, analysis.date)[0]),
        "typical_weekday_trips": analysis.feed.typical_weekday_trips,
    }
    return result


def run_analysis(*, analysis_id: int, attempt: int | None = None) -> Analysis | None:
    """Run a queued analysis, reporting progress on its row, then log it against the plan.

    ``attempt`` is the run the task was queued for (None: the row's current one). A run whose
    attempt is no longer the row's, or whose row was swept as stalled meanwhile, stops quietly
    and returns the row as it now is.
    """
    analysis = (
        Analysis.objects.select_related("feed", "network", "activity__area__plan", "created_by")
        .filter(pk=analysis_id)
        .first()
    )
    if analysis is None or analysis.status == Analysis.Status.DONE:
        return analysis  # deleted meanwhile, or a repeated delivery of the task
    if attempt is not None and attempt != analysis.attempt:
        logger.info("Connectivity analysis %s: attempt %s was superseded.", analysis_id, attempt)
        return analysis
    try:
        _run(analysis)
    except Superseded:
        logger.info(
            "Connectivity analysis %s: attempt %s stopped, the row was taken over.",
            analysis_id,
            analysis.attempt,
        )
        return Analysis.objects.filter(pk=analysis_id).first()
    return analysis


def _run(analysis: Analysis) -> None:
    now = timezone.now()
    _set(
        analysis,
        status=Analysis.Status.RUNNING,
        stage=Analysis.Stage.LOADING,
        progress=2,
        started_at=now,
        finished_at=None,
        heartbeat_at=now,
        error="",
    )
    reporter = progress_reporter(analysis)

    def progress(done: int, total: int) -> None:
        if analysis.stage != Analysis.Stage.SEARCHING:
            _set(analysis, stage=Analysis.Stage.SEARCHING)
        reporter(done, total)

    try:
        result = analyse(analysis, progress)
    except Superseded:
        raise
    except (transit.FeedError, ValueError, OSError) as error:
        if isinstance(error, transit.FeedError):
            Feed.objects.filter(pk=analysis.feed_id).update(
                status=Feed.Status.FAILED, error=str(error)
            )
        _fail(analysis, str(error))
        return
    except Exception:
        _fail(analysis, _("An unexpected error stopped the analysis. Try again or ask for help."))
        raise
    _set(analysis, stage=Analysis.Stage.SAVING, progress=SEARCH_TO + 5)
    with transaction.atomic():
        # Lock the row so that the action is logged once even if two workers got this far.
        row = (
            Analysis.objects.select_for_update()
            .filter(pk=analysis.pk, attempt=analysis.attempt, status__in=PENDING)
            .values("action_id")
            .first()
        )
        if row is None:
            raise Superseded
        now = timezone.now()
        _set(
            analysis,
            result=result,
            status=Analysis.Status.DONE,
            stage=Analysis.Stage.FINISHED,
            progress=100,
            finished_at=now,
            heartbeat_at=now,
        )
        analysis.action_id = row["action_id"]
        log_analysis_action(analysis=analysis)


def _fail(analysis: Analysis, message: str) -> None:
    logger.warning("Connectivity analysis %s failed: %s", analysis.pk, message)
    _set(
        analysis,
        status=Analysis.Status.FAILED,
        stage=Analysis.Stage.STOPPED,
        error=message,
        finished_at=timezone.now(),
    )


def _note(analysis: Analysis, **fields: Any) -> None:
    for name, value in fields.items():
        setattr(analysis, name, value)
    Analysis.objects.filter(pk=analysis.pk).update(**fields)


def action_title(analysis: Analysis) -> str:
    return _("Public-transport analysis: %(feed)s, %(date)s") % {
        "feed": analysis.feed.name,
        "date": analysis.date.isoformat(),
    }


def log_analysis_action(*, analysis: Analysis, today: datetime.date | None = None) -> None:
    """Log a finished analysis as an action against the plan's public-transport activity.

    The activity chosen on the form wins; otherwise those of this year's plan that mention public
    transport. Without a plan or an activity the action is skipped and the reason noted on the row.
    """
    if analysis.action_id is not None:
        return
    performed_on = today or timezone.localdate()
    year = performed_on.year
    network = analysis.network
    if analysis.activity is not None and analysis.activity.area.plan.year == year:
        activities = [analysis.activity]
    else:
        activities = plan_activities(network, year)
    note = ""
    if not activities:
        if not Plan.objects.for_network(network).filter(year=year).exists():
            note = _("No action was logged: there is no plan for %(year)s.") % {"year": year}
        else:
            note = _(
                "No action was logged: no activity of the %(year)s plan mentions public transport."
            ) % {"year": year}
        _note(analysis, action_note=note)
        return
    try:
        action = plan_services.log_action(
            network=network,
            performed_on=performed_on,
            title=action_title(analysis),
            description=_("%(places)s places; %(pairs)s pairs with a possible commute.")
            % {
                "places": len(analysis.places),
                "pairs": sum(1 for p in analysis.result_pairs if p["commute_possible"]),
            },
            activities=activities,
            source=analysis,
            created_by=analysis.created_by,
        )
    except ValidationError as error:
        _note(analysis, action_note=" ".join(error.messages)[:300])
        return
    _note(analysis, action=action, action_note="")
