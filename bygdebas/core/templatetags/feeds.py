"""``{% feed_links "app:name" title %}``: a page's <link rel="alternate"> to its Atom and JSON feeds."""

from __future__ import annotations

from typing import Any

from django import template
from django.urls import reverse

register = template.Library()


@register.inclusion_tag("core/_feed_links.html")
def feed_links(name: str, title: str, *args: Any) -> dict[str, Any]:
    """Links to ``<name>-atom`` and ``<name>-json`` (as mounted by ``PublicFeed.urls``)."""
    return {
        "title": title,
        "atom": reverse(f"{name}-atom", args=args),
        "json": reverse(f"{name}-json", args=args),
    }
