"""A pluggable SMS backend for alerts: ``BYGDEBAS_SMS_BACKEND`` names a class with
``send_messages(messages) -> int``; the default writes them to the console, so no external
service is needed. A real gateway is a class of a few lines against its HTTP API."""

from __future__ import annotations

import sys
import threading
from dataclasses import dataclass
from typing import Protocol

from django.conf import settings
from django.utils.module_loading import import_string


@dataclass(frozen=True)
class TextMessage:
    to: str
    body: str


class SmsBackend(Protocol):
    def send_messages(self, messages: list[TextMessage]) -> int: ...


class ConsoleBackend:
    """Writes each message to standard output."""

    _lock = threading.Lock()

    def send_messages(self, messages: list[TextMessage]) -> int:
        with self._lock:
            for message in messages:
                sys.stdout.write(f"SMS to {message.to}: {message.body}\n")
            sys.stdout.flush()
        return len(messages)


# What the locmem backend sent, for tests (as django.core.mail.outbox).
outbox: list[TextMessage] = []


class LocmemBackend:
    """Keeps messages in ``outbox``."""

    def send_messages(self, messages: list[TextMessage]) -> int:
        outbox.extend(messages)
        return len(messages)


def get_backend() -> SmsBackend:
    path = getattr(settings, "BYGDEBAS_SMS_BACKEND", "") or "bygdebas.conditions.sms.ConsoleBackend"
    backend: SmsBackend = import_string(path)()
    return backend


def send_sms(messages: list[TextMessage]) -> int:
    """Send through the configured backend; the number sent."""
    if not messages:
        return 0
    return get_backend().send_messages(messages)
