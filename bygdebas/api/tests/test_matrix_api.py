"""The staff pages for API keys, for anonymous, each role and the outsider: administrators only."""

from __future__ import annotations

import datetime
from typing import Any

from django.test import TestCase
from django.utils import timezone

from bygdebas.api.models import ApiKey
from bygdebas.api.tests.base import make_api_key
from bygdebas.core.tests.matrix import ADMIN_PAGE, Entry, MatrixMixin
from bygdebas.testing import CastMixin


def next_month(test: Any) -> str:
    return (timezone.localdate() + datetime.timedelta(days=30)).isoformat()


MATRIX: dict[str, Entry] = {
    "api:key-list": Entry(ADMIN_PAGE),
    "api:key-create": Entry(
        ADMIN_PAGE,
        post=ADMIN_PAGE,
        post_data=(
            ("name", "Hemsidan"),
            ("scopes", "read_public"),
            ("expires_on", next_month),
            ("rate_limit", "600"),
        ),
    ),
    "api:key-revoke": Entry(ADMIN_PAGE, kwargs="key", post=ADMIN_PAGE),
}


class ApiKeyMatrixTests(MatrixMixin, CastMixin, TestCase):
    MATRIX = MATRIX
    SECRETS = ("A-key-secret-name",)

    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        cls.api_key, cls.key = make_api_key(network=cls.network_a, name="A-key-secret-name")

    def kwargs_for(self, entry: Entry) -> dict[str, Any]:
        return {"pk": self.api_key.pk} if entry.kwargs == "key" else {}

    def fingerprint(self) -> Any:
        return sorted(ApiKey.objects.values_list("pk", "revoked_at"))

    def test_each_url_answers_each_role_as_expected(self) -> None:
        self.check_each_url_answers_each_role_as_expected()

    def test_the_outsider_neither_sees_nor_changes_network_a(self) -> None:
        self.check_the_outsider_neither_sees_nor_changes_network_a()
