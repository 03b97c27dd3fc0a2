"""Every URL pattern, for anonymous, each role and the outsider.

A URL without an entry in MATRIX fails ``test_every_url_has_an_entry``: adding a view means
deciding who may use it. The outsider (``david``, staff of network B) gets 404 for A's rows on
his own host and 403 on A's host; afterwards A's data is unchanged.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.test import TestCase
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from bygdebas.core.models import Role
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

OK, LOGIN = "ok", "login"
CAST = ("anonymous", "anna", "bertil", "sara", "cecilia", "david_on_a", "david_on_b")


def expect(
    anonymous: Any, anna: Any, bertil: Any, sara: Any, cecilia: Any, on_a: Any, on_b: Any
) -> dict:
    return dict(zip(CAST, (anonymous, anna, bertil, sara, cecilia, on_a, on_b), strict=True))


PUBLIC = expect(OK, OK, OK, OK, OK, OK, OK)
# Public pages about one of A's rows: anyone on A's host, nobody on B's.
PUBLIC_ROW = expect(OK, OK, OK, OK, OK, OK, 404)
# Pages about A's rows: read roles see them; the outsider's own host does not have them.
READ_ROW = expect(LOGIN, OK, OK, OK, 403, 403, 404)
WRITE_ROW = expect(LOGIN, OK, OK, 403, 403, 403, 404)
# Pages without a row: the outsider sees his own network's version.
READ_PAGE = expect(LOGIN, OK, OK, OK, 403, 403, OK)
WRITE_PAGE = expect(LOGIN, OK, OK, 403, 403, 403, OK)
APPROVE_ROW = expect(LOGIN, OK, 403, OK, 403, 403, 403)
ADMIN_PAGE = expect(LOGIN, OK, 403, 403, 403, 403, 403)


@dataclass(frozen=True)
class Entry:
    expected: dict
    method: str = "get"
    kwargs: str = ""  # which fixture row fills the URL: year, area, activity, action, role
    data: tuple[tuple[str, str], ...] = ()


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

# Django's admin is for installation operators (superusers) only and is tested by Django;
# test_admin_is_closed_to_network_roles below proves network roles cannot get in.
EXCLUDED_NAMESPACES = {"admin"}


def url_names() -> set[str]:
    names: set[str] = set()

    def walk(patterns: list[Any], namespace: str = "") -> None:
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                ns = pattern.namespace or ""
                if ns in EXCLUDED_NAMESPACES:
                    continue
                walk(pattern.url_patterns, f"{namespace}{ns}:" if ns else namespace)
            elif isinstance(pattern, URLPattern) and pattern.name:
                names.add(f"{namespace}{pattern.name}")
            elif isinstance(pattern, URLPattern):
                raise AssertionError(f"URL pattern {pattern.pattern} has no name")

    walk(get_resolver().url_patterns)
    return names


class PermissionMatrixTests(CastMixin, TestCase):
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
            case "reset":
                return {"uidb64": "MQ", "token": "set-password"}
        return {}

    def client_as(self, who: str) -> Any:
        return {
            "anonymous": self.as_anonymous,
            "anna": self.as_anna,
            "bertil": self.as_bertil,
            "sara": self.as_sara,
            "cecilia": self.as_cecilia,
            "david_on_a": lambda: self.as_user(self.david, self.network_a),
            "david_on_b": self.as_david,
        }[who]()

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
        missing = url_names() - set(MATRIX)
        stale = set(MATRIX) - url_names()
        self.assertEqual(missing, set(), "URLs without a permission-matrix entry")
        self.assertEqual(stale, set(), "matrix entries for URLs that no longer exist")

    def test_each_url_answers_each_role_as_expected(self) -> None:
        login_url = reverse("core:login")
        for name, entry in sorted(MATRIX.items()):
            url = reverse(name, kwargs=self.kwargs_for(entry))
            for who, expected in entry.expected.items():
                with self.subTest(url=name, who=who), transaction.atomic():
                    client = self.client_as(who)
                    response = getattr(client, entry.method)(url, dict(entry.data))
                    if expected == OK:
                        self.assertIn(response.status_code, {200, 302, 400}, response)
                        if response.status_code == 302:
                            self.assertFalse(response["Location"].startswith(login_url))
                    elif expected == LOGIN:
                        self.assertEqual(response.status_code, 302)
                        self.assertTrue(
                            response["Location"].startswith(login_url), response["Location"]
                        )
                    else:
                        self.assertEqual(response.status_code, expected)
                    transaction.set_rollback(True)

    def test_the_outsider_neither_sees_nor_changes_network_a(self) -> None:
        before = self.fingerprint()
        for name, entry in sorted(MATRIX.items()):
            if entry.expected is PUBLIC:
                continue
            url = reverse(name, kwargs=self.kwargs_for(entry))
            clients = [self.as_david()]
            # A public row is public on its own host (and registering for it is allowed there).
            if entry.expected is not PUBLIC_ROW:
                clients.append(self.as_user(self.david, self.network_a))
            for client in clients:
                with self.subTest(url=name, host=client.defaults["HTTP_HOST"]):
                    response = getattr(client, entry.method)(url, dict(entry.data))
                    self.assertIn(response.status_code, {200, 302, 400, 403, 404})
                    body = response.content
                    self.assertNotIn(b"A-plan-secret", body)
                    self.assertNotIn(b"A-action-secret", body)
                    self.assertNotIn(b"minutes", body)
                    for secret in (
                        "A-event-secret",
                        "A-person-secret",
                        "A-body-secret",
                        "A-attachment-title-secret",
                        "A-attachment-content-secret",
                    ):
                        self.assertNotIn(secret.encode(), body)
        self.assertEqual(self.fingerprint(), before)

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
