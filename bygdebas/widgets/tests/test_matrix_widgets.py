"""Every widgets URL for anonymous, each role and the outsider."""

from __future__ import annotations

from typing import Any

from django.test import TestCase

from bygdebas.core.tests.matrix import ADMIN_PAGE, PUBLIC, READ_PAGE, Entry, MatrixMixin, page_form
from bygdebas.testing import CastMixin
from bygdebas.widgets.models import EmbedSettings

MATRIX: dict[str, Entry] = {
    "widgets:widget": Entry(PUBLIC, kwargs="calendar"),
    "widgets:theme-css": Entry(PUBLIC),
    "widgets:embed-list": Entry(READ_PAGE),
    "widgets:embed-settings": Entry(
        ADMIN_PAGE,
        post=ADMIN_PAGE,
        post_data=page_form(allowed_origins="https://www.helasverige.se"),
    ),
}


class WidgetsMatrixTests(MatrixMixin, CastMixin, TestCase):
    MATRIX = MATRIX

    def kwargs_for(self, entry: Entry) -> dict[str, Any]:
        if entry.kwargs == "calendar":
            return {"key": "kalender"}
        return {}

    def fingerprint(self) -> tuple:
        return (
            list(
                EmbedSettings.objects.filter(network=self.network_a).values_list(
                    "allowed_origins", "colour"
                )
            ),
        )

    def test_each_url_answers_each_role_as_expected(self) -> None:
        self.check_each_url_answers_each_role_as_expected()

    def test_the_outsider_neither_sees_nor_changes_network_a(self) -> None:
        self.check_the_outsider_neither_sees_nor_changes_network_a()
