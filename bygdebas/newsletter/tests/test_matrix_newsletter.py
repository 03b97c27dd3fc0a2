"""Every newsletter URL for anonymous, each role and the outsider.

Public pages (subscribe, the archive, the feed) answer everyone; the links in a letter are
A's rows (404 on B's host); staff pages need the read or write roles; the self-service pages are
the contact person's only. The outsider sees nothing of A's subscribers, items or issues.
"""

from __future__ import annotations

import datetime
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import TestCase
from django.utils import timezone

from bygdebas.core.confirmation import confirmation_token
from bygdebas.core.moderation import ModerationStatus
from bygdebas.core.tests.matrix import (
    LOGIN,
    OK,
    PUBLIC,
    PUBLIC_ROW,
    READ_PAGE,
    READ_ROW,
    WRITE_PAGE,
    WRITE_ROW,
    Entry,
    MatrixMixin,
    expect,
    page_form,
)
from bygdebas.newsletter import sending
from bygdebas.newsletter.models import (
    Consent,
    Delivery,
    Issue,
    IssueEntry,
    Item,
    Subscription,
    Suppression,
)
from bygdebas.newsletter.tests.factories import make_issue, make_item, make_subscription
from bygdebas.testing import CastMixin

CONTACT_PAGE = expect(LOGIN, 403, 403, 403, OK, 403, 403)


def item_pk(test: Any) -> str:
    return str(test.free_item.pk)


def import_file(test: Any) -> SimpleUploadedFile:
    return SimpleUploadedFile(
        "lista.csv", b"email,name,legal_basis\nny@example.org,Ny,samtycke\n", "text/csv"
    )


def tomorrow(test: Any) -> str:
    return (timezone.localtime() + datetime.timedelta(days=1)).strftime("%Y-%m-%dT%H:%M")


MATRIX: dict[str, Entry] = {
    # Public
    "newsletter:archive": Entry(PUBLIC),
    "newsletter:subscribe": Entry(
        PUBLIC, post=PUBLIC, post_data=(("email", "ny@example.org"), ("name", "Ny Läsare"))
    ),
    "newsletter:subscription-confirm": Entry(PUBLIC_ROW, kwargs="confirm", post=PUBLIC_ROW),
    "newsletter:unsubscribe": Entry(PUBLIC_ROW, kwargs="unsubscribe", post=PUBLIC_ROW),
    "newsletter:preferences": Entry(
        PUBLIC_ROW, kwargs="preferences", post=PUBLIC_ROW, post_data=(("is_paused", "on"),)
    ),
    "newsletter:archive-detail": Entry(PUBLIC_ROW, kwargs="number"),
    "newsletter:feed-atom": Entry(PUBLIC),
    "newsletter:feed-json": Entry(PUBLIC),
    # Self-service
    "newsletter:my-items": Entry(CONTACT_PAGE),
    "newsletter:item-submit": Entry(
        CONTACT_PAGE,
        post=CONTACT_PAGE,
        post_data=(("title", "Byfest i Åsbro"), ("text", "Välkomna den 3 maj!")),
    ),
    "newsletter:subscribe-tick": Entry(CONTACT_PAGE, method="post", data=(("subscribe", "on"),)),
    # Staff
    "newsletter:issue-list": Entry(READ_PAGE),
    "newsletter:issue-create": Entry(
        WRITE_PAGE, post=WRITE_PAGE, post_data=page_form(title="Höstens nummer")
    ),
    "newsletter:issue-detail": Entry(READ_ROW, kwargs="issue"),
    "newsletter:issue-edit": Entry(
        WRITE_ROW, kwargs="issue", post=WRITE_ROW, post_data=page_form(title="Ändrat nummer")
    ),
    "newsletter:issue-insert": Entry(
        WRITE_ROW, method="post", kwargs="issue", data=(("item", item_pk),)
    ),
    "newsletter:issue-preview": Entry(READ_ROW, kwargs="issue"),
    "newsletter:issue-test": Entry(WRITE_ROW, method="post", kwargs="issue", writes=False),
    "newsletter:issue-schedule": Entry(
        WRITE_ROW, method="post", kwargs="issue", data=(("scheduled_at", tomorrow),)
    ),
    "newsletter:issue-send": Entry(WRITE_ROW, method="post", kwargs="issue"),
    "newsletter:entry-remove": Entry(WRITE_ROW, method="post", kwargs="entry"),
    "newsletter:entry-move": Entry(
        WRITE_ROW, method="post", kwargs="entry", data=(("direction", "down"),)
    ),
    "newsletter:item-list": Entry(READ_PAGE),
    "newsletter:item-create": Entry(
        WRITE_PAGE,
        post=WRITE_PAGE,
        post_data=(("title", "Kansliets notis"), ("text", "Text.")),
    ),
    "newsletter:item-edit": Entry(
        WRITE_ROW, kwargs="item", post=WRITE_ROW, post_data=page_form(title="Ändrad notis")
    ),
    "newsletter:subscriber-list": Entry(READ_PAGE),
    "newsletter:subscriber-import": Entry(
        WRITE_PAGE, post=WRITE_PAGE, post_data=(("file", import_file),)
    ),
    "newsletter:item-moderation": Entry(WRITE_PAGE),
    "newsletter:item-moderation-detail": Entry(
        WRITE_ROW,
        kwargs="submission",
        post=WRITE_ROW,
        post_data=(
            ("decision-decision", "approve"),
            ("decision-reason", ""),
            ("edit-title", "Medlemmarnas nyhet"),
            ("edit-text", "A-submission-secret"),
            ("edit-link", ""),
        ),
    ),
}


class NewsletterMatrixTests(MatrixMixin, CastMixin, TestCase):
    MATRIX = MATRIX
    SECRETS = ("a-reader@example.org", "A-submission-secret", "A-draft-secret")

    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        a = cls.network_a
        cls.reader = make_subscription(network=a, email="a-reader@example.org")
        cls.unconfirmed = make_subscription(network=a, email="a-new@example.org", confirmed_at=None)
        cls.issue = make_issue(network=a, items=2, title="A-draft-secret")
        cls.entry = IssueEntry.objects.filter(issue=cls.issue).order_by("position").first()
        cls.free_item = make_item(network=a, title="Fri notis")
        cls.sent = make_issue(
            network=a, title="Skickat nummer", status=Issue.Status.SENT, sent_at=timezone.now()
        )
        cls.submission = make_item(
            network=a,
            title="Medlemmarnas nyhet",
            text="A-submission-secret",
            organisation=cls.cecilia_org,
            submitted_by=cls.cecilia,
            moderation_status=ModerationStatus.PENDING,
            submitted_at=timezone.now(),
        )
        # B has its own rows: the outsider's pages are not empty.
        make_subscription(network=cls.network_b, email="b-reader@example.org")
        make_issue(network=cls.network_b, items=1)

    def kwargs_for(self, entry: Entry) -> dict[str, Any]:
        match entry.kwargs:
            case "issue":
                return {"pk": self.issue.pk}
            case "entry":
                return {"pk": self.entry.pk}
            case "item":
                return {"pk": self.free_item.pk}
            case "submission":
                return {"pk": self.submission.pk}
            case "number":
                return {"number": self.sent.number}
            case "confirm":
                return {"token": confirmation_token(self.unconfirmed)}
            case "unsubscribe":
                return {"token": sending.unsubscribe_token(self.reader)}
            case "preferences":
                return {"token": sending.preferences_token(self.reader)}
        return {}

    def fingerprint(self) -> tuple:
        a = self.network_a
        return (
            list(
                Subscription.objects.filter(network=a).values_list(
                    "pk",
                    "email",
                    "confirmed_at",
                    "unsubscribed_at",
                    "is_paused",
                    "is_member_contact",
                )
            ),
            list(Consent.objects.filter(subscription__network=a).values_list("pk")),
            list(Suppression.objects.filter(network=a).values_list("pk")),
            list(Item.objects.filter(network=a).values_list("pk", "title", "moderation_status")),
            list(
                Issue.objects.filter(network=a).values_list("pk", "title", "status", "scheduled_at")
            ),
            list(
                IssueEntry.objects.filter(issue__network=a).values_list("pk", "item_id", "position")
            ),
            list(Delivery.objects.filter(issue__network=a).values_list("pk", "status")),
        )

    def test_each_url_answers_each_role_as_expected(self) -> None:
        self.check_each_url_answers_each_role_as_expected()

    def test_the_outsider_neither_sees_nor_changes_network_a(self) -> None:
        self.check_the_outsider_neither_sees_nor_changes_network_a()
