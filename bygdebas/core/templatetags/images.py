"""``{% responsive_image image sizes="…" %}``: an image in all its stored sizes."""

from __future__ import annotations

from typing import Any

from django import template

from bygdebas.core.models_images import Image

register = template.Library()

DEFAULT_SIZES = "(min-width: 60rem) 60rem, 100vw"


@register.inclusion_tag("core/_image.html")
def responsive_image(
    image: Image | None,
    sizes: str = DEFAULT_SIZES,
    css_class: str = "",
    loading: str = "lazy",
    width: int = 960,
) -> dict[str, Any]:
    """``<img srcset sizes alt width height loading>``; ``width`` picks the fallback ``src``."""
    if image is None or not image.renditions:
        return {"image": None}
    fallback = image.best_for(width)
    return {
        "image": image,
        "src": image.url_for(fallback["width"]),
        "srcset": ", ".join(f"{size['url']} {size['width']}w" for size in image.sizes),
        "sizes": sizes,
        "width": fallback["width"],
        "height": fallback["height"],
        "css_class": css_class,
        "loading": loading,
    }
