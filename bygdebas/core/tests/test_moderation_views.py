"""The staff moderation queue (core.moderation_views), mounted by the test app as any app mounts
it: who may see it, a flat query count, and deciding through the plain form."""

from __future__ import annotations

from django.core import mail
from django.test import TestCase, override_settings
from django.urls import reverse

from bygdebas.core import moderation
from bygdebas.core.moderation import ModerationStatus
from bygdebas.core.tests.testapp.models import Note
from bygdebas.testing import CastMixin, sv

QUEUE = "core_testapp:note-moderation"
DETAIL = "core_testapp:note-moderation-detail"


def make_note(network, *, title="Byfest", by=None, **fields) -> Note:
    note = Note(network=network, title=title, text=fields.pop("text", "Välkomna!"), **fields)
    if by is not None:
        return moderation.submit(note, by=by, mail=False)
    return moderation.submit(note, name="Eva", email="eva@example.org", mail=False)


@override_settings(ROOT_URLCONF="bygdebas.core.tests.testapp.urls")
class QueueTests(CastMixin, TestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        cls.note = make_note(cls.network_a, title="Byfest i Åsbro", by=cls.cecilia)
        cls.theirs = make_note(cls.network_b, title="B:s hemliga notis")

    def test_who_may_see_the_queue_and_a_submission(self) -> None:
        queue, detail = reverse(QUEUE), reverse(DETAIL, args=[self.note.pk])
        cases = {
            "anonymous": (self.as_anonymous(), 302, 302),
            "anna": (self.as_anna(), 200, 200),
            "bertil": (self.as_bertil(), 200, 200),
            "sara (board)": (self.as_sara(), 403, 403),
            "cecilia (sender)": (self.as_cecilia(), 403, 403),
            "david on a": (self.as_user(self.david, self.network_a), 403, 403),
            # On his own host David sees his own network's queue, and A's note is not there.
            "david on b": (self.as_david(), 200, 404),
        }
        for who, (client, queue_status, detail_status) in cases.items():
            with self.subTest(who):
                self.assertEqual(client.get(queue).status_code, queue_status)
                self.assertEqual(client.get(detail).status_code, detail_status)
        response = self.as_anonymous().get(queue)
        self.assertTrue(response["Location"].startswith(reverse("core:login")))

    def test_the_queue_lists_the_networks_waiting_submissions_oldest_first(self) -> None:
        later = make_note(self.network_a, title="Loppis")
        sent_back = make_note(self.network_a, title="Skicka tillbaka")
        moderation.request_changes(sent_back, by=self.bertil, reason="Mer.", mail=False)
        decided = make_note(self.network_a, title="Redan klar")
        moderation.approve(decided, by=self.bertil, mail=False)

        response = self.as_bertil().get(reverse(QUEUE))

        self.assertEqual(response.context["pending"], [self.note, later])
        self.assertEqual(response.context["waiting"], [sent_back])
        self.assertContains(response, reverse(DETAIL, args=[self.note.pk]))
        self.assertContains(response, "cecilia@a.test")  # who sent it in
        self.assertNotContains(response, "B:s hemliga notis")
        self.assertNotContains(response, "Redan klar")

    def test_the_queue_costs_the_same_queries_for_one_or_many(self) -> None:
        client = self.as_bertil()
        client.get(reverse(QUEUE))  # the session and the role, once
        # Network, session, user, role; the waiting and the sent-back submissions.
        with self.assertNumQueries(6) as one:
            client.get(reverse(QUEUE))
        for n in range(6):
            make_note(self.network_a, title=f"Notis {n}", by=self.cecilia)
        with self.assertNumQueries(len(one.captured_queries)):
            response = client.get(reverse(QUEUE))
        self.assertEqual(len(response.context["pending"]), 7)


@override_settings(ROOT_URLCONF="bygdebas.core.tests.testapp.urls")
class DecideTests(CastMixin, TestCase):
    def setUp(self) -> None:
        self.note = make_note(self.network_a, title="Byfest i Åsbro", by=self.cecilia)
        self.url = reverse(DETAIL, args=[self.note.pk])

    def post(self, decision: str, reason: str = "", client=None, **edit):
        data = {
            "decision-decision": decision,
            "decision-reason": reason,
            "edit-title": edit.get("title", self.note.title),
            "edit-text": edit.get("text", self.note.text),
        }
        with self.captureOnCommitCallbacks(execute=True):
            return (client or self.as_bertil()).post(self.url, data)

    def test_the_page_shows_the_content_the_form_and_the_log(self) -> None:
        response = self.as_bertil().get(self.url)

        self.assertContains(response, "<h1>Byfest i Åsbro</h1>", html=True)
        self.assertContains(response, 'name="edit-title"')
        self.assertContains(response, 'value="request_changes"')
        self.assertContains(response, sv("Sent in"))
        self.assertEqual([e.action for e in response.context["history"]], ["submitted"])

    def test_approving_with_an_edit_saves_it_keeps_the_original_and_tells_the_sender(
        self,
    ) -> None:
        response = self.post("approve", "Tack!", title="Byfest i Åsbro 3 maj")

        self.assertRedirects(response, reverse(QUEUE))
        self.note.refresh_from_db()
        self.assertEqual(self.note.moderation_status, ModerationStatus.APPROVED)
        self.assertEqual(self.note.title, "Byfest i Åsbro 3 maj")
        self.assertEqual(self.note.original["title"], "Byfest i Åsbro")
        self.assertTrue(self.note.is_published)
        self.assertEqual([m.to for m in mail.outbox], [["cecilia@a.test"]])
        # The decided page shows the sender's original beside the published text.
        page = self.as_bertil().get(self.url)
        self.assertContains(page, sv("As the sender wrote it"))
        self.assertNotContains(page, 'name="decision-decision"')

    def test_asking_for_changes_without_saying_what_rerenders_with_the_error(self) -> None:
        response = self.post("request_changes", "")

        self.assertEqual(response.status_code, 400)
        self.assertEqual(
            response.context["decision_form"].errors["reason"], [sv("Say why: the sender is told.")]
        )
        self.note.refresh_from_db()
        self.assertEqual(self.note.moderation_status, ModerationStatus.PENDING)
        self.assertEqual(mail.outbox, [])

    def test_declining_with_a_reason(self) -> None:
        response = self.post("decline", "Reklam.")

        self.assertRedirects(response, reverse(QUEUE))
        self.note.refresh_from_db()
        self.assertEqual(
            (self.note.moderation_status, self.note.moderation_reason), ("declined", "Reklam.")
        )

    def test_an_invalid_edit_is_shown_on_its_field_and_nothing_is_decided(self) -> None:
        response = self.post("approve", title="Köp reklam")

        self.assertEqual(response.status_code, 400)
        self.assertEqual(response.context["edit_form"].errors["title"], ["Ingen reklam."])
        self.note.refresh_from_db()
        self.assertEqual(
            (self.note.moderation_status, self.note.title), ("pending", "Byfest i Åsbro")
        )

    def test_a_decided_submission_cannot_be_decided_again(self) -> None:
        self.post("approve")
        mail.outbox.clear()

        response = self.post("decline", "Ändrade mig.", client=self.as_anna())

        self.assertEqual(response.status_code, 400)
        self.assertContains(
            response, sv("This submission has already been decided."), status_code=400
        )
        self.note.refresh_from_db()
        self.assertEqual(self.note.moderation_status, ModerationStatus.APPROVED)
        self.assertEqual(mail.outbox, [])

    def test_the_board_and_the_sender_cannot_decide(self) -> None:
        for client in (self.as_sara(), self.as_cecilia()):
            with self.subTest(client=client):
                self.assertEqual(self.post("approve", client=client).status_code, 403)
        self.note.refresh_from_db()
        self.assertEqual(self.note.moderation_status, ModerationStatus.PENDING)
