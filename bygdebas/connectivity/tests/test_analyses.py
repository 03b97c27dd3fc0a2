"""Starting, running and showing analyses on the real SJ feed (no mocks)."""

import datetime
import io
import json

import openpyxl
import pypdf
from django.contrib.contenttypes.models import ContentType
from django.test import TestCase
from django.urls import reverse
from django.utils import timezone

import transit
from bygdebas.connectivity import results, runner, services
from bygdebas.connectivity.models import Analysis, Feed
from bygdebas.connectivity.tests.helpers import (
    BOXING_DAY,
    FEW_PLACES,
    REFERENCE_DATE,
    finished_analysis,
    store_sj_feed,
)
from bygdebas.core.geo import load_geography
from bygdebas.plan.models import Activity
from bygdebas.testing import CastMixin, make_plan, sv


def transit_directly(feed: Feed, date: datetime.date, places: list[dict]) -> transit.Analysis:
    with runner.local_copy(feed) as path:
        loaded = transit.load_feed(path)
    return transit.analyse(
        loaded, [transit.Place(**p) for p in places], date, radius_m=1000.0, min_transfer_s=120
    )


class AnalysisTestCase(CastMixin, TestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        cls.feed = store_sj_feed(cls.network_a, cls.bertil)
        cls.analysis = finished_analysis(cls.network_a, cls.feed, created_by=cls.bertil)


class StartAnalysisTests(AnalysisTestCase):
    url = reverse("connectivity:analysis-create")

    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        load_geography()

    def test_the_form_suggests_the_seats_and_neighbours_and_a_typical_tuesday(self) -> None:
        response = self.as_bertil().get(self.url)
        self.assertContains(response, "Örebro;59.2789;15.2113;")
        self.assertContains(response, "Fjugesta;59.1737;14.8723;")
        self.assertContains(response, "Kristinehamn;59.3165;14.1083;")
        self.assertNotContains(response, "Frövi")  # a rail node, neither seat nor neighbour
        # The feed's typical weekday runs ~490 trips (2023-01-17 had 41): October 2023.
        self.assertContains(response, 'value="2023-10-24"')
        self.assertEqual(len(services.default_places(self.network_a)), 25)
        seats = services.default_places(self.network_a)[:12]
        self.assertEqual({p["name"] for p in seats} >= {"Örebro", "Askersund", "Nora"}, True)

    def test_it_runs_in_the_background_and_stores_what_transit_computes(self) -> None:
        places = "\n".join(
            f"{p['name']};{p['lat']};{p['lon']};{p['population']}" for p in FEW_PLACES[:4]
        )
        with self.captureOnCommitCallbacks(execute=True):
            response = self.as_bertil().post(
                self.url,
                {
                    "feed": self.feed.pk,
                    "date": "2023-11-28",
                    "places": places,
                    "radius_m": 1000,
                    "min_transfer_s": 120,
                    "walk_m": 0,
                },
            )
        analysis = Analysis.objects.latest("pk")
        self.assertRedirects(response, reverse("connectivity:analysis-detail", args=[analysis.pk]))
        self.assertEqual(analysis.status, Analysis.Status.DONE)
        self.assertEqual((analysis.progress, analysis.stage), (100, Analysis.Stage.FINISHED))
        self.assertEqual(analysis.created_by, self.bertil)
        self.assertIsNotNone(analysis.finished_at)
        expected = json.loads(
            json.dumps(transit_directly(self.feed, REFERENCE_DATE, FEW_PLACES[:4]).to_dict())
        )
        self.assertEqual(analysis.result["pairs"], expected["pairs"])
        self.assertEqual(analysis.result["date"], "2023-11-28")
        for stored, direct in zip(analysis.result["places"], expected["places"], strict=True):
            self.assertEqual({k: stored[k] for k in direct}, direct)
        self.assertEqual(
            analysis.result["weekend"], {"saturday": "2023-12-02", "sunday": "2023-12-03"}
        )
        # Örebro–Hallsberg is a busy main line: many journeys and a commute both ways.
        pair = results.pairs_by_key(analysis.result)[("Örebro", "Hallsberg")]
        self.assertGreater(pair["journeys"], 20)
        self.assertTrue(pair["commute_possible"])

    def test_a_date_with_much_less_service_is_warned_about_on_the_form_and_the_result(
        self,
    ) -> None:
        places = "\n".join(f"{p['name']};{p['lat']};{p['lon']}" for p in FEW_PLACES[:2])
        data = {
            "feed": self.feed.pk,
            "date": "2023-01-17",
            "places": places,
            "radius_m": 1000,
            "min_transfer_s": 120,
            "walk_m": 0,
        }
        warning = sv(
            "%(date)s has much less service than a typical weekday of this feed: %(trips)s trips "
            "against %(typical)s. The result will show few journeys; the suggested date is "
            "%(suggested)s.",
            date="2023-01-17",
            trips=41,
            typical=492,
            suggested="2023-10-24",
        )
        response = self.as_bertil().post(self.url, data)
        self.assertContains(response, warning, status_code=400)
        self.assertContains(response, 'name="low_service_ok"', status_code=400)
        self.assertEqual(Analysis.objects.count(), 1)
        with self.captureOnCommitCallbacks(execute=True):
            response = self.as_bertil().post(self.url, {**data, "low_service_ok": "on"})
        analysis = Analysis.objects.latest("pk")
        self.assertRedirects(response, reverse("connectivity:analysis-detail", args=[analysis.pk]))
        self.assertEqual(analysis.result["service"], {"trips": 41, "typical_weekday_trips": 492})
        page = self.as_bertil().get(reverse("connectivity:analysis-detail", args=[analysis.pk]))
        self.assertContains(
            page,
            sv(
                "This date has much less service than a typical weekday of the feed: %(trips)s "
                "trips against %(typical)s. Few journeys and commutes are to be expected; a "
                "typical weekday is suggested when starting an analysis.",
                trips=41,
                typical=492,
            ),
        )
        # The typical day of the form has no such warning.
        typical = self.as_bertil().get(
            reverse("connectivity:analysis-detail", args=[self.analysis.pk])
        )
        self.assertNotContains(
            typical,
            sv(
                "This date has much less service than a typical weekday of the feed: %(trips)s "
                "trips against %(typical)s. Few journeys and commutes are to be expected; a "
                "typical weekday is suggested when starting an analysis.",
                trips=496,
                typical=492,
            ),
        )
        self.assertNotContains(self.as_bertil().get(self.url), 'name="low_service_ok"')

    def test_an_invalid_form_is_shown_again_with_errors_and_nothing_starts(self) -> None:
        response = self.as_bertil().post(
            self.url,
            {
                "feed": self.feed.pk,
                "date": "2025-01-07",
                "places": "Örebro;59.27;15.21\nKumla;north;15.14",
                "radius_m": 1000,
                "min_transfer_s": 120,
                "walk_m": 0,
            },
        )
        self.assertEqual(response.status_code, 400)
        self.assertContains(
            response,
            sv(
                "Line %(line)s: the latitude and longitude must be numbers, e.g. 59.27;15.21.",
                line=2,
            ),
            status_code=400,
        )
        self.assertContains(
            response,
            sv(
                "The feed has timetables from %(start)s to %(end)s; choose a date in between.",
                start="2022-12-11",
                end="2024-04-08",
            ),
            status_code=400,
        )
        self.assertEqual(Analysis.objects.count(), 1)

    def test_another_networks_feed_cannot_be_chosen(self) -> None:
        other = store_sj_feed(self.network_b, name="B:s flöde")
        response = self.as_bertil().post(
            self.url,
            {
                "feed": other.pk,
                "date": "2023-11-28",
                "places": "A;59.2;15.2\nB;59.1;15.1",
                "radius_m": 1000,
                "min_transfer_s": 120,
                "walk_m": 0,
            },
        )
        self.assertEqual(response.status_code, 400)
        self.assertEqual(Analysis.objects.count(), 1)
        response = self.as_bertil().get(self.url, {"feed": other.pk})
        self.assertEqual(response.status_code, 404)


class ProgressTests(AnalysisTestCase):
    def test_progress_is_written_while_the_journeys_are_searched(self) -> None:
        analysis = Analysis.objects.create(
            network=self.network_a, feed=self.feed, date=REFERENCE_DATE, places=FEW_PLACES[:3]
        )
        seen: list[tuple[int, str]] = []
        reporter = runner.progress_reporter(analysis)

        def progress(done: int, total: int) -> None:
            reporter(done, total)
            row = Analysis.objects.get(pk=analysis.pk)
            seen.append((row.progress, row.status))

        runner.analyse(analysis, progress)
        percents = [p for p, _ in seen]
        self.assertEqual(percents, sorted(percents))
        self.assertEqual(percents[0], runner.SEARCH_FROM)
        self.assertEqual(percents[-1], runner.SEARCH_TO)
        self.assertGreater(len(set(percents)), 3)  # 3 places × 3 days: nine steps

    def test_the_page_polls_while_running_and_reloads_when_done(self) -> None:
        analysis = Analysis.objects.create(
            network=self.network_a,
            feed=self.feed,
            date=REFERENCE_DATE,
            places=FEW_PLACES[:2],
            status=Analysis.Status.RUNNING,
            stage=Analysis.Stage.SEARCHING,
            progress=42,
        )
        detail = reverse("connectivity:analysis-detail", args=[analysis.pk])
        progress_url = reverse("connectivity:analysis-progress", args=[analysis.pk])
        page = self.as_sara().get(detail)
        self.assertContains(page, f'hx-get="{progress_url}"')
        self.assertContains(page, 'value="42"')
        self.assertContains(page, f'href="{detail}"')  # the reload link without JavaScript
        fragment = self.as_sara().get(progress_url, headers={"HX-Request": "true"})
        self.assertContains(fragment, "42 %")
        self.assertNotIn("HX-Refresh", fragment)
        self.assertNotContains(fragment, "<html")
        runner.run_analysis(analysis_id=analysis.pk)
        fragment = self.as_sara().get(progress_url, headers={"HX-Request": "true"})
        self.assertEqual(fragment["HX-Refresh"], "true")
        self.assertRedirects(self.as_sara().get(progress_url), detail)

    def test_a_feed_that_can_no_longer_be_read_fails_the_analysis_with_its_message(self) -> None:
        broken = store_sj_feed(self.network_a, name="Snart trasig")
        with broken.file.open("wb") as handle:
            handle.write(b"PK\x03\x04 truncated")
        analysis = Analysis.objects.create(
            network=self.network_a, feed=broken, date=REFERENCE_DATE, places=FEW_PLACES[:2]
        )
        runner.run_analysis(analysis_id=analysis.pk)
        analysis.refresh_from_db()
        broken.refresh_from_db()
        self.assertEqual(analysis.status, Analysis.Status.FAILED)
        self.assertIn("not a zip archive", analysis.error)
        self.assertEqual(broken.status, Feed.Status.FAILED)
        page = self.as_bertil().get(reverse("connectivity:analysis-detail", args=[analysis.pk]))
        self.assertContains(page, "not a zip archive")


class ResultPageTests(AnalysisTestCase):
    def cli_rows(self, fmt: str) -> list[dict[str, str]]:
        """The rows `python -m transit connectivity` writes for the same feed, date and places."""
        import csv
        import tempfile
        from pathlib import Path

        from transit.cli import main

        with tempfile.TemporaryDirectory() as folder, runner.local_copy(self.feed) as feed_path:
            places = Path(folder) / "places.csv"
            with places.open("w", encoding="utf-8", newline="") as handle:
                writer = csv.DictWriter(handle, fieldnames=["name", "lat", "lon", "population"])
                writer.writeheader()
                writer.writerows(FEW_PLACES)
            out = Path(folder) / f"out.{fmt}"
            code = main(
                [
                    "connectivity",
                    str(feed_path),
                    "--date",
                    "2023-11-28",
                    "--places",
                    str(places),
                    "--format",
                    fmt,
                    "--out",
                    str(out),
                ]
            )
            self.assertEqual(code, 0)
            return list(csv.DictReader(io.StringIO(out.read_text(encoding="utf-8"))))

    def test_the_matrix_map_and_cards_show_the_result(self) -> None:
        url = reverse("connectivity:analysis-detail", args=[self.analysis.pk])
        response = self.as_sara().get(url)
        pair = results.pairs_by_key(self.analysis.result)[("Örebro", "Kumla")]
        self.assertContains(response, '<th scope="row">Örebro</th>', html=False)
        self.assertContains(response, f'title="Örebro → Kumla">{pair["journeys"]}')
        self.assertContains(response, "heat-5")
        self.assertContains(response, reverse("connectivity:analysis-map", args=[self.analysis.pk]))
        self.assertContains(response, reverse("core:municipalities-geojson"))
        # Askersund has no railway: no stop, no commute, and the page says so.
        self.assertContains(
            response,
            sv(
                "No stop within %(radius)s m of this place: it has no journeys in this analysis. "
                "A larger radius or another position may find its stops.",
                radius=1000,
            ),
        )
        # The matrix gives a dash, not zeros, for Askersund's pairs.
        self.assertContains(response, 'title="Örebro → Askersund: ')
        self.assertNotContains(response, 'title="Örebro → Askersund">0')
        self.assertContains(response, "<h3>Askersund</h3>", html=False)
        fastest = self.as_sara().get(url, {"visa": "snabbast"})
        self.assertContains(
            fastest, f'title="Örebro → Kumla">{results.hours_minutes(pair["fastest_s"])}'
        )
        fragment = self.as_sara().get(
            url, {"visa": "snabbast"}, headers={"HX-Request": "true", "HX-Target": "matrix"}
        )
        self.assertContains(fragment, '<section id="matrix"')
        self.assertNotContains(fragment, "<html")

    def test_the_map_json_has_a_line_per_connected_pair_wider_for_more_journeys(self) -> None:
        data = (
            self.as_sara().get(reverse("connectivity:analysis-map", args=[self.analysis.pk])).json()
        )
        self.assertEqual([p["name"] for p in data["places"]], [p["name"] for p in FEW_PLACES])
        lines = {(line["from"], line["to"]): line for line in data["lines"]}
        self.assertNotIn(("Örebro", "Askersund"), lines)
        busy, quiet = lines[("Örebro", "Hallsberg")], lines[("Hallsberg", "Laxå")]
        pairs = results.pairs_by_key(self.analysis.result)
        self.assertEqual(
            busy["journeys"],
            pairs[("Örebro", "Hallsberg")]["journeys"] + pairs[("Hallsberg", "Örebro")]["journeys"],
        )
        self.assertGreater(busy["weight"], quiet["weight"])
        self.assertEqual(max(line["weight"] for line in data["lines"]), 12)

    def test_downloads_parse(self) -> None:
        n = len(FEW_PLACES)
        base = "connectivity:analysis-export"
        response = self.as_sara().get(reverse(base, args=[self.analysis.pk, "csv"]))
        self.assertEqual(response["Content-Type"], "text/csv; charset=utf-8")
        import csv

        rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig")), delimiter=";"))
        self.assertEqual(len(rows), n * (n - 1) + 1)
        self.assertEqual(rows[0][:3], [sv("From"), sv("To"), sv("Journeys")])
        self.assertEqual(rows[0][10], sv("Commute possible"))
        # The same figures as the command line's CSV, as Swedish Excel reads them.
        cli = self.cli_rows("csv")
        by_pair = {(r["from"], r["to"]): r for r in cli}
        for row in rows[1:]:
            machine = by_pair[(row[0], row[1])]
            self.assertEqual(row[2], machine["journeys"])
            self.assertEqual(
                row[10], sv("yes") if machine["commute_possible"] == "True" else sv("no")
            )
            if machine["first_departure_s"]:
                self.assertEqual(row[4], results.clock(int(machine["first_departure_s"])))
            else:
                self.assertEqual(row[4], "")
        orebro_hallsberg = next(r for r in rows if r[:2] == ["Örebro", "Hallsberg"])
        self.assertRegex(orebro_hallsberg[4], r"^\d\d:\d\d$")
        self.assertRegex(orebro_hallsberg[6], r"^\d+:\d\d$")

        response = self.as_sara().get(reverse(base, args=[self.analysis.pk, "xlsx"]))
        book = openpyxl.load_workbook(io.BytesIO(response.content))
        self.assertEqual(book.sheetnames[:2], [sv("Pairs"), sv("Places")])
        pairs_sheet = book.worksheets[0]
        self.assertEqual(pairs_sheet.max_row, n * (n - 1) + 1)
        self.assertEqual(pairs_sheet.cell(1, 1).value, sv("From"))
        self.assertIn(pairs_sheet.cell(2, 11).value, (sv("yes"), sv("no")))
        journeys = book.worksheets[2]
        self.assertEqual(journeys.cell(2, 1).value, "Örebro")
        self.assertEqual(
            journeys.cell(2, 3).value,
            results.pairs_by_key(self.analysis.result)[("Örebro", "Hallsberg")]["journeys"],
        )
        # Askersund has no stop within the radius: a dash, not a zero.
        self.assertEqual(journeys.cell(2, 6).value, "–")

        response = self.as_sara().get(reverse(base, args=[self.analysis.pk, "pdf"]))
        self.assertEqual(response["Content-Type"], "application/pdf")
        reader = pypdf.PdfReader(io.BytesIO(response.content))
        self.assertIn(len(reader.pages), (2, 3))
        # The first page holds the findings and the table per place, not a few lines.
        self.assertIn(sv("Per place"), reader.pages[0].extract_text())
        text = " ".join(page.extract_text() for page in reader.pages)
        self.assertIn("Askersund", text)
        self.assertIn("Trafiklab", text)
        self.assertIn(self.feed.name, text)

        self.assertEqual(
            self.as_sara().get(reverse(base, args=[self.analysis.pk, "docx"])).status_code, 404
        )


class ComparisonTests(AnalysisTestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        cls.holiday = finished_analysis(
            cls.network_a, cls.feed, date=BOXING_DAY, compared_with=cls.analysis
        )

    def test_the_result_page_compares_with_the_earlier_analysis_through_transit(self) -> None:
        expected = transit.compare(
            results.transit_analysis(self.analysis.result),
            results.transit_analysis(self.holiday.result),
        )
        view = results.compare_analyses(self.analysis, self.holiday)
        self.assertEqual(view.lost_commutes, sum(p.has_lost_commute for p in expected.pairs))
        self.assertEqual(len(view.flagged), len(expected.flagged))
        self.assertGreater(len(view.flagged), 0)
        url = reverse("connectivity:analysis-detail", args=[self.holiday.pk])
        response = self.as_sara().get(url)
        self.assertContains(response, 'class="flagged"')
        self.assertContains(response, "Annandag jul")
        worst = view.flagged[0]
        self.assertContains(response, f"<td>{worst.origin}</td>")
        # Choosing no comparison hides it; choosing one on the page works too.
        self.assertNotContains(self.as_sara().get(url, {"jamfor": ""}), 'class="flagged"')
        plain = finished_analysis(self.network_a, self.feed, date=BOXING_DAY, places=FEW_PLACES[:2])
        response = self.as_sara().get(
            reverse("connectivity:analysis-detail", args=[plain.pk]), {"jamfor": self.analysis.pk}
        )
        self.assertContains(response, 'class="flagged"')

    def test_the_brief_lists_the_changes(self) -> None:
        response = self.as_sara().get(
            reverse("connectivity:analysis-export", args=[self.holiday.pk, "pdf"])
        )
        reader = pypdf.PdfReader(io.BytesIO(response.content))
        text = " ".join(page.extract_text() for page in reader.pages)
        self.assertIn("2023", text)
        self.assertLessEqual(len(reader.pages), 3)

    def test_a_comparison_with_another_networks_analysis_is_refused(self) -> None:
        feed_b = store_sj_feed(self.network_b, name="B")
        other = finished_analysis(self.network_b, feed_b, places=FEW_PLACES[:2])
        response = self.as_sara().get(
            reverse("connectivity:analysis-detail", args=[self.holiday.pk]), {"jamfor": other.pk}
        )
        self.assertNotContains(response, 'class="flagged"')


class ActionTests(AnalysisTestCase):
    def _plan(self) -> Activity:
        plan = make_plan(network=self.network_a, year=timezone.localdate().year)
        activity = Activity.objects.filter(area__plan=plan).last()
        activity.text = "Driva kollektivtrafiksfrågor och förbindelser mellan kommunhuvudorterna"
        activity.save()
        return activity

    def test_the_analysis_is_logged_against_the_public_transport_activity(self) -> None:
        activity = self._plan()
        analysis = finished_analysis(
            self.network_a, self.feed, places=FEW_PLACES[:2], created_by=self.bertil
        )
        action = analysis.action
        self.assertIsNotNone(action)
        self.assertEqual(list(action.activities.all()), [activity])
        self.assertEqual(action.performed_on, timezone.localdate())
        self.assertEqual(action.source_type, ContentType.objects.get_for_model(Analysis))
        self.assertEqual(action.source_id, str(analysis.pk))
        self.assertEqual(action.created_by, self.bertil)
        self.assertIn(self.feed.name, action.title)
        self.assertIn("2023-11-28", action.title)
        page = self.as_sara().get(reverse("connectivity:analysis-detail", args=[analysis.pk]))
        self.assertContains(page, reverse("plan:action-detail", args=[action.pk]))

    def test_the_form_preselects_the_public_transport_activity(self) -> None:
        activity = self._plan()
        response = self.as_bertil().get(reverse("connectivity:analysis-create"))
        self.assertEqual(response.context["form"].initial["activity"], activity.pk)
        self.assertContains(response, f'<option value="{activity.pk}" selected>')

    def test_an_activity_chosen_on_the_form_wins(self) -> None:
        self._plan()
        chosen = Activity.objects.for_network(self.network_a).first()
        analysis = finished_analysis(
            self.network_a, self.feed, places=FEW_PLACES[:2], activity=chosen
        )
        self.assertEqual(list(analysis.action.activities.all()), [chosen])

    def test_without_a_plan_for_the_year_nothing_is_logged_and_the_page_says_so(self) -> None:
        make_plan(network=self.network_a, year=timezone.localdate().year - 1)
        self.assertIsNone(self.analysis.action)
        note = sv(
            "No action was logged: there is no plan for %(year)s.", year=timezone.localdate().year
        )
        self.assertEqual(self.analysis.action_note, note)
        page = self.as_sara().get(reverse("connectivity:analysis-detail", args=[self.analysis.pk]))
        self.assertContains(page, note)

    def test_a_plan_without_a_public_transport_activity_gives_a_note(self) -> None:
        make_plan(network=self.network_a, year=timezone.localdate().year)
        analysis = finished_analysis(self.network_a, self.feed, places=FEW_PLACES[:2])
        self.assertIsNone(analysis.action)
        self.assertIn(str(timezone.localdate().year), analysis.action_note)


class ListQueryTests(CastMixin, TestCase):
    def _rows(self, n: int) -> None:
        for i in range(n):
            feed = Feed.objects.create(
                network=self.network_a,
                name=f"Flöde {i}",
                file="connectivity/feeds/x.zip",
                valid_from=REFERENCE_DATE,
                valid_until=REFERENCE_DATE,
                summary={"stops": 1, "trips": 2},
                uploaded_by=self.bertil,
            )
            Analysis.objects.create(
                network=self.network_a,
                feed=feed,
                date=REFERENCE_DATE,
                places=FEW_PLACES,
                created_by=self.bertil,
                result={"pairs": [], "places": []},
            )

    def _count(self, url: str) -> int:
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        client = self.as_sara()
        client.get(url)
        with CaptureQueriesContext(connection) as queries:
            self.assertEqual(client.get(url).status_code, 200)
        return len(queries)

    def test_the_list_pages_make_the_same_queries_for_more_rows(self) -> None:
        for name in ("connectivity:analysis-list", "connectivity:feed-list"):
            url = reverse(name)
            self._rows(3)
            few = self._count(url)
            self._rows(6)
            with self.subTest(url=name):
                self.assertEqual(self._count(url), few)
