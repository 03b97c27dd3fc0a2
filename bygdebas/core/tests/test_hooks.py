"""The event bus: declared names only, subscribers inside the emitting transaction."""

from __future__ import annotations

import datetime

from django.db import transaction
from django.test import TestCase

from bygdebas.core.hooks import HookEvent, emit, event_types, register_event, subscribe, unsubscribe
from bygdebas.testing import make_network


class HookTests(TestCase):
    def setUp(self) -> None:
        self.heard: list[HookEvent] = []
        subscribe(self.heard.append)
        self.addCleanup(unsubscribe, self.heard.append)

    def test_an_undeclared_or_badly_named_event_is_refused(self) -> None:
        with self.assertRaises(ValueError):
            emit(1, "nothing.happened", {})
        with self.assertRaises(ValueError):
            register_event("Bad Name", label="x")
        with self.assertRaises(ValueError):
            register_event("registration.created", label="Something else")
        self.assertEqual(self.heard, [])

    def test_the_shared_events_are_declared_for_the_apps_to_come(self) -> None:
        names = {t.name for t in event_types()}
        for name in ("newsletter.sent", "report.confirmed", "organisation.joined"):
            self.assertIn(name, names)

    def test_a_subscriber_hears_it_inside_the_transaction_with_a_json_ready_payload(self) -> None:
        network = make_network()
        with transaction.atomic():
            emit(network, "action.logged", {"performed_on": datetime.date(2025, 5, 1)})
            self.assertEqual(len(self.heard), 1)  # not after the commit: at once
        [event] = self.heard
        self.assertEqual(event.network_id, network.pk)
        self.assertEqual(event.payload, {"performed_on": "2025-05-01"})

    def test_a_subscriber_that_raises_rolls_the_change_back(self) -> None:
        def fails(event: HookEvent) -> None:
            raise RuntimeError("listener broke")

        subscribe(fails)
        self.addCleanup(unsubscribe, fails)
        network = make_network()
        with self.assertRaises(RuntimeError), transaction.atomic():
            network.name = "Ändrat"
            network.save()
            emit(network, "action.logged", {})
        network.refresh_from_db()
        self.assertNotEqual(network.name, "Ändrat")
