"""Who may use the privacy pages: staff see and record consents and extracts, administrators
erase, review retention and read the audit log."""

from __future__ import annotations

import datetime
from typing import Any

from django.test import TestCase
from django.utils import timezone

from bygdebas.core.models import AuditEntry
from bygdebas.core.tests.matrix import ADMIN_PAGE, WRITE_ROW, Entry, MatrixMixin
from bygdebas.members.models import Consent, Person
from bygdebas.members.services.registry import record_consent
from bygdebas.recruitment.models import Prospect, Status
from bygdebas.testing import CastMixin, make_person

MATRIX: dict[str, Entry] = {
    "members:privacy-person": Entry(WRITE_ROW, kwargs="person"),
    "members:privacy-consent-add": Entry(
        WRITE_ROW, method="post", kwargs="person", data=(("purpose", "Nyhetsbrev"),)
    ),
    "members:privacy-legal-basis": Entry(
        WRITE_ROW, method="post", kwargs="person", data=(("legal_basis", "contract"),)
    ),
    "members:privacy-extract-json": Entry(WRITE_ROW, kwargs="person"),
    "members:privacy-extract-pdf": Entry(WRITE_ROW, kwargs="person"),
    "members:privacy-consent-withdraw": Entry(WRITE_ROW, method="post", kwargs="consent"),
    "members:privacy-erase": Entry(ADMIN_PAGE, method="post", kwargs="person", get=ADMIN_PAGE),
    "members:privacy-retention": Entry(ADMIN_PAGE),
    "members:privacy-retention-erase": Entry(
        ADMIN_PAGE, method="post", data=(("people", lambda test: str(test.forgotten.pk)),)
    ),
    "members:privacy-retention-erase-records": Entry(
        ADMIN_PAGE,
        method="post",
        kwargs="retention",
        data=(("records", lambda test: str(test.old_prospect.pk)),),
    ),
    "members:privacy-audit-log": Entry(ADMIN_PAGE),
}


class PrivacyMatrixTests(MatrixMixin, CastMixin, TestCase):
    MATRIX = MATRIX
    SECRETS = ("A-privacy-person-secret", "A-consent-secret")

    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        cls.person = make_person(network=cls.network_a, name="A-privacy-person-secret")
        cls.consent = record_consent(
            person=cls.person, purpose="A-consent-secret", source=Consent.Source.STAFF
        )
        # Due for the retention review: a person and a prospect's contact person, both
        # untouched for ten years.
        cls.forgotten = make_person(network=cls.network_a, name="Glömd")
        long_ago = timezone.now() - datetime.timedelta(days=3650)
        Person.objects.filter(pk=cls.forgotten.pk).update(created_at=long_ago, updated_at=long_ago)
        cls.old_prospect = Prospect.objects.create(
            network=cls.network_a, name="Tackade nej", status=Status.DECLINED, contact_name="Olle"
        )
        Prospect.objects.filter(pk=cls.old_prospect.pk).update(updated_at=long_ago)

    def kwargs_for(self, entry: Entry) -> dict[str, Any]:
        return {
            "": {},
            "person": {"pk": self.person.pk},
            "consent": {"pk": self.consent.pk},
            # Recruitment registers its prospects' contact persons for the retention review.
            "retention": {"key": "recruitment.prospects"},
        }[entry.kwargs]

    def fingerprint(self) -> Any:
        return (
            list(Person.objects.values_list("pk", "name", "email", "legal_basis", "erased_at")),
            list(Consent.objects.values_list("pk", "purpose", "text", "withdrawn_at")),
            AuditEntry.objects.count(),
            list(Prospect.objects.values_list("pk", "contact_name")),
        )

    def test_each_url_answers_each_role_as_expected(self) -> None:
        self.check_each_url_answers_each_role_as_expected()

    def test_the_outsider_neither_sees_nor_changes_network_a(self) -> None:
        self.check_the_outsider_neither_sees_nor_changes_network_a()
