"""Staff pages and services for partnership and consultation bodies and their meetings.

Who may open which page is proven by core/tests/test_permission_matrix.py; this module tests what
the pages do, the actions attended meetings log, and the metric they feed.
"""

from __future__ import annotations

import datetime
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.http import HttpResponse
from django.test import TestCase
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from bygdebas.events.models import BodyMeeting, PartnershipBody
from bygdebas.events.services import bodies as services
from bygdebas.plan.followup import build_follow_up
from bygdebas.plan.models import Action, Activity, Plan
from bygdebas.testing import (
    CastMixin,
    make_body,
    make_county,
    make_meeting,
    make_municipality,
    make_plan,
    make_target,
    sv,
)

PARTNERSHIP = "Delta i kommunernas, länsstyrelsens och regionens partnerskap och samrådsorgan"


def make_plan_with_partnership(network: Any, year: int) -> tuple[Plan, Activity, Activity]:
    """A plan whose first area's second activity is the one for partnerships."""
    plan = make_plan(network=network, year=year, areas=(2, 1))
    first, partnership = plan.areas.get(order=0).activities.order_by("order")
    partnership.text = PARTNERSHIP
    partnership.save()
    return plan, first, partnership


class BodyListTests(CastMixin, TestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        cls.rural_council = make_body(network=cls.network_a, name="Lekebergs landsbygdsråd")
        cls.leader = make_body(network=cls.network_a, name="Leader Bergslagen")
        cls.old = make_body(network=cls.network_a, name="Avvecklat råd", is_active=False)
        make_body(network=cls.network_b, name="B-body")
        make_meeting(
            body=cls.rural_council,
            held_on=datetime.date(2025, 3, 4),
            attended_by="Karin Ek",
            raised="Busslinje 21 mellan Fjugesta och Örebro.",
        )
        make_meeting(body=cls.rural_council, held_on=datetime.date(2025, 9, 1), attended_by="Ola")
        make_meeting(
            body=cls.rural_council,
            held_on=datetime.date(2025, 11, 1),
            is_attended=False,
            raised="Not-attended-secret",
        )
        make_meeting(body=cls.leader, held_on=datetime.date(2024, 6, 1), raised="Last-year-secret")

    def get(self, year: int = 2025) -> HttpResponse:
        return self.as_sara().get(reverse("events:body-list"), {"year": year})

    def test_it_lists_the_networks_bodies_active_first(self) -> None:
        response = self.get()

        self.assertEqual(
            [body.name for body in response.context["bodies"]],
            ["Leader Bergslagen", "Lekebergs landsbygdsråd", "Avvecklat råd"],
        )
        self.assertNotContains(response, "B-body")

    def test_it_counts_the_meetings_attended_that_year_and_the_latest(self) -> None:
        response = self.get()

        rows = {b.name: (b.meeting_count, b.last_met_on) for b in response.context["bodies"]}
        self.assertEqual(rows["Lekebergs landsbygdsråd"], (2, datetime.date(2025, 9, 1)))
        self.assertEqual(rows["Leader Bergslagen"], (0, datetime.date(2024, 6, 1)))
        self.assertEqual(rows["Avvecklat råd"], (0, None))

    def test_the_year_list_holds_every_meeting_attended_that_year(self) -> None:
        response = self.get()

        self.assertEqual(
            [(m.held_on, m.body.name, m.attended_by) for m in response.context["meetings"]],
            [
                (datetime.date(2025, 3, 4), "Lekebergs landsbygdsråd", "Karin Ek"),
                (datetime.date(2025, 9, 1), "Lekebergs landsbygdsråd", "Ola"),
            ],
        )
        self.assertContains(response, "Busslinje 21 mellan Fjugesta och Örebro.")
        self.assertContains(response, "2025-03-04")
        self.assertNotContains(response, "Not-attended-secret")
        self.assertNotContains(response, "Last-year-secret")

    def test_another_year_gives_that_years_list(self) -> None:
        response = self.get(2024)

        self.assertContains(response, "Last-year-secret")
        self.assertEqual(response.context["year"], 2024)
        self.assertIn(2025, response.context["years"])

    def test_without_a_year_it_shows_this_year(self) -> None:
        response = self.as_bertil().get(reverse("events:body-list"))

        self.assertEqual(response.context["year"], timezone.localdate().year)

    def test_the_query_count_is_flat_in_the_number_of_bodies_and_meetings(self) -> None:
        def count_queries() -> int:
            with CaptureQueriesContext(connection) as queries:
                self.assertEqual(self.get().status_code, 200)
            return len(queries)

        few = count_queries()
        municipality = make_municipality(name="Nora")
        for n in range(18):
            body = make_body(network=self.network_a, municipality=municipality)
            for day in (1, 2):
                make_meeting(body=body, held_on=datetime.date(2025, 5, day), attended_by=f"P{n}")
        self.assertEqual(PartnershipBody.objects.filter(network=self.network_a).count(), 21)

        self.assertEqual(count_queries(), few)


class BodyFormTests(CastMixin, TestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        cls.lekeberg = make_municipality(name="Lekeberg")
        cls.elsewhere = make_municipality(
            name="Uppsala", county=make_county(code="03", name="Uppsala län")
        )

    def data(self, **overrides: Any) -> dict[str, Any]:
        data: dict[str, Any] = {
            "name": "Lekebergs landsbygdsråd",
            "owner": "Lekebergs kommun",
            "municipality": self.lekeberg.pk,
            "representatives": "Karin Ek, Ola Berg",
            "description": "Träffas fyra gånger om året.",
            "is_active": "on",
        }
        data.update(overrides)
        return {key: value for key, value in data.items() if value is not None}

    def test_it_creates_a_body(self) -> None:
        response = self.as_bertil().post(reverse("events:body-create"), self.data())

        body = PartnershipBody.objects.get()
        self.assertRedirects(response, reverse("events:body-detail", kwargs={"pk": body.pk}))
        self.assertEqual(body.network, self.network_a)
        self.assertEqual(body.name, "Lekebergs landsbygdsråd")
        self.assertEqual(body.owner, "Lekebergs kommun")
        self.assertEqual(body.municipality, self.lekeberg)
        self.assertEqual(body.representatives, "Karin Ek, Ola Berg")
        self.assertEqual(body.description, "Träffas fyra gånger om året.")
        self.assertTrue(body.is_active)

    def test_the_form_offers_only_municipalities_of_the_networks_county(self) -> None:
        form = self.as_bertil().get(reverse("events:body-create")).context["form"]

        self.assertEqual(list(form.fields["municipality"].queryset), [self.lekeberg])

    def test_it_refuses_a_municipality_outside_the_county(self) -> None:
        response = self.as_bertil().post(
            reverse("events:body-create"), self.data(municipality=self.elsewhere.pk)
        )

        self.assertEqual(response.status_code, 400)
        self.assertIn("municipality", response.context["form"].errors)
        self.assertFalse(PartnershipBody.objects.exists())

    def test_it_refuses_a_body_without_a_name(self) -> None:
        response = self.as_bertil().post(reverse("events:body-create"), self.data(name=""))

        self.assertEqual(response.status_code, 400)
        self.assertEqual(response.context["form"].errors["name"], [sv("This field is required.")])
        self.assertFalse(PartnershipBody.objects.exists())

    def test_it_edits_a_body(self) -> None:
        body = make_body(network=self.network_a)

        response = self.as_anna().post(
            reverse("events:body-edit", kwargs={"pk": body.pk}),
            self.data(name="Region Örebro läns landsbygdspartnerskap", is_active=None),
        )

        self.assertRedirects(response, reverse("events:body-detail", kwargs={"pk": body.pk}))
        body.refresh_from_db()
        self.assertEqual(body.name, "Region Örebro läns landsbygdspartnerskap")
        self.assertFalse(body.is_active)
        self.assertEqual(PartnershipBody.objects.count(), 1)


class BodyDetailTests(CastMixin, TestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        cls.plan, _, cls.partnership = make_plan_with_partnership(cls.network_a, 2025)
        cls.body = make_body(network=cls.network_a, name="Lekebergs landsbygdsråd")
        cls.early = services.save_meeting(
            body=cls.body,
            held_on=datetime.date(2025, 2, 1),
            is_attended=True,
            activities=[cls.partnership],
            notes="Early-notes",
            raised="Early-raised",
        )
        cls.late = make_meeting(
            body=cls.body,
            held_on=datetime.date(2025, 10, 1),
            is_attended=False,
            notes="Late-notes",
            raised="Late-raised",
        )

    def test_it_shows_the_meetings_newest_first_with_notes_and_the_logged_action(self) -> None:
        response = self.as_sara().get(reverse("events:body-detail", kwargs={"pk": self.body.pk}))

        self.assertEqual(list(response.context["meetings"]), [self.late, self.early])
        content = response.content.decode()
        self.assertLess(content.index("Late-notes"), content.index("Early-notes"))
        self.assertContains(response, "Early-raised")
        self.assertContains(response, "Late-raised")
        self.assertContains(
            response, reverse("plan:action-detail", kwargs={"pk": self.early.action_id})
        )

    def test_another_networks_body_is_not_found(self) -> None:
        url = reverse("events:body-detail", kwargs={"pk": self.body.pk})

        self.assertEqual(self.as_david().get(url).status_code, 404)


class MeetingFormTests(CastMixin, TestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        cls.plan, cls.first, cls.partnership = make_plan_with_partnership(cls.network_a, 2025)
        cls.third = cls.plan.areas.get(order=1).activities.get()
        cls.lekeberg = make_municipality(name="Lekeberg")
        cls.body = make_body(
            network=cls.network_a, name="Lekebergs landsbygdsråd", municipality=cls.lekeberg
        )
        cls.url = reverse("events:meeting-create", kwargs={"pk": cls.body.pk})

    def post(self, url: str | None = None, **overrides: Any) -> HttpResponse:
        data: dict[str, Any] = {
            "held_on": "2025-03-12",
            "attended_by": "Karin Ek",
            "is_attended": "on",
            "notes": "Kommunen redovisade landsbygdsprogrammet.",
            "raised": "Busslinje 21.",
            "activities": [self.partnership.pk, self.third.pk],
        }
        data.update(overrides)
        data = {key: value for key, value in data.items() if value is not None}
        return self.as_bertil().post(url or self.url, data)

    def meeting_action(self) -> tuple[BodyMeeting, Action]:
        meeting = BodyMeeting.objects.get()
        assert meeting.action is not None
        return meeting, meeting.action

    def test_the_form_offers_the_plans_activities_grouped_by_area(self) -> None:
        response = self.as_bertil().get(self.url, {"year": 2025})

        form = response.context["form"]
        self.assertEqual(
            [(area.title, len(boxes)) for area, boxes in form.grouped_activities()],
            [("Område 1", 2), ("Område 2", 1)],
        )
        self.assertContains(response, f'<label for="{form["held_on"].id_for_label}"')

    def test_it_preselects_the_partnership_activity_for_a_first_meeting(self) -> None:
        form = self.as_bertil().get(self.url, {"year": 2025}).context["form"]

        self.assertEqual(form.initial["activities"], [self.partnership.pk])

    def test_it_preselects_the_activities_of_the_previous_meeting_by_text(self) -> None:
        _, first_2024, _ = make_plan_with_partnership(self.network_a, 2024)
        services.save_meeting(
            body=self.body,
            held_on=datetime.date(2024, 11, 5),
            is_attended=True,
            activities=[first_2024],
        )

        form = self.as_bertil().get(self.url, {"year": 2025}).context["form"]

        self.assertEqual(first_2024.text, self.first.text)
        self.assertEqual(form.initial["activities"], [self.first.pk])

    def test_without_a_plan_for_the_year_it_says_so(self) -> None:
        response = self.as_bertil().get(self.url, {"year": 2031})

        self.assertEqual(response.status_code, 200)
        self.assertIsNone(response.context["form"].plan)
        self.assertContains(response, "2031")

    def test_an_attended_meeting_logs_an_action_against_the_chosen_activities(self) -> None:
        response = self.post()

        self.assertRedirects(response, reverse("events:body-detail", kwargs={"pk": self.body.pk}))
        meeting, action = self.meeting_action()
        self.assertEqual(meeting.body, self.body)
        self.assertEqual(meeting.held_on, datetime.date(2025, 3, 12))
        self.assertEqual(meeting.attended_by, "Karin Ek")
        self.assertTrue(meeting.is_attended)
        self.assertEqual(meeting.raised, "Busslinje 21.")
        self.assertEqual(action.network, self.network_a)
        self.assertEqual(action.source_type, ContentType.objects.get_for_model(BodyMeeting))
        self.assertEqual(action.source, meeting)
        self.assertEqual(action.performed_on, datetime.date(2025, 3, 12))
        self.assertEqual(action.title, sv("Meeting: %(body)s", body="Lekebergs landsbygdsråd"))
        self.assertIn("Kommunen redovisade landsbygdsprogrammet.", action.description)
        self.assertIn("Busslinje 21.", action.description)
        self.assertEqual(set(action.activities.all()), {self.partnership, self.third})
        self.assertEqual(action.municipality, self.lekeberg)
        self.assertEqual(action.created_by, self.bertil)

    def test_a_meeting_not_attended_logs_nothing(self) -> None:
        response = self.post(is_attended=None, activities=None)

        self.assertEqual(response.status_code, 302)
        meeting = BodyMeeting.objects.get()
        self.assertFalse(meeting.is_attended)
        self.assertIsNone(meeting.action)
        self.assertFalse(Action.objects.exists())

    def test_it_refuses_an_attended_meeting_without_activities(self) -> None:
        response = self.post(activities=None)

        self.assertEqual(response.status_code, 400)
        self.assertEqual(
            response.context["form"].errors["activities"],
            [sv("Choose at least one plan activity the meeting served.")],
        )
        self.assertFalse(BodyMeeting.objects.exists())
        self.assertFalse(Action.objects.exists())

    def test_it_refuses_a_date_in_a_year_without_a_plan(self) -> None:
        response = self.post(held_on="2031-03-12", activities=None)

        self.assertEqual(response.status_code, 400)
        self.assertEqual(
            response.context["form"].errors["held_on"],
            [
                sv(
                    "There is no plan for %(year)s, so the meeting cannot be logged against "
                    "its activities. Import or create the plan for %(year)s first.",
                    year=2031,
                )
            ],
        )
        self.assertFalse(BodyMeeting.objects.exists())

    def test_it_refuses_activities_of_another_years_plan(self) -> None:
        make_plan_with_partnership(self.network_a, 2026)

        response = self.post(held_on="2026-01-20")

        self.assertEqual(response.status_code, 400)
        self.assertIn("activities", response.context["form"].errors)
        # The form now offers the 2026 plan's activities to choose from.
        self.assertEqual(response.context["form"].plan.year, 2026)
        self.assertFalse(BodyMeeting.objects.exists())

    def test_it_refuses_a_meeting_without_a_date(self) -> None:
        response = self.post(held_on="")

        self.assertEqual(response.status_code, 400)
        self.assertEqual(
            response.context["form"].errors["held_on"], [sv("This field is required.")]
        )
        self.assertFalse(BodyMeeting.objects.exists())

    def test_editing_updates_the_same_action(self) -> None:
        self.post()
        meeting, action = self.meeting_action()
        edit_url = reverse("events:meeting-edit", kwargs={"pk": meeting.pk})
        form = self.as_bertil().get(edit_url).context["form"]
        self.assertEqual(set(form.initial["activities"]), {self.partnership.pk, self.third.pk})

        response = self.post(
            edit_url,
            held_on="2025-04-02",
            raised="Bredband till Hidinge.",
            activities=[self.first.pk],
        )

        self.assertEqual(response.status_code, 302)
        meeting, updated = self.meeting_action()
        self.assertEqual(updated.pk, action.pk)
        self.assertEqual(Action.objects.count(), 1)
        self.assertEqual(updated.performed_on, datetime.date(2025, 4, 2))
        self.assertIn("Bredband till Hidinge.", updated.description)
        self.assertEqual(list(updated.activities.all()), [self.first])
        self.assertEqual(meeting.raised, "Bredband till Hidinge.")

    def test_un_attending_deletes_the_action_and_attending_again_logs_a_new_one(self) -> None:
        self.post()
        meeting, action = self.meeting_action()
        edit_url = reverse("events:meeting-edit", kwargs={"pk": meeting.pk})

        self.post(edit_url, is_attended=None)

        meeting.refresh_from_db()
        self.assertIsNone(meeting.action)
        self.assertFalse(Action.objects.filter(pk=action.pk).exists())

        self.post(edit_url)

        meeting, again = self.meeting_action()
        self.assertEqual(again.source, meeting)
        self.assertEqual(Action.objects.count(), 1)

    def test_deleting_a_meeting_deletes_its_action(self) -> None:
        self.post()
        meeting, _ = self.meeting_action()
        url = reverse("events:meeting-delete", kwargs={"pk": meeting.pk})
        self.assertContains(self.as_bertil().get(url), 'method="post"')

        response = self.as_bertil().post(url)

        self.assertRedirects(response, reverse("events:body-detail", kwargs={"pk": self.body.pk}))
        self.assertFalse(BodyMeeting.objects.exists())
        self.assertFalse(Action.objects.exists())

    def test_the_board_cannot_add_a_meeting(self) -> None:
        response = self.as_sara().post(self.url, {"held_on": "2025-03-12"})

        self.assertEqual(response.status_code, 403)
        self.assertFalse(BodyMeeting.objects.exists())


class BodyMeetingMetricTests(CastMixin, TestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        cls.plan, cls.first, cls.partnership = make_plan_with_partnership(cls.network_a, 2025)
        make_target(activity=cls.partnership, metric="events.body_meetings", value=3)
        make_target(activity=cls.first, metric="events.body_meetings", value=1)
        cls.council = make_body(network=cls.network_a)
        cls.leader = make_body(network=cls.network_a)

    def save(self, body: PartnershipBody, held_on: datetime.date, **kwargs: Any) -> BodyMeeting:
        return services.save_meeting(
            body=body,
            held_on=held_on,
            is_attended=kwargs.pop("is_attended", True),
            activities=kwargs.pop("activities", [self.partnership]),
            **kwargs,
        )

    def achieved(self, activity: Activity) -> tuple[int | None, bool]:
        result = build_follow_up(network=self.network_a, plan=self.plan)
        row = next(row for row in result.rows if row.activity.pk == activity.pk)
        (outcome,) = row.targets
        return outcome.achieved, outcome.is_met

    def test_the_follow_up_counts_the_meetings_attended(self) -> None:
        self.save(self.council, datetime.date(2025, 2, 1))
        self.save(self.council, datetime.date(2025, 5, 1))
        self.save(self.leader, datetime.date(2025, 6, 1))
        self.save(self.leader, datetime.date(2025, 7, 1), is_attended=False, activities=[])
        # An ordinary action against the activity is not a meeting attended.
        ordinary = Action.objects.create(
            network=self.network_a, performed_on=datetime.date(2025, 3, 1), title="Annat"
        )
        ordinary.activities.set([self.partnership])

        self.assertEqual(self.achieved(self.partnership), (3, True))
        self.assertEqual(self.achieved(self.first), (0, False))

    def test_un_attending_and_deleting_take_meetings_out_of_the_count(self) -> None:
        kept = self.save(self.council, datetime.date(2025, 2, 1))
        dropped = self.save(self.council, datetime.date(2025, 5, 1))
        deleted = self.save(self.leader, datetime.date(2025, 6, 1))

        self.save(self.council, dropped.held_on, is_attended=False, activities=[], meeting=dropped)
        services.delete_meeting(meeting=deleted)

        self.assertEqual(self.achieved(self.partnership), (1, False))
        self.assertTrue(BodyMeeting.objects.filter(pk=kept.pk).exists())
