"""Checks every uploaded file passes: its type (by extension) and its size.

A form's ``clean_<field>`` calls ``check_upload(upload, extensions)``; the size limit is the
``BYGDEBAS_MAX_UPLOAD_BYTES`` setting. Files kept as attachments (of an action, of an event's
outcome) accept ``ATTACHMENT_EXTENSIONS``.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from bygdebas.core.sizes import binary_size

ATTACHMENT_EXTENSIONS = (
    ".pdf", ".docx", ".doc", ".odt", ".xlsx", ".ods", ".pptx", ".txt", ".md", ".csv",
    ".png", ".jpg", ".jpeg", ".webp",
)  # fmt: skip


def check_upload_size(upload: Any) -> Any:
    """Refuse a file larger than ``BYGDEBAS_MAX_UPLOAD_BYTES``, saying how large it is."""
    if upload.size > settings.BYGDEBAS_MAX_UPLOAD_BYTES:
        raise ValidationError(
            _("The file is %(size)s; the largest accepted is %(max)s.")
            % {
                "size": binary_size(upload.size),
                "max": binary_size(settings.BYGDEBAS_MAX_UPLOAD_BYTES),
            }
        )
    return upload


def check_upload(upload: Any, extensions: tuple[str, ...]) -> Any:
    """Refuse a file of the wrong type or size, saying which."""
    suffix = Path(upload.name or "").suffix.lower()
    if suffix not in extensions:
        raise ValidationError(
            _("Files of type “%(suffix)s” are not accepted. Use one of: %(allowed)s.")
            % {"suffix": suffix or _("(none)"), "allowed": ", ".join(extensions)}
        )
    return check_upload_size(upload)
