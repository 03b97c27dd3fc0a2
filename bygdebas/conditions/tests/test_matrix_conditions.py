"""Every conditions URL for anonymous, each role and the outsider.

The public pages show A's published reports on A's host only; staff pages need a read role, the
moderation steps a write role; the contact person edits only her own group's profile.
"""

from __future__ import annotations

from typing import Any

from django.test import TestCase
from django.utils import timezone

from bygdebas.conditions.models import (
    Alert,
    AlertRecipient,
    CategorySetting,
    ChainMember,
    Dossier,
    MeToo,
    PreparednessProfile,
    Report,
    ReportUpdate,
)
from bygdebas.conditions.tests.helpers import INSIDE, make_report, make_square_municipality
from bygdebas.conditions.tokens import REPLY, UNSUBSCRIBE
from bygdebas.core.confirmation import confirmation_token
from bygdebas.core.signed_links import make_token
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
from bygdebas.testing import CastMixin, make_organisation, make_plan

# The contact person's own group: only she may edit it; staff get 403, the outsider 404.
OWN_PROFILE = expect(LOGIN, 403, 403, 403, OK, 403, 404)
CONTACT_PAGE = expect(LOGIN, 403, 403, 403, OK, 403, 403)
# A link in a mail works on its own network's host, for anyone holding it (as a public row).
LINK = PUBLIC_ROW


def _token(name: str) -> Any:
    return lambda test: getattr(test, name)


MATRIX: dict[str, Entry] = {
    "conditions:report-map": Entry(PUBLIC),
    "conditions:report-list": Entry(PUBLIC),
    "conditions:report-geojson": Entry(PUBLIC),
    "conditions:summary": Entry(PUBLIC),
    "conditions:report-create": Entry(
        PUBLIC,
        post=PUBLIC,
        post_data=(
            ("category", "road"),
            ("title", "Nytt hål"),
            ("description", "Djupt."),
            ("lat", str(INSIDE[0])),
            ("lon", str(INSIDE[1])),
            ("name", "Olle"),
            ("email", "olle@example.org"),
        ),
    ),
    "conditions:report-sent": Entry(PUBLIC),
    "conditions:nearby": Entry(
        PUBLIC, data=(("category", "road"), ("lat", "59.1"), ("lon", "15.15"))
    ),
    "conditions:report-detail": Entry(PUBLIC_ROW, kwargs="report"),
    "conditions:me-too": Entry(
        PUBLIC_ROW,
        kwargs="report",
        post=PUBLIC_ROW,
        post_data=(("name", "Sven"), ("email", "sven@example.org")),
    ),
    "conditions:report-confirm": Entry(LINK, kwargs="confirm", post=LINK, post_data=()),
    "conditions:me-too-confirm": Entry(LINK, kwargs="me_too_confirm", post=LINK, post_data=()),
    "conditions:report-unsubscribe": Entry(LINK, kwargs="unsubscribe", post=LINK, post_data=()),
    "conditions:alert-reply": Entry(
        LINK, kwargs="reply", post=LINK, post_data=(("reply", "fine"), ("note", "Allt lugnt"))
    ),
    "conditions:feed-atom": Entry(PUBLIC),
    "conditions:feed-json": Entry(PUBLIC),
    "conditions:open311-services": Entry(PUBLIC, kwargs="json"),
    "conditions:open311-requests": Entry(PUBLIC, kwargs="json"),
    "conditions:open311-request": Entry(PUBLIC_ROW, kwargs="open311_report"),
    "conditions:profile-home": Entry(CONTACT_PAGE),
    "conditions:profile-edit": Entry(
        OWN_PROFILE,
        kwargs="organisation",
        post=OWN_PROFILE,
        post_data=page_form(meeting_point="Bygdegården", households="40"),
    ),
    "conditions:staff-report-list": Entry(READ_PAGE),
    "conditions:staff-report-detail": Entry(READ_ROW, kwargs="report"),
    "conditions:staff-report-hide": Entry(
        WRITE_ROW,
        method="post",
        kwargs="report",
        data=(("hide-reason", "Personuppgifter i texten"),),
    ),
    "conditions:staff-report-edit": Entry(
        WRITE_ROW,
        kwargs="report",
        post=WRITE_ROW,
        post_data=page_form(title="Hål i vägen", reason="Kortare rubrik"),
    ),
    "conditions:staff-report-merge": Entry(
        WRITE_ROW,
        kwargs="report",
        post=WRITE_ROW,
        post_data=(("into", lambda test: str(test.other.pk)), ("reason", "Samma hål")),
    ),
    "conditions:staff-report-status": Entry(
        WRITE_ROW,
        method="post",
        kwargs="report",
        data=(("status-status", "answered"), ("status-text", "Svar")),
    ),
    "conditions:staff-report-update": Entry(
        WRITE_ROW, method="post", kwargs="report", data=(("update-text", "Vi har ringt kommunen."),)
    ),
    "conditions:staff-categories": Entry(
        WRITE_PAGE, post=WRITE_PAGE, post_data=(("categories", "broadband"),)
    ),
    "conditions:staff-export-csv": Entry(READ_PAGE),
    "conditions:staff-export-geojson": Entry(READ_PAGE),
    "conditions:dossier-list": Entry(READ_PAGE),
    "conditions:dossier-create": Entry(
        WRITE_PAGE,
        post=WRITE_PAGE,
        post_data=(("title", "Vägar i Kumla"), ("recipient", "Trafikverket")),
    ),
    "conditions:dossier-detail": Entry(READ_ROW, kwargs="dossier"),
    "conditions:dossier-pdf": Entry(READ_ROW, kwargs="dossier"),
    "conditions:dossier-sent": Entry(
        WRITE_ROW, method="post", kwargs="dossier", data=(("sent_on", "2025-06-01"),)
    ),
    "conditions:report-moderation": Entry(WRITE_PAGE),
    "conditions:report-moderation-detail": Entry(
        WRITE_ROW,
        kwargs="held",
        post=WRITE_ROW,
        post_data=page_form(**{"decision-decision": "approve"}),
    ),
    "conditions:preparedness": Entry(READ_PAGE),
    "conditions:contact-tree": Entry(
        expect(LOGIN, OK, OK, 403, 403, 403, OK), kwargs="municipality"
    ),
    "conditions:alert-list": Entry(
        WRITE_PAGE,
        post=WRITE_PAGE,
        post_data=(
            ("message", "Strömavbrott: samling i bygdegården kl 18."),
            ("municipalities", lambda test: str(test.municipality.pk)),
        ),
    ),
    "conditions:alert-detail": Entry(WRITE_ROW, kwargs="alert"),
    "conditions:alert-record-reply": Entry(
        WRITE_ROW,
        method="post",
        kwargs="recipient",
        data=(("reply", "help"), ("note", "Behöver vatten")),
    ),
}


class ConditionsMatrixTests(MatrixMixin, CastMixin, TestCase):
    MATRIX = MATRIX
    SECRETS = ("A-hidden-secret", "a-reporter@example.org", "0701-SECRET", "A-meeting-secret")

    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        make_plan(network=cls.network_a, year=2025)
        county = cls.network_a.county
        assert county is not None
        cls.municipality = make_square_municipality(county)
        cls.report = make_report(
            network=cls.network_a,
            municipality=cls.municipality,
            submitter_email="a-reporter@example.org",
        )
        cls.other = make_report(
            network=cls.network_a, municipality=cls.municipality, title="Samma hål"
        )
        make_report(
            network=cls.network_a,
            municipality=cls.municipality,
            title="A-hidden-secret",
            is_hidden=True,
        )
        cls.unconfirmed = make_report(
            network=cls.network_a, municipality=cls.municipality, published=False
        )
        cls.held = make_report(
            network=cls.network_a,
            municipality=cls.municipality,
            published=False,
            confirmed_at=timezone.now(),
            moderation_status="pending",
            submitted_at=timezone.now(),
            category="broadband",
            title="Inget bredband",
        )
        cls.me_too = MeToo.objects.create(report=cls.report, email="stina@example.org")
        make_report(network=cls.network_b, municipality=cls.municipality, title="B-rapport")
        cls.dossier = Dossier.objects.create(
            network=cls.network_a, title="Vägar", recipient="Trafikverket"
        )
        cls.dossier.reports.set([cls.report])
        profile = PreparednessProfile.objects.create(
            network=cls.network_a,
            organisation=cls.cecilia_org,
            meeting_point="A-meeting-secret",
            municipality=cls.municipality,
            households=30,
        )
        member = ChainMember.objects.create(
            profile=profile, name="Kalle Kedja", phone="0701-SECRET", consent_at=timezone.now()
        )
        cls.alert = Alert.objects.create(network=cls.network_a, message="Övning")
        cls.recipient = AlertRecipient.objects.create(
            alert=cls.alert, organisation=cls.cecilia_org, member=member, name="Kalle Kedja"
        )
        make_organisation(network=cls.network_b, name="B-byalag")

    def setUp(self) -> None:
        super().setUp()
        self.confirm = confirmation_token(self.unconfirmed)
        self.me_too_confirm = confirmation_token(self.me_too)
        self.unsubscribe = make_token(
            purpose=UNSUBSCRIBE, network_id=self.network_a.pk, r=self.report.pk
        )
        self.reply = make_token(purpose=REPLY, network_id=self.network_a.pk, r=self.recipient.pk)

    def kwargs_for(self, entry: Entry) -> dict[str, Any]:
        match entry.kwargs:
            case "report":
                return {"pk": self.report.pk}
            case "held":
                return {"pk": self.held.pk}
            case "dossier":
                return {"pk": self.dossier.pk}
            case "alert":
                return {"pk": self.alert.pk}
            case "recipient":
                return {"pk": self.recipient.pk}
            case "organisation":
                return {"pk": self.cecilia_org.pk}
            case "municipality":
                return {"code": self.municipality.code}
            case "json":
                return {"fmt": "json"}
            case "open311_report":
                return {"pk": self.report.pk, "fmt": "json"}
            case "confirm":
                return {"token": self.confirm}
            case "me_too_confirm":
                return {"token": self.me_too_confirm}
            case "unsubscribe":
                return {"token": self.unsubscribe}
            case "reply":
                return {"token": self.reply}
        return {}

    def fingerprint(self) -> tuple:
        return (
            list(
                Report.objects.filter(network=self.network_a).values_list(
                    "pk",
                    "title",
                    "status",
                    "is_hidden",
                    "duplicate_of_id",
                    "confirmed_at",
                    "published_at",
                    "is_subscribed",
                    "moderation_status",
                )
            ),
            list(
                MeToo.objects.filter(report__network=self.network_a).values_list(
                    "pk", "confirmed_at", "report_id"
                )
            ),
            list(
                ReportUpdate.objects.filter(report__network=self.network_a).values_list(
                    "pk", "text"
                )
            ),
            list(
                CategorySetting.objects.filter(network=self.network_a).values_list(
                    "category", "is_held"
                )
            ),
            list(Dossier.objects.filter(network=self.network_a).values_list("pk", "sent_on")),
            list(
                PreparednessProfile.objects.filter(
                    organisation__network=self.network_a
                ).values_list("pk", "meeting_point", "households")
            ),
            list(Alert.objects.filter(network=self.network_a).values_list("pk")),
            list(
                AlertRecipient.objects.filter(alert__network=self.network_a).values_list(
                    "pk", "reply", "reply_note"
                )
            ),
            list(Action.objects.filter(network=self.network_a).values_list("pk")),
        )

    def test_each_url_answers_each_role_as_expected(self) -> None:
        self.check_each_url_answers_each_role_as_expected()

    def test_the_outsider_neither_sees_nor_changes_network_a(self) -> None:
        self.check_the_outsider_neither_sees_nor_changes_network_a()
