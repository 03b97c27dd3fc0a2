"""Staff pages for actions, the activity page and the follow-up dashboard.

Who may open which page is proven by core/tests/test_permission_matrix.py; this module tests what
the pages do, and that list pages cost the same number of queries however much data there is.
"""

from __future__ import annotations

import datetime
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection, transaction
from django.http import HttpResponse
from django.test import TestCase
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from bygdebas.core.uploads import ATTACHMENT_EXTENSIONS
from bygdebas.plan import services
from bygdebas.plan.models import Action, Activity, Area, Plan
from bygdebas.testing import (
    CastMixin,
    make_action,
    make_municipality,
    make_plan,
    make_target,
    messages_of,
    sv,
)


def add_actions(plan: Plan, count: int, *, municipality: Any = None) -> None:
    """``count`` actions spread over the plan's activities, written in bulk."""
    activities = list(Activity.objects.filter(area__plan=plan).order_by("pk"))
    start = Action.objects.count()
    actions = Action.objects.bulk_create(
        Action(
            network=plan.network,
            performed_on=datetime.date(plan.year, 1, 1) + datetime.timedelta(days=n % 360),
            title=f"Massinsats {start + n}",
            participants=n % 7,
            municipality=municipality,
        )
        for n in range(count)
    )
    through = Action.activities.through
    through.objects.bulk_create(
        through(action_id=action.pk, activity_id=activities[(n + k) % len(activities)].pk)
        for n, action in enumerate(actions)
        for k in range(2)
    )


class ActionCreateTests(CastMixin, TestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        cls.plan = make_plan(network=cls.network_a, year=2025, areas=(2, 1))
        cls.first, cls.second = cls.plan.areas.get(order=0).activities.order_by("order")
        cls.third = cls.plan.areas.get(order=1).activities.get()
        cls.lekeberg = make_municipality(name="Lekeberg")
        cls.url = reverse("plan:action-create") + "?year=2025"

    def post(self, **overrides: Any) -> HttpResponse:
        data: dict[str, Any] = {
            "performed_on": "2025-02-04",
            "title": "Möte med kommunbygderådet i Lekeberg",
            "description": "Om busstrafiken.",
            "activities": [self.first.pk, self.third.pk],
            "municipality": self.lekeberg.pk,
            "participants": "14",
            "link": "https://example.org/protokoll",
        }
        data.update(overrides)
        data = {key: value for key, value in data.items() if value is not None}
        return self.as_bertil().post(self.url, data)

    def test_the_form_lists_the_plans_activities_grouped_by_area(self) -> None:
        response = self.as_bertil().get(self.url + f"&activity={self.second.pk}")

        form = response.context["form"]
        self.assertEqual(
            [(area.title, len(boxes)) for area, boxes in form.grouped_activities()],
            [("Område 1", 2), ("Område 2", 1)],
        )
        self.assertEqual(form.initial["activities"], [self.second.pk])

    def test_it_logs_an_action(self) -> None:
        response = self.post()

        action = Action.objects.get()
        self.assertRedirects(response, reverse("plan:action-detail", kwargs={"pk": action.pk}))
        self.assertEqual(action.network, self.network_a)
        self.assertEqual(action.performed_on, datetime.date(2025, 2, 4))
        self.assertEqual(action.title, "Möte med kommunbygderådet i Lekeberg")
        self.assertEqual(set(action.activities.all()), {self.first, self.third})
        self.assertEqual(action.municipality, self.lekeberg)
        self.assertEqual(action.participants, 14)
        self.assertEqual(action.created_by, self.bertil)
        self.assertEqual(messages_of(response), [sv("The action was logged.")])

    def test_the_attachment_is_stored_and_only_read_roles_can_download_it(self) -> None:
        self.post(attachment=SimpleUploadedFile("protokoll.pdf", b"%PDF-1.4 protokoll"))
        action = Action.objects.get()
        self.addCleanup(action.attachment.delete, save=False)
        url = reverse("plan:action-attachment", kwargs={"pk": action.pk})

        self.assertTrue(action.attachment.name.endswith(".pdf"))
        detail = self.as_sara().get(reverse("plan:action-detail", kwargs={"pk": action.pk}))
        self.assertContains(detail, url)
        for client in (self.as_anna(), self.as_bertil(), self.as_sara()):
            response = client.get(url)
            self.assertEqual(response.status_code, 200)
            self.assertEqual(b"".join(response.streaming_content), b"%PDF-1.4 protokoll")
            self.assertIn("attachment;", response["Content-Disposition"])
        self.assertEqual(self.as_cecilia().get(url).status_code, 403)
        self.assertEqual(self.as_david().get(url).status_code, 404)
        self.assertEqual(self.as_anonymous().get(url).status_code, 302)

    def test_an_action_without_an_attachment_has_nothing_to_download(self) -> None:
        self.post()
        action = Action.objects.get()

        response = self.as_bertil().get(reverse("plan:action-attachment", kwargs={"pk": action.pk}))

        self.assertEqual(response.status_code, 404)

    def test_it_refuses_an_executable_attachment(self) -> None:
        response = self.post(attachment=SimpleUploadedFile("virus.exe", b"MZ\x90\x00"))

        self.assertEqual(response.status_code, 400)
        self.assertEqual(
            response.context["form"].errors["attachment"],
            [
                sv(
                    "Files of type “%(suffix)s” are not accepted. Use one of: %(allowed)s.",
                    suffix=".exe",
                    allowed=", ".join(ATTACHMENT_EXTENSIONS),
                )
            ],
        )
        self.assertFalse(Action.objects.exists())

    def test_it_refuses_a_date_outside_the_plan_year(self) -> None:
        response = self.post(performed_on="2024-12-31")

        self.assertEqual(response.status_code, 400)
        self.assertEqual(
            response.context["form"].errors["performed_on"],
            [
                sv(
                    "The activities below are from the plan for %(plan)s; the date must be in "
                    "%(plan)s. For another year, choose that year's plan first.",
                    plan=2025,
                )
            ],
        )
        self.assertFalse(Action.objects.exists())

    def test_it_refuses_an_action_without_activities(self) -> None:
        response = self.post(activities=None)

        self.assertEqual(response.status_code, 400)
        self.assertEqual(
            response.context["form"].errors["activities"], [sv("This field is required.")]
        )
        self.assertFalse(Action.objects.exists())

    def test_it_refuses_an_activity_of_another_year(self) -> None:
        other = make_plan(network=self.network_a, year=2026, areas=(1,))
        activity_2026 = Activity.objects.get(area__plan=other)

        response = self.post(activities=[self.first.pk, activity_2026.pk])

        self.assertEqual(response.status_code, 400)
        self.assertIn("activities", response.context["form"].errors)
        self.assertFalse(Action.objects.exists())

    def test_without_a_plan_it_sends_the_user_to_the_plans(self) -> None:
        Plan.objects.all().delete()

        response = self.as_bertil().get(reverse("plan:action-create"))

        self.assertRedirects(response, reverse("plan:plan-list"))


class ActionEditAndDeleteTests(CastMixin, TestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        cls.plan = make_plan(network=cls.network_a, year=2025, areas=(3,))
        cls.first, cls.second, cls.third = cls.plan.areas.get().activities.order_by("order")

    def setUp(self) -> None:
        self.as_bertil().post(
            reverse("plan:action-create") + "?year=2025",
            {
                "performed_on": "2025-03-06",
                "title": "Seminarium",
                "activities": [self.first.pk],
                "participants": "46",
                "attachment": SimpleUploadedFile("program.txt", b"Program"),
            },
        )
        self.action = Action.objects.get()
        self.file = (self.action.attachment.storage, self.action.attachment.name)
        self.addCleanup(
            lambda: self.file[0].exists(self.file[1]) and self.file[0].delete(self.file[1])
        )

    def edit(self, **overrides: Any) -> HttpResponse:
        data: dict[str, Any] = {
            "performed_on": "2025-03-07",
            "title": "Seminarium om Agenda 2030",
            "activities": [self.second.pk, self.third.pk],
            "participants": "48",
        }
        data.update(overrides)
        return self.as_bertil().post(
            reverse("plan:action-edit", kwargs={"pk": self.action.pk}), data
        )

    def test_it_changes_the_action_and_its_activities_and_keeps_the_attachment(self) -> None:
        response = self.edit()

        self.assertRedirects(response, reverse("plan:action-detail", kwargs={"pk": self.action.pk}))
        self.action.refresh_from_db()
        self.assertEqual(self.action.title, "Seminarium om Agenda 2030")
        self.assertEqual(self.action.performed_on, datetime.date(2025, 3, 7))
        self.assertEqual(self.action.participants, 48)
        self.assertEqual(set(self.action.activities.all()), {self.second, self.third})
        self.assertEqual(self.action.attachment.name, self.file[1])
        self.assertTrue(self.file[0].exists(self.file[1]))

    def test_it_removes_the_attachment(self) -> None:
        with self.captureOnCommitCallbacks(execute=True):
            self.edit(remove_attachment="on")

        self.action.refresh_from_db()
        self.assertEqual(self.action.attachment.name, "")
        self.assertFalse(self.file[0].exists(self.file[1]))

    def test_an_invalid_edit_re_renders_and_changes_nothing(self) -> None:
        response = self.edit(title="", activities=[])

        self.assertEqual(response.status_code, 400)
        self.assertEqual(set(response.context["form"].errors), {"title", "activities"})
        self.action.refresh_from_db()
        self.assertEqual(self.action.title, "Seminarium")
        self.assertEqual(list(self.action.activities.all()), [self.first])

    def test_it_deletes_the_action_and_its_attachment(self) -> None:
        confirm = self.as_bertil().get(reverse("plan:action-delete", kwargs={"pk": self.action.pk}))
        self.assertContains(confirm, "Seminarium")

        with self.captureOnCommitCallbacks(execute=True):
            response = self.as_bertil().post(
                reverse("plan:action-delete", kwargs={"pk": self.action.pk})
            )

        self.assertRedirects(response, reverse("plan:action-list"))
        self.assertFalse(Action.objects.exists())
        self.assertFalse(self.file[0].exists(self.file[1]))
        self.assertEqual(Activity.objects.count(), 3)

    def test_a_deletion_that_is_rolled_back_keeps_the_attachment(self) -> None:
        pk = self.action.pk
        with transaction.atomic():
            services.delete_action(action=self.action)
            transaction.set_rollback(True)

        self.assertTrue(Action.objects.filter(pk=pk).exists())
        self.assertTrue(self.file[0].exists(self.file[1]))


class ActionListTests(CastMixin, TestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        cls.plan = make_plan(network=cls.network_a, year=2025, areas=(2,))
        cls.first, cls.second = cls.plan.areas.get().activities.order_by("order")
        cls.plan_2024 = make_plan(network=cls.network_a, year=2024, areas=(1,))
        cls.old = Activity.objects.get(area__plan=cls.plan_2024)
        cls.kumla = make_municipality(name="Kumla")
        cls.nora = make_municipality(name="Nora")
        make_action(
            network=cls.network_a,
            activities=[cls.first],
            title="Bygdekväll i Kumla",
            performed_on=datetime.date(2025, 10, 15),
            municipality=cls.kumla,
        )
        make_action(
            network=cls.network_a,
            activities=[cls.second],
            title="Nyhetsbrev nr 3",
            description="Om höstens mötesplatser.",
            performed_on=datetime.date(2025, 9, 30),
        )
        make_action(
            network=cls.network_a,
            activities=[cls.first, cls.second],
            title="Besök i Nora",
            performed_on=datetime.date(2025, 4, 10),
            municipality=cls.nora,
        )
        make_action(
            network=cls.network_a,
            activities=[cls.old],
            title="Fjolårets nyhetsbrev",
            performed_on=datetime.date(2024, 12, 1),
        )
        cls.plan_b = make_plan(network=cls.network_b, year=2025, areas=(1,))
        make_action(
            network=cls.network_b,
            activities=list(Activity.objects.filter(area__plan=cls.plan_b)),
            title="B:s nyhetsbrev",
            performed_on=datetime.date(2025, 5, 1),
        )

    def titles(self, **params: Any) -> list[str]:
        response = self.as_sara().get(reverse("plan:action-list"), params)
        self.assertEqual(response.status_code, 200)
        return [action.title for action in response.context["page"]]

    def test_it_lists_the_years_actions_newest_first(self) -> None:
        self.assertEqual(
            self.titles(year=2025), ["Bygdekväll i Kumla", "Nyhetsbrev nr 3", "Besök i Nora"]
        )

    def test_it_shows_the_current_years_plan_by_default(self) -> None:
        # With no plan for this year, the latest plan before it is the current one.
        self.assertEqual(len(self.titles()), 3)

    def test_it_filters_by_year(self) -> None:
        self.assertEqual(self.titles(year=2024), ["Fjolårets nyhetsbrev"])

    def test_it_searches_titles_and_descriptions(self) -> None:
        self.assertEqual(self.titles(year=2025, q="NYHETSBREV"), ["Nyhetsbrev nr 3"])
        self.assertEqual(self.titles(year=2025, q="mötesplatser"), ["Nyhetsbrev nr 3"])

    def test_the_search_ignores_the_case_of_swedish_letters(self) -> None:
        # SQLite's own LIKE and lower() fold only ASCII; core registers Unicode-aware ones.
        self.assertEqual(self.titles(year=2025, q="MÖTESPLATSER"), ["Nyhetsbrev nr 3"])
        self.assertEqual(self.titles(year=2025, q="BESÖK I NORA"), ["Besök i Nora"])

    def test_it_filters_by_activity(self) -> None:
        self.assertEqual(
            self.titles(year=2025, activity=self.second.pk), ["Nyhetsbrev nr 3", "Besök i Nora"]
        )

    def test_it_filters_by_municipality(self) -> None:
        self.assertEqual(self.titles(year=2025, municipality=self.kumla.pk), ["Bygdekväll i Kumla"])

    def test_it_paginates_fifty_a_page_keeping_the_filters(self) -> None:
        add_actions(self.plan, 57)

        first = self.as_sara().get(reverse("plan:action-list"), {"year": 2025})
        second = self.as_sara().get(reverse("plan:action-list"), {"year": 2025, "page": 2})

        self.assertEqual(len(first.context["page"]), 50)
        self.assertEqual(len(second.context["page"]), 10)
        self.assertContains(first, "?year=2025&amp;page=2")
        self.assertFalse(
            {a.pk for a in first.context["page"]} & {a.pk for a in second.context["page"]}
        )

    def test_the_query_count_does_not_grow_with_the_number_of_actions(self) -> None:
        url = reverse("plan:action-list")
        client = self.as_sara()
        client.get(url, {"year": 2025})  # warm the session and content-type caches

        add_actions(self.plan, 2, municipality=self.kumla)  # 5 actions in 2025
        with CaptureQueriesContext(connection) as small:
            response = client.get(url, {"year": 2025})
        self.assertEqual(len(response.context["page"]), 5)

        add_actions(self.plan, 55, municipality=self.nora)  # 60 actions in 2025
        with CaptureQueriesContext(connection) as large:
            response = client.get(url, {"year": 2025})
        self.assertEqual(response.context["page"].paginator.count, 60)

        self.assertEqual(len(small), len(large))
        with self.assertNumQueries(len(small)):
            client.get(url, {"year": 2025})
        # Pin the number: session, user, role, plan, filter choices, count, page, prefetch.
        with self.assertNumQueries(11):
            client.get(url, {"year": 2025})


class ActivityDetailTests(CastMixin, TestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        cls.plan = make_plan(network=cls.network_a, year=2025, areas=(2,))
        cls.activity, cls.other = cls.plan.areas.get().activities.order_by("order")
        make_target(activity=cls.activity, metric="plan.actions", value=2)
        make_action(
            network=cls.network_a,
            activities=[cls.activity],
            title="Remissvar om länstrafiken",
            performed_on=datetime.date(2025, 1, 14),
        )
        make_action(
            network=cls.network_a,
            activities=[cls.other],
            title="Något helt annat",
            performed_on=datetime.date(2025, 2, 14),
        )

    def test_it_lists_the_activitys_actions_and_target(self) -> None:
        response = self.as_sara().get(
            reverse("plan:activity-detail", kwargs={"pk": self.activity.pk})
        )

        self.assertContains(response, "Remissvar om länstrafiken")
        self.assertNotContains(response, "Något helt annat")
        self.assertEqual(response.context["row"].number, "1.1")
        self.assertEqual(response.context["row"].targets[0].achieved, 1)
        self.assertContains(response, f"{sv('Actions logged')}: 1 / 2")

    def test_a_busy_activity_pages_its_actions_at_a_flat_query_count(self) -> None:
        url = reverse("plan:activity-detail", kwargs={"pk": self.other.pk})
        client = self.as_sara()
        with CaptureQueriesContext(connection) as few:
            client.get(url)
        for day in range(119):
            make_action(
                network=self.network_a,
                activities=[self.other],
                title=f"Insats dag {day}",
                performed_on=datetime.date(2025, 3, 1) + datetime.timedelta(days=day),
            )
        with CaptureQueriesContext(connection) as many:
            first = client.get(url)
        last = client.get(url, {"page": 3})

        self.assertEqual(len(many), len(few))
        self.assertEqual(len(first.context["page"]), 50)
        self.assertEqual(first.context["row"].action_count, 120)
        self.assertEqual(len(last.context["page"]), 20)
        # Newest first: the last page holds the oldest action.
        self.assertContains(last, "Något helt annat")


class FollowUpViewTests(CastMixin, TestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        cls.plan = make_plan(network=cls.network_a, year=2025, areas=(3, 2))
        metrics = ["plan.actions", "plan.participants", "plan.municipalities"]
        for index, activity in enumerate(Activity.objects.filter(area__plan=cls.plan)):
            make_target(activity=activity, metric=metrics[index % 3], value=3)
        cls.kumla = make_municipality(name="Kumla")

    def grow(self, *, activities: int) -> None:
        """Add areas with activities (with targets of the same three metrics) to the plan."""
        have = Activity.objects.filter(area__plan=self.plan).count()
        area = Area.objects.create(plan=self.plan, title=f"Område {have}", order=have)
        for index in range(activities - have):
            activity = Activity.objects.create(area=area, text=f"Ny aktivitet {index}", order=index)
            make_target(activity=activity, metric="plan.participants", value=10)

    def test_the_dashboard_shows_status_per_activity(self) -> None:
        first = Activity.objects.filter(area__plan=self.plan).order_by("pk").first()
        for day in (1, 2, 3):
            make_action(
                network=self.network_a,
                activities=[first],
                performed_on=datetime.date(2025, 3, day),
            )

        response = self.as_sara().get(reverse("plan:follow-up", kwargs={"year": 2025}))

        self.assertContains(response, "<html")
        self.assertContains(response, f'id="row-{first.pk}" data-status="target_met"')
        self.assertEqual(response.context["follow_up"].total_actions, 3)

    def test_it_filters_by_status(self) -> None:
        response = self.as_sara().get(
            reverse("plan:follow-up", kwargs={"year": 2025}), {"status": "target_met"}
        )

        self.assertEqual(response.context["follow_up"].rows, [])
        self.assertContains(response, sv("No activities match."))

    def test_an_htmx_request_gets_only_the_results_fragment(self) -> None:
        response = self.as_sara().get(
            reverse("plan:follow-up", kwargs={"year": 2025}),
            {"q": "Aktivitet 2.2"},
            headers={"HX-Request": "true"},
        )

        content = response.content.decode()
        self.assertTrue(content.strip().startswith('<div id="results">'))
        self.assertNotIn("<html", content)
        self.assertNotIn("<form", content)
        self.assertIn("Aktivitet 2.2", content)
        self.assertNotIn("Aktivitet 1.1", content)

    def test_the_query_count_does_not_grow_with_actions_or_activities(self) -> None:
        url = reverse("plan:follow-up", kwargs={"year": 2025})
        client = self.as_sara()
        client.get(url)  # warm the session and content-type caches
        add_actions(self.plan, 3, municipality=self.kumla)

        with CaptureQueriesContext(connection) as small:
            response = client.get(url)
        self.assertEqual(len(response.context["follow_up"].rows), 5)
        self.assertEqual(response.context["follow_up"].total_actions, 3)

        self.grow(activities=40)
        add_actions(self.plan, 297, municipality=self.kumla)
        with CaptureQueriesContext(connection) as large:
            response = client.get(url)
        self.assertEqual(len(response.context["follow_up"].rows), 40)
        self.assertEqual(response.context["follow_up"].total_actions, 300)

        self.assertEqual(len(small), len(large))
        # Network, session, user, role, plan, activities (with their action counts), targets, one
        # per other metric in use (2: plan.actions is the activities' own count), areas, the
        # totals (one query), the filter's area choices and the list of years.
        with self.assertNumQueries(13):
            client.get(url)

    def test_the_query_count_is_pinned_for_the_small_plan(self) -> None:
        url = reverse("plan:follow-up", kwargs={"year": 2025})
        client = self.as_sara()
        client.get(url)
        add_actions(self.plan, 3)

        with self.assertNumQueries(13):
            client.get(url)
