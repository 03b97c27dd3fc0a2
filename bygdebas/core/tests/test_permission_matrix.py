"""Every URL pattern, for anonymous, each role and the outsider.

A URL without an entry in MATRIX fails ``test_every_url_has_an_entry``: adding a view means
deciding who may use it. The outsider (``david``, staff of network B) gets 404 for A's rows on
his own host and 403 on A's host; afterwards A's data is unchanged.
"""

from __future__ import annotations

import datetime
import io
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import TestCase
from django.urls import reverse
from django.utils import timezone
from PIL import Image as PILImage

from bygdebas.core.images import save_image
from bygdebas.core.models import Role
from bygdebas.core.tests.matrix import (
    ADMIN_PAGE,
    APPROVE_ROW,
    PUBLIC,
    PUBLIC_ROW,
    READ_PAGE,
    READ_ROW,
    WRITE_PAGE,
    WRITE_ROW,
    Entry,
    MatrixMixin,
    all_matrices,
    page_form,
    url_names,
)
from bygdebas.core.tests.test_images import png_bytes
from bygdebas.events.models import (
    BodyMeeting,
    Event,
    EventAttachment,
    PartnershipBody,
    Registration,
)
from bygdebas.plan.models import Action, Activity, Area, Plan
from bygdebas.testing import (
    PASSWORD,
    CastMixin,
    make_action,
    make_body,
    make_event,
    make_meeting,
    make_municipality,
    make_plan,
    make_registration,
    make_target,
)

SEED_PLAN = Path(settings.BASE_DIR) / "data" / "seeds" / "verksamhetsplan-2025-orebro-lan.txt"


def seed_plan_upload(test: Any) -> SimpleUploadedFile:
    return SimpleUploadedFile(SEED_PLAN.name, SEED_PLAN.read_bytes(), "text/plain")


def activity_pk(test: Any) -> str:
    return str(test.activity.pk)


# The reviewed preview of a one-area plan for 2027, as the preview page posts it.
PLAN_PREVIEW = (
    ("plan-year", "2027"),
    ("plan-title", "Verksamhetsplan 2027"),
    ("areas-TOTAL_FORMS", "1"),
    ("areas-INITIAL_FORMS", "0"),
    ("areas-0-title", "Område"),
    ("activities-TOTAL_FORMS", "1"),
    ("activities-INITIAL_FORMS", "0"),
    ("activities-0-area", "0"),
    ("activities-0-text", "En aktivitet"),
)

# A real write for each form, so that a denied POST leaving the fingerprint unchanged means
# something (see core/tests/matrix.py).
MATRIX: dict[str, Entry] = {
    "public:home": Entry(PUBLIC),
    "public:about": Entry(PUBLIC),
    "public:contact": Entry(
        PUBLIC,
        post=PUBLIC,
        post_data=(("name", "Gunnel"), ("email", "gunnel@example.org"), ("message", "Hej!")),
        writes=False,  # a mail to the office
    ),
    "set-language": Entry(
        PUBLIC, method="post", data=(("language", "en"),), get=PUBLIC, writes=False
    ),
    "core:login": Entry(
        PUBLIC,
        post=PUBLIC,
        post_data=(("username", "anna@a.test"), ("password", PASSWORD)),
        writes=False,  # a session
    ),
    "core:logout": Entry(PUBLIC, method="post", writes=False),
    "core:password-reset": Entry(
        PUBLIC, post=PUBLIC, post_data=(("email", "bertil@a.test"),), writes=False
    ),
    "core:password-reset-done": Entry(PUBLIC),
    # A made-up token: every POST is refused; a working link is tested in test_mail.
    "core:password-reset-confirm": Entry(
        PUBLIC,
        kwargs="reset",
        post=PUBLIC,
        post_data=(("new_password1", "ny-fin-losen-2025"), ("new_password2", "ny-fin-losen-2025")),
        writes=False,
    ),
    "core:password-reset-complete": Entry(PUBLIC),
    "core:municipalities-geojson": Entry(PUBLIC),
    "core:image-file": Entry(PUBLIC_ROW, kwargs="image"),
    "core:role-list": Entry(ADMIN_PAGE),
    "core:role-invite": Entry(
        ADMIN_PAGE,
        post=ADMIN_PAGE,
        post_data=(("email", "ny@a.test"), ("first_name", "Ny"), ("kind", "staff")),
    ),
    "core:role-edit": Entry(
        ADMIN_PAGE, kwargs="role", post=ADMIN_PAGE, post_data=(("kind", "board"),)
    ),
    "core:role-revoke": Entry(ADMIN_PAGE, method="post", kwargs="role"),
    "plan:home": Entry(READ_PAGE),
    "plan:plan-list": Entry(READ_PAGE),
    "plan:plan-import": Entry(
        WRITE_PAGE,
        post=WRITE_PAGE,
        post_data=(("document", seed_plan_upload), ("year", "2027")),
        writes=False,  # the preview: nothing is saved until plan-import-save
    ),
    "plan:plan-import-save": Entry(WRITE_PAGE, method="post", data=PLAN_PREVIEW),
    "plan:plan-detail": Entry(READ_ROW, kwargs="year"),
    "plan:plan-edit": Entry(
        WRITE_ROW, kwargs="year", post=WRITE_ROW, post_data=page_form(title="Ändrad plan")
    ),
    "plan:plan-copy": Entry(
        WRITE_ROW, kwargs="year", post=WRITE_ROW, post_data=(("year", "2027"),)
    ),
    "plan:plan-approve": Entry(
        APPROVE_ROW, method="post", kwargs="year", data=(("approved_on", "2025-01-20"),)
    ),
    "plan:plan-delete": Entry(WRITE_ROW, method="post", kwargs="year", get=WRITE_ROW),
    "plan:area-add": Entry(WRITE_ROW, method="post", kwargs="year", data=(("title", "Nytt"),)),
    "plan:activity-add": Entry(
        WRITE_ROW,
        kwargs="year",
        post=WRITE_ROW,
        post_data=page_form(text="En ny aktivitet"),
    ),
    "plan:area-edit": Entry(
        WRITE_ROW, kwargs="area", post=WRITE_ROW, post_data=page_form(title="Ändrat område")
    ),
    "plan:area-delete": Entry(WRITE_ROW, method="post", kwargs="empty_area"),
    "plan:area-move": Entry(WRITE_ROW, method="post", kwargs="area"),
    "plan:activity-detail": Entry(READ_ROW, kwargs="activity"),
    "plan:activity-edit": Entry(
        WRITE_ROW, kwargs="activity", post=WRITE_ROW, post_data=page_form(text="Ändrad")
    ),
    "plan:activity-delete": Entry(WRITE_ROW, method="post", kwargs="free_activity"),
    "plan:activity-move": Entry(WRITE_ROW, method="post", kwargs="activity"),
    "plan:action-list": Entry(READ_PAGE),
    "plan:action-create": Entry(
        WRITE_PAGE,
        post=WRITE_PAGE,
        post_data=(
            ("title", "En ny insats"),
            ("performed_on", "2025-06-01"),
            ("activities", activity_pk),
        ),
    ),
    "plan:action-detail": Entry(READ_ROW, kwargs="action"),
    "plan:action-edit": Entry(
        WRITE_ROW, kwargs="action", post=WRITE_ROW, post_data=page_form(title="Ändrad insats")
    ),
    "plan:action-delete": Entry(WRITE_ROW, method="post", kwargs="action", get=WRITE_ROW),
    "plan:action-attachment": Entry(READ_ROW, kwargs="action"),
    "plan:follow-up": Entry(READ_ROW, kwargs="year"),
    "plan:report-pdf": Entry(READ_ROW, kwargs="year"),
    "plan:report-docx": Entry(READ_ROW, kwargs="year"),
    "events:event-list": Entry(PUBLIC),
    "events:event-month": Entry(PUBLIC, kwargs="month"),
    "events:event-detail": Entry(PUBLIC_ROW, kwargs="event"),
    "events:event-register": Entry(
        PUBLIC_ROW,
        method="post",
        kwargs="event",
        data=(("name", "X"), ("email", "x@example.org")),
        get=PUBLIC_ROW,  # back to the event's page, where the form is
    ),
    "events:event-ics": Entry(PUBLIC_ROW, kwargs="event"),
    "events:feed": Entry(PUBLIC),
    "events:feed-atom": Entry(PUBLIC),
    "events:feed-json": Entry(PUBLIC),
    "events:feed-municipality": Entry(PUBLIC, kwargs="code"),
    "events:registration": Entry(PUBLIC_ROW, kwargs="token"),
    "events:registration-cancel": Entry(PUBLIC_ROW, kwargs="token", post=PUBLIC_ROW),
    "events:registration-accept": Entry(PUBLIC_ROW, kwargs="offer_token", post=PUBLIC_ROW),
    "events:staff-event-list": Entry(READ_PAGE),
    "events:staff-event-create": Entry(
        WRITE_PAGE,
        post=WRITE_PAGE,
        post_data=page_form(
            title="Nytt möte", starts_at="2025-09-01T18:00", ends_at="2025-09-01T20:00"
        ),
    ),
    "events:staff-event-detail": Entry(READ_ROW, kwargs="event"),
    "events:staff-event-edit": Entry(
        WRITE_ROW, kwargs="event", post=WRITE_ROW, post_data=page_form(title="Ändrat möte")
    ),
    "events:staff-event-duplicate": Entry(WRITE_ROW, method="post", kwargs="event"),
    "events:staff-event-cancel": Entry(
        WRITE_ROW, kwargs="event", post=WRITE_ROW, post_data=(("message", "Tyvärr."),)
    ),
    "events:staff-event-message": Entry(
        WRITE_ROW,
        kwargs="event",
        post=WRITE_ROW,
        post_data=(("subject", "Hej"), ("body", "Välkomna.")),
        writes=False,  # mail only
    ),
    "events:staff-attendance": Entry(
        WRITE_ROW,
        method="post",
        kwargs="event",
        data=(("attended", lambda test: str(test.registration.pk)),),
    ),
    "events:staff-event-outcome": Entry(
        WRITE_ROW,
        kwargs="event",
        post=WRITE_ROW,
        post_data=(("minutes", "Vi talade om vägarna."), ("participant_count", "12")),
    ),
    "events:staff-participants-export": Entry(READ_ROW, kwargs="event_xlsx"),
    "events:staff-attachment": Entry(READ_ROW, kwargs="attachment"),
    "events:staff-attachment-delete": Entry(WRITE_ROW, method="post", kwargs="attachment"),
    "events:staff-registration-promote": Entry(WRITE_ROW, method="post", kwargs="waiting"),
    "events:staff-registration-cancel": Entry(
        WRITE_ROW, method="post", kwargs="registration", get=WRITE_ROW
    ),
    "events:body-list": Entry(READ_PAGE),
    "events:body-create": Entry(
        WRITE_PAGE, post=WRITE_PAGE, post_data=page_form(name="Nytt råd", owner="Regionen")
    ),
    "events:body-detail": Entry(READ_ROW, kwargs="body"),
    "events:body-edit": Entry(
        WRITE_ROW, kwargs="body", post=WRITE_ROW, post_data=page_form(name="Ändrat råd")
    ),
    "events:meeting-create": Entry(
        WRITE_ROW,
        kwargs="body",
        post=WRITE_ROW,
        post_data=page_form(held_on="2025-05-05", notes="Nytt möte.", activities=activity_pk),
    ),
    "events:meeting-edit": Entry(
        WRITE_ROW,
        kwargs="meeting",
        post=WRITE_ROW,
        post_data=page_form(notes="Ändrat.", activities=activity_pk),
    ),
    "events:meeting-delete": Entry(WRITE_ROW, method="post", kwargs="meeting", get=WRITE_ROW),
}


class PermissionMatrixTests(MatrixMixin, CastMixin, TestCase):
    MATRIX = MATRIX
    SECRETS = (
        "A-plan-secret",
        "A-action-secret",
        "minutes",
        "A-event-secret",
        "A-person-secret",
        "A-body-secret",
        "A-attachment-title-secret",
        "A-attachment-content-secret",
    )

    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        cls.plan = make_plan(network=cls.network_a, year=2025, title="A-plan-secret")
        cls.area = cls.plan.areas.first()
        cls.activity = Activity.objects.filter(area=cls.area).first()
        # Rows that may be deleted: an area without activities, an activity without actions.
        cls.empty_area = Area.objects.create(plan=cls.plan, title="Tomt", order=9)
        cls.free_activity = Activity.objects.create(area=cls.area, text="Ledig", order=9)
        make_target(activity=cls.activity)
        cls.action = make_action(
            network=cls.network_a,
            activities=[cls.activity],
            title="A-action-secret",
            performed_on=datetime.date(2025, 5, 5),
        )
        cls.action.attachment.save("protokoll.txt", io.BytesIO(b"minutes"), save=True)
        cls.role = Role.objects.get(user=cls.bertil, network=cls.network_a)
        cls.municipality = make_municipality(code="1880", name="Örebro")
        cls.event = make_event(
            network=cls.network_a, title="A-event-secret", municipality=cls.municipality
        )
        cls.registration = make_registration(event=cls.event, name="A-person-secret")
        cls.waiting = make_registration(event=cls.event, status=Registration.Status.WAITING)
        cls.offered = make_registration(
            event=cls.event,
            status=Registration.Status.OFFERED,
            offer_expires_at=timezone.now() + datetime.timedelta(hours=24),
        )
        cls.attachment = EventAttachment(event=cls.event, title="A-attachment-title-secret")
        cls.attachment.file.save("deltagarlista.txt", io.BytesIO(b"A-attachment-content-secret"))
        cls.body = make_body(network=cls.network_a, name="A-body-secret")
        cls.meeting = make_meeting(body=cls.body)
        cls.image = save_image(
            network=cls.network_a, image=png_bytes(PILImage.new("RGB", (600, 300))), alt_text="x"
        )
        # Network B has its own plan, so its pages render with B's rows.
        cls.plan_b = make_plan(network=cls.network_b, year=2026, title="B-plan")

    def kwargs_for(self, entry: Entry) -> dict[str, Any]:
        match entry.kwargs:
            case "year":
                return {"year": self.plan.year}
            case "area":
                return {"pk": self.area.pk}
            case "empty_area":
                return {"pk": self.empty_area.pk}
            case "free_activity":
                return {"pk": self.free_activity.pk}
            case "activity":
                return {"pk": self.activity.pk}
            case "action":
                return {"pk": self.action.pk}
            case "role":
                return {"pk": self.role.pk}
            case "event":
                return {"pk": self.event.pk}
            case "event_xlsx":
                return {"pk": self.event.pk, "fmt": "xlsx"}
            case "month":
                return {"year": self.event.starts_at.year, "month": self.event.starts_at.month}
            case "code":
                return {"code": self.municipality.code}
            case "token":
                return {"token": self.registration.token}
            case "offer_token":
                return {"token": self.offered.token}
            case "registration":
                return {"pk": self.registration.pk}
            case "waiting":
                return {"pk": self.waiting.pk}
            case "attachment":
                return {"pk": self.attachment.pk}
            case "body":
                return {"pk": self.body.pk}
            case "meeting":
                return {"pk": self.meeting.pk}
            case "image":
                return {"key": self.image.key, "width": 480}
            case "reset":
                return {"uidb64": "MQ", "token": "set-password"}
        return {}

    def fingerprint(self) -> tuple:
        """Everything of network A a stranger could try to change."""
        return (
            list(
                Plan.objects.filter(network=self.network_a).values_list(
                    "pk", "year", "title", "approved_on"
                )
            ),
            list(
                Area.objects.filter(plan__network=self.network_a).values_list(
                    "pk", "title", "order"
                )
            ),
            list(
                Activity.objects.filter(area__plan__network=self.network_a).values_list(
                    "pk", "text", "order"
                )
            ),
            list(Action.objects.filter(network=self.network_a).values_list("pk", "title")),
            list(Role.objects.filter(network=self.network_a).values_list("pk", "kind")),
            list(
                Event.objects.filter(network=self.network_a).values_list(
                    "pk", "title", "status", "starts_at", "minutes", "participant_count"
                )
            ),
            list(
                Registration.objects.filter(event__network=self.network_a).values_list(
                    "pk", "status", "attended"
                )
            ),
            list(PartnershipBody.objects.filter(network=self.network_a).values_list("pk", "name")),
            list(
                BodyMeeting.objects.filter(body__network=self.network_a).values_list("pk", "notes")
            ),
            list(
                EventAttachment.objects.filter(event__network=self.network_a).values_list(
                    "pk", "file", "title"
                )
            ),
        )

    def test_every_url_has_an_entry(self) -> None:
        matrices = all_matrices()
        missing = url_names() - set(matrices)
        stale = set(matrices) - url_names()
        self.assertEqual(missing, set(), "URLs without a permission-matrix entry")
        self.assertEqual(stale, set(), "matrix entries for URLs that no longer exist")

    def test_each_url_answers_each_role_as_expected(self) -> None:
        self.check_each_url_answers_each_role_as_expected()

    def test_the_outsider_neither_sees_nor_changes_network_a(self) -> None:
        self.check_the_outsider_neither_sees_nor_changes_network_a()

    def test_public_pages_of_b_show_nothing_of_a(self) -> None:
        for name in ("public:home", "public:about"):
            response = self.as_anonymous().get(reverse(name), HTTP_HOST="b.test")
            self.assertNotIn(b"A-plan-secret", response.content)
            self.assertContains(response, "Nätverk B")

    def test_admin_is_closed_to_network_roles(self) -> None:
        for client in (self.as_anonymous(), self.as_anna(), self.as_bertil()):
            response = client.get("/admin/")
            self.assertEqual(response.status_code, 302)
            self.assertIn("/admin/login/", response["Location"])
