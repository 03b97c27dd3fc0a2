"""plan.services: every write to plans, areas, activities, targets and actions."""

from __future__ import annotations

import datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import TestCase
from django.utils.translation import gettext

from bygdebas.plan import services
from bygdebas.plan.models import Action, Activity, Area, Plan, Target
from bygdebas.testing import (
    CastMixin,
    make_action,
    make_municipality,
    make_plan,
    make_target,
)


def plan_data(**overrides: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "title": "Verksamhetsplan 2027",
        "vision": "  Hela länet ska leva!  ",
        "values": "Demokrati.",
        "overall_goal": "Livskraftiga bygder.",
        "target_groups": "Lokala grupper.",
        "purpose": "Stärka lokalt.",
        "areas": [
            {
                "title": "Opinionsbildning",
                "activities": [
                    {
                        "text": "Ge ut nyhetsbrev",
                        "targets": [{"metric": "plan.actions", "value": 3, "period": "year"}],
                    },
                    {"text": "Skriva remissvar", "targets": []},
                ],
            },
            {
                "title": "Samverkan",
                "activities": [
                    {"text": "Träffa kommunerna", "targets": []},
                ],
            },
        ],
    }
    data.update(overrides)
    return data


class CreatePlanTests(CastMixin, TestCase):
    def assert_nothing_saved(self) -> None:
        self.assertFalse(Plan.objects.exists())
        self.assertFalse(Area.objects.exists())
        self.assertFalse(Activity.objects.exists())
        self.assertFalse(Target.objects.exists())

    def test_it_creates_the_plan_with_areas_activities_and_targets(self) -> None:
        plan = services.create_plan(
            network=self.network_a, year=2027, data=plan_data(), source_filename="plan.docx"
        )

        plan.refresh_from_db()
        self.assertEqual(plan.network, self.network_a)
        self.assertEqual(plan.year, 2027)
        self.assertEqual(plan.vision, "Hela länet ska leva!")
        self.assertEqual(plan.source_filename, "plan.docx")
        areas = list(plan.areas.order_by("order"))
        self.assertEqual([a.title for a in areas], ["Opinionsbildning", "Samverkan"])
        self.assertEqual(
            [a.text for a in areas[0].activities.order_by("order")],
            ["Ge ut nyhetsbrev", "Skriva remissvar"],
        )
        target = Target.objects.get()
        self.assertEqual(target.activity.text, "Ge ut nyhetsbrev")
        self.assertEqual((target.metric, target.value, target.period), ("plan.actions", 3, "year"))

    def test_it_rejects_a_plan_without_areas(self) -> None:
        with self.assertRaisesMessage(
            ValidationError, gettext("A plan needs at least one area with at least one activity.")
        ):
            services.create_plan(network=self.network_a, year=2027, data=plan_data(areas=[]))
        self.assert_nothing_saved()

    def test_it_saves_nothing_when_a_target_metric_is_unknown_midway(self) -> None:
        data = plan_data()
        data["areas"][1]["activities"][0]["targets"] = [{"metric": "nope.unknown", "value": 2}]

        with self.assertRaisesMessage(
            ValidationError, gettext("Unknown metric: %(key)s") % {"key": "nope.unknown"}
        ):
            services.create_plan(network=self.network_a, year=2027, data=data)
        self.assert_nothing_saved()

    def test_it_saves_nothing_when_an_area_title_is_empty_midway(self) -> None:
        data = plan_data()
        data["areas"][1]["title"] = "   "

        with self.assertRaisesMessage(
            ValidationError, gettext("Area %(n)s has no title.") % {"n": 2}
        ):
            services.create_plan(network=self.network_a, year=2027, data=data)
        self.assert_nothing_saved()

    def test_it_refuses_a_second_plan_for_the_same_year(self) -> None:
        existing = make_plan(network=self.network_a, year=2027)

        with self.assertRaisesMessage(
            services.PlanExistsError,
            gettext("There is already a plan for %(year)s. Edit it, or delete it first.")
            % {"year": 2027},
        ):
            services.create_plan(network=self.network_a, year=2027, data=plan_data())
        self.assertEqual(list(Plan.objects.all()), [existing])

    def test_it_allows_the_same_year_in_another_network(self) -> None:
        make_plan(network=self.network_b, year=2027)

        plan = services.create_plan(network=self.network_a, year=2027, data=plan_data())

        self.assertEqual(plan.network, self.network_a)
        self.assertEqual(Plan.objects.filter(year=2027).count(), 2)


class CopyPlanTests(CastMixin, TestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        cls.plan = make_plan(network=cls.network_a, year=2025, areas=(2, 1))
        cls.first = cls.plan.areas.get(order=0).activities.get(order=0)
        make_target(activity=cls.first, metric="plan.participants", value=40, note="varav unga")
        make_action(
            network=cls.network_a,
            activities=[cls.first],
            performed_on=datetime.date(2025, 5, 1),
        )

    def test_it_copies_texts_areas_activities_and_targets_but_not_actions(self) -> None:
        copy = services.copy_plan(plan=self.plan, year=2026)

        self.assertEqual(copy.year, 2026)
        self.assertEqual(copy.title, "Verksamhetsplan 2026")
        for name in ("vision", "values", "overall_goal", "target_groups", "purpose"):
            self.assertEqual(getattr(copy, name), getattr(self.plan, name))
        self.assertEqual(
            [
                (area.title, [a.text for a in area.activities.order_by("order")])
                for area in copy.areas.order_by("order")
            ],
            [("Område 1", ["Aktivitet 1.1", "Aktivitet 1.2"]), ("Område 2", ["Aktivitet 2.1"])],
        )
        copied_target = Target.objects.get(activity__area__plan=copy)
        self.assertEqual(
            (
                copied_target.activity.text,
                copied_target.metric,
                copied_target.value,
                copied_target.note,
            ),
            ("Aktivitet 1.1", "plan.participants", 40, "varav unga"),
        )
        self.assertFalse(Action.objects.filter(activities__area__plan=copy).exists())
        # The original keeps its action and target.
        self.assertEqual(self.first.actions.count(), 1)
        self.assertEqual(self.first.targets.count(), 1)

    def test_it_refuses_a_year_that_already_has_a_plan(self) -> None:
        make_plan(network=self.network_a, year=2026, areas=(1,))

        with self.assertRaises(services.PlanExistsError):
            services.copy_plan(plan=self.plan, year=2026)
        self.assertEqual(Area.objects.filter(plan__year=2026).count(), 1)


class LogActionTests(CastMixin, TestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        cls.plan = make_plan(network=cls.network_a, year=2025, areas=(2,))
        cls.activity, cls.other_activity = cls.plan.areas.get().activities.order_by("order")
        cls.plan_2026 = make_plan(network=cls.network_a, year=2026, areas=(1,))
        cls.activity_2026 = cls.plan_2026.areas.get().activities.get()
        cls.plan_b = make_plan(network=cls.network_b, year=2025, areas=(1,))
        cls.activity_b = cls.plan_b.areas.get().activities.get()
        cls.municipality = make_municipality(name="Lekeberg")

    def test_it_logs_an_action_against_several_activities(self) -> None:
        action = services.log_action(
            network=self.network_a,
            performed_on=datetime.date(2025, 4, 2),
            title="  Workshop om krisberedskap ",
            activities=[self.activity, self.other_activity],
            municipality=self.municipality,
            participants=27,
            created_by=self.bertil,
        )

        action.refresh_from_db()
        self.assertEqual(action.title, "Workshop om krisberedskap")
        self.assertEqual(action.network, self.network_a)
        self.assertEqual(action.municipality, self.municipality)
        self.assertEqual(action.participants, 27)
        self.assertEqual(action.created_by, self.bertil)
        self.assertEqual(set(action.activities.all()), {self.activity, self.other_activity})

    def test_it_rejects_an_activity_of_another_network(self) -> None:
        with self.assertRaisesMessage(
            ValidationError, gettext("The activity does not belong to this network.")
        ):
            services.log_action(
                network=self.network_a,
                performed_on=datetime.date(2025, 4, 2),
                title="Smygande",
                activities=[self.activity, self.activity_b],
            )
        self.assertFalse(Action.objects.exists())

    def test_it_rejects_an_activity_of_another_years_plan(self) -> None:
        expected = gettext(
            "“%(activity)s” is in the plan for %(plan_year)s, but the action is dated %(year)s."
        ) % {"activity": self.activity_2026.short_text, "plan_year": 2026, "year": 2025}

        with self.assertRaisesMessage(ValidationError, expected):
            services.log_action(
                network=self.network_a,
                performed_on=datetime.date(2025, 12, 31),
                title="Fel år",
                activities=[self.activity_2026],
            )
        self.assertFalse(Action.objects.exists())

    def test_it_rejects_an_action_without_activities(self) -> None:
        with self.assertRaisesMessage(
            ValidationError, gettext("Choose at least one activity the action serves.")
        ):
            services.log_action(
                network=self.network_a,
                performed_on=datetime.date(2025, 4, 2),
                title="Ingenting",
                activities=[],
            )
        self.assertFalse(Action.objects.exists())

    def test_it_stores_a_generic_link_to_the_source(self) -> None:
        # Another app passes the row that caused the action; any model will do here.
        action = services.log_action(
            network=self.network_a,
            performed_on=datetime.date(2025, 4, 2),
            title="Från ett annat program",
            activities=[self.activity],
            source=self.municipality,
        )

        fresh = Action.objects.get(pk=action.pk)
        self.assertEqual(fresh.source_id, str(self.municipality.pk))
        self.assertEqual(fresh.source, self.municipality)

    def test_it_stores_the_attachment(self) -> None:
        action = services.log_action(
            network=self.network_a,
            performed_on=datetime.date(2025, 4, 2),
            title="Med bilaga",
            activities=[self.activity],
            attachment=SimpleUploadedFile("protokoll.txt", b"Protokoll"),
        )
        self.addCleanup(action.attachment.delete, save=False)

        self.assertTrue(action.attachment.name.startswith(f"actions/{self.network_a.pk}/2025/"))
        with action.attachment.open("rb") as handle:
            self.assertEqual(handle.read(), b"Protokoll")


class UpdateAndDeleteActionTests(CastMixin, TestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        cls.plan = make_plan(network=cls.network_a, year=2025, areas=(2,))
        cls.first, cls.second = cls.plan.areas.get().activities.order_by("order")
        cls.plan_2026 = make_plan(network=cls.network_a, year=2026, areas=(1,))

    def setUp(self) -> None:
        self.action = services.log_action(
            network=self.network_a,
            performed_on=datetime.date(2025, 4, 2),
            title="Första",
            activities=[self.first],
            participants=10,
            attachment=SimpleUploadedFile("a.txt", b"A"),
        )
        self.addCleanup(
            lambda: self.action.attachment and self.action.attachment.delete(save=False)
        )

    def test_it_changes_fields_and_activities_and_keeps_the_attachment(self) -> None:
        name = self.action.attachment.name

        services.update_action(
            action=self.action,
            performed_on=datetime.date(2025, 6, 1),
            title="Ändrad",
            activities=[self.second],
            participants=12,
        )

        fresh = Action.objects.get(pk=self.action.pk)
        self.assertEqual(fresh.title, "Ändrad")
        self.assertEqual(fresh.performed_on, datetime.date(2025, 6, 1))
        self.assertEqual(fresh.participants, 12)
        self.assertEqual(list(fresh.activities.all()), [self.second])
        self.assertEqual(fresh.attachment.name, name)

    def test_it_removes_the_attachment_when_asked(self) -> None:
        storage, name = self.action.attachment.storage, self.action.attachment.name

        with self.captureOnCommitCallbacks(execute=True):
            services.update_action(
                action=self.action,
                performed_on=self.action.performed_on,
                title=self.action.title,
                activities=[self.first],
                attachment=False,
            )

        self.assertEqual(Action.objects.get(pk=self.action.pk).attachment.name, "")
        self.assertFalse(storage.exists(name))

    def test_it_refuses_an_activity_of_another_year(self) -> None:
        activity_2026 = self.plan_2026.areas.get().activities.get()

        with self.assertRaises(ValidationError):
            services.update_action(
                action=self.action,
                performed_on=self.action.performed_on,
                title="Fel",
                activities=[activity_2026],
            )
        fresh = Action.objects.get(pk=self.action.pk)
        self.assertEqual(fresh.title, "Första")
        self.assertEqual(list(fresh.activities.all()), [self.first])

    def test_it_deletes_the_action_and_its_file(self) -> None:
        storage, name = self.action.attachment.storage, self.action.attachment.name
        pk = self.action.pk  # delete() sets the instance's pk to None

        with self.captureOnCommitCallbacks(execute=True):
            services.delete_action(action=self.action)

        self.assertFalse(Action.objects.filter(pk=pk).exists())
        self.assertFalse(storage.exists(name))
        self.assertTrue(Activity.objects.filter(pk=self.first.pk).exists())


class StructureTests(CastMixin, TestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        cls.plan = make_plan(network=cls.network_a, year=2025, areas=(3, 1, 1))

    def areas(self) -> list[str]:
        return list(self.plan.areas.order_by("order", "pk").values_list("title", flat=True))

    def activities(self, area: Area) -> list[str]:
        return list(area.activities.order_by("order", "pk").values_list("text", flat=True))

    def test_it_refuses_to_delete_an_activity_with_actions(self) -> None:
        activity = Activity.objects.get(text="Aktivitet 1.1")
        make_action(network=self.network_a, activities=[activity])
        make_action(network=self.network_a, activities=[activity])

        with self.assertRaisesMessage(
            ValidationError,
            gettext("%(n)s actions are logged against this activity. Move them first.") % {"n": 2},
        ):
            services.delete_activity(activity=activity)
        self.assertTrue(Activity.objects.filter(pk=activity.pk).exists())

    def test_it_deletes_an_activity_without_actions(self) -> None:
        activity = Activity.objects.get(text="Aktivitet 1.2")

        services.delete_activity(activity=activity)

        self.assertFalse(Activity.objects.filter(pk=activity.pk).exists())

    def test_it_refuses_to_delete_an_area_with_actions(self) -> None:
        area = self.plan.areas.get(title="Område 2")
        make_action(network=self.network_a, activities=list(area.activities.all()))

        with self.assertRaises(ValidationError):
            services.delete_area(area=area)
        self.assertTrue(Area.objects.filter(pk=area.pk).exists())

    def test_it_moves_an_area_up_and_down(self) -> None:
        second = self.plan.areas.get(title="Område 2")

        services.move(obj=second, direction=-1)
        self.assertEqual(self.areas(), ["Område 2", "Område 1", "Område 3"])

        services.move(obj=second, direction=1)
        services.move(obj=second, direction=1)
        self.assertEqual(self.areas(), ["Område 1", "Område 3", "Område 2"])

    def test_moving_past_the_ends_changes_nothing(self) -> None:
        first = self.plan.areas.get(title="Område 1")
        last = self.plan.areas.get(title="Område 3")

        services.move(obj=first, direction=-1)
        services.move(obj=last, direction=1)

        self.assertEqual(self.areas(), ["Område 1", "Område 2", "Område 3"])

    def test_it_moves_an_activity_within_its_area(self) -> None:
        area = self.plan.areas.get(title="Område 1")
        third = area.activities.get(text="Aktivitet 1.3")

        services.move(obj=third, direction=-1)
        self.assertEqual(self.activities(area), ["Aktivitet 1.1", "Aktivitet 1.3", "Aktivitet 1.2"])

        services.move(obj=area.activities.get(text="Aktivitet 1.1"), direction=-1)
        self.assertEqual(self.activities(area), ["Aktivitet 1.1", "Aktivitet 1.3", "Aktivitet 1.2"])

    def test_it_moves_with_equal_orders(self) -> None:
        area = self.plan.areas.get(title="Område 1")
        area.activities.update(order=0)
        second = area.activities.get(text="Aktivitet 1.2")

        services.move(obj=second, direction=-1)

        self.assertEqual(self.activities(area), ["Aktivitet 1.2", "Aktivitet 1.1", "Aktivitet 1.3"])

    def test_save_activity_replaces_the_targets(self) -> None:
        area = self.plan.areas.get(title="Område 1")
        activity = area.activities.get(text="Aktivitet 1.1")
        make_target(activity=activity, metric="plan.actions", value=2)

        services.save_activity(
            area=area,
            text=" Ny text ",
            targets=[
                {"metric": "plan.participants", "value": 50, "note": "varav unga"},
                {"metric": "plan.municipalities", "value": 6},
            ],
            activity=activity,
        )

        activity.refresh_from_db()
        self.assertEqual(activity.text, "Ny text")
        self.assertEqual(
            sorted(activity.targets.values_list("metric", "value", "note")),
            [("plan.municipalities", 6, ""), ("plan.participants", 50, "varav unga")],
        )

    def test_save_activity_with_an_unknown_metric_keeps_the_old_targets(self) -> None:
        area = self.plan.areas.get(title="Område 1")
        activity = area.activities.get(text="Aktivitet 1.1")
        make_target(activity=activity, metric="plan.actions", value=2)

        with self.assertRaises(ValidationError):
            services.save_activity(
                area=area, text="Ny", targets=[{"metric": "nope", "value": 1}], activity=activity
            )

        activity.refresh_from_db()
        self.assertEqual(activity.text, "Aktivitet 1.1")
        self.assertEqual(
            list(activity.targets.values_list("metric", "value")), [("plan.actions", 2)]
        )

    def test_save_activity_appends_a_new_activity_last(self) -> None:
        area = self.plan.areas.get(title="Område 1")

        activity = services.save_activity(area=area, text="Sist", targets=[])

        self.assertEqual(self.activities(area)[-1], "Sist")
        self.assertEqual(activity.order, 3)

    def test_moving_an_activity_to_another_area_puts_it_last(self) -> None:
        source = self.plan.areas.get(title="Område 1")
        target_area = self.plan.areas.get(title="Område 2")
        activity = source.activities.get(text="Aktivitet 1.1")

        services.save_activity(area=target_area, text=activity.text, targets=[], activity=activity)

        self.assertEqual(self.activities(target_area), ["Aktivitet 2.1", "Aktivitet 1.1"])
        self.assertEqual(self.activities(source), ["Aktivitet 1.2", "Aktivitet 1.3"])

    def test_an_activity_cannot_move_to_another_plan(self) -> None:
        other = make_plan(network=self.network_a, year=2026, areas=(1,))
        activity = Activity.objects.get(text="Aktivitet 1.1", area__plan=self.plan)

        with self.assertRaises(ValidationError):
            services.save_activity(
                area=other.areas.get(), text="Flytt", targets=[], activity=activity
            )
        activity.refresh_from_db()
        self.assertEqual(activity.area.plan, self.plan)

    def test_approve_plan_records_the_date_and_the_person(self) -> None:
        services.approve_plan(
            plan=self.plan, user=self.sara, approved_on=datetime.date(2024, 11, 20)
        )

        self.plan.refresh_from_db()
        self.assertTrue(self.plan.is_approved)
        self.assertEqual(self.plan.approved_on, datetime.date(2024, 11, 20))
        self.assertEqual(self.plan.approved_by, self.sara)
