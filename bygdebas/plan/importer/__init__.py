"""Import an activity plan (verksamhetsplan) from a text, Markdown, Word or PDF document.

Pure parsing: nothing here touches the database. ``plan.services`` turns a ``ParsedPlan`` into
rows.
"""

from __future__ import annotations

from bygdebas.plan.importer.extract import SUPPORTED_EXTENSIONS, extract_text
from bygdebas.plan.importer.parser import (
    ParsedActivity,
    ParsedArea,
    ParsedPlan,
    PlanImportError,
    parse_plan_text,
)
from bygdebas.plan.importer.targets import ParsedTarget, suggest_targets

__all__ = [
    "SUPPORTED_EXTENSIONS",
    "ParsedActivity",
    "ParsedArea",
    "ParsedPlan",
    "ParsedTarget",
    "PlanImportError",
    "extract_text",
    "parse_plan_document",
    "parse_plan_text",
    "suggest_targets",
]


def parse_plan_document(*, filename: str, data: bytes) -> ParsedPlan:
    """Extract the text of an uploaded plan document and parse it."""
    return parse_plan_text(extract_text(filename=filename, data=data))
