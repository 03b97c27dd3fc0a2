"""Every URL pattern, for anonymous, each role and the outsider.

A URL without an entry in MATRIX fails ``test_every_url_has_an_entry``: adding a view means
deciding who may use it. The outsider (``david``, staff of network B) gets 404 for A's rows on
his own host and 403 on A's host; afterwards A's data is unchanged.
"""

from __future__ import annotations

from typing import Any

from django.test import TestCase
from django.urls import reverse
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
    url_names,
)
from bygdebas.core.tests.test_images import png_bytes
from bygdebas.events.models import BodyMeeting, Event, EventAttachment, Registration
from bygdebas.plan.models import Action, Activity, Area, Plan
from bygdebas.testing import (
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

MATRIX: dict[str, Entry] = {
    "public:home": Entry(PUBLIC),
    "public:about": Entry(PUBLIC),
    "public:contact": Entry(PUBLIC),
    "set-language": Entry(PUBLIC, method="post", data=(("language", "en"),)),
    "core:login": Entry(PUBLIC),
    "core:logout": Entry(PUBLIC, method="post"),
    "core:password-reset": Entry(PUBLIC),
    "core:password-reset-done": Entry(PUBLIC),
    "core:password-reset-confirm": Entry(PUBLIC, kwargs="reset"),
    "core:password-reset-complete": Entry(PUBLIC),
    "core:municipalities-geojson": Entry(PUBLIC),
    "core:image-file": Entry(PUBLIC_ROW, kwargs="image"),
    "core:role-list": Entry(ADMIN_PAGE),
    "core:role-invite": Entry(ADMIN_PAGE),
    "core:role-edit": Entry(ADMIN_PAGE, kwargs="role"),
    "core:role-revoke": Entry(ADMIN_PAGE, method="post", kwargs="role"),
    "plan:home": Entry(READ_PAGE),
    "plan:plan-list": Entry(READ_PAGE),
    "plan:plan-import": Entry(WRITE_PAGE),
    "plan:plan-import-save": Entry(WRITE_PAGE, method="post"),
    "plan:plan-detail": Entry(READ_ROW, kwargs="year"),
    "plan:plan-edit": Entry(WRITE_ROW, kwargs="year"),
    "plan:plan-copy": Entry(WRITE_ROW, kwargs="year"),
    "plan:plan-approve": Entry(APPROVE_ROW, method="post", kwargs="year"),
    "plan:plan-delete": Entry(WRITE_ROW, method="post", kwargs="year"),
    "plan:area-add": Entry(WRITE_ROW, method="post", kwargs="year", data=(("title", "Nytt"),)),
    "plan:activity-add": Entry(WRITE_ROW, kwargs="year"),
    "plan:area-edit": Entry(WRITE_ROW, kwargs="area"),
    "plan:area-delete": Entry(WRITE_ROW, method="post", kwargs="area"),
    "plan:area-move": Entry(WRITE_ROW, method="post", kwargs="area"),
    "plan:activity-detail": Entry(READ_ROW, kwargs="activity"),
    "plan:activity-edit": Entry(WRITE_ROW, kwargs="activity"),
    "plan:activity-delete": Entry(WRITE_ROW, method="post", kwargs="activity"),
    "plan:activity-move": Entry(WRITE_ROW, method="post", kwargs="activity"),
    "plan:action-list": Entry(READ_PAGE),
    "plan:action-create": Entry(WRITE_PAGE),
    "plan:action-detail": Entry(READ_ROW, kwargs="action"),
    "plan:action-edit": Entry(WRITE_ROW, kwargs="action"),
    "plan:action-delete": Entry(WRITE_ROW, method="post", kwargs="action"),
    "plan:action-attachment": Entry(READ_ROW, kwargs="action"),
    "plan:follow-up": Entry(READ_ROW, kwargs="year"),
    "plan:report-pdf": Entry(READ_ROW, kwargs="year"),
    "plan:report-docx": Entry(READ_ROW, kwargs="year"),
    "events:event-list": Entry(PUBLIC),
    "events:event-month": Entry(PUBLIC, kwargs="month"),
    "events:event-detail": Entry(PUBLIC_ROW, kwargs="event"),
    "events:event-register": Entry(
        PUBLIC_ROW, method="post", kwargs="event", data=(("name", "X"), ("email", "x@example.org"))
    ),
    "events:event-ics": Entry(PUBLIC_ROW, kwargs="event"),
    "events:feed": Entry(PUBLIC),
    "events:feed-atom": Entry(PUBLIC),
    "events:feed-json": Entry(PUBLIC),
    "events:feed-municipality": Entry(PUBLIC, kwargs="code"),
    "events:registration": Entry(PUBLIC_ROW, kwargs="token"),
    "events:registration-cancel": Entry(PUBLIC_ROW, kwargs="token"),
    "events:registration-accept": Entry(PUBLIC_ROW, kwargs="token"),
    "events:staff-event-list": Entry(READ_PAGE),
    "events:staff-event-create": Entry(WRITE_PAGE),
    "events:staff-event-detail": Entry(READ_ROW, kwargs="event"),
    "events:staff-event-edit": Entry(WRITE_ROW, kwargs="event"),
    "events:staff-event-duplicate": Entry(WRITE_ROW, method="post", kwargs="event"),
    "events:staff-event-cancel": Entry(WRITE_ROW, kwargs="event"),
    "events:staff-event-message": Entry(WRITE_ROW, kwargs="event"),
    "events:staff-attendance": Entry(WRITE_ROW, method="post", kwargs="event"),
    "events:staff-event-outcome": Entry(WRITE_ROW, kwargs="event"),
    "events:staff-participants-export": Entry(READ_ROW, kwargs="event_xlsx"),
    "events:staff-attachment": Entry(READ_ROW, kwargs="attachment"),
    "events:staff-attachment-delete": Entry(WRITE_ROW, method="post", kwargs="attachment"),
    "events:staff-registration-promote": Entry(WRITE_ROW, method="post", kwargs="registration"),
    "events:staff-registration-cancel": Entry(WRITE_ROW, method="post", kwargs="registration"),
    "events:body-list": Entry(READ_PAGE),
    "events:body-create": Entry(WRITE_PAGE),
    "events:body-detail": Entry(READ_ROW, kwargs="body"),
    "events:body-edit": Entry(WRITE_ROW, kwargs="body"),
    "events:meeting-create": Entry(WRITE_ROW, kwargs="body"),
    "events:meeting-edit": Entry(WRITE_ROW, kwargs="meeting"),
    "events:meeting-delete": Entry(WRITE_ROW, method="post", kwargs="meeting"),
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
        make_target(activity=cls.activity)
        cls.action = make_action(
            network=cls.network_a,
            activities=[cls.activity],
            title="A-action-secret",
            performed_on=__import__("datetime").date(2025, 5, 5),
        )
        cls.action.attachment.save("protokoll.txt", __import__("io").BytesIO(b"minutes"), save=True)
        cls.role = Role.objects.get(user=cls.bertil, network=cls.network_a)
        cls.municipality = make_municipality(code="1880", name="Örebro")
        cls.event = make_event(
            network=cls.network_a, title="A-event-secret", municipality=cls.municipality
        )
        cls.registration = make_registration(event=cls.event, name="A-person-secret")
        cls.attachment = EventAttachment(event=cls.event, title="A-attachment-title-secret")
        cls.attachment.file.save(
            "deltagarlista.txt", __import__("io").BytesIO(b"A-attachment-content-secret")
        )
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
            case "registration":
                return {"pk": self.registration.pk}
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
                    "pk", "title", "approved_on"
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
                    "pk", "title", "status", "starts_at"
                )
            ),
            list(
                Registration.objects.filter(event__network=self.network_a).values_list(
                    "pk", "status", "attended"
                )
            ),
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
