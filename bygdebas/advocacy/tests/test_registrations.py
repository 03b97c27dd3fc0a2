"""What advocacy registers: search (scoped by role), personal data, metrics, target proposals."""

from __future__ import annotations

import datetime

from django.test import TestCase
from django.urls import reverse
from django.utils import timezone

from bygdebas.advocacy import privacy
from bygdebas.advocacy.metrics import count_answers_sent, count_national_issues, count_positions
from bygdebas.advocacy.models import Case, Contribution, Entry, NationalIssue, Position, Source
from bygdebas.advocacy.services import cases as services
from bygdebas.core.personal_data import erased_name
from bygdebas.core.search import index_object, search
from bygdebas.plan.importer.proposals import propose_targets
from bygdebas.plan.models import Activity
from bygdebas.testing import CastMixin, make_person, make_plan


class SearchTests(CastMixin, TestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        source = Source.objects.create(network=cls.network_a, name="Regionen", url="http://x.test/")
        cls.entry = Entry.objects.create(
            network=cls.network_a,
            source=source,
            guid="1",
            title="Kollektivtrafiken i Laxå dras ned",
            summary="Busslinjerna på landsbygden.",
            is_match=True,
        )
        cls.unmatched = Entry.objects.create(
            network=cls.network_a, source=source, guid="2", title="Kollektivtrafiken i stan"
        )
        cls.case = Case.objects.create(
            network=cls.network_a,
            authority="Region Örebro län",
            title="Trafikförsörjningsprogram",
            received_on=datetime.date(2025, 2, 1),
            answer="Kollektivtrafiken behöver fler turer.",
        )
        cls.position = Position.objects.create(
            network=cls.network_a,
            title="Kollektivtrafik för hela länet",
            text="Bussar till byarna.",
            published_on=datetime.date(2025, 3, 1),
            is_published=True,
            published_at=timezone.now(),
        )
        cls.draft = Position.objects.create(
            network=cls.network_a,
            title="Utkast om kollektivtrafiken",
            text="Ej klart.",
            published_on=datetime.date(2025, 3, 1),
        )
        for row in (cls.entry, cls.unmatched, cls.case, cls.position, cls.draft):
            index_object(row)

    def kinds(self, user: object) -> set[str]:
        page = search("kollektivtrafiken", network=self.network_a, user=user)
        return {result.title for result in page.results}

    def test_staff_and_board_find_entries_cases_and_published_positions(self) -> None:
        expected = {
            "Kollektivtrafiken i Laxå dras ned",
            "Trafikförsörjningsprogram",
            "Kollektivtrafik för hela länet",
        }
        self.assertEqual(self.kinds(self.bertil), expected)
        self.assertEqual(self.kinds(self.sara), expected)

    def test_the_public_and_contact_persons_find_only_published_positions(self) -> None:
        self.assertEqual(self.kinds(None), {"Kollektivtrafik för hela länet"})
        self.assertEqual(self.kinds(self.cecilia), {"Kollektivtrafik för hela länet"})
        self.assertEqual(
            search("kollektivtrafiken", network=self.network_b, user=self.david).total, 0
        )

    def test_the_staff_search_page_shows_highlighted_snippets(self) -> None:
        response = self.as_bertil().get(reverse("advocacy:search"), {"q": "busslinjerna"})
        self.assertContains(response, "Kollektivtrafiken i Laxå dras ned")
        self.assertContains(response, "<mark>")

    def test_unpublishing_a_position_removes_it_from_public_search(self) -> None:
        services.save_position_state(position=self.position, actor=self.bertil, is_published=False)
        self.assertEqual(self.kinds(None), set())


class PersonalDataTests(CastMixin, TestCase):
    def test_contributions_are_extracted_and_erased_by_address(self) -> None:
        case = Case.objects.create(
            network=self.network_a,
            authority="Regionen",
            title="Remiss",
            received_on=timezone.localdate(),
        )
        Contribution.objects.create(case=case, name="Gun", email="Gun@Example.org", text="Ja.")
        Contribution.objects.create(case=case, name="Per", email="per@example.org", text="Nej.")
        subject = make_person(network=self.network_a, email="gun@example.org")
        [row] = privacy.extract(subject)
        self.assertEqual((row["name"], row["text"], row["case"]), ("Gun", "Ja.", "Remiss"))
        self.assertEqual(privacy.erase(subject), 1)
        gun = Contribution.objects.get(text="Ja.")
        self.assertEqual((gun.name, gun.email), (erased_name(), ""))
        self.assertEqual(Contribution.objects.get(text="Nej.").name, "Per")
        # Another network's subject with the same address sees nothing of A's.
        other = make_person(network=self.network_b, email="per@example.org")
        self.assertEqual(privacy.extract(other), [])


class MetricTests(CastMixin, TestCase):
    def test_answers_positions_and_national_issues_are_counted(self) -> None:
        plan = make_plan(network=self.network_a, year=2025, areas=(2,))
        advocacy, other = Activity.objects.filter(area__plan=plan).order_by("pk")
        advocacy.text = "Bedriva opinionsbildning för hållbar landsbygd."
        advocacy.save()
        case = Case.objects.create(
            network=self.network_a,
            authority="Regionen",
            title="Remiss",
            received_on=datetime.date(2025, 2, 1),
            status=Case.Status.BOARD_REVIEW,
            answer="Svar.",
            approved_at=timezone.now(),
        )
        case = services.mark_sent(case=case, actor=self.bertil, sent_on=datetime.date(2025, 3, 1))
        services.publish_case_answer(case=case, actor=self.bertil)
        NationalIssue.objects.create(
            network=self.network_a,
            title="Motion",
            raised_on=datetime.date(2025, 4, 1),
            channel="Riksstämman",
            status=NationalIssue.Status.RAISED,
        )
        activities = [advocacy, other]
        self.assertEqual(
            count_answers_sent(self.network_a, 2025, activities), {advocacy.pk: 1, other.pk: 0}
        )
        self.assertEqual(count_positions(self.network_a, 2025, activities)[advocacy.pk], 1)
        self.assertEqual(count_national_issues(self.network_a, 2025, activities)[other.pk], 1)
        self.assertEqual(count_answers_sent(self.network_b, 2025, activities)[advocacy.pk], 0)

    def test_the_plan_import_proposes_counting_consultation_answers(self) -> None:
        proposals = propose_targets("Vi ska lämna minst fem remissvar per år.")
        self.assertIn("advocacy.answers_sent", [p.metric for p in proposals])
