"""plan.followup.build_follow_up: statuses, metrics, filters and the metric extension point."""

from __future__ import annotations

import datetime
from collections.abc import Sequence

from django.test import TestCase

from bygdebas.core.models import Network
from bygdebas.plan.followup import ActivityRow, FollowUp, Status, build_follow_up
from bygdebas.plan.metrics import register_metric, registry
from bygdebas.plan.models import Activity, Plan
from bygdebas.testing import CastMixin, make_action, make_municipality, make_plan, make_target


def row_for(result: FollowUp, activity: Activity) -> ActivityRow:
    return next(row for row in result.rows if row.activity.pk == activity.pk)


class FollowUpTests(CastMixin, TestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        cls.plan = make_plan(network=cls.network_a, year=2025, areas=(3, 2))
        cls.area_1, cls.area_2 = cls.plan.areas.order_by("order")
        cls.idle, cls.busy, cls.done = cls.area_1.activities.order_by("order")
        cls.counted, cls.spread = cls.area_2.activities.order_by("order")
        for activity in (cls.idle, cls.busy, cls.done):
            make_target(activity=activity, metric="plan.actions", value=2)
        make_target(activity=cls.counted, metric="plan.participants", value=50)
        make_target(activity=cls.spread, metric="plan.municipalities", value=2)
        cls.kumla = make_municipality(name="Kumla")
        cls.nora = make_municipality(name="Nora")
        make_action(
            network=cls.network_a, activities=[cls.busy], performed_on=datetime.date(2025, 2, 1)
        )
        make_action(
            network=cls.network_a,
            activities=[cls.done, cls.counted, cls.spread],
            performed_on=datetime.date(2025, 3, 1),
            participants=30,
            municipality=cls.kumla,
        )
        make_action(
            network=cls.network_a,
            activities=[cls.done, cls.counted, cls.spread],
            performed_on=datetime.date(2025, 9, 1),
            participants=12,
            municipality=cls.kumla,
        )

    def follow_up(self, **kwargs: object) -> FollowUp:
        return build_follow_up(network=self.network_a, plan=self.plan, **kwargs)

    def test_it_gives_each_activity_its_status_from_a_target_of_two_actions(self) -> None:
        result = self.follow_up()

        self.assertEqual(row_for(result, self.idle).status, Status.NOT_STARTED)
        self.assertEqual(row_for(result, self.busy).status, Status.UNDER_WAY)
        self.assertEqual(row_for(result, self.done).status, Status.TARGET_MET)
        self.assertEqual([outcome.achieved for outcome in row_for(result, self.busy).targets], [1])
        self.assertEqual(row_for(result, self.busy).targets[0].percent, 50)
        self.assertEqual(row_for(result, self.done).last_action_on, datetime.date(2025, 9, 1))

    def test_it_numbers_rows_by_area_and_position(self) -> None:
        result = self.follow_up()

        self.assertEqual([row.number for row in result.rows], ["1.1", "1.2", "1.3", "2.1", "2.2"])
        self.assertEqual([section.action_count for section in result.sections], [3, 4])

    def test_it_sums_participants_and_counts_distinct_municipalities(self) -> None:
        result = self.follow_up()

        counted = row_for(result, self.counted)
        self.assertEqual(counted.targets[0].achieved, 42)
        self.assertEqual(counted.status, Status.UNDER_WAY)
        spread = row_for(result, self.spread)
        self.assertEqual(spread.targets[0].achieved, 1)
        self.assertEqual(spread.status, Status.UNDER_WAY)

        make_action(
            network=self.network_a,
            activities=[self.counted, self.spread],
            performed_on=datetime.date(2025, 10, 1),
            participants=8,
            municipality=self.nora,
        )
        result = self.follow_up()
        self.assertEqual(row_for(result, self.counted).targets[0].achieved, 50)
        self.assertEqual(row_for(result, self.counted).status, Status.TARGET_MET)
        self.assertEqual(row_for(result, self.spread).targets[0].achieved, 2)
        self.assertEqual(row_for(result, self.spread).status, Status.TARGET_MET)

    def test_it_totals_distinct_actions_and_their_participants(self) -> None:
        result = self.follow_up()

        self.assertEqual(result.total_actions, 3)
        self.assertEqual(result.total_participants, 42)
        self.assertEqual(
            result.status_counts(),
            {Status.NOT_STARTED: 1, Status.UNDER_WAY: 3, Status.TARGET_MET: 1},
        )

    def test_it_does_not_count_actions_of_another_network(self) -> None:
        # A mis-linked row from network B must not count towards A's targets.
        make_action(
            network=self.network_b,
            activities=[self.idle, self.busy],
            performed_on=datetime.date(2025, 4, 1),
            participants=100,
        )

        result = self.follow_up()

        idle = row_for(result, self.idle)
        self.assertEqual((idle.targets[0].achieved, idle.action_count), (0, 0))
        self.assertEqual(idle.status, Status.NOT_STARTED)
        self.assertEqual(row_for(result, self.busy).targets[0].achieved, 1)
        self.assertEqual(row_for(result, self.busy).action_count, 1)
        self.assertEqual(result.total_actions, 3)
        self.assertEqual(result.total_participants, 42)
        with_actions = self.follow_up(with_actions=True)
        self.assertEqual(row_for(with_actions, self.idle).actions, [])

    def test_it_does_not_count_actions_of_another_year(self) -> None:
        # Only a row written around the services can link a 2024 action to a 2025 activity.
        make_action(
            network=self.network_a,
            activities=[self.idle, self.busy],
            performed_on=datetime.date(2024, 12, 31),
        )

        result = self.follow_up()

        idle = row_for(result, self.idle)
        self.assertEqual((idle.targets[0].achieved, idle.action_count), (0, 0))
        self.assertEqual(idle.status, Status.NOT_STARTED)
        self.assertEqual(row_for(result, self.busy).targets[0].achieved, 1)
        self.assertEqual(row_for(result, self.busy).last_action_on, datetime.date(2025, 2, 1))
        self.assertEqual(result.total_actions, 3)

    def test_it_filters_by_area(self) -> None:
        result = self.follow_up(area_id=self.area_2.pk)

        self.assertEqual([section.area for section in result.sections], [self.area_2])
        self.assertEqual([row.activity for row in result.rows], [self.counted, self.spread])

    def test_it_filters_by_status(self) -> None:
        result = self.follow_up(status=Status.NOT_STARTED)

        self.assertEqual([row.activity for row in result.rows], [self.idle])
        met = self.follow_up(status=Status.TARGET_MET)
        self.assertEqual([row.activity for row in met.rows], [self.done])

    def test_it_filters_by_a_case_insensitive_query(self) -> None:
        Activity.objects.filter(pk=self.spread.pk).update(text="Besöka KOMMUNBYGDERÅD i länet")

        result = self.follow_up(query="  kommunbygderåd ")

        self.assertEqual([row.activity.pk for row in result.rows], [self.spread.pk])
        # The totals are for the whole plan, not the filtered rows.
        self.assertEqual(result.total_actions, 3)

    def test_an_activity_without_targets_is_under_way_once_an_action_is_logged(self) -> None:
        make_action(
            network=self.network_a, activities=[self.idle], performed_on=datetime.date(2025, 5, 1)
        )
        self.idle.targets.all().delete()

        row = row_for(self.follow_up(), self.idle)

        self.assertEqual(row.targets, [])
        self.assertEqual(row.status, Status.UNDER_WAY)

    def test_an_unknown_metric_gives_achieved_none(self) -> None:
        target = self.idle.targets.get()
        target.metric = "gone.app_removed"
        target.save()

        outcome = row_for(self.follow_up(), self.idle).targets[0]

        self.assertIsNone(outcome.achieved)
        self.assertFalse(outcome.is_met)
        self.assertEqual(outcome.percent, 0)
        self.assertEqual(outcome.label, "gone.app_removed")

    def test_with_actions_lists_each_rows_actions_in_date_order(self) -> None:
        result = self.follow_up(with_actions=True)

        self.assertEqual(
            [action.performed_on for action in row_for(result, self.done).actions],
            [datetime.date(2025, 3, 1), datetime.date(2025, 9, 1)],
        )
        self.assertEqual(row_for(result, self.idle).actions, [])


class MetricExtensionTests(CastMixin, TestCase):
    """Another app registers a metric; targets use it without any change to the plan app."""

    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        cls.plan = make_plan(network=cls.network_a, year=2025, areas=(2,))
        cls.first, cls.second = cls.plan.areas.get().activities.order_by("order")
        make_target(activity=cls.first, metric="tests.seminars_held", value=3)
        make_target(activity=cls.second, metric="tests.seminars_held", value=3)

    def setUp(self) -> None:
        self.calls: list[tuple[Network, int, list[int]]] = []

        def count_seminars(
            network: Network, year: int, activities: Sequence[Activity]
        ) -> dict[int, int]:
            self.calls.append((network, year, sorted(a.pk for a in activities)))
            return {self.first.pk: 4, self.second.pk: 1}

        register_metric("tests.seminars_held", label="Seminars held", count=count_seminars)
        self.addCleanup(registry.unregister, "tests.seminars_held")

    def test_a_registered_metric_counts_towards_targets(self) -> None:
        result = build_follow_up(network=self.network_a, plan=self.plan)

        first, second = row_for(result, self.first), row_for(result, self.second)
        self.assertEqual((first.targets[0].label, first.targets[0].achieved), ("Seminars held", 4))
        self.assertEqual(first.status, Status.TARGET_MET)
        self.assertEqual(second.targets[0].achieved, 1)
        self.assertEqual(second.status, Status.UNDER_WAY)
        # One call for all activities that use the metric, with the plan's network and year.
        self.assertEqual(
            self.calls, [(self.network_a, 2025, sorted([self.first.pk, self.second.pk]))]
        )

    def test_once_unregistered_the_metric_is_not_counted(self) -> None:
        registry.unregister("tests.seminars_held")

        result = build_follow_up(network=self.network_a, plan=self.plan)

        self.assertIsNone(row_for(result, self.first).targets[0].achieved)
        self.assertEqual(row_for(result, self.first).status, Status.NOT_STARTED)
        self.assertEqual(self.calls, [])

    def test_it_refuses_a_second_metric_with_the_same_key(self) -> None:
        with self.assertRaises(ValueError):
            register_metric("tests.seminars_held", label="Other", count=lambda n, y, a: {})

    def test_the_metric_is_offered_for_new_targets(self) -> None:
        self.assertIn(("tests.seminars_held", "Seminars held"), registry.choices())
        self.assertFalse(Plan.objects.exclude(pk=self.plan.pk).exists())
