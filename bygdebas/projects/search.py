"""What a good example gives the search index."""

from __future__ import annotations

from bygdebas.core.search import SearchDocumentData, Visibility
from bygdebas.projects.models import Example


def example_document(example: Example) -> SearchDocumentData | None:
    """A published example, for everyone; drafts and submissions are not found."""
    if not example.is_published:
        return None
    body = "\n".join(part for part in (example.summary, example.story, example.place_line) if part)
    return SearchDocumentData(
        title=example.title,
        body=body,
        url=example.get_absolute_url(),
        visibility=Visibility.PUBLIC,
        published_at=example.published_at,
    )
