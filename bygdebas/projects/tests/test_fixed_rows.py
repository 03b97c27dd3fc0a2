"""The goals and themes every network shares survive a flush (TransactionTestCase, live-server
tests), not only the migration that first seeded them."""

from __future__ import annotations

from django.test import TransactionTestCase

from bygdebas.projects.models import Goal, Theme


class FixedRowsTests(TransactionTestCase):
    def check(self) -> None:
        self.assertEqual(list(Goal.objects.values_list("number", flat=True)), list(range(1, 18)))
        self.assertEqual(Theme.objects.count(), 13)

    def test_they_are_there(self) -> None:
        self.check()

    def test_they_are_there_after_another_tests_flush(self) -> None:
        self.check()
