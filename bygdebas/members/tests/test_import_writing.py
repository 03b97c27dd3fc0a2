"""The import's bulk writing (COPY on PostgreSQL, INSERT elsewhere) and its parse memo."""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.test import TestCase
from django.utils import timezone

from bygdebas.members.importer import writing
from bygdebas.members.importer.values import PARSERS, Lookups, Memo
from bygdebas.members.models import Membership, Organisation, Person
from bygdebas.testing import CastMixin, make_organisation


class WritingTests(CastMixin, TestCase):
    def test_insert_returns_the_keys_in_order_and_fills_defaults_and_timestamps(self) -> None:
        now = timezone.now()
        keys = writing.insert(
            Person,
            ("network_id", "name", "email", "birth_year"),
            [
                (self.network_a.pk, "Åsa Ek", "asa@example.org", 1970),
                (self.network_a.pk, "Per O'Hara; \\N\ttab", "", None),  # COPY's special characters
            ],
            now=now,
            returning=True,
        )
        self.assertEqual(len(keys), 2)
        asa, per = (Person.objects.get(pk=key) for key in keys)
        self.assertEqual((asa.name, asa.email, asa.birth_year), ("Åsa Ek", "asa@example.org", 1970))
        self.assertEqual(per.name, "Per O'Hara; \\N\ttab")
        self.assertIsNone(per.birth_year)
        default = Person._meta.get_field("language").get_default()
        self.assertEqual(asa.language, default)
        self.assertEqual(asa.created_at, now)
        self.assertEqual(asa.updated_at, now)
        # New keys come after the old ones and the table's own sequence continues after them.
        later = Person.objects.create(network=self.network_a, name="Later")
        self.assertGreater(later.pk, max(keys))

    def test_insert_without_keys_and_update_of_dates_and_amounts(self) -> None:
        organisation = make_organisation(network=self.network_a)
        now = timezone.now()
        self.assertEqual(
            writing.insert(
                Membership,
                ("organisation_id", "year", "status", "fee", "paid_on"),
                [(organisation.pk, 2025, "active", Decimal("300.00"), datetime.date(2025, 3, 1))],
                now=now,
            ),
            [],
        )
        membership = Membership.objects.get(organisation=organisation, year=2025)
        self.assertEqual(membership.fee, Decimal("300.00"))
        self.assertEqual(membership.paid_on, datetime.date(2025, 3, 1))
        writing.update(
            Membership,
            ["fee", "invoiced_on", "updated_at"],
            [(Decimal("500"), datetime.date(2025, 2, 1), now, membership.pk)],
        )
        membership.refresh_from_db()
        self.assertEqual(membership.fee, Decimal("500.00"))
        self.assertEqual(membership.invoiced_on, datetime.date(2025, 2, 1))
        self.assertEqual(membership.paid_on, datetime.date(2025, 3, 1))

    def test_an_unknown_column_is_refused(self) -> None:
        with self.assertRaises(ValueError):
            writing.insert(Organisation, ("nonsense",), [("x",)], now=None)


class MemoTests(TestCase):
    def test_a_remembered_value_is_the_same_and_a_remembered_error_raises_again(self) -> None:
        lookups = Lookups()
        tags = Memo(PARSERS["tags"])
        first = tags("Bredband, Skola", lookups)
        first.append("changed by a caller")
        self.assertEqual(tags("Bredband, Skola", lookups), ["Bredband", "Skola"])
        year = Memo(PARSERS["founded_year"])
        messages = []
        for _ in range(2):
            with self.assertRaises(ValidationError) as raised:
                year("tusen", lookups)
            messages.append(raised.exception.messages)
        self.assertEqual(messages[0], messages[1])
        self.assertEqual(year(1950.0, lookups), 1950)
        self.assertEqual(year("1950", lookups), 1950)
        self.assertEqual(year.hits, 1)

    def test_a_column_of_distinct_values_stops_being_remembered(self) -> None:
        lookups = Lookups()
        names = Memo(PARSERS["name"])
        for n in range(Memo.TRIAL + 10):
            self.assertEqual(names(f"Förening {n}", lookups), f"Förening {n}")
        self.assertIsNone(names.known)


class CollectorTests(TestCase):
    def test_the_collector_thresholds_come_back_after_the_last_import(self) -> None:
        import gc

        from bygdebas.members.importer import fewer_collections

        before = gc.get_threshold()
        with fewer_collections():
            with fewer_collections():
                self.assertGreaterEqual(gc.get_threshold()[0], 20_000)
            self.assertGreaterEqual(gc.get_threshold()[0], 20_000)
        self.assertEqual(gc.get_threshold(), before)
