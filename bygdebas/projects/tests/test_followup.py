"""Advice logged for a group shows on the follow-up dashboard and in the annual report,
counted against the target of the plan's support activity."""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.test import TestCase

from bygdebas.plan.followup import build_follow_up
from bygdebas.plan.metrics import registry
from bygdebas.plan.models import Plan, Target
from bygdebas.plan.reports import build_report
from bygdebas.projects import services
from bygdebas.projects.models import AdviceTopic
from bygdebas.projects.tests.factories import make_project, make_support_plan
from bygdebas.testing import CastMixin, make_organisation, sv


class AdviceInTheFollowUpTests(CastMixin, TestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        cls.activities = make_support_plan(cls.network_a, 2025)
        support, youth = cls.activities["support"], cls.activities["youth"]
        Target.objects.create(activity=support, metric="projects.advice_sessions", value=2)
        Target.objects.create(activity=support, metric="projects.projects_supported", value=3)
        Target.objects.create(activity=youth, metric="projects.youth_projects", value=1)
        cls.org = make_organisation(network=cls.network_a, name="Tångeråsa byalag")
        youth_project = make_project(network=cls.network_a, name="Unga i Tångeråsa", is_youth=True)
        hall = make_project(network=cls.network_a, name="Nytt tak på bygdegården")
        for day, project in [(3, youth_project), (9, youth_project), (12, hall)]:
            services.save_advice(
                network=cls.network_a,
                user=cls.bertil,
                fields={
                    "given_on": datetime.date(2025, 3, day),
                    "organisation": cls.org,
                    "project": project,
                    "topic": AdviceTopic.FUNDING,
                    "hours": Decimal("1.5"),
                },
            )

    def test_the_metrics_count_sessions_and_distinct_projects(self) -> None:
        activities = list(self.activities.values())

        def count(key: str) -> dict[int, int]:
            return registry.count(key, network=self.network_a, year=2025, activities=activities)

        support, youth = self.activities["support"].pk, self.activities["youth"].pk
        self.assertEqual(count("projects.advice_sessions")[support], 3)
        self.assertEqual(count("projects.projects_supported")[support], 2)
        self.assertEqual(count("projects.youth_projects")[youth], 1)
        self.assertEqual(count("projects.youth_projects")[support], 1)
        other = registry.count(
            "projects.advice_sessions", network=self.network_b, year=2025, activities=activities
        )
        self.assertEqual(set(other.values()), {0})

    def test_the_dashboard_shows_the_targets_met(self) -> None:
        plan = Plan.objects.for_network(self.network_a).get(year=2025)
        follow_up = build_follow_up(network=self.network_a, plan=plan)
        row = next(r for r in follow_up.rows if r.activity == self.activities["support"])
        outcomes = {o.target.metric: (o.achieved, o.is_met) for o in row.targets}
        self.assertEqual(outcomes["projects.advice_sessions"], (3, True))
        self.assertEqual(outcomes["projects.projects_supported"], (2, False))
        response = self.as_bertil().get("/kansli/uppfoljning/2025/")
        self.assertContains(response, sv("Advice sessions given to groups"))

    def test_the_annual_report_lists_the_advice_as_actions_with_its_source(self) -> None:
        plan = Plan.objects.for_network(self.network_a).get(year=2025)
        report = build_report(network=self.network_a, plan=plan)
        activity = next(
            a for area in report.areas for a in area.activities if "stödja projekt" in a.heading
        )
        self.assertEqual(len(activity.actions), 3)
        self.assertIn("Tångeråsa byalag", activity.actions[0].title)
        self.assertTrue(any(t.is_met for t in activity.targets))


class TargetProposalTests(TestCase):
    def test_a_stated_count_is_proposed_as_the_apps_metric(self) -> None:
        from bygdebas.plan.importer.proposals import propose_targets

        targets = propose_targets("Stödja projekt på landsbygderna, minst fem per år.")
        self.assertEqual(
            [(t.metric, t.value) for t in targets], [("projects.projects_supported", 5)]
        )
        targets = propose_targets("Sprida goda exempel vid minst fyra tillfällen per år.")
        self.assertEqual(
            [(t.metric, t.value) for t in targets], [("projects.examples_published", 4)]
        )
        # Without a count, nothing is made up.
        self.assertEqual(propose_targets("Medverka till och stödja projekt på landsbygderna."), [])
