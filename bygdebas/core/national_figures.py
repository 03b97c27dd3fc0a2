"""Figures an app adds to the national overview (the ``national`` app's ``/riks/``).

The overview shows every network's member organisations, actions per shared area and public
events; an app with more public figures (the conditions map's confirmed reports, the newsletter's
issues) registers them in ``AppConfig.ready()``, without importing the national app::

    from bygdebas.core.national_figures import register_national_figure

    register_national_figure(
        "conditions.reports",
        label=_("Confirmed reports"),
        count=lambda year: dict(  # {network id: n} for every network at once (one query)
            Report.objects.confirmed().filter(created_at__year=year)
            .values_list("network").annotate(n=Count("pk"))
        ),
        order=10,
    )

Only public figures belong here: the overview is read by the national organisation.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass

from django.utils.functional import Promise


@dataclass(frozen=True)
class NationalFigure:
    key: str
    label: str | Promise
    count: Callable[[int], Mapping[int, int]]
    order: int = 100


_figures: dict[str, NationalFigure] = {}


def register_national_figure(
    key: str,
    *,
    label: str | Promise,
    count: Callable[[int], Mapping[int, int]],
    order: int = 100,
) -> None:
    """Add a column to the national overview (once per key)."""
    figure = NationalFigure(key, label, count, order)
    old = _figures.get(key)
    if old is not None and old != figure:
        raise ValueError(f"The national figure {key!r} is already registered differently.")
    _figures[key] = figure


def unregister_national_figure(key: str) -> None:
    _figures.pop(key, None)


def national_figures() -> list[NationalFigure]:
    return sorted(_figures.values(), key=lambda f: (f.order, f.key))
