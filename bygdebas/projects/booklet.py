"""The printable booklet of good examples: an A5-spread PDF with a cover, contents and one
example per spread (its photo on the left page, the story on the right)."""

from __future__ import annotations

import base64
from collections.abc import Sequence

from django.core.files.storage import default_storage
from django.template.loader import render_to_string
from django.utils import timezone

from bygdebas.core.markdown import render_markdown
from bygdebas.core.models import Network
from bygdebas.core.rows import attach
from bygdebas.projects.models import Example

PHOTO_WIDTH = 1600


def _photo_data_uri(example: Example) -> str:
    """The photo inlined, so that the PDF needs no web server to fetch it."""
    if example.photo is None:
        return ""
    rendition = example.photo.best_for(PHOTO_WIDTH)
    with default_storage.open(rendition["name"], "rb") as handle:
        data = base64.b64encode(handle.read()).decode("ascii")
    return f"data:{example.photo.content_type};base64,{data}"


def render_booklet(
    *, network: Network, examples: Sequence[Example], title: str, base_url: str | None = None
) -> bytes:
    """The chosen examples as a PDF booklet, in the order given."""
    import weasyprint

    rows = list(
        Example.objects.for_network(network)
        .published()
        .filter(pk__in=[e.pk for e in examples])
        .select_related("photo", "municipality")
        .prefetch_related("goals", "organisations")
        .order_by("title", "pk")
    )
    for row in rows:
        attach(row, photo_uri=_photo_data_uri(row), story_html=render_markdown(row.story))
    html = render_to_string(
        "projects/pdf/booklet.html",
        {"network": network, "examples": rows, "title": title, "today": timezone.localdate()},
    )
    return weasyprint.HTML(string=html, base_url=base_url).write_pdf()
