"""What the test app does at each moderation step (the hooks a real app registers)."""

from __future__ import annotations

from typing import Any

# (action, note title, whether the step's row was saved when the hook ran); tests clear it.
calls: list[tuple[str, str, bool]] = []
# Set by a test to make the next hook fail, which must undo the whole step.
fail_with: list[Exception] = []


def record(note: Any, event: Any) -> None:
    from bygdebas.core.tests.testapp.models import Note

    saved = Note.objects.get(pk=note.pk).moderation_status == note.moderation_status
    calls.append((event.action, note.title, saved))
    if fail_with:
        raise fail_with.pop()


def publish(note: Any, event: Any) -> None:
    record(note, event)
    note.is_published = True
    note.save(update_fields=["is_published"])
