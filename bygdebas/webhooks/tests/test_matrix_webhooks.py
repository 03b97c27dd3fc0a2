"""Every webhooks URL for anonymous, each role and the outsider: administrators only."""

from __future__ import annotations

from typing import Any

from django.test import TestCase

from bygdebas.core.tests.matrix import ADMIN_PAGE, Entry, MatrixMixin, page_form
from bygdebas.testing import CastMixin
from bygdebas.webhooks.models import Endpoint, Message

MATRIX: dict[str, Entry] = {
    "webhooks:endpoint-list": Entry(ADMIN_PAGE),
    "webhooks:endpoint-create": Entry(
        ADMIN_PAGE, post=ADMIN_PAGE, post_data=page_form(url="https://crm.example.org/hooks")
    ),
    "webhooks:endpoint-detail": Entry(ADMIN_PAGE, kwargs="endpoint"),
    "webhooks:endpoint-edit": Entry(
        ADMIN_PAGE, kwargs="endpoint", post=ADMIN_PAGE, post_data=page_form(description="Ändrad")
    ),
    "webhooks:endpoint-delete": Entry(ADMIN_PAGE, kwargs="endpoint", post=ADMIN_PAGE),
    "webhooks:endpoint-test": Entry(ADMIN_PAGE, method="post", kwargs="endpoint"),
    "webhooks:endpoint-enable": Entry(ADMIN_PAGE, method="post", kwargs="endpoint"),
    "webhooks:endpoint-rotate": Entry(ADMIN_PAGE, method="post", kwargs="endpoint"),
    "webhooks:message-detail": Entry(ADMIN_PAGE, kwargs="message"),
}


class WebhooksMatrixTests(MatrixMixin, CastMixin, TestCase):
    MATRIX = MATRIX
    SECRETS = ("a-endpoint-secret-url", "A-message-secret")

    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        # Port 9 (discard) on loopback: nothing listens, so a test send fails at once.
        cls.endpoint = Endpoint.objects.create(
            network=cls.network_a, url="http://127.0.0.1:9/a-endpoint-secret-url"
        )
        cls.message = Message.objects.create(
            endpoint=cls.endpoint, event_name="registration.created", body='{"A-message-secret":1}'
        )
        Endpoint.objects.create(network=cls.network_b, url="http://127.0.0.1:9/b")

    def kwargs_for(self, entry: Entry) -> dict[str, Any]:
        match entry.kwargs:
            case "endpoint":
                return {"pk": self.endpoint.pk}
            case "message":
                return {"pk": self.message.pk}
        return {}

    def fingerprint(self) -> tuple:
        return (
            list(
                Endpoint.objects.filter(network=self.network_a).values_list(
                    "pk", "url", "description", "is_active", "secret", "event_names"
                )
            ),
            list(
                Message.objects.filter(endpoint__network=self.network_a).values_list(
                    "pk", "status", "event_name"
                )
            ),
        )

    def test_each_url_answers_each_role_as_expected(self) -> None:
        self.check_each_url_answers_each_role_as_expected()

    def test_the_outsider_neither_sees_nor_changes_network_a(self) -> None:
        self.check_the_outsider_neither_sees_nor_changes_network_a()
