"""The public API registry and the cursor paging every app's endpoints share."""

from __future__ import annotations

from django.test import SimpleTestCase, TestCase

from bygdebas.core import api_registry
from bygdebas.core.api_registry import (
    CursorError,
    cursor_page,
    decode_cursor,
    encode_cursor,
    public_endpoints,
    register_public_endpoints,
)
from bygdebas.core.models import Municipality
from bygdebas.testing import make_county


def a_router():  # a stand-in factory; the registry never calls it
    raise AssertionError


class RegistryTests(SimpleTestCase):
    def setUp(self) -> None:
        self.saved = dict(api_registry._public)
        self.addCleanup(self.restore)

    def restore(self) -> None:
        api_registry._public.clear()
        api_registry._public.update(self.saved)

    def test_the_events_calendar_is_registered_by_its_app(self) -> None:
        self.assertIn("events", [entry.prefix for entry in public_endpoints()])

    def test_the_same_registration_twice_is_harmless_and_another_is_an_error(self) -> None:
        register_public_endpoints("example-app", prefix="example-app", router=a_router)
        register_public_endpoints("example-app", prefix="/example-app/", router=a_router)
        with self.assertRaisesMessage(ValueError, "already registered"):
            register_public_endpoints("example-app", prefix="other-things", router=a_router)
        with self.assertRaisesMessage(ValueError, "taken by 'example-app'"):
            register_public_endpoints("other-app", prefix="example-app", router=a_router)


class CursorTests(TestCase):
    def test_a_cursor_reads_back_and_a_made_up_one_is_refused(self) -> None:
        self.assertEqual(
            decode_cursor(encode_cursor("2025-01-01T00:00:00+00:00", 7)),
            ("2025-01-01T00:00:00+00:00", 7),
        )
        for made_up in ("", "!!", "bnVsbA", "WzEsMl0", "WyJ4IiwidHJ1ZSJd", "WyJ4Iix0cnVlXQ"):
            with self.subTest(cursor=made_up), self.assertRaises(CursorError):
                decode_cursor(made_up)

    def test_pages_follow_each_other_without_gaps_or_repeats(self) -> None:
        county = make_county()
        for n in range(7):
            # Ties on the ordered field: the primary key breaks them.
            Municipality.objects.create(code=f"18{n:02}", name=f"Kommun {n // 2}", county=county)
        rows = Municipality.objects.all()
        seen, cursor = [], None
        while True:
            page, cursor = cursor_page(rows, order="name", cursor=cursor, limit=3)
            seen.extend(page)
            if cursor is None:
                break
        self.assertEqual(seen, list(rows.order_by("name", "pk")))
        with self.assertRaises(CursorError):
            cursor_page(rows, order="population", cursor=encode_cursor("many", 1), limit=3)
