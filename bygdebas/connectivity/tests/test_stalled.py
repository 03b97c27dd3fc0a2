"""Analyses whose worker died: the heartbeat, the sweep, the page that stops waiting, run again."""

from __future__ import annotations

import datetime
import io
from typing import Any
from unittest import mock

from django.contrib.contenttypes.models import ContentType
from django.core.management import call_command
from django.test import TestCase, override_settings
from django.urls import reverse
from django.utils import timezone

from bygdebas.connectivity import runner, services
from bygdebas.connectivity.models import Analysis, Feed
from bygdebas.connectivity.tasks import run_analysis_task
from bygdebas.connectivity.tests.helpers import (
    FEW_PLACES,
    REFERENCE_DATE,
    finished_analysis,
    store_sj_feed,
)
from bygdebas.plan.models import Action, Activity
from bygdebas.testing import CastMixin, make_plan, messages_of, sv

NOW = datetime.datetime(2025, 3, 4, 10, 0, tzinfo=datetime.UTC)
MINUTE = datetime.timedelta(minutes=1)
STALLED = sv(services.STALLED_MESSAGE)


class StalledTestCase(CastMixin, TestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        cls.feed = store_sj_feed(cls.network_a, cls.bertil)

    def pending(self, status: str, heartbeat_at: datetime.datetime, **fields: Any) -> Analysis:
        """An analysis left by a worker: queued or running, last heard from at ``heartbeat_at``."""
        defaults: dict[str, Any] = {
            "network": self.network_a,
            "feed": self.feed,
            "date": REFERENCE_DATE,
            "places": FEW_PLACES[:2],
            "status": status,
            "heartbeat_at": heartbeat_at,
            "created_by": self.bertil,
        }
        if status == Analysis.Status.RUNNING:
            defaults.update(stage=Analysis.Stage.SEARCHING, progress=42, started_at=heartbeat_at)
        defaults.update(fields)
        return Analysis.objects.create(**defaults)

    def dead(self, **fields: Any) -> Analysis:
        """A running analysis whose worker has not been heard from for an hour."""
        return self.pending(
            Analysis.Status.RUNNING, timezone.now() - datetime.timedelta(hours=1), **fields
        )


@override_settings(CONNECTIVITY_STALLED_AFTER_S=900, CONNECTIVITY_QUEUED_STALLED_AFTER_S=86400)
class StalledDetectionTests(StalledTestCase):
    def assert_stalled(self, analysis: Analysis, expected: bool) -> None:
        self.assertEqual(analysis.is_stalled(now=NOW), expected)
        self.assertEqual(
            Analysis.objects.stalled(now=NOW).filter(pk=analysis.pk).exists(), expected
        )

    def test_a_running_analysis_stalls_when_its_heartbeat_is_older_than_the_setting(self) -> None:
        running = Analysis.Status.RUNNING
        self.assert_stalled(self.pending(running, NOW - 14 * MINUTE), False)
        self.assert_stalled(self.pending(running, NOW - 15 * MINUTE), False)
        self.assert_stalled(self.pending(running, NOW - 16 * MINUTE), True)
        with override_settings(CONNECTIVITY_STALLED_AFTER_S=3600):
            self.assert_stalled(self.pending(running, NOW - 16 * MINUTE), False)

    def test_a_queued_analysis_stalls_only_after_the_longer_queue_limit(self) -> None:
        queued = Analysis.Status.QUEUED
        self.assert_stalled(self.pending(queued, NOW - 16 * MINUTE), False)
        self.assert_stalled(self.pending(queued, NOW - datetime.timedelta(hours=23)), False)
        self.assert_stalled(self.pending(queued, NOW - datetime.timedelta(hours=25)), True)

    def test_finished_and_failed_analyses_never_stall(self) -> None:
        long_ago = NOW - datetime.timedelta(days=30)
        self.assert_stalled(self.pending(Analysis.Status.DONE, long_ago), False)
        self.assert_stalled(self.pending(Analysis.Status.FAILED, long_ago), False)

    def test_queueing_and_every_progress_write_move_the_heartbeat(self) -> None:
        before = timezone.now()
        with self.captureOnCommitCallbacks(execute=False):
            analysis = services.start_analysis(
                network=self.network_a, feed=self.feed, date=REFERENCE_DATE, places=FEW_PLACES[:2]
            )
        self.assertGreaterEqual(analysis.heartbeat_at, before)
        self.assertEqual(analysis.attempt, 1)

        running = self.pending(Analysis.Status.RUNNING, NOW - 20 * MINUTE)
        report = runner.progress_reporter(running)
        report(1, 2)  # a new percentage: written, with a fresh heartbeat
        row = Analysis.objects.get(pk=running.pk)
        self.assertEqual(row.progress, 50)
        self.assertGreaterEqual(row.heartbeat_at, before)
        self.assertFalse(row.is_stalled())
        with self.assertNumQueries(0):
            report(1, 2)  # same percentage, fresh heartbeat: nothing to write
        # A long stretch without a new percentage still writes a heartbeat once a minute.
        Analysis.objects.filter(pk=running.pk).update(heartbeat_at=NOW)
        running.heartbeat_at = timezone.now() - datetime.timedelta(
            seconds=runner.HEARTBEAT_EVERY_S + 1
        )
        with self.assertNumQueries(1):
            report(1, 2)
        self.assertGreater(Analysis.objects.get(pk=running.pk).heartbeat_at, NOW)

    def test_a_run_ends_with_its_last_heartbeat_at_the_finish(self) -> None:
        analysis = finished_analysis(self.network_a, self.feed, places=FEW_PLACES[:2])
        self.assertEqual(analysis.status, Analysis.Status.DONE)
        self.assertEqual(analysis.heartbeat_at, analysis.finished_at)
        self.assertGreaterEqual(analysis.heartbeat_at, analysis.started_at)


@override_settings(CONNECTIVITY_STALLED_AFTER_S=900, CONNECTIVITY_QUEUED_STALLED_AFTER_S=86400)
class SweepTests(StalledTestCase):
    def test_the_sweep_fails_stalled_analyses_with_a_clear_message_and_leaves_the_rest(
        self,
    ) -> None:
        dead = self.pending(Analysis.Status.RUNNING, NOW - 20 * MINUTE)
        never_picked_up = self.pending(Analysis.Status.QUEUED, NOW - datetime.timedelta(days=2))
        alive = self.pending(Analysis.Status.RUNNING, NOW - 2 * MINUTE)
        waiting = self.pending(Analysis.Status.QUEUED, NOW - 20 * MINUTE)
        done = self.pending(Analysis.Status.DONE, NOW - datetime.timedelta(days=2))
        feed_b = store_sj_feed(self.network_b, name="B")
        dead_b = self.pending(
            Analysis.Status.RUNNING, NOW - 20 * MINUTE, network=self.network_b, feed=feed_b
        )

        self.assertEqual(services.sweep_stalled_analyses(now=NOW), 3)

        for analysis in (dead, never_picked_up, dead_b):
            analysis.refresh_from_db()
            self.assertEqual(analysis.status, Analysis.Status.FAILED)
            self.assertEqual(analysis.stage, Analysis.Stage.STOPPED)
            self.assertEqual(analysis.error, STALLED)
            self.assertEqual(analysis.finished_at, NOW)
        self.assertEqual(
            list(
                Analysis.objects.filter(pk__in=[alive.pk, waiting.pk, done.pk])
                .order_by("pk")
                .values_list("status", flat=True)
            ),
            [Analysis.Status.RUNNING, Analysis.Status.QUEUED, Analysis.Status.DONE],
        )
        # A second sweep finds nothing more.
        self.assertEqual(services.sweep_stalled_analyses(now=NOW), 0)

    def test_the_sweep_command_fails_the_stalled_analyses_and_says_how_many(self) -> None:
        dead = self.dead()
        alive = self.pending(Analysis.Status.RUNNING, timezone.now())
        out = io.StringIO()
        call_command("sweep_connectivity", stdout=out)
        self.assertEqual(out.getvalue().strip(), "Stalled analyses marked as failed: 1.")
        dead.refresh_from_db()
        alive.refresh_from_db()
        self.assertEqual((dead.status, dead.error), (Analysis.Status.FAILED, STALLED))
        self.assertEqual(alive.status, Analysis.Status.RUNNING)


class PageTests(StalledTestCase):
    def detail(self, analysis: Analysis) -> str:
        return reverse("connectivity:analysis-detail", args=[analysis.pk])

    def progress(self, analysis: Analysis) -> str:
        return reverse("connectivity:analysis-progress", args=[analysis.pk])

    def test_the_page_of_a_dead_analysis_stops_polling_and_offers_to_run_it_again(self) -> None:
        analysis = self.dead()
        page = self.as_bertil().get(self.detail(analysis))
        self.assertContains(page, STALLED)
        self.assertContains(page, sv("The analysis failed"))
        self.assertNotContains(page, 'hx-trigger="every 2s"')
        self.assertNotContains(page, self.progress(analysis))
        rerun = reverse("connectivity:analysis-rerun", args=[analysis.pk])
        self.assertContains(page, f'action="{rerun}"')
        self.assertContains(page, sv("Run it again"))
        analysis.refresh_from_db()
        self.assertEqual(analysis.status, Analysis.Status.FAILED)
        self.assertEqual(analysis.error, STALLED)

    def test_the_board_sees_the_failure_but_no_button(self) -> None:
        analysis = self.dead()
        page = self.as_sara().get(self.detail(analysis))
        self.assertContains(page, STALLED)
        self.assertNotContains(page, reverse("connectivity:analysis-rerun", args=[analysis.pk]))

    def test_the_polled_fragment_of_a_dead_analysis_reloads_the_page(self) -> None:
        analysis = self.dead()
        fragment = self.as_sara().get(self.progress(analysis), headers={"HX-Request": "true"})
        self.assertEqual(fragment["HX-Refresh"], "true")
        self.assertContains(fragment, STALLED)
        self.assertNotContains(fragment, 'hx-trigger="every 2s"')
        self.assertEqual(Analysis.objects.get(pk=analysis.pk).status, Analysis.Status.FAILED)

    def test_a_live_analysis_keeps_polling_and_is_left_alone(self) -> None:
        analysis = self.pending(Analysis.Status.RUNNING, timezone.now() - 2 * MINUTE)
        page = self.as_bertil().get(self.detail(analysis))
        self.assertContains(page, f'hx-get="{self.progress(analysis)}"')
        self.assertNotContains(page, STALLED)
        fragment = self.as_bertil().get(self.progress(analysis), headers={"HX-Request": "true"})
        self.assertNotIn("HX-Refresh", fragment)
        self.assertEqual(Analysis.objects.get(pk=analysis.pk).status, Analysis.Status.RUNNING)

    def test_a_feed_that_cannot_be_read_offers_no_run_again(self) -> None:
        Feed.objects.filter(pk=self.feed.pk).update(status=Feed.Status.FAILED)
        analysis = self.dead()
        page = self.as_bertil().get(self.detail(analysis))
        self.assertContains(page, STALLED)
        self.assertNotContains(page, reverse("connectivity:analysis-rerun", args=[analysis.pk]))

    def test_the_page_sweeps_with_one_query_more_and_only_when_stalled(self) -> None:
        client = self.as_bertil()
        alive = self.pending(Analysis.Status.RUNNING, timezone.now())
        dead = self.dead()
        client.get(self.detail(alive))  # the session and the like, once
        # Session, user, role, network and the analysis; a dead one adds the sweep's update.
        with self.assertNumQueries(5):
            client.get(self.detail(alive))
        with self.assertNumQueries(6):
            page = client.get(self.detail(dead))
        self.assertContains(page, STALLED)
        with self.assertNumQueries(5):  # now failed: nothing more to sweep
            client.get(self.detail(dead))

    def test_the_list_shows_a_dead_analysis_as_failed_and_leaves_other_networks_alone(self) -> None:
        dead = self.dead()
        alive = self.pending(Analysis.Status.RUNNING, timezone.now() - 2 * MINUTE)
        other_feed = Feed.objects.create(
            network=self.network_b,
            name="Other county",
            file="connectivity/feeds/other.zip",
            valid_from=datetime.date(2023, 1, 1),
            valid_until=datetime.date(2023, 12, 31),
        )
        elsewhere = Analysis.objects.create(
            network=self.network_b,
            feed=other_feed,
            date=datetime.date(2023, 11, 28),
            status=Analysis.Status.RUNNING,
            heartbeat_at=dead.heartbeat_at,
        )
        page = self.as_sara().get(reverse("connectivity:analysis-list"))
        self.assertEqual(page.status_code, 200)
        statuses = dict(Analysis.objects.values_list("pk", "status"))
        self.assertEqual(statuses[dead.pk], Analysis.Status.FAILED)
        self.assertEqual(statuses[alive.pk], Analysis.Status.RUNNING)
        self.assertEqual(statuses[elsewhere.pk], Analysis.Status.RUNNING)


class RunAgainTests(StalledTestCase):
    def rerun(self, client: Any, analysis: Analysis, *, execute: bool = True) -> Any:
        with self.captureOnCommitCallbacks(execute=execute) as callbacks:
            response = client.post(reverse("connectivity:analysis-rerun", args=[analysis.pk]))
        self.enqueued = len(callbacks)
        return response

    def failed(self, **fields: Any) -> Analysis:
        defaults: dict[str, Any] = {
            "stage": Analysis.Stage.STOPPED,
            "progress": 42,
            "error": "The worker ran out of memory.",
            "radius_m": 1500,
            "min_transfer_s": 300,
        }
        defaults.update(fields)
        return self.pending(Analysis.Status.FAILED, timezone.now(), **defaults)

    def test_staff_run_a_failed_analysis_again_with_the_same_parameters(self) -> None:
        for client in (self.as_anna(), self.as_bertil()):
            analysis = self.failed()
            response = self.rerun(client, analysis)
            self.assertRedirects(
                response, reverse("connectivity:analysis-detail", args=[analysis.pk])
            )
            self.assertEqual(messages_of(response), [sv("The analysis was queued to run again.")])
            self.assertEqual(self.enqueued, 1)
            analysis.refresh_from_db()
            self.assertEqual(analysis.status, Analysis.Status.DONE)
            self.assertEqual(analysis.attempt, 2)
            self.assertEqual((analysis.progress, analysis.error), (100, ""))
            self.assertEqual((analysis.radius_m, analysis.min_transfer_s), (1500, 300))
            self.assertEqual(analysis.place_names, ["Örebro", "Hallsberg"])
            self.assertEqual(analysis.result["parameters"]["radius_m"], 1500)
            self.assertEqual(analysis.created_by, self.bertil)

    def test_a_queued_run_starts_from_scratch(self) -> None:
        analysis = self.failed()
        self.rerun(self.as_bertil(), analysis, execute=False)
        analysis.refresh_from_db()
        self.assertEqual(
            (analysis.status, analysis.stage, analysis.progress, analysis.error),
            (Analysis.Status.QUEUED, Analysis.Stage.WAITING, 0, ""),
        )
        self.assertIsNone(analysis.started_at)
        self.assertIsNone(analysis.finished_at)
        self.assertFalse(analysis.is_stalled())

    def test_a_dead_running_analysis_is_swept_and_run_again(self) -> None:
        analysis = self.dead()
        self.rerun(self.as_bertil(), analysis)
        analysis.refresh_from_db()
        self.assertEqual((analysis.status, analysis.attempt), (Analysis.Status.DONE, 2))

    def test_other_roles_cannot_run_it_again(self) -> None:
        analysis = self.failed()
        login = reverse("core:login")
        self.assertEqual(self.rerun(self.as_sara(), analysis).status_code, 403)
        self.assertEqual(self.rerun(self.as_cecilia(), analysis).status_code, 403)
        self.assertEqual(self.rerun(self.as_david(), analysis).status_code, 404)
        self.assertTrue(self.rerun(self.as_anonymous(), analysis)["Location"].startswith(login))
        analysis.refresh_from_db()
        self.assertEqual((analysis.status, analysis.attempt), (Analysis.Status.FAILED, 1))

    def test_a_running_or_finished_analysis_is_not_run_again(self) -> None:
        alive = self.pending(Analysis.Status.RUNNING, timezone.now())
        done = finished_analysis(self.network_a, self.feed, places=FEW_PLACES[:2])
        for analysis in (alive, done):
            response = self.rerun(self.as_bertil(), analysis)
            self.assertEqual(
                messages_of(response), [sv("Only an analysis that failed can be run again.")]
            )
            self.assertEqual(self.enqueued, 0)
            after = Analysis.objects.get(pk=analysis.pk)
            self.assertEqual((after.status, after.attempt), (analysis.status, 1))

    def test_a_second_click_queues_nothing_more(self) -> None:
        analysis = self.failed()
        self.rerun(self.as_bertil(), analysis, execute=False)
        self.assertEqual(self.enqueued, 1)
        response = self.rerun(self.as_bertil(), analysis, execute=False)
        self.assertEqual(
            messages_of(response), [sv("Only an analysis that failed can be run again.")]
        )
        self.assertEqual(self.enqueued, 0)
        self.assertEqual(Analysis.objects.get(pk=analysis.pk).attempt, 2)

    def test_an_unreadable_feed_is_not_run_again(self) -> None:
        Feed.objects.filter(pk=self.feed.pk).update(status=Feed.Status.FAILED)
        analysis = self.failed()
        response = self.rerun(self.as_bertil(), analysis)
        self.assertEqual(
            messages_of(response),
            [sv("The timetable feed cannot be read. Upload it again and start a new analysis.")],
        )
        self.assertEqual(Analysis.objects.get(pk=analysis.pk).status, Analysis.Status.FAILED)


class ZombieTests(StalledTestCase):
    """A worker thought dead that is still busy must not overwrite what came after it."""

    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        plan = make_plan(network=cls.network_a, year=timezone.localdate().year)
        cls.activity = Activity.objects.filter(area__plan=plan).last()
        cls.activity.text = "Driva kollektivtrafiksfrågor"
        cls.activity.save()

    def actions_of(self, analysis: Analysis) -> int:
        return Action.objects.filter(
            source_type=ContentType.objects.get_for_model(Analysis), source_id=str(analysis.pk)
        ).count()

    def taken_over(self, analysis: Analysis, *, run_again: bool = True) -> None:
        """What happens elsewhere while the worker computes: the sweep, then maybe run again."""
        later = timezone.now() + datetime.timedelta(hours=1)
        self.assertEqual(
            services.sweep_stalled_analyses(
                now=later, analyses=Analysis.objects.filter(pk=analysis.pk)
            ),
            1,
        )
        if run_again:
            with self.captureOnCommitCallbacks(execute=False):
                services.rerun_analysis(analysis=Analysis.objects.get(pk=analysis.pk), now=later)

    def interrupted(self, *, when: str, run_again: bool = True) -> mock._patch:
        """Run the real analysis, with the row taken over during the search or after it."""
        real = runner.analyse
        taken: list[int] = []

        def analyse(analysis: Analysis, progress: Any = None) -> dict:
            if when == "after":
                result = real(analysis, progress)
                self.taken_over(analysis, run_again=run_again)
                return result

            def progress_then_taken_over(done: int, total: int) -> None:
                if done > 0 and not taken:  # transit's first step of the search
                    taken.append(done)
                    self.taken_over(analysis, run_again=run_again)
                progress(done, total)

            return real(analysis, progress_then_taken_over)

        return mock.patch.object(runner, "analyse", analyse)

    def test_a_late_worker_does_not_overwrite_the_new_run(self) -> None:
        analysis = self.pending(Analysis.Status.QUEUED, timezone.now())
        with self.interrupted(when="after"):
            returned = run_analysis_task.call(analysis.pk, 1)
        self.assertEqual(returned, "superseded")
        analysis.refresh_from_db()
        self.assertEqual((analysis.status, analysis.attempt), (Analysis.Status.QUEUED, 2))
        self.assertEqual((analysis.progress, analysis.result), (0, None))
        self.assertEqual(self.actions_of(analysis), 0)
        # The new run then finishes and logs the analysis once.
        self.assertEqual(run_analysis_task.call(analysis.pk, 2), Analysis.Status.DONE)
        self.assertEqual(self.actions_of(analysis), 1)
        # A repeated delivery of either task changes nothing and logs nothing more.
        self.assertEqual(run_analysis_task.call(analysis.pk, 1), "superseded")
        self.assertEqual(run_analysis_task.call(analysis.pk, 2), Analysis.Status.DONE)
        self.assertEqual(self.actions_of(analysis), 1)

    def test_a_worker_taken_over_during_the_search_stops_at_its_next_progress(self) -> None:
        analysis = self.pending(Analysis.Status.QUEUED, timezone.now())
        reports: list[int] = []
        real_reporter = runner.progress_reporter

        def counting_reporter(row: Analysis) -> Any:
            report = real_reporter(row)

            def counted(done: int, total: int) -> None:
                reports.append(done)
                report(done, total)

            return counted

        with (
            self.interrupted(when="during"),
            mock.patch.object(runner, "progress_reporter", counting_reporter),
        ):
            runner.run_analysis(analysis_id=analysis.pk, attempt=1)
        self.assertEqual(len(reports), 2)  # the search stopped at its first step
        self.assertGreater(reports[1], 0)
        analysis.refresh_from_db()
        self.assertEqual((analysis.status, analysis.attempt), (Analysis.Status.QUEUED, 2))
        self.assertEqual((analysis.progress, analysis.result), (0, None))

    def test_a_swept_analysis_stays_failed_when_its_worker_finishes_late(self) -> None:
        analysis = self.pending(Analysis.Status.QUEUED, timezone.now())
        with self.interrupted(when="after", run_again=False):
            runner.run_analysis(analysis_id=analysis.pk, attempt=1)
        analysis.refresh_from_db()
        self.assertEqual((analysis.status, analysis.error), (Analysis.Status.FAILED, STALLED))
        self.assertIsNone(analysis.result)
        self.assertEqual(self.actions_of(analysis), 0)

    def test_a_stale_task_does_not_start(self) -> None:
        analysis = self.pending(Analysis.Status.QUEUED, timezone.now(), attempt=3)
        self.assertEqual(run_analysis_task.call(analysis.pk, 2), "superseded")
        analysis.refresh_from_db()
        self.assertEqual((analysis.status, analysis.progress), (Analysis.Status.QUEUED, 0))
        self.assertIsNone(analysis.started_at)
