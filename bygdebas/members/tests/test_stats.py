"""Member statistics and the member metrics that plan targets follow."""

from __future__ import annotations

from django.test import TestCase
from django.urls import reverse
from django.utils import timezone

from bygdebas.members.models import Membership, Organisation
from bygdebas.members.stats import (
    count_members,
    count_municipalities_covered,
    count_new_members,
    count_youth_led_members,
    member_statistics,
)
from bygdebas.plan.metrics import registry
from bygdebas.plan.models import Activity
from bygdebas.testing import (
    CastMixin,
    make_county,
    make_membership,
    make_municipality,
    make_organisation,
    make_plan,
    make_target,
)

ACTIVE = Membership.Status.ACTIVE


class StatisticsTests(CastMixin, TestCase):
    """Kumla: A (member 2024 and 2025, renewed), B (new in 2025, youth-led), C (2024, lapsed
    in 2025), D (asked to renew, no answer). Nora: E (only 2023). Cecilia's organisation (no
    municipality) is a member this year, not in 2025."""

    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        county = cls.network_a.county
        cls.kumla = make_municipality(code="1881", name="Kumla", county=county, population=20_000)
        cls.nora = make_municipality(code="1884", name="Nora", county=county)
        cls.laxa = make_municipality(code="1860", name="Laxå", county=county)
        other_county = make_municipality(
            code="1781", name="Kristinehamn", county=make_county(code="17", name="Värmlands län")
        )

        def org(name: str, municipality, **kw):
            return make_organisation(
                network=cls.network_a, name=name, municipality=municipality, locality=name, **kw
            )

        a = org("A", cls.kumla)
        b = org("B", cls.kumla, is_youth_led=True, kind=Organisation.Kind.LOCAL_GROUP)
        c = org("C", cls.kumla)
        d = org("D", cls.kumla)
        e = org("E", cls.nora)
        org("F", cls.laxa)  # registered, never a member
        outside = org("Utanför", other_county)
        now = timezone.now()
        make_membership(organisation=a, year=2024)
        make_membership(organisation=a, year=2025, renewal_confirmed_at=now)
        make_membership(organisation=b, year=2025)
        make_membership(organisation=c, year=2024)
        make_membership(organisation=c, year=2025, status=Membership.Status.LAPSED)
        make_membership(organisation=d, year=2024)
        make_membership(organisation=d, year=2025, status=Membership.Status.RENEWAL_REQUESTED)
        make_membership(organisation=e, year=2023)
        make_membership(organisation=outside, year=2025)
        # Another network's members never count.
        make_membership(
            organisation=make_organisation(network=cls.network_b, municipality=cls.laxa), year=2025
        )

    def test_members_per_year_with_growth_new_and_youth_led(self) -> None:
        stats = member_statistics(self.network_a, 2025)

        rows = {row.year: row for row in stats.years}
        self.assertEqual([row.year for row in stats.years], [2021, 2022, 2023, 2024, 2025])
        self.assertEqual(rows[2023].members, 1)
        self.assertEqual(rows[2024].members, 3)
        self.assertEqual(rows[2024].new, 3)
        self.assertEqual(rows[2025].members, 3)  # A, B and the one outside the county
        self.assertEqual(rows[2025].new, 2)  # B and the one outside
        self.assertEqual(rows[2025].youth_led, 1)
        self.assertEqual(stats.change, 0)
        self.assertEqual(stats.growth, 0.0)
        self.assertEqual(rows[2024].growth, 200.0)
        self.assertEqual(stats.youth_led_share, 33.3)

    def test_members_per_municipality_and_coverage(self) -> None:
        stats = member_statistics(self.network_a, 2025)

        by_name = {row.label: row for row in stats.municipalities}
        self.assertEqual(list(by_name), ["Kumla", "Laxå", "Nora"])
        self.assertEqual((by_name["Kumla"].members, by_name["Kumla"].previous), (2, 3))
        self.assertEqual(by_name["Kumla"].registered, 4)
        self.assertEqual(by_name["Kumla"].per_10000, 1.0)
        self.assertEqual(by_name["Laxå"].registered, 1)
        self.assertEqual(
            [row.label for row in stats.municipalities_without_members], ["Laxå", "Nora"]
        )
        self.assertEqual(stats.municipalities_covered, 1)
        self.assertEqual(stats.outside_members, 1)
        self.assertIn(("Laxå", "F"), stats.localities_without_members)
        self.assertIn(("Kumla", "C"), stats.localities_without_members)
        self.assertNotIn(("Kumla", "A"), stats.localities_without_members)

    def test_members_per_kind(self) -> None:
        stats = member_statistics(self.network_a, 2025)

        by_kind = {row.key: row for row in stats.kinds}
        self.assertEqual(by_kind["village"].members, 2)
        self.assertEqual(by_kind["village"].previous, 3)
        self.assertEqual(by_kind["local_group"].members, 1)

    def test_the_renewal_round(self) -> None:
        renewal = member_statistics(self.network_a, 2025).renewal

        self.assertEqual(
            (renewal.renewed, renewal.pending, renewal.lapsed, renewal.new), (1, 1, 1, 2)
        )
        self.assertEqual(renewal.renewed_share, 33.3)

    def test_the_statistics_take_five_queries(self) -> None:
        with self.assertNumQueries(5):
            member_statistics(self.network_a, 2025)

    def test_the_single_counts_agree_with_the_page(self) -> None:
        self.assertEqual(count_members(self.network_a, 2025), 3)
        self.assertEqual(count_new_members(self.network_a, 2025), 2)
        self.assertEqual(count_youth_led_members(self.network_a, 2025), 1)
        self.assertEqual(count_municipalities_covered(self.network_a, 2025), 2)

    def test_the_page_shows_the_year_and_its_figures(self) -> None:
        response = self.as_sara().get(reverse("members:statistics"), {"year": 2025})

        self.assertEqual(response.status_code, 200)
        self.assertEqual(response.context["year"], 2025)
        self.assertIn(2024, response.context["year_choices"])
        self.assertContains(response, '<th scope="row">Kumla</th>', html=False)

    def test_a_bad_year_shows_the_current_year(self) -> None:
        response = self.as_sara().get(reverse("members:statistics"), {"year": "x"})
        self.assertEqual(response.context["year"], timezone.localdate().year)

    def test_the_query_count_does_not_grow_with_the_data(self) -> None:
        client = self.as_bertil()
        url = reverse("members:statistics")
        client.get(url, {"year": 2025})
        with self.assertNumQueries(10) as small:
            client.get(url, {"year": 2025})
        for i in range(20):
            org = make_organisation(
                network=self.network_a, municipality=self.nora, locality=f"Ort {i}"
            )
            for year in (2023, 2024, 2025):
                make_membership(organisation=org, year=year)
        with self.assertNumQueries(len(small.captured_queries)):
            client.get(url, {"year": 2025})


class MetricTests(CastMixin, TestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        cls.plan = make_plan(network=cls.network_a, year=2025, areas=(2,))
        cls.first, cls.second = Activity.objects.filter(area__plan=cls.plan).order_by("order")
        kumla = make_municipality(code="1881", name="Kumla")
        for i in range(3):
            org = make_organisation(network=cls.network_a, municipality=kumla, is_youth_led=i == 0)
            make_membership(organisation=org, year=2025)
            if i:
                make_membership(organisation=org, year=2024)

    def test_the_member_metrics_are_registered(self) -> None:
        for key in (
            "members.organisations",
            "members.new_organisations",
            "members.youth_led",
            "members.municipalities_covered",
        ):
            self.assertIn(key, registry)

    def test_each_activity_gets_the_networks_count(self) -> None:
        activities = [self.first, self.second]
        count = registry.count
        self.assertEqual(
            count(
                "members.organisations", network=self.network_a, year=2025, activities=activities
            ),
            {self.first.pk: 3, self.second.pk: 3},
        )
        self.assertEqual(
            count(
                "members.new_organisations",
                network=self.network_a,
                year=2025,
                activities=activities,
            )[self.first.pk],
            1,
        )
        self.assertEqual(
            count("members.youth_led", network=self.network_a, year=2025, activities=activities)[
                self.first.pk
            ],
            1,
        )
        self.assertEqual(
            count(
                "members.municipalities_covered",
                network=self.network_a,
                year=2025,
                activities=activities,
            )[self.first.pk],
            1,
        )
        self.assertEqual(
            count(
                "members.organisations", network=self.network_b, year=2025, activities=activities
            ),
            {self.first.pk: 0, self.second.pk: 0},
        )

    def test_the_follow_up_dashboard_shows_the_member_count_against_the_target(self) -> None:
        make_target(activity=self.first, metric="members.organisations", value=40)
        make_target(activity=self.second, metric="members.youth_led", value=5)

        response = self.as_sara().get(reverse("plan:follow-up", args=[2025]))

        rows = {row.activity.pk: row for row in response.context["follow_up"].rows}
        self.assertEqual(rows[self.first.pk].targets[0].achieved, 3)
        self.assertEqual(rows[self.second.pk].targets[0].achieved, 1)
        self.assertContains(response, "3 / 40")
        self.assertContains(response, "1 / 5")
