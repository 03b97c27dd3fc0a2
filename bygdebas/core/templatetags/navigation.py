"""The registered menus and panels (``core.navigation``) in templates.

``{% menu "office" %}`` renders the menu's ``<li>`` items; ``{% menu_links "selfservice" as
links %}`` gives the links for a template's own markup; ``{% panels "selfservice" %}`` renders
the slot's panels, each with the page's context plus its own.
"""

from __future__ import annotations

from typing import Any

from django import template
from django.template.loader import get_template
from django.utils.html import format_html_join
from django.utils.safestring import SafeString, mark_safe

from bygdebas.core import navigation

register = template.Library()


@register.simple_tag(takes_context=True)
def menu(context: template.Context, name: str) -> SafeString:
    """The ``<li><a>`` items of menu ``name`` that the viewer may see."""
    links = navigation.menu_links(name, context["request"])
    return format_html_join(
        "\n", '<li><a href="{}">{}</a></li>', ((link.url, link.label) for link in links)
    )


@register.simple_tag(takes_context=True)
def menu_links(context: template.Context, name: str) -> list[navigation.Link]:
    return navigation.menu_links(name, context["request"])


@register.simple_tag(takes_context=True)
def panels(context: template.Context, slot: str) -> SafeString:
    """Each panel of ``slot``, rendered with the page's context and the panel's own."""
    parts: list[str] = []
    for panel, values in navigation.panels(slot, context["request"]):
        compiled: Any = get_template(panel.template)
        with context.push(dict(values)):
            parts.append(compiled.template.render(context))
    return mark_safe("\n".join(parts))  # each part was rendered (and escaped) by its template
