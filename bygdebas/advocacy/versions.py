"""What each version of an answer changed: the lines it added and removed, for the drafting page."""

from __future__ import annotations

import difflib
from collections.abc import Iterable

from bygdebas.advocacy.models import AnswerVersion
from bygdebas.core.rows import attach


def with_changes(versions: Iterable[AnswerVersion], *, shown: int) -> list[AnswerVersion]:
    """The newest ``shown`` versions (newest first), each with ``changes``: ("+"|"-", line)
    pairs against the version before it (give one more version than shown, for the last one)."""
    rows = list(versions)
    result = []
    for index, version in enumerate(rows[:shown]):
        before = rows[index + 1].text if index + 1 < len(rows) else ""
        changes = [
            (line[0], line[2:])
            for line in difflib.ndiff(before.splitlines(), version.text.splitlines())
            if line[:1] in "+-" and line[2:].strip()
        ]
        attach(version, changes=changes)
        result.append(version)
    return result
