"""The registry of embeddable widgets: small pages other sites show in an iframe.

Each app registers its widgets in ``AppConfig.ready()``; the widgets app serves them all at
``/widget/<key>/`` (the frame, the theme, ``frame-ancestors`` for the network's listed origins)
and lists them, with the code to paste, for the network's staff::

    from bygdebas.core.widgets import register_widget

    register_widget(
        "calendar",
        label=_("Calendar"),
        description=_("The next events, with links to register."),
        template="events/widgets/calendar.html",  # rendered inside widgets/frame.html
        context=calendar_context,  # (request, network) -> dict for the template
        height=480,  # the iframe's fixed height without JavaScript, in CSS pixels
        order=10,
    )

A widget's template shows public data only (it is embedded anywhere): no login, no personal
data, no forms that need a session (a form inside a widget posts to a page of its own, opened in
the top window). Links go to the network's own pages with ``target="_top"``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.utils.functional import Promise

if TYPE_CHECKING:
    from django.http import HttpRequest

    from bygdebas.core.models import Network

type WidgetContext = Callable[[HttpRequest, Network], dict[str, Any]]


@dataclass(frozen=True)
class Widget:
    key: str
    label: str | Promise
    template: str
    context: WidgetContext
    description: str | Promise = ""
    height: int = 420
    order: int = 100


_widgets: dict[str, Widget] = {}


def register_widget(
    key: str,
    *,
    label: str | Promise,
    template: str,
    context: WidgetContext,
    description: str | Promise = "",
    height: int = 420,
    order: int = 100,
) -> None:
    """Add a widget (once per key; the same definition again is harmless)."""
    if not key.replace("-", "").isalnum() or key != key.lower():
        raise ValueError(f"A widget key is lower-case letters, digits and '-', not {key!r}.")
    widget = Widget(key, label, template, context, description, height, order)
    old = _widgets.get(key)
    if old is not None and old != widget:
        raise ValueError(f"The widget {key!r} is already registered differently.")
    _widgets[key] = widget


def widgets() -> list[Widget]:
    """Every registered widget, in order."""
    return sorted(_widgets.values(), key=lambda w: (w.order, w.key))


def get_widget(key: str) -> Widget | None:
    return _widgets.get(key)
