"""The uploaded file between the steps of an import: kept in the default storage, not the form.

Each upload gets an unguessable token and lives at ``members-imports/<network>/<token>/`` with a
small ``meta.json`` (original file name, who uploaded it, when). Only the network it was uploaded
to can reach it; it is removed when the import is saved or cancelled, and uploads left behind
are swept after a day whenever someone uploads a new file.
"""

from __future__ import annotations

import datetime
import json
import re
import secrets
from dataclasses import dataclass
from pathlib import PurePosixPath
from typing import TYPE_CHECKING

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.http import Http404
from django.utils import timezone

if TYPE_CHECKING:
    from bygdebas.core.models import Network, User

ROOT = "members-imports"
MAX_AGE = datetime.timedelta(days=1)
_TOKEN = re.compile(r"^[A-Za-z0-9_-]{20,64}$")


@dataclass(frozen=True)
class StoredUpload:
    token: str
    filename: str
    data: bytes
    uploaded_by: int | None
    uploaded_at: datetime.datetime


def _folder(network: Network, token: str) -> str:
    return f"{ROOT}/{network.pk}/{token}"


def store(*, network: Network, user: User | None, filename: str, data: bytes) -> str:
    """Keep an upload; returns its token."""
    sweep(network)
    token = secrets.token_urlsafe(24)
    folder = _folder(network, token)
    suffix = PurePosixPath(filename).suffix.lower()
    default_storage.save(f"{folder}/upload{suffix}", ContentFile(data))
    meta = {
        "filename": PurePosixPath(filename.replace("\\", "/")).name[:200],
        "file": f"upload{suffix}",
        "uploaded_by": user.pk if user else None,
        "uploaded_at": timezone.now().isoformat(),
    }
    default_storage.save(f"{folder}/meta.json", ContentFile(json.dumps(meta).encode()))
    return token


def load(*, network: Network, token: str) -> StoredUpload:
    """The upload behind ``token`` in ``network``; 404 when there is none (or it was used)."""
    if not _TOKEN.match(token or ""):
        raise Http404("No such import.")
    folder = _folder(network, token)
    try:
        with default_storage.open(f"{folder}/meta.json") as handle:
            meta = json.loads(handle.read())
        with default_storage.open(f"{folder}/{meta['file']}") as handle:
            data = handle.read()
    except (OSError, ValueError, KeyError):
        raise Http404("No such import.") from None
    return StoredUpload(
        token=token,
        filename=meta["filename"],
        data=data,
        uploaded_by=meta.get("uploaded_by"),
        uploaded_at=datetime.datetime.fromisoformat(meta["uploaded_at"]),
    )


def discard(*, network: Network, token: str) -> None:
    """Remove an upload; nothing happens when it is already gone."""
    if not _TOKEN.match(token or ""):
        return
    folder = _folder(network, token)
    try:
        _directories, files = default_storage.listdir(folder)
    except OSError:
        return
    for name in files:
        default_storage.delete(f"{folder}/{name}")
    default_storage.delete(folder)


def sweep(network: Network) -> None:
    """Remove the network's uploads older than a day (abandoned imports)."""
    try:
        tokens, _files = default_storage.listdir(f"{ROOT}/{network.pk}")
    except OSError:
        return
    cutoff = timezone.now() - MAX_AGE
    for token in tokens:
        try:
            upload = load(network=network, token=token)
        except Http404:
            discard(network=network, token=token)
            continue
        if upload.uploaded_at < cutoff:
            discard(network=network, token=token)
