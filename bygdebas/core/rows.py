"""Rows that carry more than their fields: what a query annotated, what a view attaches.

Type checkers see a model's fields, not the values ``QuerySet.annotate()`` adds to each row or the
labels and links a view works out for its template. Read the first with ``annotated`` and set the
second with ``attach``, instead of an attribute the checker cannot see::

    for activity in Activity.objects.with_action_stats(network=network, year=2025):
        count = annotated(activity, "action_count")
    for organisation in page:
        attach(organisation, url=f"{prefix}{organisation.pk}/", kind_label=kinds[organisation.kind])
"""

from __future__ import annotations

from typing import Any


def annotated(row: object, name: str) -> Any:
    """The value ``annotate(name=...)`` gave ``row`` (KeyError if the query did not add it)."""
    return vars(row)[name]


def attach(row: object, **values: Any) -> None:
    """Give ``row`` values its template shows: labels, links, counts worked out in the view.

    They are not fields and no Python code reads them back; the template reads them as the row's
    attributes (``{{ organisation.kind_label }}``). Working them out once in the view is cheaper
    than a template tag or a model method called on each row.
    """
    vars(row).update(values)
