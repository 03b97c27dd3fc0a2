"""The knowledge bank's services: validation that saves nothing, advice and examples logging
actions in the plan, moderation of examples sent in, and the funding-call digest."""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.test import TestCase
from django.utils import timezone

from bygdebas.core import moderation
from bygdebas.core.images import process_image
from bygdebas.core.models import Image, ModerationEvent
from bygdebas.core.search import search
from bygdebas.plan.models import Action
from bygdebas.projects import services
from bygdebas.projects.models import (
    Advice,
    AdviceTopic,
    CallDigestSubscription,
    Example,
    FundingCall,
    Goal,
    Project,
    ProjectFunding,
    Theme,
)
from bygdebas.projects.tests.factories import (
    jpeg_upload,
    make_call,
    make_project,
    make_support_plan,
)
from bygdebas.testing import CastMixin, make_municipality, make_organisation, sv

DAY = datetime.date(2025, 5, 14)


class ProjectServiceTests(CastMixin, TestCase):
    def test_it_saves_a_project_with_organisations_and_goals(self) -> None:
        org = make_organisation(network=self.network_a, name="Byalaget")
        project = services.save_project(
            network=self.network_a,
            fields={"name": "Ny bygdegård", "status": "applied", "budget": Decimal(120000)},
            organisations=[org],
            goals=Goal.objects.filter(number__in=[11, 17]),
        )
        self.assertEqual(list(project.organisations.all()), [org])
        self.assertEqual(sorted(g.number for g in project.goals.all()), [11, 17])
        self.assertEqual(str(Goal.objects.get(number=11)), "11 Hållbara städer och samhällen")

    def test_it_rejects_a_project_that_ends_before_it_starts_and_saves_nothing(self) -> None:
        with self.assertRaises(ValidationError) as raised:
            services.save_project(
                network=self.network_a,
                fields={
                    "name": "Baklänges",
                    "starts_on": datetime.date(2025, 6, 1),
                    "ends_on": datetime.date(2025, 1, 1),
                },
            )
        self.assertIn("ends_on", raised.exception.message_dict)
        self.assertFalse(Project.objects.exists())

    def test_it_refuses_another_networks_organisation(self) -> None:
        other = make_organisation(network=self.network_b, name="B-föreningen")
        with self.assertRaises(ValidationError):
            services.save_project(
                network=self.network_a, fields={"name": "X"}, organisations=[other]
            )
        self.assertFalse(Project.objects.exists())

    def test_funding_needs_an_amount_and_own_work_needs_hours(self) -> None:
        project = make_project(network=self.network_a)
        with self.assertRaises(ValidationError) as raised:
            services.add_funding(project=project, source="leader")
        self.assertIn("amount", raised.exception.message_dict)
        with self.assertRaises(ValidationError) as raised:
            services.add_funding(project=project, source="own_work", amount=Decimal(5))
        self.assertIn("hours", raised.exception.message_dict)
        self.assertFalse(ProjectFunding.objects.exists())
        services.add_funding(project=project, source="own_work", hours=Decimal("120.5"))
        line = services.add_funding(
            project=project, source="mikrofonden", funder="Mikrofonden Örebro", amount=50000
        )
        self.assertEqual(line.hours, None)
        self.assertEqual(project.funding.count(), 2)


class AdviceServiceTests(CastMixin, TestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        cls.activities = make_support_plan(cls.network_a, 2025)
        cls.org = make_organisation(network=cls.network_a, name="Lekebergs byalag")

    def advise(self, **fields: object) -> Advice:
        values: dict[str, object] = {
            "given_on": DAY,
            "organisation": self.org,
            "topic": AdviceTopic.FUNDING,
            "hours": Decimal(2),
        }
        values.update(fields)
        return services.save_advice(network=self.network_a, fields=values, user=self.bertil)

    def test_advice_logs_an_action_against_the_support_activity(self) -> None:
        advice = self.advise()
        action = Action.objects.get()
        self.assertEqual(advice.action, action)
        self.assertEqual(list(action.activities.all()), [self.activities["support"]])
        self.assertEqual(action.performed_on, DAY)
        self.assertIn("Lekebergs byalag", action.title)
        self.assertEqual(action.source, advice)

    def test_the_organisations_page_lists_the_advice_it_was_given(self) -> None:
        from bygdebas.members.organisation_sources import organisation_actions

        advice = self.advise()
        actions = organisation_actions(self.network_a, self.org)
        self.assertEqual(list(actions), [advice.action])
        page = self.as_bertil().get(f"/kansli/organisationer/{self.org.pk}/")
        self.assertContains(page, "Lekebergs byalag")
        self.assertContains(page, advice.action.title)

    def test_advice_to_a_youth_project_counts_for_the_youth_activity_too(self) -> None:
        project = make_project(network=self.network_a, is_youth=True)
        self.advise(project=project)
        activities = set(Action.objects.get().activities.all())
        self.assertEqual(activities, {self.activities["support"], self.activities["youth"]})

    def test_changing_the_date_moves_the_same_action_and_deleting_removes_it(self) -> None:
        advice = self.advise()
        services.save_advice(
            network=self.network_a,
            advice=advice,
            user=self.bertil,
            fields={"given_on": datetime.date(2025, 9, 1)},
        )
        self.assertEqual(Action.objects.get().performed_on, datetime.date(2025, 9, 1))
        services.delete_advice(advice=advice)
        self.assertFalse(Action.objects.exists())

    def test_advice_in_a_year_without_a_plan_is_kept_without_an_action(self) -> None:
        advice = self.advise(given_on=datetime.date(2026, 1, 10))
        self.assertIsNone(advice.action)
        self.assertFalse(Action.objects.exists())

    def test_advice_for_nobody_or_followed_up_before_it_was_given_is_refused(self) -> None:
        with self.assertRaises(ValidationError) as raised:
            self.advise(organisation=None)
        self.assertIn("recipient", raised.exception.message_dict)
        with self.assertRaises(ValidationError) as raised:
            self.advise(follow_up_on=datetime.date(2025, 1, 1))
        self.assertIn("follow_up_on", raised.exception.message_dict)
        self.assertFalse(Advice.objects.exists())
        self.assertFalse(Action.objects.exists())


class FundingCallServiceTests(CastMixin, TestCase):
    def test_a_deadline_before_the_opening_is_refused_and_nothing_saved(self) -> None:
        with self.assertRaises(ValidationError) as raised:
            services.save_call(
                network=self.network_a,
                fields={
                    "funder": "Länsstyrelsen",
                    "title": "Service",
                    "opens_on": datetime.date(2025, 5, 1),
                    "deadline_on": datetime.date(2025, 4, 1),
                },
            )
        self.assertEqual(
            raised.exception.message_dict["deadline_on"],
            [sv("The deadline cannot be before the call opens.")],
        )
        self.assertFalse(FundingCall.objects.exists())

    def test_calls_cover_their_municipalities_or_the_whole_county(self) -> None:
        kumla, lekeberg = make_municipality(name="Kumla"), make_municipality(name="Lekeberg")
        everywhere = make_call(network=self.network_a, title="Hela länet")
        in_kumla = make_call(network=self.network_a, title="Kumla")
        in_kumla.municipalities.set([kumla])
        make_call(network=self.network_a, title="Gammal", deadline_on=datetime.date(2020, 1, 1))
        today = timezone.localdate()
        found = services.calls_for_municipalities(self.network_a, [lekeberg.pk], today=today)
        self.assertEqual(found, [everywhere])
        found = services.calls_for_municipalities(self.network_a, [kumla.pk], today=today)
        self.assertEqual(set(found), {everywhere, in_kumla})


class ExampleServiceTests(CastMixin, TestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        cls.activities = make_support_plan(cls.network_a, timezone.localdate().year)

    def submit(self, **fields: object) -> Example:
        values: dict[str, object] = {
            "title": "Byskola i Ramundeboda",
            "summary": "Föräldrar startade en friskola.",
            "story": "Allt började med ett möte.",
        }
        values.update(fields)
        return services.submit_example(
            network=self.network_a,
            user=self.cecilia,
            organisation=self.cecilia_org,
            fields=values,
            themes=Theme.objects.filter(key="school"),
            image=process_image(jpeg_upload()),
            image_alt="Skolhuset i vårsol",
        )

    def found(self, words: str) -> list[str]:
        page = search(words, network=self.network_a, kinds=["projects.example"])
        return [result.title for result in page.results]

    def test_a_submission_waits_unpublished_and_unfindable(self) -> None:
        example = self.submit()
        self.assertEqual(example.moderation_status, moderation.ModerationStatus.PENDING)
        self.assertFalse(example.is_published)
        self.assertEqual(example.submitted_by, self.cecilia)
        self.assertEqual(list(example.organisations.all()), [self.cecilia_org])
        self.assertEqual(example.photo.alt_text, "Skolhuset i vårsol")
        self.assertEqual(self.found("byskola"), [])
        self.assertFalse(Action.objects.exists())

    def test_approval_with_edits_publishes_logs_and_indexes(self) -> None:
        example = self.submit()
        moderation.approve(example, by=self.bertil, edits={"title": "Byskolan i Ramundeboda"})
        example.refresh_from_db()
        self.assertTrue(example.is_published)
        self.assertEqual(example.original["title"], "Byskola i Ramundeboda")
        action = Action.objects.get()
        self.assertEqual(list(action.activities.all()), [self.activities["examples"]])
        self.assertEqual(example.publish_action, action)
        # "byskola" finds "Byskolan": the search stems Swedish.
        self.assertEqual(self.found("byskola"), ["Byskolan i Ramundeboda"])
        self.assertEqual(self.found("byskolan"), ["Byskolan i Ramundeboda"])
        self.assertEqual(self.found("byskola"), self.found("byskolorna"))

    def test_asking_for_changes_then_resubmitting_puts_it_back_in_the_queue(self) -> None:
        example = self.submit()
        moderation.request_changes(example, by=self.bertil, reason="Lägg till en bild på eleverna.")
        services.resubmit_example(
            example=example,
            user=self.cecilia,
            changes={"summary": "Nu med fler detaljer.", "goals": [Goal.objects.get(number=4)]},
        )
        example.refresh_from_db()
        self.assertTrue(example.is_pending)
        self.assertEqual([g.number for g in example.goals.all()], [4])
        actions = [e.action for e in ModerationEvent.objects.for_network(self.network_a)]
        self.assertEqual(actions, ["submitted", "changes_requested", "resubmitted"])

    def test_a_decline_needs_a_reason(self) -> None:
        example = self.submit()
        with self.assertRaises(ValidationError):
            moderation.decline(example, by=self.bertil, reason="")
        moderation.decline(example, by=self.bertil, reason="Handlar inte om landsbygd.")
        example.refresh_from_db()
        self.assertFalse(example.is_published)

    def test_contact_details_without_consent_are_refused_and_nothing_saved(self) -> None:
        with self.assertRaises(ValidationError) as raised:
            self.submit(contact_name="Greta Grön", contact_email="greta@example.org")
        self.assertIn("has_contact_consent", raised.exception.message_dict)
        self.assertFalse(Example.objects.exists())
        self.assertFalse(Image.objects.exists())

    def test_staff_examples_are_published_at_once_and_deleting_removes_photo_and_entry(
        self,
    ) -> None:
        example = services.save_example(
            network=self.network_a,
            user=self.bertil,
            fields={"title": "Laddstolpar i byn", "summary": "Byn ordnade laddning."},
            image=process_image(jpeg_upload()),
            image_alt="Laddstolpe",
        )
        self.assertTrue(example.is_published)
        self.assertEqual(self.found("laddstolpe"), ["Laddstolpar i byn"])
        services.unpublish_example(example=example)
        self.assertEqual(self.found("laddstolpe"), [])
        services.delete_example(example=example)
        self.assertFalse(Image.objects.exists())


class DigestTests(CastMixin, TestCase):
    def test_a_subscriber_gets_new_calls_for_their_municipality_once(self) -> None:
        kumla, other = make_municipality(name="Kumla"), make_municipality(name="Hallsberg")
        self.cecilia_org.municipality = kumla
        self.cecilia_org.save()
        make_call(network=self.network_a, title="För Kumla").municipalities.set([kumla])
        make_call(network=self.network_a, title="För Hallsberg").municipalities.set([other])
        services.set_call_digest(network=self.network_a, user=self.cecilia, wanted=True)
        with self.captureOnCommitCallbacks(execute=True):
            sent = services.send_call_digests(network=self.network_a)
        self.assertEqual(sent, 1)
        from django.core import mail

        self.assertEqual(len(mail.outbox), 1)
        message = mail.outbox[0]
        self.assertIn("För Kumla", message.body)
        self.assertNotIn("För Hallsberg", message.body)
        # Nothing new since: no second mail.
        with self.captureOnCommitCallbacks(execute=True):
            self.assertEqual(services.send_call_digests(network=self.network_a), 0)
        stop = message.extra_headers["List-Unsubscribe"].strip("<>")
        self.assertIn(stop, message.body)
        # The link shows a page; only its button stops the mail.
        path = stop.removeprefix(self.network_a.base_url)
        self.assertContains(self.as_anonymous().get(path), sv("Stop the mail"))
        self.assertTrue(CallDigestSubscription.objects.exists())
        self.assertContains(self.as_anonymous().post(path), sv("The mail is stopped"))
        self.assertEqual(self.as_anonymous().get(path).status_code, 404)
        self.assertFalse(CallDigestSubscription.objects.exists())
