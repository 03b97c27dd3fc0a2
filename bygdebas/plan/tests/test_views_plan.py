"""Staff pages for the plan: import, edit, copy, approve, areas and activities.

Who may open which page is proven by core/tests/test_permission_matrix.py; this module tests what
the pages do.
"""

from __future__ import annotations

import datetime
import re
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.forms import BaseForm, BaseFormSet
from django.http import HttpResponse
from django.test import TestCase
from django.urls import reverse

from bygdebas.plan.models import Activity, Area, Plan, Target
from bygdebas.testing import (
    CastMixin,
    make_action,
    make_plan,
    make_target,
    messages_of,
    sv,
)

SEED = Path(settings.BASE_DIR) / "data" / "seeds" / "verksamhetsplan-2025-orebro-lan.txt"


def form_data(form: BaseForm) -> dict[str, Any]:
    """What a browser would post for an unbound form: its initial values."""
    data: dict[str, Any] = {}
    for bound in form:
        value = bound.value()
        if value is None or value is False:
            continue
        data[bound.html_name] = "on" if value is True else value
    return data


def formset_data(formset: BaseFormSet) -> dict[str, Any]:
    data = form_data(formset.management_form)
    for form in formset.forms:
        data.update(form_data(form))
    return data


class PlanImportTests(CastMixin, TestCase):
    def upload(self, name: str, content: bytes, **extra: Any) -> HttpResponse:
        return self.as_bertil().post(
            reverse("plan:plan-import"),
            {"document": SimpleUploadedFile(name, content), **extra},
        )

    def preview(self) -> tuple[HttpResponse, dict[str, Any]]:
        response = self.upload(SEED.name, SEED.read_bytes())
        self.assertEqual(response.status_code, 200)
        self.assertTemplateUsed(response, "plan/plan_import_preview.html")
        context = response.context
        data = {
            **form_data(context["plan_form"]),
            **formset_data(context["areas"]),
            **formset_data(context["activities"]),
        }
        return response, data

    def test_the_upload_page_renders(self) -> None:
        response = self.as_bertil().get(reverse("plan:plan-import"))

        self.assertContains(response, 'name="document"')
        self.assertContains(response, 'enctype="multipart/form-data"')

    def test_it_previews_the_seed_document_without_saving(self) -> None:
        response, data = self.preview()

        self.assertEqual(
            [area["title"] for area in response.context["areas"].initial],
            [
                "Opinionsbildning och kommunikation",
                "Rådgivning, stöd och utbildning",
                "Samverkan och nätverkande",
            ],
        )
        activities = response.context["activities"].initial
        self.assertEqual(len(activities), 29)
        self.assertEqual([a["area"] for a in activities].count(0), 14)
        self.assertEqual(response.context["plan_form"].initial["year"], 2025)
        self.assertContains(response, "Opinionsbildning och kommunikation")
        self.assertEqual(data["plan-source_filename"], SEED.name)
        self.assertFalse(Plan.objects.exists())
        self.assertFalse(Activity.objects.exists())

    def test_saving_the_preview_creates_the_plan(self) -> None:
        _response, data = self.preview()

        response = self.as_bertil().post(reverse("plan:plan-import-save"), data)

        self.assertRedirects(response, reverse("plan:plan-detail", kwargs={"year": 2025}))
        plan = Plan.objects.get(network=self.network_a)
        self.assertEqual(plan.year, 2025)
        self.assertEqual(plan.source_filename, SEED.name)
        self.assertIn("Stad och land – hand i hand!", plan.vision)
        self.assertEqual(
            [area.activities.count() for area in plan.areas.order_by("order")], [14, 7, 8]
        )
        newsletter = Activity.objects.get(area__plan=plan, text__contains="nyhetsbrev")
        self.assertEqual(
            list(newsletter.targets.values_list("metric", "value", "period")),
            [("newsletter.issues_sent", 3, "year")],
        )
        self.assertEqual(
            messages_of(response),
            [sv("The plan for %(year)s was saved with %(n)s activities.", year=2025, n=29)],
        )

    def test_a_correction_in_the_preview_is_what_gets_saved(self) -> None:
        _response, data = self.preview()
        original = data["activities-1-text"]
        data["activities-1-text"] = "Rättad text om remissvar"
        data["areas-2-title"] = "Samverkan"
        data["activities-28-DELETE"] = "on"

        self.as_bertil().post(reverse("plan:plan-import-save"), data)

        plan = Plan.objects.get()
        first_area = plan.areas.get(order=0)
        texts = list(first_area.activities.order_by("order").values_list("text", flat=True))
        self.assertEqual(texts[1], "Rättad text om remissvar")
        self.assertFalse(Activity.objects.filter(text=original).exists())
        self.assertEqual(plan.areas.get(order=2).title, "Samverkan")
        self.assertEqual(Activity.objects.filter(area__plan=plan).count(), 28)

    def test_a_year_that_already_has_a_plan_is_refused_before_the_preview(self) -> None:
        make_plan(network=self.network_a, year=2025, areas=(1,))

        # The year read from the document, and a year typed on the upload page.
        for extra in ({}, {"year": "2025"}):
            with self.subTest(extra=extra):
                response = self.upload(SEED.name, SEED.read_bytes(), **extra)

                self.assertEqual(response.status_code, 400)
                self.assertTemplateUsed(response, "plan/plan_import.html")
                self.assertEqual(
                    response.context["form"].errors["year"],
                    [
                        sv(
                            "There is already a plan for %(year)s. Give another year, or edit "
                            "or delete that plan first.",
                            year=2025,
                        )
                    ],
                )

    def test_importing_into_a_new_year_proposes_the_title_with_that_year(self) -> None:
        response = self.upload(SEED.name, SEED.read_bytes(), year="2027")

        plan_form = response.context["plan_form"]
        self.assertEqual(plan_form.initial["year"], 2027)
        self.assertEqual(plan_form.initial["title"], "Verksamhetsplan med aktiviteter för 2027")
        self.assertContains(
            response,
            sv(
                "The document is the plan for %(document)s; its title now says %(year)s. Check it.",
                document=2025,
                year=2027,
            ),
        )

    def test_the_preview_is_a_compact_list_opened_per_activity(self) -> None:
        response, _data = self.preview()

        html = response.content.decode()
        # One closed <details> per activity (and the two empty rows to add one).
        self.assertEqual(html.count('<details class="preview-activity"'), 31)
        self.assertEqual(re.findall(r'<details class="preview-activity"[^>]* open>', html), [])
        self.assertIn("Bevaka landsbygdsfrågor.</span>", html)

    def test_an_activity_with_an_error_is_shown_open(self) -> None:
        _response, data = self.preview()
        data["activities-3-value_1"] = "-2"

        response = self.as_bertil().post(reverse("plan:plan-import-save"), data)

        self.assertEqual(response.status_code, 400)
        opened = re.findall(
            r'<details class="preview-activity" id="([\w-]+)" open>', response.content.decode()
        )
        self.assertEqual(opened, ["activity-4"])

    def test_a_year_that_already_has_a_plan_is_refused_and_nothing_is_half_saved(self) -> None:
        _response, data = self.preview()
        # Another plan for the year appears while the preview is open.
        existing = make_plan(network=self.network_a, year=2025, areas=(1,))

        response = self.as_bertil().post(reverse("plan:plan-import-save"), data)

        self.assertEqual(response.status_code, 400)
        self.assertEqual(
            response.context["plan_form"].non_field_errors(),
            [sv("There is already a plan for %(year)s. Edit it, or delete it first.", year=2025)],
        )
        self.assertEqual(list(Plan.objects.all()), [existing])
        self.assertEqual(Area.objects.count(), 1)
        self.assertEqual(Activity.objects.count(), 1)

    def test_an_activity_under_a_removed_area_is_refused(self) -> None:
        _response, data = self.preview()
        data["areas-2-DELETE"] = "on"

        response = self.as_bertil().post(reverse("plan:plan-import-save"), data)

        self.assertEqual(response.status_code, 400)
        errors = [form.errors.get("area") for form in response.context["activities"].forms]
        self.assertEqual(errors.count([sv("This area was removed or has no title.")]), 8)
        self.assertFalse(Plan.objects.exists())

    def test_an_unsupported_file_type_is_refused(self) -> None:
        response = self.upload("plan.exe", b"MZ\x90\x00")

        self.assertEqual(response.status_code, 400)
        self.assertTemplateUsed(response, "plan/plan_import.html")
        self.assertEqual(
            response.context["form"].errors["document"],
            [
                sv(
                    "Files of type “%(suffix)s” are not accepted. Use one of: %(allowed)s.",
                    suffix=".exe",
                    allowed=".txt, .md, .docx, .pdf",
                )
            ],
        )
        self.assertFalse(Plan.objects.exists())

    def test_an_empty_file_is_refused(self) -> None:
        response = self.upload("plan.txt", b"")

        self.assertTemplateUsed(response, "plan/plan_import.html")
        self.assertEqual(
            response.context["form"].errors["document"], [sv("The submitted file is empty.")]
        )
        self.assertFalse(Plan.objects.exists())

    def test_a_text_without_plan_structure_is_refused(self) -> None:
        response = self.upload("anteckningar.txt", "Hej!\nInköpslista: mjölk, bröd.\n".encode())

        self.assertTemplateUsed(response, "plan/plan_import.html")
        self.assertEqual(
            response.context["form"].errors["document"],
            [
                sv(
                    "No activity plan structure found: expected headings such as Vision, Syfte "
                    "and Aktiviteter, and bulleted activities."
                )
            ],
        )
        self.assertFalse(Plan.objects.exists())

    def test_the_year_field_overrides_the_documents_year(self) -> None:
        response = self.upload(SEED.name, SEED.read_bytes(), year="2026")

        self.assertEqual(response.context["plan_form"].initial["year"], 2026)


class PlanPageTests(CastMixin, TestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        cls.plan = make_plan(network=cls.network_a, year=2025, areas=(2, 1))
        make_target(activity=cls.plan.areas.get(order=0).activities.get(order=0), value=5)

    def test_the_plan_page_shows_areas_activities_and_targets(self) -> None:
        response = self.as_sara().get(reverse("plan:plan-detail", kwargs={"year": 2025}))

        self.assertContains(response, "Område 1")
        self.assertContains(response, "Aktivitet 2.1")
        self.assertContains(response, f"{sv('Actions logged')} ≥ 5")
        # Sara (board) may adopt the plan but not edit it.
        self.assertContains(response, reverse("plan:plan-approve", kwargs={"year": 2025}))
        self.assertNotContains(response, reverse("plan:plan-edit", kwargs={"year": 2025}))

    def test_it_saves_the_edited_texts(self) -> None:
        response = self.as_bertil().post(
            reverse("plan:plan-edit", kwargs={"year": 2025}),
            {
                "title": "Verksamhetsplan 2025 (reviderad)",
                "vision": "Hela Örebro län ska leva!",
                "values": "Alla behövs.",
                "overall_goal": "",
                "target_groups": "Byalag",
                "purpose": "Stärka.",
            },
        )

        self.assertRedirects(response, reverse("plan:plan-detail", kwargs={"year": 2025}))
        self.plan.refresh_from_db()
        self.assertEqual(self.plan.title, "Verksamhetsplan 2025 (reviderad)")
        self.assertEqual(self.plan.vision, "Hela Örebro län ska leva!")
        self.assertEqual(self.plan.overall_goal, "")

    def test_an_invalid_edit_re_renders_with_errors(self) -> None:
        response = self.as_bertil().post(
            reverse("plan:plan-edit", kwargs={"year": 2025}), {"title": "x" * 201}
        )

        self.assertTemplateUsed(response, "plan/plan_form.html")
        self.assertIn("title", response.context["form"].errors)
        self.plan.refresh_from_db()
        self.assertEqual(self.plan.title, "Verksamhetsplan 2025")

    def test_it_copies_the_plan_to_another_year(self) -> None:
        response = self.as_bertil().post(
            reverse("plan:plan-copy", kwargs={"year": 2025}), {"year": "2026"}
        )

        self.assertRedirects(response, reverse("plan:plan-detail", kwargs={"year": 2026}))
        copy = Plan.objects.get(network=self.network_a, year=2026)
        self.assertEqual(copy.title, "Verksamhetsplan 2026")
        self.assertEqual(Activity.objects.filter(area__plan=copy).count(), 3)
        self.assertEqual(Target.objects.filter(activity__area__plan=copy).count(), 1)

    def test_copying_to_a_year_with_a_plan_shows_the_error(self) -> None:
        make_plan(network=self.network_a, year=2026, areas=(1,))

        response = self.as_bertil().post(
            reverse("plan:plan-copy", kwargs={"year": 2025}), {"year": "2026"}
        )

        self.assertEqual(response.status_code, 200)
        self.assertEqual(
            response.context["form"].errors["year"],
            [sv("There is already a plan for %(year)s. Edit it, or delete it first.", year=2026)],
        )
        self.assertEqual(Activity.objects.filter(area__plan__year=2026).count(), 1)

    def test_the_board_records_the_adoption(self) -> None:
        response = self.as_sara().post(
            reverse("plan:plan-approve", kwargs={"year": 2025}), {"approved_on": "2024-11-20"}
        )

        self.assertRedirects(response, reverse("plan:plan-detail", kwargs={"year": 2025}))
        self.plan.refresh_from_db()
        self.assertEqual(self.plan.approved_on, datetime.date(2024, 11, 20))
        self.assertEqual(self.plan.approved_by, self.sara)
        self.assertEqual(
            messages_of(response), [sv("The plan is recorded as adopted by the board.")]
        )

    def test_an_adoption_without_a_date_is_not_recorded(self) -> None:
        response = self.as_anna().post(
            reverse("plan:plan-approve", kwargs={"year": 2025}), {"approved_on": "i går"}
        )

        self.plan.refresh_from_db()
        self.assertIsNone(self.plan.approved_on)
        self.assertEqual(messages_of(response), [sv("Give the date the board adopted the plan.")])

    def test_it_deletes_the_plan_but_keeps_actions(self) -> None:
        activity = Activity.objects.get(text="Aktivitet 1.1")
        action = make_action(network=self.network_a, activities=[activity])

        response = self.as_bertil().post(reverse("plan:plan-delete", kwargs={"year": 2025}))

        self.assertRedirects(response, reverse("plan:plan-list"))
        self.assertFalse(Plan.objects.filter(pk=self.plan.pk).exists())
        self.assertFalse(Activity.objects.exists())
        action.refresh_from_db()
        self.assertEqual(action.activities.count(), 0)


class AreaViewTests(CastMixin, TestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        cls.plan = make_plan(network=cls.network_a, year=2025, areas=(1, 1, 1))

    def titles(self) -> list[str]:
        return list(self.plan.areas.order_by("order", "pk").values_list("title", flat=True))

    def test_it_adds_an_area_last(self) -> None:
        response = self.as_bertil().post(
            reverse("plan:area-add", kwargs={"year": 2025}), {"title": " Ungdom "}
        )

        self.assertRedirects(response, reverse("plan:plan-detail", kwargs={"year": 2025}))
        self.assertEqual(self.titles(), ["Område 1", "Område 2", "Område 3", "Ungdom"])

    def test_an_area_without_a_title_is_not_added(self) -> None:
        response = self.as_bertil().post(
            reverse("plan:area-add", kwargs={"year": 2025}), {"title": ""}
        )

        self.assertEqual(self.plan.areas.count(), 3)
        self.assertEqual(messages_of(response), [sv("Give the new area a title.")])

    def test_it_renames_an_area(self) -> None:
        area = self.plan.areas.get(title="Område 2")

        response = self.as_bertil().post(
            reverse("plan:area-edit", kwargs={"pk": area.pk}), {"title": "Rådgivning"}
        )

        self.assertRedirects(response, reverse("plan:plan-detail", kwargs={"year": 2025}))
        area.refresh_from_db()
        self.assertEqual(area.title, "Rådgivning")

    def test_an_empty_name_re_renders_the_form(self) -> None:
        area = self.plan.areas.get(title="Område 2")

        response = self.as_bertil().post(
            reverse("plan:area-edit", kwargs={"pk": area.pk}), {"title": ""}
        )

        self.assertEqual(response.context["form"].errors["title"], [sv("This field is required.")])
        area.refresh_from_db()
        self.assertEqual(area.title, "Område 2")

    def test_it_deletes_an_area_without_actions(self) -> None:
        area = self.plan.areas.get(title="Område 2")

        self.as_bertil().post(reverse("plan:area-delete", kwargs={"pk": area.pk}))

        self.assertEqual(self.titles(), ["Område 1", "Område 3"])

    def test_it_refuses_to_delete_an_area_with_actions(self) -> None:
        area = self.plan.areas.get(title="Område 2")
        make_action(network=self.network_a, activities=list(area.activities.all()))

        response = self.as_bertil().post(reverse("plan:area-delete", kwargs={"pk": area.pk}))

        self.assertTrue(Area.objects.filter(pk=area.pk).exists())
        self.assertEqual(
            messages_of(response),
            [sv("Actions are logged against activities in this area. Move or delete them first.")],
        )

    def test_it_moves_an_area_up_and_down(self) -> None:
        area = self.plan.areas.get(title="Område 3")
        url = reverse("plan:area-move", kwargs={"pk": area.pk})

        response = self.as_bertil().post(url, {"direction": "up"})

        self.assertRedirects(
            response, reverse("plan:plan-detail", kwargs={"year": 2025}) + f"#area-{area.pk}"
        )
        self.assertEqual(self.titles(), ["Område 1", "Område 3", "Område 2"])
        self.as_bertil().post(url, {"direction": "down"})
        self.as_bertil().post(url, {"direction": "down"})
        self.assertEqual(self.titles(), ["Område 1", "Område 2", "Område 3"])


class ActivityViewTests(CastMixin, TestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        cls.plan = make_plan(network=cls.network_a, year=2025, areas=(2, 1))
        cls.area_1, cls.area_2 = cls.plan.areas.order_by("order")
        cls.activity = cls.area_1.activities.get(order=0)
        make_target(activity=cls.activity, metric="plan.actions", value=2)

    def targets_post(self, *rows: dict[str, str], initial: int = 0) -> dict[str, str]:
        data = {"targets-TOTAL_FORMS": str(len(rows)), "targets-INITIAL_FORMS": str(initial)}
        for index, row in enumerate(rows):
            data.update({f"targets-{index}-{key}": value for key, value in row.items()})
        return data

    def test_it_adds_an_activity_with_a_target(self) -> None:
        response = self.as_bertil().post(
            reverse("plan:activity-add", kwargs={"year": 2025}),
            {
                "area": self.area_2.pk,
                "text": "Anordna en landsbygdsriksdag",
                **self.targets_post({"metric": "plan.participants", "value": "40", "note": ""}),
            },
        )

        activity = Activity.objects.get(text="Anordna en landsbygdsriksdag")
        self.assertRedirects(response, reverse("plan:activity-detail", kwargs={"pk": activity.pk}))
        self.assertEqual(activity.area, self.area_2)
        self.assertEqual(activity.order, 1)
        self.assertEqual(
            list(activity.targets.values_list("metric", "value")), [("plan.participants", 40)]
        )

    def test_an_activity_without_text_re_renders_with_errors(self) -> None:
        response = self.as_bertil().post(
            reverse("plan:activity-add", kwargs={"year": 2025}),
            {"area": self.area_2.pk, "text": "", **self.targets_post()},
        )

        self.assertEqual(response.status_code, 400)
        self.assertEqual(response.context["form"].errors["text"], [sv("This field is required.")])
        self.assertEqual(Activity.objects.count(), 3)

    def test_a_target_without_a_metric_re_renders_with_errors(self) -> None:
        response = self.as_bertil().post(
            reverse("plan:activity-add", kwargs={"year": 2025}),
            {
                "area": self.area_2.pk,
                "text": "Ny",
                **self.targets_post({"metric": "", "value": "3"}),
            },
        )

        self.assertEqual(response.status_code, 400)
        self.assertEqual(
            response.context["targets"].forms[0].errors["metric"], [sv("Choose what is counted.")]
        )
        self.assertEqual(Activity.objects.count(), 3)

    def test_the_edit_form_shows_the_current_targets(self) -> None:
        response = self.as_bertil().get(
            reverse("plan:activity-edit", kwargs={"pk": self.activity.pk})
        )

        self.assertEqual(
            response.context["targets"].initial,
            [{"metric": "plan.actions", "value": 2, "note": ""}],
        )

    def test_editing_replaces_text_and_targets(self) -> None:
        response = self.as_bertil().post(
            reverse("plan:activity-edit", kwargs={"pk": self.activity.pk}),
            {
                "area": self.area_1.pk,
                "text": "Nyhetsbrev fyra gånger",
                **self.targets_post(
                    {"metric": "plan.actions", "value": "2", "DELETE": "on"},
                    {"metric": "plan.actions", "value": "4", "note": "nyhetsbrev"},
                    initial=1,
                ),
            },
        )

        self.assertRedirects(
            response, reverse("plan:activity-detail", kwargs={"pk": self.activity.pk})
        )
        self.activity.refresh_from_db()
        self.assertEqual(self.activity.text, "Nyhetsbrev fyra gånger")
        self.assertEqual(
            list(self.activity.targets.values_list("metric", "value", "note")),
            [("plan.actions", 4, "nyhetsbrev")],
        )

    def test_an_activity_can_move_to_another_area(self) -> None:
        self.as_bertil().post(
            reverse("plan:activity-edit", kwargs={"pk": self.activity.pk}),
            {"area": self.area_2.pk, "text": self.activity.text, **self.targets_post()},
        )

        self.activity.refresh_from_db()
        self.assertEqual(self.activity.area, self.area_2)
        self.assertEqual(self.activity.targets.count(), 0)

    def test_it_deletes_an_activity_without_actions(self) -> None:
        response = self.as_bertil().post(
            reverse("plan:activity-delete", kwargs={"pk": self.activity.pk})
        )

        self.assertRedirects(response, reverse("plan:plan-detail", kwargs={"year": 2025}))
        self.assertFalse(Activity.objects.filter(pk=self.activity.pk).exists())

    def test_it_refuses_to_delete_an_activity_with_actions(self) -> None:
        make_action(network=self.network_a, activities=[self.activity])

        response = self.as_bertil().post(
            reverse("plan:activity-delete", kwargs={"pk": self.activity.pk})
        )

        self.assertRedirects(
            response, reverse("plan:activity-detail", kwargs={"pk": self.activity.pk})
        )
        self.assertTrue(Activity.objects.filter(pk=self.activity.pk).exists())
        self.assertEqual(
            messages_of(response),
            [sv("%(n)s actions are logged against this activity. Move them first.", n=1)],
        )

    def test_it_moves_an_activity_down(self) -> None:
        response = self.as_bertil().post(
            reverse("plan:activity-move", kwargs={"pk": self.activity.pk}), {"direction": "down"}
        )

        self.assertRedirects(
            response,
            reverse("plan:plan-detail", kwargs={"year": 2025}) + f"#activity-{self.activity.pk}",
        )
        self.assertEqual(
            list(self.area_1.activities.order_by("order").values_list("text", flat=True)),
            ["Aktivitet 1.2", "Aktivitet 1.1"],
        )
