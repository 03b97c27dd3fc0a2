"""The central search table: one row per indexed object of any app.

The full-text index beside it differs per database and is made by migration 0004, not by the
model: on PostgreSQL a stored generated ``tsvector`` column ``search_vector`` (``swedish``
configuration, title weighted A, body B) with a GIN index; on SQLite an FTS5 table
``core_searchdocument_fts`` holding the stemmed words, kept in step by ``core/search.py``.
Because PostgreSQL's generated column reads ``title`` and ``body``, a later migration that alters
either column must drop ``search_vector`` first and add it again (see migration 0004).
"""

from __future__ import annotations

from typing import ClassVar

from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils.translation import gettext_lazy as _

from bygdebas.core.tenancy import NetworkQuerySet


class SearchDocument(models.Model):
    """What one app object contributes to search: its title, text, address and who may see it."""

    class Visibility(models.TextChoices):
        PUBLIC = "public", _("Everyone")
        MEMBERS = "members", _("Everyone with a role in the network")
        STAFF = "staff", _("Staff and board")

    network = models.ForeignKey(
        "core.Network",
        verbose_name=_("network"),
        on_delete=models.CASCADE,
        related_name="search_documents",
    )
    content_type = models.ForeignKey(
        ContentType, verbose_name=_("content type"), on_delete=models.CASCADE, related_name="+"
    )
    object_id = models.CharField(_("object id"), max_length=40)
    kind = models.CharField(_("kind"), max_length=60)
    title = models.CharField(_("title"), max_length=500)
    body = models.TextField(_("text"), blank=True)
    url = models.CharField(_("address"), max_length=500, blank=True)
    visibility = models.CharField(
        _("visible to"), max_length=16, choices=Visibility.choices, default=Visibility.PUBLIC
    )
    published_at = models.DateTimeField(_("date"), null=True, blank=True)
    updated_at = models.DateTimeField(_("indexed"), auto_now=True)

    objects = NetworkQuerySet["SearchDocument"].as_manager()

    class Meta:
        verbose_name = _("search document")
        verbose_name_plural = _("search documents")
        ordering: ClassVar = ["pk"]
        constraints: ClassVar = [
            models.UniqueConstraint(
                fields=["content_type", "object_id"], name="core_searchdocument_one_per_object"
            )
        ]
        indexes: ClassVar = [models.Index(fields=["network", "visibility", "kind"])]

    def __str__(self) -> str:
        return self.title
