"""Submissions with moderation (core.moderation) on the test app's Note: every step from every
state, the log, the original kept, the hooks in the step's transaction, and the mail the sender
gets over real SMTP in their language, for a logged-in contact person and for an anonymous
member of the public."""

from __future__ import annotations

import re
from email.message import EmailMessage

from django.test import TestCase

from bygdebas.core import moderation
from bygdebas.core.models import ModerationEvent
from bygdebas.core.moderation import ModerationError, ModerationStatus
from bygdebas.core.signed_links import LinkInvalidError
from bygdebas.core.tests.testapp import hooks
from bygdebas.core.tests.testapp.models import Note
from bygdebas.testing import CastMixin, SmtpServerMixin, sv

Action = ModerationEvent.Action


class ModerationTestCase(SmtpServerMixin, CastMixin, TestCase):
    def setUp(self) -> None:
        super().setUp()
        hooks.calls.clear()
        hooks.fail_with.clear()

    def send_in(self, *, by=None, title="Byfest i Åsbro", **submitter) -> Note:
        note = Note(network=self.network_a, title=title, text="Välkomna den 3 maj!")
        if by is None and not submitter:
            submitter = {"name": "Eva Ek", "email": "Eva@Example.org"}
        with self.captureOnCommitCallbacks(execute=True):
            moderation.submit(note, by=by, **submitter)
        self.smtp.clear()
        hooks.calls.clear()
        return note

    def step(self, function, submission, /, **kwargs):
        with self.captureOnCommitCallbacks(execute=True):
            return function(submission, **kwargs)

    def only_mail(self) -> EmailMessage:
        messages = self.smtp.messages
        self.assertEqual(len(messages), 1, [m["Subject"] for m in messages])
        return messages[0]

    def text_of(self, message: EmailMessage) -> str:
        body = message.get_body(preferencelist=("plain",))
        assert body is not None
        return body.get_content()

    def events(self, note: Note) -> list[tuple[str, str | None, str]]:
        return [
            (event.action, event.actor.email if event.actor else None, event.reason)
            for event in moderation.history(note)
        ]


class SubmitTests(ModerationTestCase):
    def test_a_contact_person_sends_in_and_gets_a_receipt_in_their_language(self) -> None:
        note = Note(network=self.network_a, title="Byfest i Åsbro", text="Välkomna!")

        with self.captureOnCommitCallbacks(execute=True):
            moderation.submit(note, by=self.cecilia, language="en")

        note.refresh_from_db()
        self.assertEqual(note.moderation_status, ModerationStatus.PENDING)
        self.assertEqual(note.submitted_by, self.cecilia)
        self.assertEqual(note.submitter_email, "cecilia@a.test")
        self.assertEqual(note.original, {"title": "Byfest i Åsbro", "text": "Välkomna!"})
        self.assertIsNotNone(note.submitted_at)
        self.assertEqual(self.events(note), [(Action.SUBMITTED, "cecilia@a.test", "")])
        message = self.only_mail()
        self.assertEqual(message["To"], "cecilia@a.test")
        self.assertEqual(message["Subject"], "Received: Byfest i Åsbro")
        self.assertIn("has received “Byfest i Åsbro”", self.text_of(message))
        # Its link is the contact person's self-service page, on the network's host.
        self.assertIn("http://a.test/medlem/", self.text_of(message))
        self.assertEqual(hooks.calls, [(Action.SUBMITTED, "Byfest i Åsbro", True)])

    def test_an_anonymous_sender_is_known_by_their_address(self) -> None:
        note = Note(network=self.network_a, title="Hål i vägen", text="Vid kyrkan.")

        with self.captureOnCommitCallbacks(execute=True):
            moderation.submit(note, name=" Eva Ek ", email=" Eva@Example.org ")

        note.refresh_from_db()
        self.assertIsNone(note.submitted_by)
        self.assertEqual((note.submitter_name, note.submitter_email), ("Eva Ek", "eva@example.org"))
        self.assertEqual(note.submitter_language, "sv")
        self.assertEqual(self.events(note), [(Action.SUBMITTED, None, "")])
        message = self.only_mail()
        self.assertEqual(message["Subject"], sv("Received: %(title)s", title="Hål i vägen"))
        self.assertEqual(message["To"], "eva@example.org")
        self.assertIn(sv("Hello %(name)s,", name="Eva Ek"), self.text_of(message))
        self.assertEqual(list(Note.objects.submitted_from("EVA@example.org")), [note])

    def test_an_anonymous_sender_needs_an_address_and_nothing_is_saved(self) -> None:
        note = Note(network=self.network_a, title="Hål i vägen")

        with self.assertRaises(ModerationError) as raised:
            moderation.submit(note, name="Eva")

        self.assertIn("submitter_email", raised.exception.message_dict)
        self.assertFalse(Note.objects.exists())
        self.assertFalse(ModerationEvent.objects.exists())

    def test_content_that_fails_the_models_checks_is_not_sent_in(self) -> None:
        note = Note(network=self.network_a, title="Köp vår reklam", text="")

        with self.assertRaises(ModerationError) as raised:
            moderation.submit(note, by=self.cecilia)

        self.assertEqual(raised.exception.message_dict, {"title": ["Ingen reklam."]})
        self.assertFalse(Note.objects.exists())

    def test_what_was_sent_in_cannot_be_sent_in_again(self) -> None:
        note = self.send_in(by=self.cecilia)
        again = Note.objects.get(pk=note.pk)

        with self.assertRaisesMessage(ModerationError, sv("This has already been sent in.")):
            moderation.submit(again, by=self.cecilia)

        self.assertEqual(len(moderation.history(note)), 1)


class DecisionTests(ModerationTestCase):
    def test_approving_with_edits_keeps_the_original_logs_both_and_runs_the_hook(self) -> None:
        note = self.send_in(by=self.cecilia)

        self.step(
            moderation.approve,
            note,
            by=self.bertil,
            edits={"title": "Byfest i Åsbro den 3 maj"},
            note="Tack, den kommer i nästa nummer.",
        )

        note.refresh_from_db()
        self.assertEqual(note.moderation_status, ModerationStatus.APPROVED)
        self.assertEqual(note.title, "Byfest i Åsbro den 3 maj")
        self.assertEqual(note.original["title"], "Byfest i Åsbro")
        self.assertEqual((note.decided_by, note.is_published), (self.bertil, True))
        event = moderation.history(note)[-1]
        self.assertEqual((event.action, event.actor), (Action.APPROVED, self.bertil))
        self.assertEqual(event.before["title"], "Byfest i Åsbro")
        self.assertEqual(event.after["title"], "Byfest i Åsbro den 3 maj")
        self.assertEqual(event.changed_fields, ["title"])
        self.assertEqual(hooks.calls, [(Action.APPROVED, "Byfest i Åsbro den 3 maj", True)])
        # The test app has its own text for this mail.
        message = self.only_mail()
        self.assertEqual(message["Subject"], "Din notis är godkänd: Byfest i Åsbro den 3 maj")
        self.assertIn("Tack, den kommer i nästa nummer.", self.text_of(message))

    def test_asking_for_changes_tells_the_sender_what_and_where(self) -> None:
        note = self.send_in()  # anonymous: the link is a signed one

        self.step(moderation.request_changes, note, by=self.bertil, reason="Skriv vilken kyrka.\n")

        note.refresh_from_db()
        self.assertEqual(note.moderation_status, ModerationStatus.CHANGES_REQUESTED)
        self.assertEqual(note.moderation_reason, "Skriv vilken kyrka.")
        message = self.only_mail()
        self.assertEqual(message["To"], "eva@example.org")
        self.assertEqual(
            message["Subject"], sv("Please make some changes: %(title)s", title="Byfest i Åsbro")
        )
        text = self.text_of(message)
        self.assertIn("Skriv vilken kyrka.", text)
        # The link carries a signed, timestamped token: it must name this note on this network.
        found = re.search(r"http://a\.test/test/anteckning/([^/\s]+)/", text)
        self.assertIsNotNone(found, text)
        self.assertEqual(
            moderation.read_resubmission_token(Note, self.network_a, found.group(1)).pk, note.pk
        )
        self.assertEqual(
            self.events(note)[-1],
            (Action.CHANGES_REQUESTED, "bertil@a.test", "Skriv vilken kyrka."),
        )

    def test_declining_says_why(self) -> None:
        note = self.send_in(by=self.cecilia)

        self.step(moderation.decline, note, by=self.anna, reason="Det är reklam & inget annat.")

        note.refresh_from_db()
        self.assertEqual(note.moderation_status, ModerationStatus.DECLINED)
        self.assertFalse(note.is_published)
        message = self.only_mail()
        # The core text (the test app overrides only the approval), not HTML-escaped.
        self.assertEqual(message["Subject"], sv("Not published: %(title)s", title="Byfest i Åsbro"))
        self.assertIn("Det är reklam & inget annat.", self.text_of(message))

    def test_asking_for_changes_or_declining_needs_a_reason(self) -> None:
        note = self.send_in(by=self.cecilia)

        for step in (moderation.request_changes, moderation.decline):
            with self.subTest(step.__name__), self.assertRaises(ModerationError) as raised:
                step(note, by=self.bertil, reason="  ")
            self.assertEqual(
                raised.exception.message_dict, {"reason": [sv("Say why: the sender is told.")]}
            )

        note.refresh_from_db()
        self.assertEqual(note.moderation_status, ModerationStatus.PENDING)
        self.assertEqual(len(moderation.history(note)), 1)
        self.assertEqual(self.smtp.messages, [])

    def test_staff_may_only_edit_the_moderated_fields_and_only_with_valid_values(self) -> None:
        note = self.send_in(by=self.cecilia)

        with self.assertRaisesMessage(ModerationError, "is_published"):
            moderation.approve(note, by=self.bertil, edits={"is_published": True})
        with self.assertRaises(ModerationError) as raised:
            moderation.approve(note, by=self.bertil, edits={"title": "Mer reklam"})

        self.assertEqual(raised.exception.message_dict, {"title": ["Ingen reklam."]})
        note.refresh_from_db()
        self.assertEqual(
            (note.moderation_status, note.title), (ModerationStatus.PENDING, "Byfest i Åsbro")
        )
        self.assertEqual(len(moderation.history(note)), 1)


class TransitionTests(ModerationTestCase):
    def test_each_step_is_allowed_only_from_its_states(self) -> None:
        approve = lambda note: moderation.approve(note, by=self.bertil)  # noqa: E731
        changes = lambda note: moderation.request_changes(note, by=self.bertil, reason="Mer.")  # noqa: E731
        decline = lambda note: moderation.decline(note, by=self.bertil, reason="Nej.")  # noqa: E731
        resubmit = lambda note: moderation.resubmit(note, by=self.cecilia)  # noqa: E731
        steps = {"approve": approve, "changes": changes, "decline": decline, "resubmit": resubmit}
        allowed = {
            ModerationStatus.PENDING: {"approve", "changes", "decline"},
            ModerationStatus.CHANGES_REQUESTED: {"approve", "decline", "resubmit"},
            ModerationStatus.APPROVED: set(),
            ModerationStatus.DECLINED: set(),
        }
        for status, names in allowed.items():
            for name, step in steps.items():
                with self.subTest(status=status, step=name):
                    note = self.send_in(by=self.cecilia)
                    Note.objects.filter(pk=note.pk).update(moderation_status=status)
                    note.refresh_from_db()
                    if name in names:
                        step(note)
                    else:
                        with self.assertRaises(ModerationError) as raised:
                            step(note)
                        label = str(ModerationStatus(status).label)
                        self.assertIn(label, " ".join(raised.exception.messages))
                        note.refresh_from_db()
                        self.assertEqual(note.moderation_status, status)

    def test_two_decisions_at_once_the_second_is_refused(self) -> None:
        note = self.send_in(by=self.cecilia)
        stale = Note.objects.get(pk=note.pk)  # a second member of staff's page, loaded before

        moderation.approve(note, by=self.bertil)
        message = sv(
            "Only a submission waiting for a decision can be declined; this one is: %(status)s.",
            status=sv("Approved"),
        )
        with self.assertRaisesMessage(ModerationError, message):
            moderation.decline(stale, by=self.anna, reason="Nej.")

        note.refresh_from_db()
        self.assertEqual((note.moderation_status, note.decided_by), ("approved", self.bertil))
        self.assertEqual([e.action for e in moderation.history(note)], ["submitted", "approved"])

    def test_a_failing_hook_undoes_the_step_and_nothing_is_mailed(self) -> None:
        note = self.send_in(by=self.cecilia)
        hooks.fail_with.append(RuntimeError("the search index is down"))

        with self.captureOnCommitCallbacks(execute=True), self.assertRaises(RuntimeError):
            moderation.decline(note, by=self.bertil, reason="Nej.")

        note.refresh_from_db()
        self.assertEqual(note.moderation_status, ModerationStatus.PENDING)
        self.assertEqual(len(moderation.history(note)), 1)
        self.assertEqual(self.smtp.messages, [])


class ResubmitTests(ModerationTestCase):
    def test_the_contact_person_sends_in_a_new_version(self) -> None:
        note = self.send_in(by=self.cecilia)
        self.step(moderation.request_changes, note, by=self.bertil, reason="Lägg till tid.")
        self.smtp.clear()

        self.step(moderation.resubmit, note, by=self.cecilia, changes={"text": "Den 3 maj kl 14."})

        note.refresh_from_db()
        self.assertEqual(note.moderation_status, ModerationStatus.PENDING)
        self.assertEqual(note.original, {"title": "Byfest i Åsbro", "text": "Den 3 maj kl 14."})
        self.assertEqual(note.moderation_reason, "")
        event = moderation.history(note)[-1]
        self.assertEqual((event.action, event.actor), (Action.RESUBMITTED, self.cecilia))
        self.assertEqual(event.changed_fields, ["text"])
        self.assertEqual(self.only_mail()["To"], "cecilia@a.test")
        self.assertEqual(list(Note.objects.for_network(self.network_a).pending()), [note])

    def test_only_the_sender_may_send_it_in_again(self) -> None:
        note = self.send_in(by=self.cecilia)
        moderation.request_changes(note, by=self.bertil, reason="Lägg till tid.")

        for who in (self.bertil, None):
            with self.subTest(who=who), self.assertRaises(ModerationError):
                moderation.resubmit(note, by=who, changes={"text": "Annat"})

        note.refresh_from_db()
        self.assertEqual(note.text, "Välkomna den 3 maj!")

    def test_an_anonymous_sender_changes_it_through_the_signed_link_of_this_round(self) -> None:
        note = self.send_in()
        moderation.request_changes(note, by=self.bertil, reason="Vilken kyrka?")
        token = moderation.resubmission_token(note)

        found = moderation.read_resubmission_token(Note, self.network_a, token)
        with self.assertRaises(ModerationError):
            moderation.resubmit(found, by=self.cecilia, changes={"text": "Edsbergs kyrka."})
        moderation.resubmit(found, changes={"text": "Edsbergs kyrka."})

        # Used: the link no longer opens the submission (nor on another network, nor changed).
        for network, value in (
            (self.network_a, token),
            (self.network_b, token),
            (self.network_a, token[:-2] + "xx"),
        ):
            with (
                self.subTest(network=network.slug, value=value[-4:]),
                self.assertRaises(LinkInvalidError),
            ):
                moderation.read_resubmission_token(Note, network, value)
        # A second round of changes gets a new link.
        moderation.request_changes(found, by=self.bertil, reason="Och tiden?")
        self.assertNotEqual(moderation.resubmission_token(found), token)


class PersonalDataTests(ModerationTestCase):
    def test_a_senders_submissions_can_be_extracted_and_their_name_erased(self) -> None:
        note = self.send_in()
        other = self.send_in(title="Annat", name="Olle", email="olle@example.org")

        rows = Note.objects.for_network(self.network_a).submitted_from("eva@example.org")
        extract = moderation.extract_submissions(rows)
        erased = moderation.erase_submitter(rows, name="Raderad person")

        self.assertEqual([row["email"] for row in extract], ["eva@example.org"])
        self.assertEqual(extract[0]["as_sent_in"]["title"], "Byfest i Åsbro")
        self.assertEqual(erased, 1)
        note.refresh_from_db()
        other.refresh_from_db()
        self.assertEqual((note.submitter_name, note.submitter_email), ("Raderad person", ""))
        self.assertEqual(other.submitter_email, "olle@example.org")
