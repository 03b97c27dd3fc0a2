"""Menus and page panels as registries: each app adds its own entries in ``AppConfig.ready()``,
so that no two apps edit the same lines of a template, and ``core`` names no app.

Three menus: ``"public"`` (the site's header), ``"office"`` (the staff pages' header) and
``"selfservice"`` (the links on a contact person's self-service home, ``/medlem/``)::

    from bygdebas.core.access import READ_ROLES
    from bygdebas.core.navigation import has_role, register_menu_entry

    register_menu_entry(
        "office",
        "newsletter.issues",
        label=_("Newsletter"),
        url_name="newsletter:issue-list",
        order=65,  # between "Public transport" (60) and "Organisations" (70)
        visible=has_role(READ_ROLES),  # optional; a predicate of the Viewer
    )

The templates render a menu with ``{% menu "office" %}`` (``<li>`` items) or read it with
``{% menu_links "selfservice" as links %}``. An entry whose URL does not resolve is an error,
not a silently missing link.

A panel is a piece of a page that another app fills: the self-service home renders the slot
``"selfservice"`` with ``{% panels "selfservice" %}``. An app registers a template and a function
that gives its context, or None to leave the panel out for this viewer::

    register_panel(
        "selfservice",
        "newsletter.subscription",
        template="newsletter/_selfservice_panel.html",
        order=10,
        context=lambda viewer: {"form": SubscribeTickForm(...)},
    )

Order: entries and panels are sorted by ``order``, then key. The entries of the apps that exist
today use multiples of 10 (see docs/architecture.md); a new app takes a number in between.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.urls import reverse

if TYPE_CHECKING:
    from django.http import HttpRequest
    from django.utils.functional import Promise

    from bygdebas.core.http import AnyUser
    from bygdebas.core.models import Network

MENUS = ("public", "office", "selfservice")


@dataclass(frozen=True)
class Viewer:
    """Who is looking at a menu or panel: the request, its network, the user and their role."""

    request: HttpRequest
    network: Network | None
    user: AnyUser | None
    role: str | None

    @classmethod
    def of(cls, request: HttpRequest) -> Viewer:
        network = getattr(request, "network", None)
        user = getattr(request, "user", None)
        role = None
        if user is not None and user.is_authenticated and network is not None:
            role = user.role_in(network)  # cached on the user for the request
        return cls(request=request, network=network, user=user, role=role)


type Predicate = Callable[[Viewer], bool]


def always(viewer: Viewer) -> bool:
    return True


def has_role(roles: Iterable[str]) -> Predicate:
    """A predicate: the viewer has one of ``roles`` in the network (e.g. ``READ_ROLES``)."""
    allowed = frozenset(roles)

    def predicate(viewer: Viewer) -> bool:
        return viewer.role in allowed

    return predicate


@dataclass(frozen=True)
class MenuEntry:
    menu: str
    key: str
    label: str | Promise
    url_name: str
    order: int
    visible: Predicate = always
    description: str | Promise = ""


@dataclass(frozen=True)
class Link:
    """A menu entry as a template shows it."""

    key: str
    label: str
    url: str
    description: str


type PanelContext = Callable[[Viewer], Mapping[str, Any] | None]


@dataclass(frozen=True)
class Panel:
    slot: str
    key: str
    template: str
    order: int
    context: PanelContext | None = None
    visible: Predicate = always


_entries: dict[tuple[str, str], MenuEntry] = {}
_panels: dict[tuple[str, str], Panel] = {}


def register_menu_entry(
    menu: str,
    key: str,
    *,
    label: str | Promise,
    url_name: str,
    order: int,
    visible: Predicate = always,
    description: str | Promise = "",
) -> None:
    """Add a link to ``menu`` ("public", "office" or "selfservice"); ``key`` is unique in it."""
    if menu not in MENUS:
        raise ValueError(f"Unknown menu {menu!r}; the menus are {', '.join(MENUS)}.")
    entry = MenuEntry(menu, key, label, url_name, order, visible, description)
    _register(_entries, (menu, key), entry, f"Menu entry {key!r} of {menu!r}")


def register_panel(
    slot: str,
    key: str,
    *,
    template: str,
    order: int,
    context: PanelContext | None = None,
    visible: Predicate = always,
) -> None:
    """Add a panel to a page's ``slot`` (the self-service home's is "selfservice")."""
    panel = Panel(slot, key, template, order, context, visible)
    _register(_panels, (slot, key), panel, f"Panel {key!r} of {slot!r}")


def _register[T](
    registry: dict[tuple[str, str], T], key: tuple[str, str], item: T, name: str
) -> None:
    if key in registry and registry[key] != item:
        raise ValueError(f"{name} is already registered.")
    registry[key] = item


def unregister_menu_entry(menu: str, key: str) -> None:
    _entries.pop((menu, key), None)


def unregister_panel(slot: str, key: str) -> None:
    _panels.pop((slot, key), None)


def menu_entries(menu: str) -> list[MenuEntry]:
    """Every entry of ``menu``, in order, whoever looks."""
    if menu not in MENUS:
        raise ValueError(f"Unknown menu {menu!r}; the menus are {', '.join(MENUS)}.")
    entries = [entry for (name, _key), entry in _entries.items() if name == menu]
    return sorted(entries, key=lambda entry: (entry.order, entry.key))


def menu_links(menu: str, request: HttpRequest) -> list[Link]:
    """The entries of ``menu`` the request's viewer may see, as links."""
    viewer = Viewer.of(request)
    return [
        Link(
            key=entry.key,
            label=str(entry.label),
            url=reverse(entry.url_name),
            description=str(entry.description),
        )
        for entry in menu_entries(menu)
        if entry.visible(viewer)
    ]


def panels(slot: str, request: HttpRequest) -> list[tuple[Panel, Mapping[str, Any]]]:
    """The panels of ``slot`` the viewer gets, each with its context, in order."""
    viewer = Viewer.of(request)
    found = sorted(
        (panel for (name, _key), panel in _panels.items() if name == slot),
        key=lambda panel: (panel.order, panel.key),
    )
    shown: list[tuple[Panel, Mapping[str, Any]]] = []
    for panel in found:
        if not panel.visible(viewer):
            continue
        context = panel.context(viewer) if panel.context is not None else {}
        if context is not None:
            shown.append((panel, context))
    return shown
