"""What a public page says about itself to search engines and social media.

A view puts a ``PageMeta`` in its context as ``page_meta``; ``base.html`` renders it once, in
``{% block meta %}``, as the description, the canonical link, Open Graph, the Twitter card and
schema.org JSON-LD. A page without one gets the network's own (its name and tagline).

JSON-LD goes in ``<script type="application/ld+json">``: a data block that browsers never run,
so the CSP's ``script-src 'self'`` still holds; ``json_ld`` escapes ``<``, ``>`` and ``&`` so
that no text (a title holding ``</script>``) can end the block early.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.core.serializers.json import DjangoJSONEncoder
from django.http import HttpRequest
from django.utils.html import strip_tags
from django.utils.safestring import SafeString, mark_safe
from django.utils.text import Truncator
from django.utils.translation import get_language

from bygdebas.core.models import Network
from bygdebas.core.models_images import Image

SCHEMA_CONTEXT = "https://schema.org"
# The widest stored size that social media show well (Open Graph recommends 1200 px).
OG_IMAGE_WIDTH = 1200
LOCALES = {"sv": "sv_SE", "en": "en_GB"}
_JSON_ESCAPES = {
    ord("<"): "\\u003C",
    ord(">"): "\\u003E",
    ord("&"): "\\u0026",
    0x2028: "\\u2028",
    0x2029: "\\u2029",
}


@dataclass(frozen=True)
class MetaImage:
    """A picture for og:image: its address (absolute, or a path on this site), size and text."""

    url: str
    width: int | None = None
    height: int | None = None
    alt: str = ""

    @classmethod
    def from_image(cls, image: Image, *, width: int = OG_IMAGE_WIDTH) -> MetaImage:
        fitting = [r for r in image.renditions if r["width"] <= width] or [image.best_for(width)]
        chosen = max(fitting, key=lambda r: r["width"])
        return cls(
            image.url_for(chosen["width"]), chosen["width"], chosen["height"], image.alt_text
        )


@dataclass(frozen=True)
class PageMeta:
    """A page's title, summary, picture and structured data (schema.org objects, as dicts)."""

    title: str
    description: str = ""
    type: str = "website"  # og:type: website, article, profile…
    image: MetaImage | Image | None = None
    canonical: str | None = None  # a path or URL; the request's path without its query string
    schema: Sequence[Mapping[str, Any]] = field(default_factory=tuple)
    noindex: bool = False


def summary(text: str, length: int = 200) -> str:
    """Plain text of at most ``length`` characters from text or HTML, for descriptions."""
    return Truncator(" ".join(strip_tags(text or "").split())).chars(length)


def json_ld(data: Any) -> SafeString:
    """``data`` as JSON that is safe inside a <script> element (cannot close it, nor start HTML)."""
    text = json.dumps(data, cls=DjangoJSONEncoder, ensure_ascii=False, separators=(",", ":"))
    return mark_safe(text.translate(_JSON_ESCAPES))  # every <, > and & is escaped just above


def organization_schema(network: Network, *, base_url: str) -> dict[str, Any]:
    """The network as a schema.org Organization."""
    data: dict[str, Any] = {
        "@type": "Organization",
        "name": network.name,
        "url": base_url,
    }
    if network.tagline:
        data["description"] = network.tagline
    if network.contact_email:
        data["email"] = network.contact_email
    if network.phone:
        data["telephone"] = network.phone
    if network.address:
        data["address"] = {
            "@type": "PostalAddress",
            "streetAddress": ", ".join(
                line.strip() for line in network.address.splitlines() if line.strip()
            ),
            "addressCountry": "SE",
        }
    if network.county is not None:
        data["areaServed"] = {"@type": "AdministrativeArea", "name": network.county.name}
    if network.website:
        data["sameAs"] = [network.website]
    return data


def with_context(data: Mapping[str, Any]) -> dict[str, Any]:
    return {"@context": SCHEMA_CONTEXT, **data}


def default_meta(network: Network | None) -> PageMeta:
    if network is None:
        return PageMeta(title="Bygdebas")
    return PageMeta(title=network.name, description=network.tagline)


def meta_context(
    request: HttpRequest | None, network: Network | None, meta: PageMeta
) -> dict[str, Any]:
    """What ``core/_page_meta.html`` needs: absolute addresses, the locale, the JSON-LD blocks."""

    def absolute(url: str) -> str:
        if request is None or url.startswith(("http://", "https://")):
            return url
        return request.build_absolute_uri(url)

    canonical = meta.canonical or (request.path if request is not None else "/")
    image = meta.image
    if isinstance(image, Image):
        image = MetaImage.from_image(image)
    if image is not None:
        image = MetaImage(absolute(image.url), image.width, image.height, image.alt)
    language = (get_language() or "sv").split("-")[0]
    locale = LOCALES.get(language, "sv_SE")
    return {
        "meta": meta,
        "site_name": network.name if network else "Bygdebas",
        "description": summary(meta.description, 300),
        "canonical": absolute(canonical),
        "image": image,
        "locale": locale,
        "alternate_locales": [value for value in LOCALES.values() if value != locale],
        "json_ld_blocks": [json_ld(with_context(block)) for block in meta.schema],
    }
