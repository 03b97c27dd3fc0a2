"""Who may use the self-service pages: only the organisation's own contact person."""

from __future__ import annotations

from typing import Any

from django.test import TestCase

from bygdebas.core.models import AuditEntry
from bygdebas.core.tests.matrix import (
    LOGIN,
    OK,
    PUBLIC,
    Entry,
    MatrixMixin,
    expect,
    page_form,
)
from bygdebas.members.models import Engagement, Organisation, Person
from bygdebas.members.services.selfservice import make_login_token
from bygdebas.testing import CastMixin, make_engagement, make_person

# Only a contact person of the organisation; staff are not contacts (403); another network's
# host does not have the row (404).
CONTACT_PAGE = expect(LOGIN, 403, 403, 403, OK, 403, 403)
CONTACT_ROW = expect(LOGIN, 403, 403, 403, OK, 403, 404)

MATRIX: dict[str, Entry] = {
    "members:selfservice-login": Entry(
        PUBLIC,
        post=PUBLIC,
        post_data=(("email", "cecilia@a.test"),),
        writes=False,  # a mail
    ),
    "members:selfservice-login-sent": Entry(PUBLIC),
    # The link of a contact person without a login yet: using it creates the login.
    "members:selfservice-login-link": Entry(PUBLIC, kwargs="token", post=PUBLIC),
    "members:selfservice-home": Entry(CONTACT_PAGE),
    "members:selfservice-organisation": Entry(CONTACT_ROW, kwargs="org"),
    "members:selfservice-organisation-edit": Entry(
        CONTACT_ROW, kwargs="org", post=CONTACT_ROW, post_data=page_form(locality="Nyby")
    ),
    "members:selfservice-organisation-export": Entry(CONTACT_ROW, kwargs="org"),
    "members:selfservice-organisation-pdf": Entry(CONTACT_ROW, kwargs="org"),
    "members:selfservice-person-add": Entry(
        CONTACT_ROW,
        kwargs="org",
        post=CONTACT_ROW,
        post_data=page_form(name="Ny Kassör", email="ny@example.org", roles="treasurer"),
    ),
    "members:selfservice-person-edit": Entry(
        CONTACT_ROW, kwargs="person", post=CONTACT_ROW, post_data=page_form(phone="019-12 34 56")
    ),
    "members:selfservice-person-remove": Entry(CONTACT_ROW, method="post", kwargs="person"),
}


class SelfServiceMatrixTests(MatrixMixin, CastMixin, TestCase):
    MATRIX = MATRIX
    SECRETS = ("A-treasurer-secret", "A-org-secret")

    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        cls.cecilia_org.locality = "A-org-secret"
        cls.cecilia_org.save()
        cls.treasurer = make_person(network=cls.network_a, name="A-treasurer-secret")
        make_engagement(
            person=cls.treasurer, organisation=cls.cecilia_org, role=Engagement.Role.TREASURER
        )
        cls.newcomer = make_person(network=cls.network_a, name="Ny Kontakt")
        make_engagement(
            person=cls.newcomer, organisation=cls.cecilia_org, role=Engagement.Role.CONTACT
        )

    def kwargs_for(self, entry: Entry) -> dict[str, Any]:
        return {
            "": {},
            "token": {"token": make_login_token(self.newcomer)},
            "org": {"pk": self.cecilia_org.pk},
            "person": {"pk": self.cecilia_org.pk, "person_pk": self.treasurer.pk},
        }[entry.kwargs]

    def fingerprint(self) -> Any:
        return (
            list(Organisation.objects.values_list("pk", "name", "locality", "phone")),
            list(Person.objects.values_list("pk", "name", "email", "phone", "user")),
            list(Engagement.objects.values_list("pk", "role")),
            AuditEntry.objects.count(),
        )

    def test_each_url_answers_each_role_as_expected(self) -> None:
        self.check_each_url_answers_each_role_as_expected()

    def test_the_outsider_neither_sees_nor_changes_network_a(self) -> None:
        self.check_the_outsider_neither_sees_nor_changes_network_a()
