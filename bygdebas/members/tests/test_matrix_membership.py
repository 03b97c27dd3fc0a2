"""The permission matrix of the membership pages: the public join form, the renewal link, staff."""

from __future__ import annotations

from typing import Any

from django.core.cache import cache
from django.test import TestCase
from django.utils import timezone

from bygdebas.core.tests.matrix import (
    PUBLIC,
    PUBLIC_ROW,
    READ_PAGE,
    WRITE_PAGE,
    WRITE_ROW,
    Entry,
    MatrixMixin,
    page_form,
)
from bygdebas.members.models import Membership, Organisation, Person
from bygdebas.members.tokens import make_renewal_token
from bygdebas.testing import (
    CastMixin,
    make_engagement,
    make_membership,
    make_organisation,
    make_person,
)

NEXT_YEAR = timezone.localdate().year + 1

MATRIX: dict[str, Entry] = {
    "members:join": Entry(
        PUBLIC,
        post=PUBLIC,
        post_data=page_form(
            name="Nya byalaget",
            contact_name="Nils Nilsson",
            contact_email="nils@example.org",
            consent="on",
        ),
    ),
    "members:join-done": Entry(PUBLIC),
    "members:renewal": Entry(
        PUBLIC_ROW,
        kwargs="renewal_token",
        post=PUBLIC_ROW,
        post_data=page_form(phone="019-12 34 56"),
    ),
    "members:membership-list": Entry(READ_PAGE),
    "members:membership-create": Entry(
        WRITE_PAGE,
        post=WRITE_PAGE,
        post_data=page_form(
            organisation=lambda test: str(test.applicant_org.pk), year=str(NEXT_YEAR + 1)
        ),
    ),
    "members:membership-renewal": Entry(READ_PAGE),
    "members:membership-renewal-send": Entry(
        WRITE_PAGE, method="post", data=(("year", str(NEXT_YEAR)),)
    ),
    "members:membership-edit": Entry(
        WRITE_ROW, kwargs="membership", post=WRITE_ROW, post_data=page_form(fee="250")
    ),
    "members:membership-approve": Entry(WRITE_ROW, method="post", kwargs="application"),
    "members:membership-decline": Entry(
        WRITE_ROW, kwargs="application", post=WRITE_ROW, post_data=(("reason", "Utanför länet."),)
    ),
}


class MembershipMatrixTests(MatrixMixin, CastMixin, TestCase):
    MATRIX = MATRIX
    SECRETS = ("A-applicant-secret", "A-message-secret", "A-applicant@example.org")

    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        year = timezone.localdate().year
        cls.applicant_org = make_organisation(network=cls.network_a, name="A-applicant-secret")
        applicant = make_person(
            network=cls.network_a, name="Astrid", email="A-applicant@example.org"
        )
        make_engagement(person=applicant, organisation=cls.applicant_org)
        cls.application = make_membership(
            organisation=cls.applicant_org,
            year=year,
            status=Membership.Status.APPLIED,
            application_message="A-message-secret",
        )
        cls.membership = Membership.objects.get(organisation=cls.cecilia_org, year=year)
        cls.renewal = make_membership(
            organisation=cls.cecilia_org,
            year=NEXT_YEAR,
            status=Membership.Status.RENEWAL_REQUESTED,
            renewal_requested_at=timezone.now(),
        )
        # A member without a renewal request yet, for the renewal send to write.
        make_membership(
            organisation=make_organisation(network=cls.network_a, email="c@a.example"), year=year
        )
        # Network B has a member too, so its staff's renewal page has something to send.
        make_membership(
            organisation=make_organisation(network=cls.network_b, email="b@b.example"), year=year
        )

    def setUp(self) -> None:
        super().setUp()
        cache.clear()

    def kwargs_for(self, entry: Entry) -> dict[str, Any]:
        match entry.kwargs:
            case "membership":
                return {"pk": self.membership.pk}
            case "application":
                return {"pk": self.application.pk}
            case "renewal_token":
                token = make_renewal_token(
                    network_id=self.network_a.pk,
                    membership_id=self.renewal.pk,
                    person_id=self.cecilia_person.pk,
                )
                return {"token": token}
        return {}

    def fingerprint(self) -> tuple:
        return (
            list(
                Membership.objects.for_network(self.network_a)
                .order_by("pk")
                .values_list("pk", "year", "status", "fee", "decided_at")
            ),
            list(
                Organisation.objects.for_network(self.network_a)
                .order_by("pk")
                .values_list("pk", "name", "email", "phone")
            ),
            list(
                Person.objects.for_network(self.network_a)
                .order_by("pk")
                .values_list("pk", "email", "phone")
            ),
        )

    def test_each_url_answers_each_role_as_expected(self) -> None:
        self.check_each_url_answers_each_role_as_expected()

    def test_the_outsider_neither_sees_nor_changes_network_a(self) -> None:
        self.check_the_outsider_neither_sees_nor_changes_network_a()
