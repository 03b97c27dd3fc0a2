"""Staff pages: forms that save through the services, clear errors that save nothing, list pages
in a fixed number of queries, the moderation queue and the booklet."""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.db import connection
from django.test import TestCase
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from bygdebas.core.images import process_image, save_image
from bygdebas.core.moderation import ModerationStatus
from bygdebas.plan.models import Action
from bygdebas.projects.models import Advice, Example, FundingCall, Project, ProjectFunding
from bygdebas.projects.tests.factories import (
    jpeg_upload,
    make_call,
    make_example,
    make_project,
    make_support_plan,
)
from bygdebas.testing import CastMixin, make_organisation, sv


class ProjectPagesTests(CastMixin, TestCase):
    def test_a_project_is_created_and_shown_with_its_funding(self) -> None:
        response = self.as_bertil().post(
            "/kansli/projekt/nytt/",
            {"name": "Solceller på bygdegården", "status": "granted", "goals": ["7", "13"]},
        )
        project = Project.objects.get()
        self.assertRedirects(
            response, f"/kansli/projekt/{project.pk}/", fetch_redirect_response=False
        )
        self.as_bertil().post(
            f"/kansli/projekt/{project.pk}/finansiering/",
            {"source": "leader", "funder": "LEADER Bergslagen", "amount": "150000"},
        )
        self.as_bertil().post(
            f"/kansli/projekt/{project.pk}/finansiering/", {"source": "own_work", "hours": "200"}
        )
        page = self.as_bertil().get(f"/kansli/projekt/{project.pk}/")
        self.assertContains(page, "LEADER Bergslagen")
        self.assertEqual(page.context["totals"], {"amount": Decimal(150000), "hours": Decimal(200)})

    def test_an_invalid_project_re_renders_with_the_error_and_saves_nothing(self) -> None:
        response = self.as_bertil().post(
            "/kansli/projekt/nytt/",
            {"name": "X", "status": "idea", "starts_on": "2025-06-01", "ends_on": "2025-01-01"},
        )
        self.assertContains(
            response, sv("The project cannot end before it starts."), status_code=400
        )
        self.assertFalse(Project.objects.exists())

    def test_funding_without_an_amount_is_a_clear_error(self) -> None:
        project = make_project(network=self.network_a)
        response = self.as_bertil().post(
            f"/kansli/projekt/{project.pk}/finansiering/", {"source": "region"}
        )
        self.assertContains(response, sv("Give the amount."), status_code=400)
        self.assertFalse(ProjectFunding.objects.exists())

    def test_the_list_costs_the_same_queries_with_more_projects(self) -> None:
        def queries() -> int:
            with CaptureQueriesContext(connection) as captured:
                self.assertEqual(self.as_bertil().get("/kansli/projekt/").status_code, 200)
            return len(captured)

        make_project(network=self.network_a, name="Ett")
        before = queries()
        for n in range(10):
            project = make_project(network=self.network_a, name=f"Projekt {n}")
            ProjectFunding.objects.create(project=project, source="region", amount=100)
        self.assertEqual(queries(), before)


class AdvicePagesTests(CastMixin, TestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        make_support_plan(cls.network_a, 2025)
        cls.org = make_organisation(network=cls.network_a, name="Kvistbro byalag")

    def test_logged_advice_is_an_action_in_the_follow_up(self) -> None:
        response = self.as_bertil().post(
            "/kansli/radgivning/ny/",
            {
                "given_on": "2025-04-02",
                "organisation": self.org.pk,
                "topic": "broadband",
                "hours": "1.5",
            },
        )
        self.assertRedirects(response, "/kansli/radgivning/", fetch_redirect_response=False)
        advice = Advice.objects.get()
        self.assertEqual(advice.given_by, self.bertil)
        self.assertEqual(Action.objects.get().source, advice)
        follow_up = self.as_bertil().get("/kansli/uppfoljning/2025/")
        row = next(r for r in follow_up.context["follow_up"].rows if r.action_count)
        self.assertIn("stödja projekt", row.activity.text)
        activity_page = self.as_bertil().get(f"/kansli/aktiviteter/{row.activity.pk}/")
        self.assertContains(activity_page, "Kvistbro byalag")

    def test_the_list_costs_the_same_queries_with_more_advice(self) -> None:
        def queries() -> int:
            with CaptureQueriesContext(connection) as captured:
                self.as_bertil().get("/kansli/radgivning/")
            return len(captured)

        Advice.objects.create(
            network=self.network_a,
            given_on=datetime.date(2025, 1, 2),
            organisation=self.org,
            topic="energy",
            hours=1,
            given_by=self.anna,
        )
        before = queries()
        for n in range(10):
            Advice.objects.create(
                network=self.network_a,
                given_on=datetime.date(2025, 2, n + 1),
                organisation=self.org,
                topic="energy",
                hours=1,
                given_by=self.bertil,
                follow_up_on=datetime.date(2025, 3, 1),
            )
        self.assertEqual(queries(), before)


class CallPagesTests(CastMixin, TestCase):
    def test_a_deadline_before_the_opening_is_a_clear_error(self) -> None:
        response = self.as_bertil().post(
            "/kansli/utlysningar/ny/",
            {
                "funder": "Region Örebro län",
                "title": "Kultur",
                "opens_on": "2025-05-01",
                "deadline_on": "2025-04-01",
            },
        )
        self.assertContains(
            response, sv("The deadline cannot be before the call opens."), status_code=400
        )
        self.assertFalse(FundingCall.objects.exists())

    def test_the_list_costs_the_same_queries_with_more_calls(self) -> None:
        def queries() -> int:
            with CaptureQueriesContext(connection) as captured:
                self.as_bertil().get("/kansli/utlysningar/")
            return len(captured)

        make_call(network=self.network_a)
        before = queries()
        for n in range(10):
            make_call(network=self.network_a, title=f"Utlysning {n}")
        self.assertEqual(queries(), before)


class ExamplePagesTests(CastMixin, TestCase):
    def test_staff_write_an_example_that_is_published_at_once(self) -> None:
        response = self.as_bertil().post(
            "/kansli/goda-exempel/nytt/",
            {
                "title": "Byns egen laddstation",
                "summary": "Elbilsladdning vid bygdegården.",
                "image": jpeg_upload(),
                "image_alt": "Laddstolpen",
                "themes": ["energy"],
            },
        )
        example = Example.objects.get()
        self.assertEqual(response.status_code, 302)
        self.assertTrue(example.is_published)
        self.assertContains(
            self.as_anonymous().get("/goda-exempel/", {"q": "laddstation"}), "Byns egen laddstation"
        )

    def test_the_moderation_queue_approves_and_the_submitter_is_told(self) -> None:
        example = make_example(
            network=self.network_a,
            title="Inskickat",
            published=False,
            moderation_status=ModerationStatus.PENDING,
            submitted_by=self.cecilia,
            submitter_email="cecilia@a.test",
            submitted_at=timezone.now(),
        )
        queue = self.as_bertil().get("/kansli/goda-exempel/inlamnat/")
        self.assertContains(queue, "Inskickat")
        from django.core import mail

        with self.captureOnCommitCallbacks(execute=True):
            response = self.as_bertil().post(
                f"/kansli/goda-exempel/inlamnat/{example.pk}/",
                {
                    "decision-decision": "approve",
                    "edit-title": "Inskickat och godkänt",
                    "edit-summary": example.summary,
                    "edit-story": example.story,
                },
            )
        self.assertEqual(response.status_code, 302)
        example.refresh_from_db()
        self.assertTrue(example.is_published)
        self.assertEqual(example.title, "Inskickat och godkänt")
        self.assertEqual([m.to for m in mail.outbox], [["cecilia@a.test"]])

    def test_the_staff_list_costs_the_same_queries_with_more_examples(self) -> None:
        def queries() -> int:
            with CaptureQueriesContext(connection) as captured:
                self.as_bertil().get("/kansli/goda-exempel/")
            return len(captured)

        make_example(network=self.network_a)
        before = queries()
        for n in range(10):
            make_example(network=self.network_a, title=f"Exempel {n}")
        self.assertEqual(queries(), before)

    def test_the_booklet_is_a_pdf_with_the_chosen_examples_and_their_photos(self) -> None:
        photo = save_image(
            network=self.network_a, image=process_image(jpeg_upload()), alt_text="Byn"
        )
        one = make_example(network=self.network_a, title="Första", photo=photo)
        two = make_example(network=self.network_a, title="Andra")
        response = self.as_sara().get(
            "/kansli/goda-exempel/skrift/",
            {"examples": [one.pk, two.pk], "title": "Goda exempel 2025"},
        )
        self.assertEqual(response["Content-Type"], "application/pdf")
        self.assertTrue(response.content.startswith(b"%PDF"))
        import io

        from pypdf import PdfReader

        text = "".join(
            page.extract_text() for page in PdfReader(io.BytesIO(response.content)).pages
        )
        self.assertIn("Första", text)
        self.assertIn("Andra", text)
