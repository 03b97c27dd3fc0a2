"""Public-transport connectivity: uploaded GTFS feeds and the analyses run on them."""

from __future__ import annotations

import datetime
from typing import Any, ClassVar

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from bygdebas.core.tenancy import NetworkQuerySet


class FeedQuerySet(NetworkQuerySet["Feed"]):
    def ready(self) -> FeedQuerySet:
        return self.filter(status=Feed.Status.READY)


def feed_path(instance: Feed, filename: str) -> str:
    return f"connectivity/feeds/{instance.network_id}/{filename}"


class Feed(models.Model):
    """A GTFS timetable feed staff uploaded, with its validity and a summary of its contents."""

    class Status(models.TextChoices):
        READY = "ready", _("Ready")
        FAILED = "failed", _("Cannot be read")

    network = models.ForeignKey(
        "core.Network", verbose_name=_("network"), on_delete=models.CASCADE, related_name="feeds"
    )
    name = models.CharField(_("name"), max_length=200)
    file = models.FileField(_("GTFS file"), upload_to=feed_path, max_length=300)
    credit = models.CharField(
        _("data source"),
        max_length=300,
        blank=True,
        help_text=_("Who publishes the data and under which licence, for the credit line."),
    )
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("uploaded by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    uploaded_at = models.DateTimeField(_("uploaded"), auto_now_add=True)
    valid_from = models.DateField(_("valid from"))
    valid_until = models.DateField(_("valid until"))
    # Counts of agencies, routes, stops, trips and stop_times, the agencies' names, the file's
    # size, the trips of every day of the validity and of a typical weekday, the warnings
    # transit gave and a suggested date to analyse (a typical weekday).
    summary = models.JSONField(_("summary"), default=dict, blank=True)
    status = models.CharField(
        _("status"), max_length=16, choices=Status.choices, default=Status.READY
    )
    error = models.TextField(_("error"), blank=True)

    objects = FeedQuerySet.as_manager()

    class Meta:
        verbose_name = _("timetable feed")
        verbose_name_plural = _("timetable feeds")
        ordering = ["-uploaded_at", "-pk"]

    def __str__(self) -> str:
        return self.name

    @property
    def suggested_on(self) -> datetime.date | None:
        value = (self.summary or {}).get("suggested_date")
        return datetime.date.fromisoformat(value) if value else None

    @property
    def agency_names(self) -> list[str]:
        return list((self.summary or {}).get("agency_names", []))

    @property
    def warnings(self) -> list[str]:
        """What transit forgave when reading the feed (defects whose meaning is clear)."""
        return list((self.summary or {}).get("warnings", []))

    @property
    def typical_weekday_trips(self) -> int | None:
        """The trips of a typical weekday (dates.typical_weekday_trips), if known."""
        value = (self.summary or {}).get("typical_weekday_trips")
        return int(value) if value is not None else None

    def trips_on(self, day: datetime.date) -> int | None:
        """The trips running on the day (0 outside the validity), if known."""
        summary = self.summary or {}
        first, counts = summary.get("trips_from"), summary.get("trips_per_day")
        if not first or counts is None:
            return None
        i = (day - datetime.date.fromisoformat(first)).days
        return int(counts[i]) if 0 <= i < len(counts) else 0


class AnalysisQuerySet(NetworkQuerySet["Analysis"]):
    def done(self) -> AnalysisQuerySet:
        return self.filter(status=Analysis.Status.DONE)

    def stalled(self, *, now: datetime.datetime | None = None) -> AnalysisQuerySet:
        """Analyses no worker is working on: running without a heartbeat, or queued for too long."""
        running_since, queued_since = stalled_cutoffs(now)
        return self.filter(
            Q(status=Analysis.Status.RUNNING, heartbeat_at__lt=running_since)
            | Q(status=Analysis.Status.QUEUED, heartbeat_at__lt=queued_since)
        )


def stalled_cutoffs(
    now: datetime.datetime | None = None,
) -> tuple[datetime.datetime, datetime.datetime]:
    """The heartbeats before which a running and a queued analysis count as stalled."""
    now = now or timezone.now()
    return (
        now - datetime.timedelta(seconds=settings.CONNECTIVITY_STALLED_AFTER_S),
        now - datetime.timedelta(seconds=settings.CONNECTIVITY_QUEUED_STALLED_AFTER_S),
    )


class Analysis(models.Model):
    """Connectivity between places on one date of one feed, computed in the background."""

    class Status(models.TextChoices):
        QUEUED = "queued", _("Queued")
        RUNNING = "running", _("Running")
        DONE = "done", _("Done")
        FAILED = "failed", _("Failed")

    class Stage(models.TextChoices):
        WAITING = "waiting", _("Waiting for its turn")
        LOADING = "loading", _("Reading the timetable")
        SEARCHING = "searching", _("Searching journeys between the places")
        SAVING = "saving", _("Saving the result")
        FINISHED = "finished", _("Finished")
        STOPPED = "stopped", _("Stopped by an error")

    network = models.ForeignKey(
        "core.Network", verbose_name=_("network"), on_delete=models.CASCADE, related_name="+"
    )
    feed = models.ForeignKey(
        Feed, verbose_name=_("timetable feed"), on_delete=models.PROTECT, related_name="analyses"
    )
    date = models.DateField(_("date analysed"))
    # [{"name": …, "lat": …, "lon": …, "population": … or None}, …] in the order shown.
    places = models.JSONField(_("places"), default=list)
    radius_m = models.PositiveIntegerField(_("stops within (m)"), default=1000)
    min_transfer_s = models.PositiveIntegerField(_("minimum change time (s)"), default=120)
    walk_m = models.PositiveIntegerField(_("walk between stops (m)"), default=0)
    status = models.CharField(
        _("status"), max_length=16, choices=Status.choices, default=Status.QUEUED
    )
    progress = models.PositiveSmallIntegerField(_("progress (%)"), default=0)
    stage = models.CharField(
        _("stage"), max_length=16, choices=Stage.choices, default=Stage.WAITING
    )
    # The JSON of `python -m transit connectivity --format json`, plus the weekend's dates, the
    # parameters, the places' positions and the names behind every place's counts.
    result = models.JSONField(_("result"), null=True, blank=True)
    error = models.TextField(_("error"), blank=True)
    compared_with = models.ForeignKey(
        "self",
        verbose_name=_("compared with"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    activity = models.ForeignKey(
        "plan.Activity",
        verbose_name=_("plan activity"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        help_text=_("The activity the analysis is logged against when it is finished."),
    )
    action = models.ForeignKey(
        "plan.Action",
        verbose_name=_("logged action"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    action_note = models.CharField(_("note on the logged action"), max_length=300, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("started by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    started_at = models.DateTimeField(_("started"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)
    # The last sign of life: when it was queued, started, reported progress or changed stage. A
    # pending analysis whose heartbeat is too old is swept to failed (see is_stalled).
    heartbeat_at = models.DateTimeField(_("last sign of life"), default=timezone.now)
    # Counts the runs: "run again" queues a new attempt, and a worker still busy with an older
    # one (its process was thought dead) stops at its next write instead of overwriting it.
    attempt = models.PositiveIntegerField(_("attempt"), default=1)

    objects = AnalysisQuerySet.as_manager()

    class Meta:
        verbose_name = _("connectivity analysis")
        verbose_name_plural = _("connectivity analyses")
        ordering = ["-created_at", "-pk"]
        indexes: ClassVar = [models.Index(fields=["network", "status"])]

    def __str__(self) -> str:
        return f"{self.feed.name}, {self.date:%Y-%m-%d}"

    def get_absolute_url(self) -> str:
        return reverse("connectivity:analysis-detail", args=[self.pk])

    @property
    def is_done(self) -> bool:
        return self.status == self.Status.DONE

    @property
    def is_pending(self) -> bool:
        return self.status in {self.Status.QUEUED, self.Status.RUNNING}

    def is_stalled(self, *, now: datetime.datetime | None = None) -> bool:
        """Whether no worker is working on it any more (see AnalysisQuerySet.stalled)."""
        running_since, queued_since = stalled_cutoffs(now)
        if self.status == self.Status.RUNNING:
            return self.heartbeat_at < running_since
        if self.status == self.Status.QUEUED:
            return self.heartbeat_at < queued_since
        return False

    @property
    def can_run_again(self) -> bool:
        """A failed analysis can be queued again while its feed can still be read."""
        return self.status == self.Status.FAILED and self.feed.status == Feed.Status.READY

    @property
    def place_names(self) -> list[str]:
        return [p["name"] for p in self.places]

    @property
    def result_pairs(self) -> list[dict[str, Any]]:
        return list((self.result or {}).get("pairs", []))

    @property
    def result_places(self) -> list[dict[str, Any]]:
        return list((self.result or {}).get("places", []))
