"""What recruitment counts for the plan's targets."""

from __future__ import annotations

import datetime

from django.test import TestCase

from bygdebas.plan.metrics import registry
from bygdebas.plan.models import Activity
from bygdebas.recruitment import services
from bygdebas.recruitment.models import Prospect, ProspectContact
from bygdebas.testing import CastMixin, make_plan


class RecruitmentMetricTests(CastMixin, TestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        plan = make_plan(network=cls.network_a, year=2025, areas=(2,))
        cls.recruit, cls.other = Activity.objects.filter(area__plan=plan).order_by("pk")
        make_plan(network=cls.network_a, year=2024, areas=(1,))
        cls.last_year = Activity.objects.get(area__plan__year=2024)
        youth = Prospect.objects.create(network=cls.network_a, name="Unga", is_youth_focus=True)
        adults = Prospect.objects.create(network=cls.network_a, name="Byalaget")

        def log(prospect: Prospect, kind: str, on: datetime.date, activity: Activity) -> None:
            services.save_contact(
                prospect=prospect, kind=kind, happened_on=on, activities=[activity]
            )

        log(youth, ProspectContact.Kind.CONTACT, datetime.date(2025, 2, 1), cls.recruit)
        log(youth, ProspectContact.Kind.MEETING, datetime.date(2025, 3, 1), cls.recruit)
        log(adults, ProspectContact.Kind.CONTACT, datetime.date(2025, 3, 2), cls.recruit)
        log(adults, ProspectContact.Kind.NOTE, datetime.date(2025, 3, 3), cls.recruit)
        log(adults, ProspectContact.Kind.CONTACT, datetime.date(2024, 5, 1), cls.last_year)
        services.convert_prospect(
            prospect=youth,
            actor=None,
            activities=[cls.recruit],
            converted_on=datetime.date(2025, 4, 1),
        )

    def count(self, key: str) -> dict[int, int]:
        return registry.count(
            key, network=self.network_a, year=2025, activities=[self.recruit, self.other]
        )

    def test_contacts_and_meetings_of_the_year_count_notes_do_not(self) -> None:
        self.assertEqual(self.count("recruitment.contacts"), {self.recruit.pk: 3, self.other.pk: 0})

    def test_new_members_count_prospects_converted_in_the_year(self) -> None:
        self.assertEqual(
            self.count("recruitment.new_members"), {self.recruit.pk: 1, self.other.pk: 0}
        )

    def test_youth_prospects_count_each_youth_focused_group_contacted_once(self) -> None:
        self.assertEqual(
            self.count("recruitment.youth_prospects"), {self.recruit.pk: 1, self.other.pk: 0}
        )

    def test_another_network_counts_nothing(self) -> None:
        counts = registry.count(
            "recruitment.contacts", network=self.network_b, year=2025, activities=[self.recruit]
        )
        self.assertEqual(counts, {self.recruit.pk: 0})
