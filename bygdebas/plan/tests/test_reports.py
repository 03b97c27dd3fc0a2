"""The draft annual report: what the PDF and the .docx say, and what they cost."""

from __future__ import annotations

import datetime
import io

import docx
import pypdf
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.test import TestCase
from django.test.utils import CaptureQueriesContext
from django.utils import translation

from bygdebas.core.models import County, Municipality, Network
from bygdebas.plan import reports
from bygdebas.plan.models import Action, Activity, Area, Plan, Target


def pdf_text(content: bytes) -> str:
    reader = pypdf.PdfReader(io.BytesIO(content))
    text = "\n".join(page.extract_text() for page in reader.pages)
    return " ".join(text.split())


def open_docx(content: bytes) -> docx.document.Document:
    return docx.Document(io.BytesIO(content))


def make_plan(network: Network, year: int, *, actions: int, source: Area | None = None) -> Plan:
    """A plan with two areas and three activities; ``actions`` actions on the first activity."""
    plan = Plan.objects.create(
        network=network,
        year=year,
        vision="Hela länet ska leva.",
        purpose="Att stärka den lokala utvecklingen.",
    )
    communication = Area.objects.create(plan=plan, title="Opinion and communication", order=1)
    meetings = Area.objects.create(plan=plan, title="Meeting places", order=2)
    conference = Activity.objects.create(
        area=communication, text="Arrange a rural parliament for the county", order=1
    )
    Target.objects.create(activity=conference, metric="plan.actions", value=3)
    Target.objects.create(activity=conference, metric="plan.participants", value=1000)
    newsletter = Activity.objects.create(area=communication, text="Publish a newsletter", order=2)
    Target.objects.create(activity=newsletter, metric="plan.actions", value=4)
    Activity.objects.create(area=meetings, text="Map the village halls", order=1)
    for index in range(actions):
        action = Action.objects.create(
            network=network,
            performed_on=datetime.date(year, 3, 1) + datetime.timedelta(days=index),
            title=f"Workshop number {index + 1}",
            participants=10,
        )
        if source is not None:
            action.source = source
            action.save()
        action.activities.set([conference])
    return plan


class ReportContentTests(TestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        county = County.objects.create(code="18", name="Örebro län")
        cls.orebro = Municipality.objects.create(code="1880", name="Örebro", county=county)
        cls.network = Network.objects.create(
            name="Hela Sverige ska leva Örebro län",
            slug="orebro-lan",
            tagline="Local development in every village",
            contact_email="info@example.org",
        )
        cls.plan = make_plan(cls.network, 2025, actions=0)
        cls.conference = Activity.objects.get(area__plan=cls.plan, text__startswith="Arrange")
        cls.newsletter = Activity.objects.get(area__plan=cls.plan, text="Publish a newsletter")
        later = Action.objects.create(
            network=cls.network,
            performed_on=datetime.date(2025, 9, 20),
            title="Rural parliament in Hallsberg",
            description="Two days of seminars and study visits.",
            municipality=cls.orebro,
            participants=240,
        )
        earlier = Action.objects.create(
            network=cls.network,
            performed_on=datetime.date(2025, 3, 14),
            title="Planning meeting with the municipalities",
            participants=12,
        )
        long_description = Action.objects.create(
            network=cls.network,
            performed_on=datetime.date(2025, 5, 2),
            title="Study visit to Gotland",
            description="A very long account. " * 40,
        )
        for action in (later, earlier, long_description):
            action.activities.set([cls.conference])
        source_plan = Plan.objects.create(network=cls.network, year=2024)
        cls.source = Area.objects.create(plan=source_plan, title="Seminar series on broadband")
        sourced = Action.objects.create(
            network=cls.network,
            performed_on=datetime.date(2025, 4, 1),
            title="Broadband evening",
            source=cls.source,
        )
        gone = Action.objects.create(
            network=cls.network,
            performed_on=datetime.date(2025, 4, 2),
            title="Evening whose source was deleted",
            source_type=ContentType.objects.get_for_model(Area),
            source_id="999999",
        )
        for action in (sourced, gone):
            action.activities.set([cls.newsletter])

    def build(self, language: str = "en") -> reports.Report:
        with translation.override(language):
            return reports.build_report(network=self.network, plan=self.plan)

    def test_it_numbers_areas_and_activities_in_plan_order(self) -> None:
        report = self.build()

        self.assertEqual(
            [area.heading for area in report.areas],
            ["1 Opinion and communication", "2 Meeting places"],
        )
        self.assertEqual(
            [activity.heading for activity in report.areas[0].activities],
            ["1.1 Arrange a rural parliament for the county", "1.2 Publish a newsletter"],
        )

    def test_it_lists_actions_in_date_order_with_their_details(self) -> None:
        actions = self.build().areas[0].activities[0].actions

        self.assertEqual(
            [action.title for action in actions],
            [
                "Planning meeting with the municipalities",
                "Study visit to Gotland",
                "Rural parliament in Hallsberg",
            ],
        )
        self.assertEqual(actions[2].details, "Örebro, 240 participants")
        self.assertEqual(actions[2].description, "Two days of seminars and study visits.")
        self.assertEqual(actions[0].details, "12 participants")
        self.assertEqual(actions[1].description, "", "a long description is left out")

    def test_it_formats_dates_under_the_active_language(self) -> None:
        first = self.build("sv").areas[0].activities[0].actions[0]
        self.assertEqual(first.date, "14 mars 2025")

        first = self.build("en").areas[0].activities[0].actions[0]
        self.assertEqual(first.date, "March 14, 2025")

    def test_it_states_each_targets_outcome(self) -> None:
        activity = self.build().areas[0].activities[0]

        self.assertEqual(
            [target.text for target in activity.targets],
            [
                "Actions logged: 3 of 3 \u2013 target met",
                "Participants in actions: 252 of 1,000 \u2013 25% of the target",
            ],
        )
        self.assertEqual([target.is_met for target in activity.targets], [True, False])

    def test_it_names_an_actions_source_and_ignores_a_deleted_one(self) -> None:
        actions = self.build().areas[0].activities[1].actions

        self.assertEqual(actions[0].details, "Source: Seminar series on broadband")
        self.assertEqual(actions[1].title, "Evening whose source was deleted")
        self.assertEqual(actions[1].details, "")

    def test_it_includes_only_the_plan_texts_that_are_filled_in(self) -> None:
        report = self.build()

        self.assertEqual([section.heading for section in report.foundation], ["Vision", "Purpose"])
        self.assertEqual(report.foundation[0].paragraphs, ["Hela länet ska leva."])

    def test_it_summarises_actions_participants_and_activity_status(self) -> None:
        summary = {line.label: line.value for line in self.build().summary}

        self.assertEqual(summary["Actions logged"], "5")
        self.assertEqual(summary["Participants in actions"], "252")
        self.assertEqual(summary["Activities in the plan"], "3")
        self.assertEqual(summary["Target met"], "0", "one of the first activity's targets is open")
        self.assertEqual(summary["Under way"], "2")
        self.assertEqual(summary["Not started"], "1")

    def test_the_pdf_shows_the_plan_structure_and_what_was_done(self) -> None:
        with translation.override("en"):
            content = reports.render_pdf(network=self.network, plan=self.plan)

        self.assertTrue(content.startswith(b"%PDF"))
        text = pdf_text(content)
        self.assertIn("Annual report 2025", text)
        self.assertIn("Draft generated on", text)
        self.assertIn("1 Opinion and communication", text)
        self.assertIn("2 Meeting places", text)
        self.assertIn("1.2 Publish a newsletter", text)
        self.assertIn("Rural parliament in Hallsberg", text)
        self.assertIn("Actions logged: 3 of 3 \u2013 target met", text)
        self.assertIn("Nothing logged yet.", text)
        self.assertIn("Page 1 of", text)

    def test_the_pdf_is_written_in_the_active_language(self) -> None:
        with translation.override("sv"):
            content = reports.render_pdf(network=self.network, plan=self.plan)

        self.assertIn("14 mars 2025", pdf_text(content))

    def test_the_docx_has_word_headings_and_bulleted_actions(self) -> None:
        with translation.override("en"):
            content = reports.render_docx(network=self.network, plan=self.plan)

        document = open_docx(content)
        self.assertEqual(
            document.core_properties.title, f"Annual report 2025 \u2013 {self.network}"
        )
        headings = [
            (p.style.name, p.text)
            for p in document.paragraphs
            if p.style.name.startswith("Heading")
        ]
        self.assertIn(("Heading 1", "1 Opinion and communication"), headings)
        self.assertIn(("Heading 1", "2 Meeting places"), headings)
        self.assertIn(("Heading 2", "1.1 Arrange a rural parliament for the county"), headings)
        bullets = [p.text for p in document.paragraphs if p.style.name == "List Bullet"]
        self.assertIn(
            "March 14, 2025 \u2013 Planning meeting with the municipalities (12 participants)",
            bullets,
        )
        self.assertIn(
            "Rural parliament in Hallsberg (Örebro, 240 participants)"
            "\nTwo days of seminars and study visits.",
            bullets[2],
        )
        texts = [p.text for p in document.paragraphs]
        self.assertIn("Actions logged: 3 of 3 \u2013 target met", " ".join(texts))
        self.assertIn("Nothing logged yet.", texts)

    def test_an_activity_without_actions_says_nothing_is_logged(self) -> None:
        with translation.override("en"):
            document = open_docx(reports.render_docx(network=self.network, plan=self.plan))

        texts = [p.text for p in document.paragraphs]
        after_empty_activity = texts[texts.index("2.1 Map the village halls") :]
        self.assertIn("Nothing logged yet.", after_empty_activity)
        self.assertEqual(texts.count("Nothing logged yet."), 1)

    def test_the_file_name_is_ascii_and_names_year_and_network(self) -> None:
        with translation.override("en"):
            self.assertEqual(
                reports.filename(self.plan, "pdf"), "annual-report-2025-orebro-lan.pdf"
            )
        with translation.override("sv"):
            name = reports.filename(self.plan, "docx")
        self.assertTrue(name.isascii())
        self.assertTrue(name.endswith("-2025-orebro-lan.docx"))


class ReportQueryCountTests(TestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        cls.network = Network.objects.create(name="Network", slug="network")
        source_plan = Plan.objects.create(network=cls.network, year=2020)
        source = Area.objects.create(plan=source_plan, title="Event series")
        cls.few = make_plan(cls.network, 2024, actions=2, source=source)
        cls.many = make_plan(cls.network, 2025, actions=20, source=source)

    def count_queries(self, render, plan: Plan) -> int:
        ContentType.objects.clear_cache()
        with CaptureQueriesContext(connection) as context:
            render(network=self.network, plan=plan)
        return len(context.captured_queries)

    def test_the_pdf_costs_the_same_queries_for_many_actions_as_for_few(self) -> None:
        few = self.count_queries(reports.render_pdf, self.few)
        many = self.count_queries(reports.render_pdf, self.many)

        self.assertEqual(many, few)

    def test_the_docx_costs_the_same_queries_for_many_actions_as_for_few(self) -> None:
        few = self.count_queries(reports.render_docx, self.few)
        many = self.count_queries(reports.render_docx, self.many)

        self.assertEqual(many, few)
