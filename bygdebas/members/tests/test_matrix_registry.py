"""The registry's URLs for anonymous, each role and the outsider.

Read roles see lists, pages, the map and statistics; administrators and staff change rows and
export (exports hold personal data). Cecilia, a contact person, gets 403 here (her own pages are
the self-service ones); the outsider gets 404 for A's rows on his own host.
"""

from __future__ import annotations

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
from bygdebas.members.models import Engagement, Membership, Organisation, Person, Tag
from bygdebas.testing import (
    CastMixin,
    make_engagement,
    make_membership,
    make_municipality,
    make_organisation,
    make_person,
)

MATRIX: dict[str, Entry] = {
    "members:organisation-list": Entry(READ_PAGE),
    "members:organisation-export": Entry(WRITE_PAGE, kwargs="xlsx"),
    "members:organisation-create": Entry(
        WRITE_PAGE, post=WRITE_PAGE, post_data=page_form(name="Nya byalaget")
    ),
    "members:organisation-map": Entry(READ_PAGE),
    "members:organisation-map-json": Entry(READ_PAGE),
    "members:organisation-detail": Entry(READ_ROW, kwargs="organisation"),
    "members:organisation-edit": Entry(
        WRITE_ROW,
        kwargs="organisation",
        post=WRITE_ROW,
        post_data=page_form(name="Ändrade byalaget"),
    ),
    "members:engagement-add": Entry(
        WRITE_ROW,
        kwargs="organisation",
        post=WRITE_ROW,
        post_data=(("email", "a-secret@example.org"), ("role", "treasurer")),
    ),
    "members:engagement-remove": Entry(WRITE_ROW, method="post", kwargs="engagement"),
    "members:person-list": Entry(READ_PAGE),
    "members:person-export": Entry(WRITE_PAGE, kwargs="csv"),
    "members:person-create": Entry(
        WRITE_PAGE, post=WRITE_PAGE, post_data=page_form(name="Ny Person", email="ny@example.org")
    ),
    "members:person-detail": Entry(READ_ROW, kwargs="person"),
    "members:person-edit": Entry(
        WRITE_ROW, kwargs="person", post=WRITE_ROW, post_data=page_form(name="Ändrad Person")
    ),
    "members:person-engagement-add": Entry(
        WRITE_ROW,
        method="post",
        kwargs="person",
        data=(("organisation", lambda test: str(test.organisation.pk)), ("role", "chair")),
    ),
    "members:statistics": Entry(READ_PAGE),
}


class RegistryMatrixTests(MatrixMixin, CastMixin, TestCase):
    MATRIX = MATRIX
    SECRETS = ("A-org-secret", "A-person-secret", "a-secret@example.org", "A-tag-secret")

    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        municipality = make_municipality(code="1881", name="Kumla")
        cls.organisation = make_organisation(
            network=cls.network_a,
            name="A-org-secret byalag",
            municipality=municipality,
            latitude=59.1,
            longitude=15.1,
        )
        cls.organisation.tags.add(Tag.objects.create(network=cls.network_a, name="A-tag-secret"))
        make_membership(organisation=cls.organisation, year=2025)
        cls.person = make_person(
            network=cls.network_a, name="A-person-secret", email="a-secret@example.org"
        )
        cls.engagement = make_engagement(person=cls.person, organisation=cls.organisation)
        # Network B has its own registry, so its pages render with B's rows.
        org_b = make_organisation(network=cls.network_b, name="B byalag")
        make_engagement(person=make_person(network=cls.network_b), organisation=org_b)

    def kwargs_for(self, entry: Entry) -> dict[str, Any]:
        match entry.kwargs:
            case "organisation":
                return {"pk": self.organisation.pk}
            case "person":
                return {"pk": self.person.pk}
            case "engagement":
                return {"pk": self.engagement.pk}
            case "xlsx" | "csv":
                return {"fmt": entry.kwargs}
        return {}

    def fingerprint(self) -> tuple:
        network = self.network_a
        return (
            list(
                Organisation.objects.filter(network=network).values_list(
                    "pk", "name", "org_number", "phone", "updated_at"
                )
            ),
            list(Person.objects.filter(network=network).values_list("pk", "name", "email")),
            list(
                Engagement.objects.filter(organisation__network=network).values_list(
                    "pk", "person_id", "role"
                )
            ),
            list(
                Membership.objects.filter(organisation__network=network).values_list("pk", "status")
            ),
            list(Tag.objects.filter(network=network).values_list("pk", "name")),
        )

    def test_each_url_answers_each_role_as_expected(self) -> None:
        self.check_each_url_answers_each_role_as_expected()

    def test_the_outsider_neither_sees_nor_changes_network_a(self) -> None:
        self.check_the_outsider_neither_sees_nor_changes_network_a()
