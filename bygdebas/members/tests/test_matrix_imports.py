"""Permission matrix of the import pages: staff of the network only; an upload is the network's."""

from __future__ import annotations

from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import TestCase

from bygdebas.core.models import AuditEntry
from bygdebas.core.tests.matrix import WRITE_PAGE, WRITE_ROW, Entry, MatrixMixin
from bygdebas.members.importer import storage
from bygdebas.members.models import Organisation, Person
from bygdebas.testing import CastMixin


def member_list(test: Any) -> SimpleUploadedFile:
    return SimpleUploadedFile("lista.csv", "Namn;Ort\nNya byalaget;Ås\n".encode(), "text/csv")


MATRIX: dict[str, Entry] = {
    # An upload is kept as a file until it is saved or cancelled; the registry is untouched.
    "members:import-upload": Entry(
        WRITE_PAGE, post=WRITE_PAGE, post_data=(("file", member_list),), writes=False
    ),
    # A POST recomputes the preview with another mapping; nothing is saved.
    "members:import-preview": Entry(
        WRITE_ROW,
        kwargs="token",
        post=WRITE_ROW,
        post_data=(("column_0", "name"), ("column_1", "locality")),
        writes=False,
    ),
    "members:import-save": Entry(
        WRITE_ROW, method="post", kwargs="token", data=(("column_0", "name"),)
    ),
    "members:import-done": Entry(WRITE_ROW, kwargs="token"),
    # The file is removed once the request's transaction commits.
    "members:import-cancel": Entry(WRITE_ROW, method="post", kwargs="token", writes=False),
}


class ImportMatrixTests(MatrixMixin, CastMixin, TestCase):
    MATRIX = MATRIX
    SECRETS = ("A-import-secret", "hemlig-fil")

    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        cls.token = storage.store(
            network=cls.network_a,
            user=cls.bertil,
            filename="hemlig-fil.csv",
            data="Namn;Ort\nA-import-secret byalag;Ås\n".encode(),
        )

    def kwargs_for(self, entry: Entry) -> dict[str, Any]:
        if entry.kwargs == "token":
            return {"token": self.token}
        return {}

    def fingerprint(self) -> tuple:
        return (
            sorted(
                Organisation.objects.filter(network=self.network_a).values_list("name", flat=True)
            ),
            Person.objects.filter(network=self.network_a).count(),
            AuditEntry.objects.filter(network=self.network_a).count(),
            storage.load(network=self.network_a, token=self.token).data,
        )

    def test_each_url_answers_each_role_as_expected(self) -> None:
        self.check_each_url_answers_each_role_as_expected()

    def test_the_outsider_neither_sees_nor_changes_network_a(self) -> None:
        self.check_the_outsider_neither_sees_nor_changes_network_a()
