"""Every projects URL for anonymous, each role and the outsider.

The catalogue and the calls are public; drafts and submissions are not (404 for everyone on the
public page). Read roles see the office pages, write roles change them; the board reads only.
Contact persons use their own self-service pages and see only their own submissions; the
outsider gets 404 for A's rows on his own host.
"""

from __future__ import annotations

import datetime
from typing import Any

from django.core.files.base import ContentFile
from django.test import TestCase
from django.utils import timezone

from bygdebas.core.models import ModerationEvent
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
from bygdebas.plan.models import Action
from bygdebas.projects import services
from bygdebas.projects.models import (
    Advice,
    CallDigestSubscription,
    Example,
    FundingCall,
    Project,
    ProjectAttachment,
    ProjectFunding,
)
from bygdebas.projects.tests.factories import (
    jpeg_upload,
    make_call,
    make_example,
    make_project,
    make_support_plan,
)
from bygdebas.testing import CastMixin

CONTACT_PAGE = expect(LOGIN, 403, 403, 403, OK, 403, 403)
CONTACT_ROW = expect(LOGIN, 403, 403, 403, OK, 403, 404)
# A public page about a row nobody may see there: drafts are 404 for everyone.
HIDDEN_ROW = expect(404, 404, 404, 404, 404, 404, 404)


def photo(test: Any) -> Any:
    return jpeg_upload()


def pdf_file(test: Any) -> Any:
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile("rapport.pdf", b"%PDF-1.4 test", content_type="application/pdf")


MATRIX: dict[str, Entry] = {
    # Public.
    "projects:example-catalogue": Entry(PUBLIC),
    "projects:example-map": Entry(PUBLIC),
    "projects:example-map-json": Entry(PUBLIC),
    "projects:example-detail": Entry(PUBLIC_ROW, kwargs="example"),
    "projects:examples-feed-atom": Entry(PUBLIC),
    "projects:examples-feed-json": Entry(PUBLIC),
    "projects:call-list": Entry(PUBLIC),
    "projects:calls-ics": Entry(PUBLIC),
    # Self-service.
    "projects:my-examples": Entry(CONTACT_PAGE),
    "projects:example-submit": Entry(
        CONTACT_PAGE,
        post=CONTACT_PAGE,
        post_data=page_form(
            title="Vår nya bygdegård",
            summary="Vi byggde om.",
            image=photo,
            image_alt="Bygdegården",
        ),
    ),
    "projects:example-resubmit": Entry(
        CONTACT_ROW,
        kwargs="sent_back",
        post=CONTACT_ROW,
        post_data=page_form(summary="Nu med mer om eleverna."),
    ),
    # Cecilia has the digest: unticking it stops it.
    "projects:call-digest": Entry(CONTACT_PAGE, method="post"),
    # The link in the digest: whoever holds it, on A's host only.
    "projects:call-digest-stop": Entry(PUBLIC_ROW, kwargs="digest", post=PUBLIC_ROW),
    # Staff: projects.
    "projects:project-list": Entry(READ_PAGE),
    "projects:project-create": Entry(
        WRITE_PAGE, post=WRITE_PAGE, post_data=page_form(name="Nytt projekt")
    ),
    "projects:project-detail": Entry(READ_ROW, kwargs="project"),
    "projects:project-edit": Entry(
        WRITE_ROW, kwargs="project", post=WRITE_ROW, post_data=page_form(name="Ändrat projekt")
    ),
    "projects:project-delete": Entry(WRITE_ROW, kwargs="project", post=WRITE_ROW),
    "projects:funding-add": Entry(
        WRITE_ROW,
        kwargs="project",
        post=WRITE_ROW,
        post_data=page_form(source="leader", amount="10000"),
    ),
    "projects:funding-delete": Entry(WRITE_ROW, method="post", kwargs="funding"),
    "projects:attachment-add": Entry(
        WRITE_ROW,
        kwargs="project",
        post=WRITE_ROW,
        post_data=page_form(title="Rapport", file=pdf_file),
    ),
    "projects:attachment-download": Entry(READ_ROW, kwargs="attachment"),
    "projects:attachment-delete": Entry(WRITE_ROW, method="post", kwargs="attachment"),
    # Staff: advice.
    "projects:advice-list": Entry(READ_PAGE),
    "projects:advice-create": Entry(
        WRITE_PAGE,
        post=WRITE_PAGE,
        post_data=page_form(
            given_on="2025-04-01", recipient="Nya gruppen", topic="premises", hours="2"
        ),
    ),
    "projects:advice-edit": Entry(
        WRITE_ROW, kwargs="advice", post=WRITE_ROW, post_data=page_form(hours="3.5")
    ),
    "projects:advice-delete": Entry(WRITE_ROW, kwargs="advice", post=WRITE_ROW),
    # Staff: funding calls.
    "projects:call-staff-list": Entry(READ_PAGE),
    "projects:call-create": Entry(
        WRITE_PAGE,
        post=WRITE_PAGE,
        post_data=page_form(funder="Boverket", title="Samlingslokaler", deadline_on="2030-01-31"),
    ),
    "projects:call-edit": Entry(
        WRITE_ROW, kwargs="call", post=WRITE_ROW, post_data=page_form(title="Ändrad utlysning")
    ),
    "projects:call-delete": Entry(WRITE_ROW, kwargs="call", post=WRITE_ROW),
    # Staff: examples.
    "projects:staff-example-list": Entry(READ_PAGE),
    "projects:staff-example-create": Entry(
        WRITE_PAGE,
        post=WRITE_PAGE,
        post_data=page_form(title="Nytt exempel", summary="Kort om det."),
    ),
    "projects:staff-example-detail": Entry(READ_ROW, kwargs="example"),
    "projects:staff-example-edit": Entry(
        WRITE_ROW, kwargs="example", post=WRITE_ROW, post_data=page_form(title="Ändrat exempel")
    ),
    "projects:staff-example-publish": Entry(
        WRITE_ROW, method="post", kwargs="example", data=(("publish", "0"),)
    ),
    "projects:staff-example-delete": Entry(WRITE_ROW, kwargs="example", post=WRITE_ROW),
    "projects:booklet": Entry(READ_PAGE),
    "projects:example-moderation": Entry(WRITE_PAGE),
    "projects:example-moderation-detail": Entry(
        WRITE_ROW,
        kwargs="submission",
        post=WRITE_ROW,
        post_data=page_form(**{"decision-decision": "approve"}),
    ),
}


class ProjectsMatrixTests(MatrixMixin, CastMixin, TestCase):
    MATRIX = MATRIX
    SECRETS = ("A-project-secret", "A-advice-secret", "A-submission-secret", "A-call-secret")

    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        make_support_plan(cls.network_a, 2025)
        cls.project = make_project(network=cls.network_a, name="A-project-secret")
        cls.funding = ProjectFunding.objects.create(
            project=cls.project, source="region", amount=5000
        )
        cls.attachment = ProjectAttachment(project=cls.project, title="Slutrapport")
        cls.attachment.file.save("slutrapport.pdf", ContentFile(b"%PDF-1.4"), save=True)
        cls.advice = Advice.objects.create(
            network=cls.network_a,
            given_on=datetime.date(2025, 3, 1),
            recipient="A-advice-secret",
            topic="energy",
            hours=2,
        )
        cls.call = make_call(network=cls.network_a, title="A-call-secret")
        cls.example = make_example(network=cls.network_a, title="Publicerat exempel")
        cls.submission = make_example(
            network=cls.network_a,
            title="A-submission-secret",
            published=False,
            moderation_status=ModerationStatus.PENDING,
            submitted_by=cls.cecilia,
            submitted_at=timezone.now(),
        )
        cls.sent_back = make_example(
            network=cls.network_a,
            title="Tillbakaskickat",
            published=False,
            moderation_status=ModerationStatus.CHANGES_REQUESTED,
            moderation_reason="Mer om eleverna.",
            submitted_by=cls.cecilia,
            submitted_at=timezone.now(),
        )
        cls.digest = CallDigestSubscription.objects.create(network=cls.network_a, user=cls.cecilia)
        # B has rows too: the outsider's own pages are not empty.
        make_project(network=cls.network_b, name="B-projekt")
        make_example(network=cls.network_b, title="B-exempel")

    def kwargs_for(self, entry: Entry) -> dict[str, Any]:
        if entry.kwargs == "digest":
            return {"token": services.digest_token(self.digest)}
        rows = {
            "project": self.project,
            "funding": self.funding,
            "attachment": self.attachment,
            "advice": self.advice,
            "call": self.call,
            "example": self.example,
            "submission": self.submission,
            "sent_back": self.sent_back,
        }
        return {"pk": rows[entry.kwargs].pk} if entry.kwargs else {}

    def fingerprint(self) -> tuple:
        a = self.network_a
        return (
            list(Project.objects.filter(network=a).values_list("pk", "name", "updated_at")),
            list(ProjectFunding.objects.filter(project__network=a).values_list("pk", "amount")),
            list(ProjectAttachment.objects.filter(project__network=a).values_list("pk", "title")),
            list(Advice.objects.filter(network=a).values_list("pk", "hours", "given_on")),
            list(FundingCall.objects.filter(network=a).values_list("pk", "title")),
            list(
                Example.objects.filter(network=a).values_list(
                    "pk", "title", "summary", "moderation_status", "published_at"
                )
            ),
            list(CallDigestSubscription.objects.filter(network=a).values_list("pk", "user_id")),
            list(Action.objects.filter(network=a).values_list("pk", "title")),
            ModerationEvent.objects.filter(network=a).count(),
        )

    def test_each_url_answers_each_role_as_expected(self) -> None:
        self.check_each_url_answers_each_role_as_expected()

    def test_the_outsider_neither_sees_nor_changes_network_a(self) -> None:
        self.check_the_outsider_neither_sees_nor_changes_network_a()

    def test_drafts_and_submissions_are_not_public(self) -> None:
        for example in (self.submission, self.sent_back):
            for client in (self.as_anonymous(), self.as_cecilia(), self.as_bertil()):
                self.assertEqual(client.get(f"/goda-exempel/{example.pk}/").status_code, 404)
        for client in (self.as_anonymous(), self.as_cecilia()):
            listing = client.get("/goda-exempel/", {"q": "secret"})
            self.assertNotContains(listing, "A-submission-secret")
            self.assertNotContains(client.get("/goda-exempel.atom"), "A-submission-secret")

    def test_contact_persons_see_only_their_own_submissions(self) -> None:
        from bygdebas.core.models import Role
        from bygdebas.testing import make_engagement, make_person, make_user

        other = make_user(email="olle@a.test", role=Role.Kind.CONTACT, network=self.network_a)
        person = make_person(network=self.network_a, name="Olle", email="olle@a.test", user=other)
        make_engagement(person=person, organisation=self.cecilia_org)
        client = self.as_user(other)
        self.assertNotContains(client.get("/medlem/goda-exempel/"), "A-submission-secret")
        self.assertContains(self.as_cecilia().get("/medlem/goda-exempel/"), "A-submission-secret")
        response = client.get(f"/medlem/goda-exempel/{self.sent_back.pk}/andra/")
        self.assertEqual(response.status_code, 404)
