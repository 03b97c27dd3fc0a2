"""Every recruitment URL for anonymous, each role and the outsider.

Read roles see the board, the list and a prospect; write roles change them. The contact person of
a member organisation gets 403; the outsider gets 404 for A's prospects on his own host.
"""

from __future__ import annotations

import datetime
from typing import Any

from django.test import TestCase

from bygdebas.core.tests.matrix import (
    READ_PAGE,
    READ_ROW,
    WRITE_PAGE,
    WRITE_ROW,
    Entry,
    MatrixMixin,
    page_form,
)
from bygdebas.members.models import Membership, Organisation
from bygdebas.plan.models import Action, Activity
from bygdebas.recruitment.models import Prospect, ProspectContact
from bygdebas.testing import CastMixin, make_plan


def activity_pk(test: Any) -> str:
    return str(test.activity.pk)


MATRIX: dict[str, Entry] = {
    "recruitment:board": Entry(READ_PAGE),
    "recruitment:prospect-list": Entry(READ_PAGE),
    "recruitment:prospect-create": Entry(
        WRITE_PAGE, post=WRITE_PAGE, post_data=page_form(name="Nya byalaget")
    ),
    "recruitment:prospect-detail": Entry(READ_ROW, kwargs="prospect"),
    "recruitment:prospect-edit": Entry(
        WRITE_ROW, kwargs="prospect", post=WRITE_ROW, post_data=page_form(name="Ändrat byalag")
    ),
    "recruitment:prospect-move": Entry(
        WRITE_ROW,
        method="post",
        kwargs="prospect",
        data=(("status", "contacted"), ("activities", activity_pk)),
        get=WRITE_ROW,  # the page that asks for a reason, without script
    ),
    "recruitment:prospect-convert": Entry(
        WRITE_ROW,
        kwargs="prospect",
        post=WRITE_ROW,
        post_data=page_form(converted_on="2025-06-01", activities=activity_pk),
    ),
    "recruitment:prospect-delete": Entry(WRITE_ROW, kwargs="prospect", post=WRITE_ROW),
    "recruitment:contact-create": Entry(
        WRITE_ROW,
        kwargs="prospect",
        post=WRITE_ROW,
        post_data=page_form(
            happened_on="2025-06-01", text="Ringde ordföranden.", activities=activity_pk
        ),
    ),
    "recruitment:contact-edit": Entry(
        WRITE_ROW,
        kwargs="contact",
        post=WRITE_ROW,
        post_data=page_form(text="Ändrad anteckning."),
    ),
    "recruitment:contact-delete": Entry(WRITE_ROW, kwargs="contact", post=WRITE_ROW),
}


class RecruitmentMatrixTests(MatrixMixin, CastMixin, TestCase):
    MATRIX = MATRIX
    SECRETS = ("A-prospect-secret", "A-contact-secret", "a-contact@example.org")

    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        plan = make_plan(network=cls.network_a, year=2025)
        cls.activity = Activity.objects.filter(area__plan=plan).first()
        cls.prospect = Prospect.objects.create(
            network=cls.network_a,
            name="A-prospect-secret",
            contact_email="a-contact@example.org",
            responsible=cls.bertil,
        )
        cls.contact = ProspectContact.objects.create(
            prospect=cls.prospect,
            kind=ProspectContact.Kind.NOTE,
            happened_on=datetime.date(2025, 3, 1),
            text="A-contact-secret",
        )
        # B has a prospect too: the outsider's own board is not empty.
        Prospect.objects.create(network=cls.network_b, name="B-prospect")

    def kwargs_for(self, entry: Entry) -> dict[str, Any]:
        match entry.kwargs:
            case "prospect":
                return {"pk": self.prospect.pk}
            case "contact":
                return {"pk": self.contact.pk}
        return {}

    def fingerprint(self) -> tuple:
        return (
            list(
                Prospect.objects.filter(network=self.network_a).values_list(
                    "pk", "name", "status", "contact_email", "organisation_id", "updated_at"
                )
            ),
            list(
                ProspectContact.objects.filter(prospect__network=self.network_a).values_list(
                    "pk", "kind", "happened_on", "text", "action_id"
                )
            ),
            list(Action.objects.filter(network=self.network_a).values_list("pk", "title")),
            list(Organisation.objects.filter(network=self.network_a).values_list("pk", "name")),
            list(
                Membership.objects.filter(organisation__network=self.network_a).values_list(
                    "pk", "status"
                )
            ),
        )

    def test_each_url_answers_each_role_as_expected(self) -> None:
        self.check_each_url_answers_each_role_as_expected()

    def test_the_outsider_neither_sees_nor_changes_network_a(self) -> None:
        self.check_the_outsider_neither_sees_nor_changes_network_a()
