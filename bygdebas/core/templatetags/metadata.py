"""``{% page_meta %}``: the page's description, canonical link, Open Graph, Twitter card and JSON-LD."""

from __future__ import annotations

from typing import Any

from django import template

from bygdebas.core.metadata import PageMeta, default_meta, meta_context

register = template.Library()


@register.inclusion_tag("core/_page_meta.html", takes_context=True)
def page_meta(context: template.Context) -> dict[str, Any]:
    """From the view's ``page_meta`` (a PageMeta), or the network's own when there is none."""
    network = context.get("network")
    meta = context.get("page_meta")
    if not isinstance(meta, PageMeta):
        meta = default_meta(network)
    return meta_context(context.get("request"), network, meta)
