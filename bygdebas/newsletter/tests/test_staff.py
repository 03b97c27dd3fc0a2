"""Staff pages: import with legal basis, items (Markdown, images), the composer's one-click
inserts, moderation of members' items, preview, scheduling; query counts on the lists."""

from __future__ import annotations

import datetime
import io

from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import TestCase
from django.urls import reverse
from django.utils import timezone
from PIL import Image as PILImage

from bygdebas.core.agenda import Upcoming, register_upcoming
from bygdebas.core.moderation import ModerationStatus
from bygdebas.newsletter import services
from bygdebas.newsletter.models import Consent, Issue, IssueEntry, Item, Subscription, Suppression
from bygdebas.newsletter.tests.factories import make_issue, make_item, make_subscription
from bygdebas.testing import CastMixin, SmtpServerMixin, make_action, make_plan, sv


def csv_file(text: str) -> SimpleUploadedFile:
    return SimpleUploadedFile("lista.csv", text.encode(), "text/csv")


def png(size: tuple[int, int] = (40, 30)) -> SimpleUploadedFile:
    data = io.BytesIO()
    PILImage.new("RGB", size, "green").save(data, "PNG")
    return SimpleUploadedFile("bild.png", data.getvalue(), "image/png")


class ImportTests(SmtpServerMixin, CastMixin, TestCase):
    def post(self, text: str):
        with self.captureOnCommitCallbacks(execute=True):
            return self.as_bertil().post(
                reverse("newsletter:subscriber-import"), {"file": csv_file(text)}
            )

    def test_an_import_needs_a_legal_basis_and_asks_everyone_to_confirm(self) -> None:
        Suppression.objects.create(
            network=self.network_a, email="gone@example.org", reason="unsubscribed"
        )
        response = self.post(
            "email;name;legal_basis\nny@example.org;Ny Läsare;samtycke\n"
            "gone@example.org;Borta;samtycke\n"
        )
        self.assertRedirects(response, reverse("newsletter:subscriber-list"))
        subscription = Subscription.objects.get(network=self.network_a)
        self.assertEqual(subscription.email, "ny@example.org")
        self.assertFalse(subscription.is_confirmed)
        self.assertEqual(Consent.objects.get().legal_basis, Consent.LegalBasis.CONSENT)
        (message,) = self.smtp.messages_to("ny@example.org")
        self.assertIn("/nyhetsbrev/bekrafta/", message.get_body(("plain",)).get_content())
        self.assertEqual(self.smtp.messages_to("gone@example.org"), [])
        # Not confirmed: an issue does not reach the imported address.
        issue = make_issue(network=self.network_a)
        self.assertEqual(services.recipients(issue).count(), 0)

    def test_malformed_rows_are_named_and_nothing_is_imported(self) -> None:
        response = self.post(
            "email,name,legal_basis\nbra@example.org,Bra,avtal\nfel-adress,Fel,samtycke\n"
            "utan@example.org,Utan,\n"
        )
        self.assertEqual(response.status_code, 400)
        self.assertContains(response, "Rad 3", status_code=400)
        self.assertContains(response, "fel-adress", status_code=400)
        self.assertContains(response, "Rad 4", status_code=400)
        self.assertFalse(Subscription.objects.exists())
        self.assertEqual(self.smtp.messages, [])

    def test_a_file_without_the_columns_is_refused(self) -> None:
        response = self.post("adress\nny@example.org\n")
        self.assertEqual(response.status_code, 400)
        self.assertFalse(Subscription.objects.exists())


class ItemTests(CastMixin, TestCase):
    def test_markdown_with_script_or_event_handlers_is_sanitised(self) -> None:
        text = (
            'Hej <script>alert(1)</script> <img src=x onerror="alert(2)"> [x](javascript:alert(3))'
        )
        response = self.as_bertil().post(
            reverse("newsletter:item-create"), {"title": "Farligt", "text": text}
        )
        self.assertRedirects(response, reverse("newsletter:item-list"))
        item = Item.objects.get()
        issue = make_issue(network=self.network_a, items=0)
        services.add_item(issue=issue, item=item)
        html = (
            self.as_bertil()
            .get(reverse("newsletter:issue-preview", args=[issue.pk]))
            .content.decode()
        )
        body = html[html.index("preview-desktop") : html.index('id="preview-text"')]
        self.assertIn("Farligt", body)
        self.assertNotIn("<script>alert", body)
        self.assertNotIn("onerror", body)
        self.assertNotIn("javascript:", body)

    def test_an_image_that_is_not_an_image_or_too_large_is_refused(self) -> None:
        fake = SimpleUploadedFile("bild.png", b"not a picture", "image/png")
        response = self.as_bertil().post(
            reverse("newsletter:item-create"),
            {"title": "Bild", "text": "Text", "image": fake, "image_alt": "En bild"},
        )
        self.assertEqual(response.status_code, 400)
        with self.settings(BYGDEBAS_MAX_IMAGE_BYTES=100):
            response = self.as_bertil().post(
                reverse("newsletter:item-create"),
                {"title": "Bild", "text": "Text", "image": png((400, 300)), "image_alt": "Bild"},
            )
        self.assertEqual(response.status_code, 400)
        self.assertFalse(Item.objects.exists())

    def test_an_image_needs_its_alternative_text(self) -> None:
        response = self.as_bertil().post(
            reverse("newsletter:item-create"), {"title": "Bild", "text": "Text", "image": png()}
        )
        self.assertEqual(response.status_code, 400)
        self.assertFalse(Item.objects.exists())
        response = self.as_bertil().post(
            reverse("newsletter:item-create"),
            {"title": "Bild", "text": "Text", "image": png(), "image_alt": "Grön ruta"},
        )
        self.assertRedirects(response, reverse("newsletter:item-list"))
        self.assertEqual(Item.objects.get().photo.alt_text, "Grön ruta")

    def test_the_item_list_costs_the_same_queries_for_one_or_many(self) -> None:
        make_item(network=self.network_a)
        client = self.as_bertil()
        client.get(reverse("newsletter:item-list"))
        with self.assertNumQueries(6) as first:
            client.get(reverse("newsletter:item-list"))
        for _ in range(5):
            make_item(network=self.network_a, organisation=self.cecilia_org)
        with self.assertNumQueries(len(first.captured_queries)):
            client.get(reverse("newsletter:item-list"))


class MemberItemTests(SmtpServerMixin, CastMixin, TestCase):
    def test_a_contact_persons_item_is_moderated_then_offered_in_the_composer(self) -> None:
        with self.captureOnCommitCallbacks(execute=True):
            response = self.as_cecilia().post(
                reverse("newsletter:item-submit"),
                {"title": "Byfest i Åsbro", "text": "Välkomna den 3 maj!"},
            )
        self.assertRedirects(response, reverse("newsletter:my-items"))
        item = Item.objects.get()
        self.assertEqual(item.moderation_status, ModerationStatus.PENDING)
        self.assertEqual(item.organisation, self.cecilia_org)
        self.assertTrue(self.smtp.messages_to("cecilia@a.test"))
        issue = make_issue(network=self.network_a, items=0)
        detail = reverse("newsletter:issue-detail", args=[issue.pk])
        self.assertNotContains(self.as_bertil().get(detail), "Byfest i Åsbro")

        with self.captureOnCommitCallbacks(execute=True):
            self.as_bertil().post(
                reverse("newsletter:item-moderation-detail", args=[item.pk]),
                {
                    "decision-decision": "approve",
                    "decision-reason": "Tack!",
                    "edit-title": "Byfest i Åsbro 3 maj",
                    "edit-text": item.text,
                    "edit-link": "",
                },
            )
        item.refresh_from_db()
        self.assertEqual(item.moderation_status, ModerationStatus.APPROVED)
        self.assertEqual(item.original["title"], "Byfest i Åsbro")
        self.assertContains(self.as_bertil().get(detail), "Byfest i Åsbro 3 maj")
        self.as_bertil().post(
            reverse("newsletter:issue-insert", args=[issue.pk]), {"item": item.pk}
        )
        self.assertEqual(list(issue.entries.values_list("item_id", flat=True)), [item.pk])

    def test_a_contact_person_sees_only_their_own_submissions(self) -> None:
        make_item(network=self.network_a, title="Någon annans", moderation_status="pending")
        mine = make_item(
            network=self.network_a,
            title="Min nyhet",
            submitted_by=self.cecilia,
            moderation_status="pending",
        )
        response = self.as_cecilia().get(reverse("newsletter:my-items"))
        self.assertContains(response, mine.title)
        self.assertNotContains(response, "Någon annans")

    def test_the_self_service_tick_subscribes_only_when_ticked(self) -> None:
        self.as_cecilia().post(reverse("newsletter:subscribe-tick"), {})
        self.assertFalse(Subscription.objects.exists())
        self.as_cecilia().post(reverse("newsletter:subscribe-tick"), {"subscribe": "on"})
        subscription = Subscription.objects.get()
        self.assertTrue(subscription.is_active)
        self.assertTrue(subscription.is_member_contact)
        self.assertEqual(subscription.consents.get().source, Subscription.Source.SELFSERVICE)


class ComposerTests(SmtpServerMixin, CastMixin, TestCase):
    def test_upcoming_events_and_logged_actions_are_inserted_with_one_click(self) -> None:
        starts = timezone.now() + datetime.timedelta(days=10)
        register_upcoming(
            "test.newsletter",
            upcoming=lambda network, start, end: [
                Upcoming(
                    "test:1", "Landsbygdsriksdag", starts, "Örebro", "Två dagar.", "/kalender/1/"
                )
            ],
        )
        from bygdebas.core import agenda

        self.addCleanup(agenda._sources.pop, "test.newsletter")
        plan = make_plan(network=self.network_a, year=timezone.localdate().year)
        action = make_action(network=plan.network, title="Studiebesök i Hällefors")
        issue = make_issue(network=self.network_a, items=0)
        detail = reverse("newsletter:issue-detail", args=[issue.pk])
        page = self.as_bertil().get(detail)
        self.assertContains(page, "Landsbygdsriksdag")
        self.assertContains(page, "Studiebesök i Hällefors")
        insert = reverse("newsletter:issue-insert", args=[issue.pk])
        self.as_bertil().post(insert, {"event": "test:1"})
        self.as_bertil().post(insert, {"action": action.pk})
        titles = list(issue.entries.values_list("item__title", flat=True))
        self.assertEqual(titles, ["Landsbygdsriksdag", "Studiebesök i Hällefors"])

    def test_preview_shows_html_at_two_widths_and_the_plain_text(self) -> None:
        issue = make_issue(network=self.network_a, items=2)
        response = self.as_bertil().get(reverse("newsletter:issue-preview", args=[issue.pk]))
        self.assertContains(response, "preview-desktop")
        self.assertContains(response, "preview-phone")
        self.assertContains(response, "preview-text")
        self.assertContains(response, "== Notis")

    def test_a_test_send_goes_to_the_staff_member_only(self) -> None:
        issue = make_issue(network=self.network_a)
        make_subscription(network=self.network_a, email="reader@example.org")
        with self.captureOnCommitCallbacks(execute=True):
            self.as_bertil().post(reverse("newsletter:issue-test", args=[issue.pk]))
        (message,) = self.smtp.messages
        self.assertEqual(message["To"], "bertil@a.test")
        self.assertTrue(message["Subject"].startswith("[Test]"))
        issue.refresh_from_db()
        self.assertEqual(issue.status, Issue.Status.DRAFT)

    def test_scheduling_in_the_past_is_refused_and_a_due_issue_is_started(self) -> None:
        issue = make_issue(network=self.network_a)
        make_subscription(network=self.network_a, email="reader@example.org")
        schedule = reverse("newsletter:issue-schedule", args=[issue.pk])
        self.as_bertil().post(schedule, {"scheduled_at": "2020-01-01T10:00"})
        issue.refresh_from_db()
        self.assertEqual(issue.status, Issue.Status.DRAFT)
        soon = timezone.localtime() + datetime.timedelta(hours=1)
        self.as_bertil().post(schedule, {"scheduled_at": soon.strftime("%Y-%m-%dT%H:%M")})
        issue.refresh_from_db()
        self.assertEqual(issue.status, Issue.Status.SCHEDULED)
        self.assertEqual(services.start_scheduled(), [])
        with self.captureOnCommitCallbacks(execute=True):
            started = services.start_scheduled(now=soon + datetime.timedelta(minutes=1))
        self.assertEqual([i.pk for i in started], [issue.pk])
        issue.refresh_from_db()
        self.assertEqual(issue.status, Issue.Status.SENT)
        self.assertEqual(len(self.smtp.messages_to("reader@example.org")), 1)

    def test_a_sent_issue_cannot_be_changed(self) -> None:
        issue = make_issue(network=self.network_a, status=Issue.Status.SENT, sent_at=timezone.now())
        item = make_item(network=self.network_a)
        self.as_bertil().post(
            reverse("newsletter:issue-insert", args=[issue.pk]), {"item": item.pk}
        )
        self.assertFalse(IssueEntry.objects.filter(item=item).exists())

    def test_the_issue_list_costs_the_same_queries_for_one_or_many(self) -> None:
        make_issue(network=self.network_a)
        client = self.as_bertil()
        with self.assertNumQueries(7) as first:
            client.get(reverse("newsletter:issue-list"))
        for _ in range(4):
            make_issue(network=self.network_a, items=2)
        with self.assertNumQueries(len(first.captured_queries)):
            client.get(reverse("newsletter:issue-list"))

    def test_the_subscriber_list_costs_the_same_queries_for_one_or_many(self) -> None:
        make_subscription(network=self.network_a)
        client = self.as_bertil()
        with self.assertNumQueries(8) as first:
            client.get(reverse("newsletter:subscriber-list"))
        for _ in range(4):
            make_subscription(network=self.network_a)
        with self.assertNumQueries(len(first.captured_queries)):
            client.get(reverse("newsletter:subscriber-list"))

    def test_the_public_archive_and_feed_show_sent_issues_without_personal_parts(self) -> None:
        import feedparser

        make_subscription(network=self.network_a, email="reader@example.org", name="Rut Läsare")
        issue = make_issue(network=self.network_a, items=1, title="Vårnumret")
        draft = make_issue(network=self.network_a, items=1, title="Utkastet")
        with self.captureOnCommitCallbacks(execute=True):
            services.start_sending(issue=issue)
        archive = self.as_anonymous().get(reverse("newsletter:archive"))
        self.assertContains(archive, "Vårnumret")
        self.assertNotContains(archive, draft.title)
        page = self.as_anonymous().get(reverse("newsletter:archive-detail", args=[issue.number]))
        self.assertContains(page, "Vårnumret")
        self.assertNotContains(page, "Rut")
        self.assertNotContains(page, "avregistrera")
        self.assertEqual(
            self.as_anonymous()
            .get(reverse("newsletter:archive-detail", args=[draft.number]))
            .status_code,
            404,
        )
        feed = feedparser.parse(self.as_anonymous().get(reverse("newsletter:feed-atom")).content)
        self.assertEqual([e.title for e in feed.entries], [f"{issue.number}: Vårnumret"])
        self.assertTrue(feed.entries[0].link.endswith(f"/nyhetsbrev/{issue.number}/"))
        _ = sv
