"""The audit log's words: entries store codes, the pages show them in the reader's language.

An entry's verb ("person.changed") and the names in its changes ("consent", "role") are codes,
kept as they are so that the log can be searched and read back. Each app that records entries
registers their words in its ``AppConfig.ready()``::

    register_audit_words(
        verbs={"person.created": _("Person created")},
        fields={"consent": _("consent")},
        values={"role": dict(Role.Kind.choices)},
    )

A name that is a field of the entry's model needs no entry: its ``verbose_name`` is used, and
the labels of its choices for its values.
"""

from __future__ import annotations

from collections.abc import Mapping

from django.db import models
from django.utils.functional import Promise
from django.utils.text import capfirst

type Label = str | Promise

_VERBS: dict[str, Label] = {}
_FIELDS: dict[str, Label] = {}
_VALUES: dict[str, Mapping[str, Label]] = {}


def register_audit_words(
    *,
    verbs: Mapping[str, Label] | None = None,
    fields: Mapping[str, Label] | None = None,
    values: Mapping[str, Mapping[str, Label]] | None = None,
) -> None:
    """Labels for verbs, for names in ``changes`` that are no model field, and for their values."""
    _VERBS.update(verbs or {})
    _FIELDS.update(fields or {})
    _VALUES.update(values or {})


def verb_label(verb: str) -> str:
    """What happened, in words; an unknown verb as it is."""
    return str(_VERBS.get(verb, verb))


def _field(model: type[models.Model] | None, name: str) -> models.Field | None:
    if model is None:
        return None
    try:
        field = model._meta.get_field(name)
    except Exception:  # not a field of the model (FieldDoesNotExist), or no model
        return None
    return field if isinstance(field, models.Field) else None


def field_label(model: type[models.Model] | None, name: str) -> str:
    """The name of a changed field, in words (capitalised, as a label)."""
    if name in _FIELDS:
        return capfirst(str(_FIELDS[name]))
    field = _field(model, name)
    return capfirst(str(field.verbose_name)) if field is not None else name


def value_label(model: type[models.Model] | None, name: str, value: object) -> str:
    """A changed value, in words when it is a code of a choice."""
    text = "" if value is None else str(value)
    if name in _VALUES:
        return str(_VALUES[name].get(text, text))
    field = _field(model, name)
    if field is not None and field.choices:
        return str(dict(field.flatchoices).get(text, text))
    return text
