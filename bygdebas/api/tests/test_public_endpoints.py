"""The apps' public endpoints (no key): each shows only what the public pages show, for the
host's network only, and a page costs a fixed number of queries however many rows it holds."""

from __future__ import annotations

import datetime
from typing import Any

from django.db import connection
from django.test import TestCase
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from bygdebas.advocacy.models import Case, Position
from bygdebas.advocacy.models import Topic as AdvocacyTopic
from bygdebas.api.tests.base import ApiCastMixin
from bygdebas.conditions.models import MeToo, ReportPhoto, ReportUpdate, Status
from bygdebas.conditions.tests.helpers import make_report, make_square_municipality
from bygdebas.core.images import process_image, save_image
from bygdebas.core.moderation import ModerationStatus
from bygdebas.newsletter.models import Issue, IssueEntry
from bygdebas.newsletter.tests.factories import make_issue, make_item
from bygdebas.projects.models import Goal, Theme
from bygdebas.projects.tests.factories import jpeg_upload, make_example
from bygdebas.testing import make_municipality, make_organisation


class PublicEndpointMixin(ApiCastMixin):
    url_name: str

    def get(self, host: str = "a.test", **params: Any) -> Any:
        response = self.api(None, host=host).get(reverse(self.url_name), params)
        self.assertEqual(response.status_code, 200, response.content[:300])
        return response.json()

    def all_items(self, host: str = "a.test", limit: int = 2) -> list[dict[str, Any]]:
        """Every row, following the cursors."""
        items: list[dict[str, Any]] = []
        params: dict[str, Any] = {"limit": limit}
        while True:
            page = self.get(host, **params)
            items.extend(page["items"])
            if not page["next_cursor"]:
                return items
            params["cursor"] = page["next_cursor"]

    def queries_for_page(self) -> int:
        client = self.api(None)
        url = reverse(self.url_name)
        client.get(url)  # the rate-limit window's first request clears old windows
        with CaptureQueriesContext(connection) as context:
            response = client.get(url)
        self.assertEqual(response.status_code, 200)
        return len(context.captured_queries)


def make_position(network: Any, title: str, **overrides: Any) -> Position:
    fields: dict[str, Any] = {
        "network": network,
        "title": title,
        "text": "Bussarna behövs på landsbygden.",
        "published_on": datetime.date(2025, 5, 2),
        "is_published": True,
        "published_at": timezone.now(),
    }
    fields.update(overrides)
    return Position.objects.create(**fields)


class PublicPositionTests(PublicEndpointMixin, TestCase):
    url_name = "api-v1:public-positions"

    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        a, b = cls.network_a, cls.network_b
        cls.topic = AdvocacyTopic.objects.create(network=a, name="Kollektivtrafik")
        case = Case.objects.create(
            network=a,
            title="Remiss om busslinjer",
            authority="Region Örebro län",
            reference="RÖL 2025/17",
            received_on=datetime.date(2025, 4, 1),
        )
        make_position(a, "Om kollektivtrafiken", topic=cls.topic, case=case)
        make_position(a, "Om bredbandet", published_on=datetime.date(2025, 3, 1))
        make_position(a, "A-draft-position", is_published=False, published_at=None)
        make_position(b, "B-position")

    def test_only_published_positions_of_the_hosts_network(self) -> None:
        items = self.all_items(limit=1)
        self.assertEqual(
            [item["title"] for item in items], ["Om bredbandet", "Om kollektivtrafiken"]
        )
        answer = items[1]
        self.assertEqual(answer["topic"], "Kollektivtrafik")
        self.assertEqual(answer["consultation_authority"], "Region Örebro län")
        self.assertEqual(answer["consultation_reference"], "RÖL 2025/17")
        self.assertEqual(answer["published_on"], "2025-05-02")
        self.assertTrue(answer["url"].startswith("http://a.test/"))
        self.assertTrue(answer["pdf_url"].endswith(".pdf"))
        self.assertEqual(self.api(None).get(answer["url"]).status_code, 200)
        self.assertIsNone(items[0]["topic"])
        self.assertIsNone(items[0]["consultation_reference"])

    def test_network_b_sees_its_own_only(self) -> None:
        titles = [item["title"] for item in self.all_items(host="b.test")]
        self.assertEqual(titles, ["B-position"])
        for item in self.all_items():
            self.assertNotIn("B-position", str(item))
            self.assertNotIn("A-draft-position", str(item))

    def test_a_topic_narrows_the_list(self) -> None:
        titles = [item["title"] for item in self.get(topic="Kollektivtrafik")["items"]]
        self.assertEqual(titles, ["Om kollektivtrafiken"])

    def test_a_page_costs_a_fixed_number_of_queries(self) -> None:
        few = self.queries_for_page()
        for number in range(6):
            make_position(self.network_a, f"Ställningstagande {number}", topic=self.topic)
        self.assertEqual(self.queries_for_page(), few)
        self.assertLessEqual(few, 3)


class PublicExampleTests(PublicEndpointMixin, TestCase):
    url_name = "api-v1:public-examples"

    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        a, b = cls.network_a, cls.network_b
        cls.municipality = make_municipality(county=a.county, code="1880", name="Örebro")
        cls.photo = save_image(
            network=a, image=process_image(jpeg_upload()), alt_text="Barn i skolträdgården"
        )
        cls.example = make_example(
            network=a,
            title="Skolträdgården",
            municipality=cls.municipality,
            locality="Vintrosa",
            lat=59.27,
            lon=15.05,
            is_youth=True,
            photo=cls.photo,
            other_organisations="Vintrosa skola",
            contact_name="Greta Grön",
            contact_email="greta@example.org",
            contact_phone="070-333 33 33",
            has_contact_consent=True,
            submitter_name="Sven Skickare",
            submitter_email="sven@example.org",
            published_at=timezone.now() - datetime.timedelta(days=1),
        )
        cls.example.goals.set([Goal.objects.get(number=2)])
        cls.example.themes.set([Theme.objects.order_by("order").first()])
        cls.example.organisations.set([make_organisation(network=a, name="Vintrosa byalag")])
        make_example(network=a, title="Byskolan")
        make_example(
            network=a, title="A-pending-example", moderation_status=ModerationStatus.PENDING
        )
        make_example(network=a, title="A-unpublished-example", published=False)
        make_example(
            network=a,
            title="A-approved-not-published",
            moderation_status=ModerationStatus.APPROVED,
            published_at=None,
        )
        make_example(
            network=a, title="A-declined-example", moderation_status=ModerationStatus.DECLINED
        )
        make_example(network=b, title="B-example")

    def test_only_published_examples_of_the_hosts_network(self) -> None:
        items = self.all_items(limit=1)
        self.assertEqual([item["title"] for item in items], ["Skolträdgården", "Byskolan"])
        first = items[0]
        self.assertEqual(first["place"], self.example.place_line)
        self.assertEqual((first["municipality_code"], first["locality"]), ("1880", "Vintrosa"))
        self.assertEqual((first["lat"], first["lon"]), (59.27, 15.05))
        self.assertTrue(first["is_youth"])
        self.assertEqual([goal["number"] for goal in first["goals"]], [2])
        self.assertEqual(len(first["themes"]), 1)
        self.assertEqual(first["organisations"], ["Vintrosa byalag"])
        self.assertEqual(first["photo"]["alt_text"], "Barn i skolträdgården")
        self.assertTrue(first["photo"]["url"].startswith("http://a.test/"))
        self.assertEqual(self.api(None).get(first["url"]).status_code, 200)
        self.assertIsNone(items[1]["photo"])

    def test_no_personal_data_nor_other_rows(self) -> None:
        text = str(self.all_items())
        for secret in (
            "Greta Grön",
            "greta@example.org",
            "070-333 33 33",
            "Sven Skickare",
            "sven@example.org",
            "A-pending-example",
            "A-unpublished-example",
            "A-approved-not-published",
            "A-declined-example",
            "B-example",
        ):
            self.assertNotIn(secret, text)
        titles = [item["title"] for item in self.all_items(host="b.test")]
        self.assertEqual(titles, ["B-example"])

    def test_filters_narrow_the_list(self) -> None:
        def titles(**params: Any) -> list[str]:
            return [item["title"] for item in self.get(**params)["items"]]

        self.assertEqual(titles(municipality="1880"), ["Skolträdgården"])
        self.assertEqual(titles(goal=2), ["Skolträdgården"])
        self.assertEqual(titles(youth="true"), ["Skolträdgården"])
        self.assertEqual(titles(goal=3), [])

    def test_a_page_costs_a_fixed_number_of_queries(self) -> None:
        few = self.queries_for_page()
        for number in range(6):
            example = make_example(
                network=self.network_a,
                title=f"Exempel {number}",
                municipality=self.municipality,
                photo=self.photo,
            )
            example.goals.set(Goal.objects.filter(number__in=[1, 2]))
            example.themes.set(Theme.objects.all()[:2])
            example.organisations.set([make_organisation(network=self.network_a)])
        self.assertEqual(self.queries_for_page(), few)
        self.assertLessEqual(few, 6)


def make_sent_issue(network: Any, title: str, **overrides: Any) -> Issue:
    fields: dict[str, Any] = {
        "status": Issue.Status.SENT,
        "sent_at": timezone.now(),
        "subject": f"Nyhetsbrev: {title}",
        "body_html": "<p>Hej Mottagare Hemlig, avregistrera: token-secret</p>",
        "recipients_count": 7_654_321,
    }
    fields.update(overrides)
    return make_issue(network=network, title=title, items=0, **fields)


class PublicNewsletterTests(PublicEndpointMixin, TestCase):
    url_name = "api-v1:public-newsletter-issues"

    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        a, b = cls.network_a, cls.network_b
        cls.photo = save_image(
            network=a, image=process_image(jpeg_upload()), alt_text="Bygdegården"
        )
        cls.issue = make_sent_issue(
            a, "Vårnumret", introduction="Välkommen till **våren**.", sent_at=timezone.now()
        )
        organisation = make_organisation(network=a, name="A-item-organisation")
        for position, title in enumerate(["Andra notisen", "Första notisen"], start=1):
            IssueEntry.objects.create(
                issue=cls.issue,
                item=make_item(
                    network=a,
                    title=title,
                    link="https://example.org/las-mer",
                    photo=cls.photo if position == 2 else None,
                    organisation=organisation,
                    submitter_name="Sven Skickare",
                    submitter_email="sven@example.org",
                ),
                position=3 - position,
            )
        make_sent_issue(a, "Sommarnumret", sent_at=timezone.now() - datetime.timedelta(days=400))
        make_issue(network=a, title="A-draft-issue", items=1)
        make_issue(network=a, title="A-scheduled-issue", status=Issue.Status.SCHEDULED)
        make_issue(network=a, title="A-sending-issue", status=Issue.Status.SENDING)
        make_sent_issue(b, "B-issue")

    def test_only_sent_issues_of_the_hosts_network(self) -> None:
        items = self.all_items(limit=1)
        self.assertEqual([item["title"] for item in items], ["Vårnumret", "Sommarnumret"])
        first = items[0]
        self.assertEqual(first["number"], self.issue.number)
        self.assertEqual(first["introduction"], "Välkommen till **våren**.")
        self.assertEqual(
            [entry["title"] for entry in first["items"]], ["Första notisen", "Andra notisen"]
        )
        self.assertEqual(first["items"][0]["photo"]["alt_text"], "Bygdegården")
        self.assertIsNone(first["items"][1]["photo"])
        self.assertEqual(first["items"][0]["link"], "https://example.org/las-mer")
        self.assertEqual(self.api(None).get(first["url"]).status_code, 200)

    def test_no_private_parts_nor_other_rows(self) -> None:
        text = str(self.all_items())
        for secret in (
            "Mottagare Hemlig",
            "token-secret",
            "7654321",
            "A-item-organisation",
            "Sven Skickare",
            "sven@example.org",
            "A-draft-issue",
            "A-scheduled-issue",
            "A-sending-issue",
            "B-issue",
        ):
            self.assertNotIn(secret, text)
        titles = [item["title"] for item in self.all_items(host="b.test")]
        self.assertEqual(titles, ["B-issue"])

    def test_a_year_narrows_the_list(self) -> None:
        year = timezone.now().year
        titles = [item["title"] for item in self.get(year=year)["items"]]
        self.assertIn("Vårnumret", titles)
        self.assertNotIn("Sommarnumret", titles)

    def test_a_page_costs_a_fixed_number_of_queries(self) -> None:
        few = self.queries_for_page()
        for number in range(6):
            issue = make_sent_issue(self.network_a, f"Nummer {number}")
            for position in range(3):
                IssueEntry.objects.create(
                    issue=issue,
                    item=make_item(network=self.network_a, photo=self.photo),
                    position=position,
                )
        self.assertEqual(self.queries_for_page(), few)
        self.assertLessEqual(few, 4)


class PublicReportTests(PublicEndpointMixin, TestCase):
    url_name = "api-v1:public-conditions-reports"

    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        a, b = cls.network_a, cls.network_b
        cls.kumla = make_square_municipality(a.county)
        cls.photo = save_image(network=a, image=process_image(jpeg_upload()), alt_text="Hålet")
        cls.report = make_report(
            network=a,
            municipality=cls.kumla,
            title="Potthål på Byvägen",
            locality="Ekeberg",
            address="Byvägen 3",
            published_at=timezone.now() - datetime.timedelta(days=2),
            submitter_name="Eva Rapportör",
            submitter_email="eva-secret@example.org",
            reported_title="A-reported-title",
            reported_description="A-reported-description",
        )
        ReportPhoto.objects.create(report=cls.report, image=cls.photo)
        ReportUpdate.objects.create(
            report=cls.report,
            text="Kommunen har svarat.",
            new_status=Status.ANSWERED,
            created_by=cls.bertil,
        )
        MeToo.objects.create(
            report=cls.report,
            name="Mia Medhåll",
            email="mia@example.org",
            confirmed_at=timezone.now(),
        )
        MeToo.objects.create(report=cls.report, name="Obekräftad", email="ob@example.org")
        make_report(
            network=a, municipality=cls.kumla, title="Ingen mobiltäckning", category="mobile"
        )
        make_report(network=a, municipality=cls.kumla, title="A-unconfirmed", published=False)
        make_report(
            network=a,
            municipality=cls.kumla,
            title="A-held-for-moderation",
            published=False,
            confirmed_at=timezone.now(),
            moderation_status=ModerationStatus.PENDING,
        )
        make_report(
            network=a,
            municipality=cls.kumla,
            title="A-declined",
            published=False,
            confirmed_at=timezone.now(),
            moderation_status=ModerationStatus.DECLINED,
        )
        make_report(network=a, municipality=cls.kumla, title="A-hidden", is_hidden=True)
        make_report(network=a, municipality=cls.kumla, title="A-merged", duplicate_of=cls.report)
        make_report(network=b, municipality=cls.kumla, title="B-report")

    def test_only_public_reports_of_the_hosts_network(self) -> None:
        items = self.all_items(limit=1)
        self.assertEqual(
            [item["title"] for item in items], ["Potthål på Byvägen", "Ingen mobiltäckning"]
        )
        first = items[0]
        self.assertEqual((first["lat"], first["lon"]), (59.1, 15.15))
        self.assertEqual(
            (first["municipality_code"], first["municipality_name"]), ("1881", "Kumla")
        )
        self.assertEqual((first["locality"], first["address"]), ("Ekeberg", "Byvägen 3"))
        self.assertEqual((first["category"], first["status"]), ("road", "open"))
        self.assertEqual(first["me_too_count"], 1)
        self.assertEqual(first["photos"][0]["alt_text"], "Hålet")
        self.assertEqual(
            [(update["text"], update["new_status"]) for update in first["updates"]],
            [("Kommunen har svarat.", "answered")],
        )
        self.assertEqual(self.api(None).get(first["url"]).status_code, 200)

    def test_no_personal_data_nor_other_rows(self) -> None:
        text = str(self.all_items())
        for secret in (
            "Eva Rapportör",
            "eva-secret@example.org",
            "A-reported-title",
            "A-reported-description",
            "Mia Medhåll",
            "mia@example.org",
            "ob@example.org",
            "bertil",
            "A-unconfirmed",
            "A-held-for-moderation",
            "A-declined",
            "A-hidden",
            "A-merged",
            "B-report",
        ):
            self.assertNotIn(secret, text)
        titles = [item["title"] for item in self.all_items(host="b.test")]
        self.assertEqual(titles, ["B-report"])

    def test_filters_narrow_the_list(self) -> None:
        def titles(**params: Any) -> list[str]:
            return [item["title"] for item in self.get(**params)["items"]]

        self.assertEqual(titles(category="mobile"), ["Ingen mobiltäckning"])
        self.assertEqual(titles(status="fixed"), [])
        self.assertEqual(len(titles(municipality="1881")), 2)
        response = self.api(None).get(reverse(self.url_name), {"category": "weather"})
        self.assertEqual(response.status_code, 422)

    def test_a_page_costs_a_fixed_number_of_queries(self) -> None:
        few = self.queries_for_page()
        for number in range(6):
            report = make_report(
                network=self.network_a, municipality=self.kumla, title=f"Väg {number}"
            )
            ReportPhoto.objects.create(report=report, image=self.photo)
            ReportUpdate.objects.create(report=report, text="Skickad.", new_status=Status.SENT)
            MeToo.objects.create(
                report=report, email=f"m{number}@example.org", confirmed_at=timezone.now()
            )
        self.assertEqual(self.queries_for_page(), few)
        self.assertLessEqual(few, 5)
