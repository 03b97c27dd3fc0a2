"""Consultation cases through the staff pages: from an inbox entry to a published position."""

from __future__ import annotations

import datetime
import io
import zipfile

import feedparser
from django.core.exceptions import ValidationError
from django.db import connection
from django.test import TestCase
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from bygdebas.advocacy.models import (
    AnswerVersion,
    Case,
    Contribution,
    Entry,
    Position,
    Source,
    Topic,
)
from bygdebas.advocacy.services import cases as services
from bygdebas.core.models import Role
from bygdebas.plan.models import Action, Activity
from bygdebas.testing import CastMixin, make_plan


class CaseFlowTests(CastMixin, TestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        cls.today = timezone.localdate()
        plan = make_plan(network=cls.network_a, year=cls.today.year, areas=(2, 1))
        cls.advocacy = Activity.objects.filter(area__plan=plan).order_by("pk")[0]
        cls.advocacy.text = "Bedriva opinionsbildning för hållbar landsbygd."
        cls.advocacy.save()
        cls.other_activity = Activity.objects.filter(area__plan=plan).order_by("pk")[1]
        cls.source = Source.objects.create(
            network=cls.network_a, name="Regeringen", url="http://127.0.0.1:9/x"
        )
        cls.entry = Entry.objects.create(
            network=cls.network_a,
            source=cls.source,
            guid="g1",
            link="http://example.org/remiss",
            title="Remiss: Trafikförsörjningsprogram för Örebro län",
            summary="Kollektivtrafiken på landsbygden.",
            is_match=True,
            matched_terms="kollektivtrafik",
        )

    def new_case(self, **fields: object) -> Case:
        defaults: dict[str, object] = {
            "network": self.network_a,
            "authority": "Region Örebro län",
            "title": "Trafikförsörjningsprogram",
            "reference": "RS 2025/123",
            "received_on": self.today,
            "deadline_on": self.today + datetime.timedelta(days=20),
            "responsible": self.bertil,
        }
        defaults.update(fields)
        case = Case.objects.create(**defaults)
        case.activities.set([self.advocacy])
        return case

    def test_an_entry_becomes_a_case_with_the_plans_advocacy_activity_ticked(self) -> None:
        client = self.as_bertil()
        url = reverse("advocacy:entry-case", args=[self.entry.pk])

        page = client.get(url)
        self.assertContains(page, "Trafikförsörjningsprogram för Örebro län")
        self.assertEqual(page.context["form"].initial["activities"], [self.advocacy.pk])
        response = client.post(
            url,
            {
                "authority": "Region Örebro län",
                "title": "Trafikförsörjningsprogram",
                "reference": "RS 2025/123",
                "received_on": self.today.isoformat(),
                "deadline_on": (self.today + datetime.timedelta(days=30)).isoformat(),
                "responsible": self.bertil.pk,
                "activities": [self.advocacy.pk],
            },
        )

        case = Case.objects.get()
        self.assertRedirects(response, reverse("advocacy:case-detail", args=[case.pk]))
        self.entry.refresh_from_db()
        self.assertEqual(self.entry.case, case)
        self.assertEqual(self.entry.relevance, Entry.Relevance.RELEVANT)
        self.assertEqual(list(case.activities.all()), [self.advocacy])

    def test_a_deadline_before_the_case_came_is_refused_and_nothing_saved(self) -> None:
        response = self.as_bertil().post(
            reverse("advocacy:case-create"),
            {
                "authority": "Regionen",
                "title": "X",
                "received_on": self.today.isoformat(),
                "deadline_on": (self.today - datetime.timedelta(days=1)).isoformat(),
            },
        )
        self.assertEqual(response.status_code, 400)
        self.assertIn("deadline_on", response.context["form"].errors)
        self.assertFalse(Case.objects.exists())

    def test_drafting_keeps_versions_and_the_board_approves_then_staff_send_and_publish(
        self,
    ) -> None:
        case = self.new_case()
        staff = self.as_bertil()
        answer_url = reverse("advocacy:case-answer", args=[case.pk])
        staff.post(answer_url, {"text": "Vi tillstyrker förslaget."})
        staff.post(answer_url, {"text": "Vi tillstyrker förslaget, med två ändringar."})
        self.assertEqual(
            list(AnswerVersion.objects.filter(case=case).values_list("text", flat=True)),
            ["Vi tillstyrker förslaget, med två ändringar.", "Vi tillstyrker förslaget."],
        )
        # The drafting page says who changed what, and when.
        drafting = staff.get(answer_url)
        self.assertContains(drafting, "<ins>Vi tillstyrker förslaget, med två ändringar.</ins>")
        self.assertContains(drafting, "<del>Vi tillstyrker förslaget.</del>")
        staff.post(reverse("advocacy:case-move", args=[case.pk]), {"status": "board_review"})
        case.refresh_from_db()
        self.assertEqual(case.status, Case.Status.BOARD_REVIEW)

        # Staff cannot approve; the board can.
        review = reverse("advocacy:case-review", args=[case.pk])
        self.assertEqual(staff.post(review, {"decision": "approve"}).status_code, 403)
        self.as_sara().post(review, {"decision": "approve"})
        case.refresh_from_db()
        self.assertEqual(case.approved_by, self.sara)

        staff.post(
            reverse("advocacy:case-sent", args=[case.pk]), {"sent_on": self.today.isoformat()}
        )
        case.refresh_from_db()
        self.assertEqual(case.status, Case.Status.SENT)
        action = Action.objects.get()
        self.assertEqual(case.action, action)
        self.assertIn("Region Örebro län", action.title)
        self.assertIn("RS 2025/123", action.title)
        self.assertEqual(list(action.activities.all()), [self.advocacy])
        self.assertEqual(action.source, case)
        # The follow-up dashboard shows it.
        self.assertContains(staff.get(reverse("plan:action-list")), "RS 2025/123")

        response = staff.post(reverse("advocacy:case-publish", args=[case.pk]), {"title": ""})
        position = Position.objects.get()
        self.assertRedirects(response, reverse("advocacy:position-detail", args=[position.pk]))
        self.assertTrue(position.is_published)
        self.assertEqual(position.text, "Vi tillstyrker förslaget, med två ändringar.")
        visitor = self.as_anonymous()
        found = visitor.get(reverse("advocacy:position-list"), {"q": "ändringarna"})
        self.assertContains(found, position.title)

    def test_the_board_sends_an_answer_back_with_a_comment(self) -> None:
        case = self.new_case(status=Case.Status.BOARD_REVIEW, answer="Utkast.")
        review = reverse("advocacy:case-review", args=[case.pk])
        response = self.as_sara().post(review, {"decision": "send_back", "comment": ""})
        self.assertEqual(response.status_code, 400)
        self.as_sara().post(review, {"decision": "send_back", "comment": "Skärp slutsatsen."})
        case.refresh_from_db()
        self.assertEqual(case.status, Case.Status.DRAFTING)
        self.assertEqual(case.comments.get().text, "Skärp slutsatsen.")

    def test_an_unapproved_answer_cannot_be_sent(self) -> None:
        case = self.new_case(status=Case.Status.BOARD_REVIEW, answer="Utkast.")
        response = self.as_bertil().post(
            reverse("advocacy:case-sent", args=[case.pk]), {"sent_on": self.today.isoformat()}
        )
        self.assertEqual(response.status_code, 400)
        self.assertContains(response, "godkänt", status_code=400)
        self.assertFalse(Action.objects.exists())

    def test_declining_needs_a_reason(self) -> None:
        case = self.new_case()
        url = reverse("advocacy:case-move", args=[case.pk])
        self.assertEqual(self.as_bertil().post(url, {"status": "declined"}).status_code, 400)
        self.as_bertil().post(url, {"status": "declined", "reason": "Berör inte landsbygden."})
        case.refresh_from_db()
        self.assertEqual(
            (case.status, case.decline_reason), ("declined", "Berör inte landsbygden.")
        )

    def test_members_contribute_through_the_link_and_only_staff_and_board_see_it(self) -> None:
        case = self.new_case(answer="Utkast.", status=Case.Status.DRAFTING)
        url = services.contribution_url(case)
        anonymous = self.as_anonymous()
        self.assertContains(anonymous.get(url), case.title)
        anonymous.post(
            url, {"name": "Gun Eriksson", "email": "gun@example.org", "text": "Busslinje 503!"}
        )
        self.assertEqual(Contribution.objects.get().text, "Busslinje 503!")
        detail = reverse("advocacy:case-detail", args=[case.pk])
        self.assertContains(self.as_sara().get(detail), "Busslinje 503!")
        self.assertEqual(self.as_cecilia().get(detail).status_code, 403)
        self.assertEqual(self.as_david().get(detail).status_code, 404)
        # A made-up or another network's link is 404.
        self.assertEqual(
            anonymous.get(url.replace("/synpunkter/", "/synpunkter/x")).status_code, 404
        )
        self.assertEqual(self.as_david().get(url).status_code, 404)

    def test_the_answer_comes_as_pdf_and_docx(self) -> None:
        case = self.new_case(answer="# Sammanfattning\n\nVi tillstyrker.")
        pdf = self.as_bertil().get(reverse("advocacy:case-pdf", args=[case.pk]))
        self.assertEqual(pdf["Content-Type"], "application/pdf")
        self.assertTrue(pdf.content.startswith(b"%PDF"))
        docx = self.as_bertil().get(reverse("advocacy:case-docx", args=[case.pk]))
        with zipfile.ZipFile(io.BytesIO(docx.content)) as archive:
            xml = archive.read("word/document.xml").decode()
        self.assertIn("Vi tillstyrker.", xml)
        self.assertIn(self.network_a.name, xml)
        self.assertIn("RS 2025/123", xml)

    def test_the_list_marks_overdue_and_due_this_week_in_deadline_order(self) -> None:
        self.new_case(
            title="Försenad",
            deadline_on=self.today - datetime.timedelta(days=1),
            received_on=self.today - datetime.timedelta(days=20),
        )
        self.new_case(title="Snart", deadline_on=self.today + datetime.timedelta(days=3))
        self.new_case(title="Senare", deadline_on=self.today + datetime.timedelta(days=30))
        response = self.as_bertil().get(reverse("advocacy:case-list"))
        titles = [case.title for case in response.context["page"]]
        self.assertEqual(titles, ["Försenad", "Snart", "Senare"])
        self.assertContains(response, 'class="overdue"', count=1)
        self.assertContains(response, 'class="due-soon"', count=1)

    def test_the_case_list_and_inbox_cost_the_same_queries_for_few_and_many_rows(self) -> None:
        client = self.as_bertil()
        counts = []
        for n in (3, 12):
            Case.objects.all().delete()
            for i in range(n):
                self.new_case(title=f"Remiss {i}")
                Entry.objects.create(
                    network=self.network_a,
                    source=self.source,
                    guid=f"{n}-{i}",
                    title=f"Post {i}",
                    is_match=True,
                    assigned_to=self.bertil,
                )
            row = []
            for url in (reverse("advocacy:case-list"), reverse("advocacy:inbox")):
                with CaptureQueriesContext(connection) as queries:
                    self.assertEqual(client.get(url).status_code, 200)
                row.append(len(queries))
            counts.append(row)
        self.assertEqual(counts[0], counts[1])

    def test_the_public_positions_and_the_sources_cost_the_same_queries_for_few_and_many(
        self,
    ) -> None:
        topic = Topic.objects.create(network=self.network_a, name="Vägar")
        counts = []
        for n in (3, 12):
            Position.objects.all().delete()
            for i in range(n):
                Position.objects.create(
                    network=self.network_a,
                    title=f"Ställning {i}",
                    text="Text.",
                    topic=topic,
                    published_on=self.today,
                    is_published=True,
                    published_at=timezone.now(),
                )
                Source.objects.create(
                    network=self.network_a, name=f"Källa {n}-{i}", url="http://127.0.0.1:9/"
                )
            row = []
            for client, url in (
                (self.as_anonymous(), reverse("advocacy:position-list")),
                (self.as_bertil(), reverse("advocacy:source-list")),
                (self.as_bertil(), reverse("advocacy:position-admin-list")),
            ):
                with CaptureQueriesContext(connection) as queries:
                    self.assertEqual(client.get(url).status_code, 200)
                row.append(len(queries))
            counts.append(row)
        self.assertEqual(counts[0], counts[1])

    def test_the_deadline_calendar_lists_open_cases(self) -> None:
        self.new_case(title="Öppen remiss")
        self.new_case(title="Skickad remiss", status=Case.Status.SENT)
        response = self.as_bertil().get(reverse("advocacy:case-calendar"))
        self.assertEqual(response["Content-Type"], "text/calendar; charset=utf-8")
        body = response.content.decode()
        self.assertIn("Öppen remiss", body)
        self.assertNotIn("Skickad remiss", body)

    def test_a_calendar_app_reads_the_deadlines_at_the_staff_members_signed_address(self) -> None:
        self.new_case(title="Öppen remiss")
        page = self.as_bertil().get(reverse("advocacy:case-list"))
        address = page.context["calendar_url"].removeprefix("http://a.test")
        self.assertIn("Öppen remiss", self.as_anonymous().get(address).content.decode())
        # Once Bertil has no role, his address stops working.
        Role.objects.filter(user=self.bertil).delete()
        self.assertEqual(self.as_anonymous().get(address).status_code, 404)
        self.assertEqual(self.as_anonymous().get(address.replace(".ics", "x.ics")).status_code, 404)

    def test_publishing_is_refused_before_sending(self) -> None:
        case = self.new_case(answer="Svar.")
        with self.assertRaises(ValidationError):
            services.publish_case_answer(case=case, actor=self.bertil)
        self.assertFalse(Position.objects.exists())

    def test_a_sent_without_activities_falls_back_to_the_plans_advocacy_activity(self) -> None:
        case = self.new_case(
            status=Case.Status.BOARD_REVIEW, answer="Svar.", approved_at=timezone.now()
        )
        case.activities.set([])
        services.mark_sent(case=case, actor=self.bertil, sent_on=self.today)
        self.assertEqual(list(Action.objects.get().activities.all()), [self.advocacy])

    def test_positions_feed_has_only_published_positions(self) -> None:
        Position.objects.create(
            network=self.network_a,
            title="Publicerad",
            text="Text.",
            published_on=self.today,
            is_published=True,
            published_at=timezone.now(),
        )
        Position.objects.create(
            network=self.network_a, title="Utkast", text="Text.", published_on=self.today
        )
        atom = feedparser.parse(
            self.as_anonymous().get(reverse("advocacy:positions-feed-atom")).content
        )
        self.assertEqual([e.title for e in atom.entries], ["Publicerad"])
        data = self.as_anonymous().get(reverse("advocacy:positions-feed-json")).json()
        self.assertEqual(data["version"], "https://jsonfeed.org/version/1.1")
        self.assertEqual([item["title"] for item in data["items"]], ["Publicerad"])
        draft = Position.objects.get(title="Utkast")
        self.assertEqual(
            self.as_anonymous()
            .get(reverse("advocacy:position-detail", args=[draft.pk]))
            .status_code,
            404,
        )

    def test_staff_update_an_inbox_entry(self) -> None:
        response = self.as_bertil().post(
            reverse("advocacy:entry-update", args=[self.entry.pk]),
            {"relevance": "relevant", "assigned_to": self.anna.pk, "comment": "Svara?"},
        )
        self.assertRedirects(response, reverse("advocacy:entry-detail", args=[self.entry.pk]))
        self.entry.refresh_from_db()
        self.assertEqual(
            (self.entry.relevance, self.entry.assigned_to, self.entry.comment),
            ("relevant", self.anna, "Svara?"),
        )
