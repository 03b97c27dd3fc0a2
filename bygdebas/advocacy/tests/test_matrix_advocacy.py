"""Every advocacy URL for anonymous, each role and the outsider.

Staff and the board read the inbox, sources, cases and positions; staff change them; the board
approves answers. Members' contributions are written through a case's signed link and read only
by staff and the board of that network. Positions are public once published.
"""

from __future__ import annotations

import datetime
from typing import Any

from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import TestCase
from django.utils import timezone

from bygdebas.advocacy.models import (
    Case,
    CaseComment,
    CaseDocument,
    Contribution,
    DigestRecipient,
    Entry,
    NationalIssue,
    Position,
    Source,
    Topic,
)
from bygdebas.advocacy.services.cases import contribution_token
from bygdebas.advocacy.views import calendar_token
from bygdebas.core.tests.matrix import (
    APPROVE_ROW,
    PUBLIC,
    PUBLIC_ROW,
    READ_PAGE,
    READ_ROW,
    WRITE_PAGE,
    WRITE_ROW,
    MatrixMixin,
    page_form,
)
from bygdebas.core.tests.matrix import (
    Entry as MatrixEntry,
)
from bygdebas.plan.models import Action, Activity
from bygdebas.testing import CastMixin, make_plan

# Nothing listens on port 9 (discard) on the test machine: a fetch fails at once, locally.
DEAD_FEED = "http://127.0.0.1:9/flode.xml"


def activity_pk(test: Any) -> str:
    return str(test.activity.pk)


def a_document(test: Any) -> SimpleUploadedFile:
    return SimpleUploadedFile("bilaga.pdf", b"%PDF-1.4 test", "application/pdf")


def token(test: Any) -> str:
    return contribution_token(test.case)


MATRIX: dict[str, MatrixEntry] = {
    "advocacy:inbox": MatrixEntry(READ_PAGE),
    "advocacy:search": MatrixEntry(READ_PAGE, data=(("q", "kollektivtrafik"),)),
    "advocacy:digest-toggle": MatrixEntry(READ_PAGE, method="post", data=(("wanted", "1"),)),
    "advocacy:entry-detail": MatrixEntry(READ_ROW, kwargs="entry"),
    "advocacy:entry-update": MatrixEntry(
        WRITE_ROW,
        method="post",
        kwargs="entry",
        data=(("relevance", "relevant"), ("comment", "Viktig för oss.")),
    ),
    "advocacy:entry-topic": MatrixEntry(
        WRITE_ROW, method="post", kwargs="entry", data=(("name", "Kollektivtrafik"),)
    ),
    "advocacy:entry-case": MatrixEntry(
        WRITE_ROW,
        kwargs="entry",
        post=WRITE_ROW,
        post_data=page_form(reference="Fi2025/00123"),
    ),
    "advocacy:source-list": MatrixEntry(READ_PAGE),
    "advocacy:source-create": MatrixEntry(
        WRITE_PAGE,
        post=WRITE_PAGE,
        post_data=page_form(name="Länsstyrelsen", url="http://127.0.0.1:9/lst.xml"),
    ),
    "advocacy:source-edit": MatrixEntry(
        WRITE_ROW, kwargs="source", post=WRITE_ROW, post_data=page_form(name="Ändrad källa")
    ),
    "advocacy:source-fetch": MatrixEntry(WRITE_ROW, method="post", kwargs="source"),
    "advocacy:case-list": MatrixEntry(READ_PAGE),
    "advocacy:case-create": MatrixEntry(
        WRITE_PAGE,
        post=WRITE_PAGE,
        post_data=page_form(authority="Region Örebro län", title="Ny remiss"),
    ),
    "advocacy:case-calendar": MatrixEntry(READ_PAGE),
    # The signed address is the credential (a calendar app cannot log in): anyone holding
    # Bertil's address on A's host; on B's host it is not valid.
    "advocacy:case-calendar-feed": MatrixEntry(PUBLIC_ROW, kwargs="calendar"),
    "advocacy:case-detail": MatrixEntry(READ_ROW, kwargs="case"),
    "advocacy:case-edit": MatrixEntry(
        WRITE_ROW, kwargs="case", post=WRITE_ROW, post_data=page_form(title="Ändrad remiss")
    ),
    "advocacy:case-move": MatrixEntry(
        WRITE_ROW, method="post", kwargs="case", data=(("status", "board_review"),)
    ),
    "advocacy:case-answer": MatrixEntry(
        WRITE_ROW, kwargs="case", post=WRITE_ROW, post_data=(("text", "Ett nytt svar."),)
    ),
    "advocacy:case-comment": MatrixEntry(
        READ_ROW, method="post", kwargs="case", data=(("text", "Bra utkast."),)
    ),
    "advocacy:case-document": MatrixEntry(
        WRITE_ROW,
        method="post",
        kwargs="case",
        data=(("title", "Remissunderlag"), ("file", a_document)),
    ),
    "advocacy:document-file": MatrixEntry(READ_ROW, kwargs="document"),
    "advocacy:case-invite": MatrixEntry(WRITE_ROW, method="post", kwargs="case"),
    "advocacy:case-review": MatrixEntry(
        APPROVE_ROW, method="post", kwargs="review_case", data=(("decision", "approve"),)
    ),
    "advocacy:case-sent": MatrixEntry(
        WRITE_ROW, method="post", kwargs="approved_case", data=(("sent_on", "2025-05-02"),)
    ),
    "advocacy:case-publish": MatrixEntry(WRITE_ROW, method="post", kwargs="sent_case"),
    "advocacy:case-pdf": MatrixEntry(READ_ROW, kwargs="case"),
    "advocacy:case-docx": MatrixEntry(READ_ROW, kwargs="case"),
    "advocacy:position-admin-list": MatrixEntry(READ_PAGE),
    "advocacy:position-create": MatrixEntry(
        WRITE_PAGE,
        post=WRITE_PAGE,
        post_data=page_form(title="Om bredband", text="Vi vill ha bredband."),
    ),
    "advocacy:position-edit": MatrixEntry(
        WRITE_ROW, kwargs="position", post=WRITE_ROW, post_data=page_form(title="Ändrad")
    ),
    "advocacy:national-list": MatrixEntry(READ_PAGE),
    "advocacy:national-create": MatrixEntry(
        WRITE_PAGE,
        post=WRITE_PAGE,
        post_data=page_form(title="Motion om servicen", channel="Riksstämman"),
    ),
    "advocacy:national-edit": MatrixEntry(
        WRITE_ROW, kwargs="issue", post=WRITE_ROW, post_data=page_form(outcome="Bifall.")
    ),
    "advocacy:position-list": MatrixEntry(PUBLIC),
    "advocacy:position-detail": MatrixEntry(PUBLIC_ROW, kwargs="position"),
    "advocacy:position-pdf": MatrixEntry(PUBLIC_ROW, kwargs="position"),
    "advocacy:positions-feed-atom": MatrixEntry(PUBLIC),
    "advocacy:positions-feed-json": MatrixEntry(PUBLIC),
    "advocacy:contribute": MatrixEntry(
        PUBLIC_ROW,
        kwargs="token",
        post=PUBLIC_ROW,
        post_data=page_form(name="Gun", email="gun@example.org", text="Bussen behövs."),
    ),
}


class AdvocacyMatrixTests(MatrixMixin, CastMixin, TestCase):
    MATRIX = MATRIX
    SECRETS = ("A-entry-secret", "A-case-secret", "A-contribution-secret", "A-draft-position")

    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        year = timezone.localdate().year
        make_plan(network=cls.network_a, year=2025)
        plan = make_plan(network=cls.network_a, year=year) if year != 2025 else None
        cls.activity = Activity.objects.filter(area__plan__network=cls.network_a).first()
        Activity.objects.filter(area__plan__network=cls.network_a).update(
            text="Bedriva opinionsbildning för hållbar landsbygd."
        )
        del plan
        network = cls.network_a
        cls.topic = Topic.objects.create(network=network, name="Kollektivtrafik")
        cls.source = Source.objects.create(
            network=network, name="Regeringen", url=DEAD_FEED, keywords="kollektivtrafik"
        )
        cls.entry = Entry.objects.create(
            network=network,
            source=cls.source,
            guid="e1",
            title="A-entry-secret: kollektivtrafiken",
            is_match=True,
        )
        common = {
            "network": network,
            "authority": "Regionen",
            "received_on": datetime.date(2025, 4, 1),
        }
        cls.case = Case.objects.create(
            title="A-case-secret",
            status=Case.Status.DRAFTING,
            answer="Vårt svar.",
            deadline_on=datetime.date(2025, 6, 1),
            **common,
        )
        cls.case.activities.set([cls.activity])
        cls.review_case = Case.objects.create(
            title="Granskas", status=Case.Status.BOARD_REVIEW, answer="Svar.", **common
        )
        cls.approved_case = Case.objects.create(
            title="Godkänd",
            status=Case.Status.BOARD_REVIEW,
            answer="Svar.",
            approved_at=timezone.now(),
            approved_by=cls.sara,
            **common,
        )
        cls.approved_case.activities.set([cls.activity])
        cls.sent_case = Case.objects.create(
            title="Skickad",
            status=Case.Status.SENT,
            answer="Svar.",
            sent_on=datetime.date(2025, 5, 1),
            **common,
        )
        cls.document = CaseDocument(case=cls.case, title="Underlag")
        cls.document.file.save("underlag.pdf", ContentFile(b"%PDF-1.4"), save=True)
        Contribution.objects.create(
            case=cls.case, name="Gun", email="gun@example.org", text="A-contribution-secret"
        )
        cls.position = Position.objects.create(
            network=network,
            title="Om kollektivtrafiken",
            text="Bussarna behövs.",
            published_on=datetime.date(2025, 5, 2),
            is_published=True,
            published_at=timezone.now(),
        )
        Position.objects.create(
            network=network,
            title="A-draft-position",
            text="Utkast.",
            published_on=datetime.date(2025, 5, 2),
        )
        cls.issue = NationalIssue.objects.create(
            network=network,
            title="Motion om bredband",
            raised_on=datetime.date(2025, 3, 1),
            channel="Riksstämman",
        )
        # B has rows too: the outsider's own pages are not empty.
        Source.objects.create(network=cls.network_b, name="B-källa", url=DEAD_FEED)

    def kwargs_for(self, entry: MatrixEntry) -> dict[str, Any]:
        match entry.kwargs:
            case "token":
                return {"token": token(self)}
            case "calendar":
                return {"token": calendar_token(self.bertil, self.network_a)}
            case "":
                return {}
            case name:
                return {"pk": getattr(self, name).pk}

    def fingerprint(self) -> tuple:
        a = self.network_a
        return (
            list(
                Source.objects.filter(network=a).values_list(
                    "pk", "name", "url", "state", "last_fetched_at"
                )
            ),
            list(
                Entry.objects.filter(network=a).values_list(
                    "pk", "relevance", "comment", "topic_id", "case_id", "assigned_to_id"
                )
            ),
            list(Topic.objects.filter(network=a).values_list("pk", "name")),
            list(
                Case.objects.filter(network=a).values_list(
                    "pk", "title", "status", "answer", "approved_at", "reference", "invited_at"
                )
            ),
            list(CaseDocument.objects.filter(case__network=a).values_list("pk")),
            list(CaseComment.objects.filter(case__network=a).values_list("pk")),
            list(Contribution.objects.filter(case__network=a).values_list("pk")),
            list(
                Position.objects.filter(network=a).values_list(
                    "pk", "title", "is_published", "updated_at"
                )
            ),
            list(NationalIssue.objects.filter(network=a).values_list("pk", "title", "outcome")),
            list(DigestRecipient.objects.filter(network=a).values_list("pk")),
            list(Action.objects.filter(network=a).values_list("pk", "title")),
        )

    def test_each_url_answers_each_role_as_expected(self) -> None:
        self.check_each_url_answers_each_role_as_expected()

    def test_the_outsider_neither_sees_nor_changes_network_a(self) -> None:
        self.check_the_outsider_neither_sees_nor_changes_network_a()
