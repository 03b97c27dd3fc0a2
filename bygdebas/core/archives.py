"""Zip-based uploads (.docx, .xlsx, .ods, …) checked before a library opens them.

A zip member can inflate a thousand times over: a 1 MB .docx that unpacks to gigabytes took
2.2 GB of memory before python-docx gave up, an .xlsx bomb 1.2 GB in calamine. Every reader
trusts the archive's own account of itself, so ``check_zip`` makes that account trustworthy
first and cheaply: it reads the central directory, refuses archives whose declared sizes are too
large, then inflates every member in small pieces, counting and keeping nothing, and refuses one
that inflates to more than it declared (or more than the limit) or is damaged. Memory stays at a
few hundred kilobytes whatever the archive claims.
"""

from __future__ import annotations

import io
import struct
import zipfile
import zlib
from dataclasses import dataclass

from django.utils.translation import gettext as _

from bygdebas.core.sizes import binary_size

_LOCAL_HEADER = struct.Struct("<4s2B4HL2L2H")
_LOCAL_SIGNATURE = b"PK\x03\x04"
_CHUNK = 64 * 1024


class ArchiveError(Exception):
    """An archive refused before it is opened; the message is meant for the person uploading."""


@dataclass(frozen=True)
class ZipLimits:
    """What an archive may hold, inflated."""

    total_bytes: int
    member_bytes: int | None = None
    members: int = 10_000


# A Word document's text, styles and images; a plan needs a few megabytes.
DOCUMENT_LIMITS = ZipLimits(total_bytes=100 * 1024 * 1024)
# A spreadsheet's XML is read as a stream, but a 10 MiB workbook of 50,000 rows inflates to about
# 60 MB; four times that is still far below what a bomb asks for.
SPREADSHEET_LIMITS = ZipLimits(total_bytes=256 * 1024 * 1024)


def check_zip(data: bytes, limits: ZipLimits) -> None:
    """Refuse a zip archive that inflates beyond ``limits`` or whose sizes do not hold.

    Raises ArchiveError; returns when every member inflates to what it declares, within limits.
    """
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        members = archive.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError, EOFError) as error:
        raise ArchiveError(
            _("The file is not a readable zip archive (%(error)s).") % {"error": error}
        ) from None
    too_large = ArchiveError(
        _(
            "The file inflates to more than %(size)s when unpacked; it may be damaged or made "
            "to exhaust the server. Save it again from the program that made it."
        )
        % {"size": binary_size(limits.total_bytes)}
    )
    if len(members) > limits.members:
        raise ArchiveError(
            _("The file holds %(count)s parts; at most %(max)s are accepted.")
            % {"count": len(members), "max": limits.members}
        )
    member_limit = limits.member_bytes or limits.total_bytes
    if sum(m.file_size for m in members) > limits.total_bytes or any(
        m.file_size > member_limit for m in members
    ):
        raise too_large
    for member in members:
        _check_member(data, member)


def _check_member(data: bytes, member: zipfile.ZipInfo) -> None:
    damaged = ArchiveError(
        _("The file is damaged: its part “%(name)s” is not what the archive says it is.")
        % {"name": member.filename[:100]}
    )
    if member.flag_bits & 0x1:
        raise ArchiveError(_("The file is encrypted. Save it again without a password."))
    offset = member.header_offset
    header = data[offset : offset + _LOCAL_HEADER.size]
    if len(header) < _LOCAL_HEADER.size:
        raise damaged
    fields = _LOCAL_HEADER.unpack(header)
    signature, method, name_length, extra_length = fields[0], fields[4], fields[10], fields[11]
    if signature != _LOCAL_SIGNATURE or method != member.compress_type:
        raise damaged
    start = offset + _LOCAL_HEADER.size + name_length + extra_length
    compressed = memoryview(data)[start : start + member.compress_size]
    if len(compressed) < member.compress_size:
        raise damaged
    if member.compress_type == zipfile.ZIP_STORED:
        inflated = len(compressed)
    elif member.compress_type == zipfile.ZIP_DEFLATED:
        # The declared sizes are within the limits: more than declared is a lie.
        inflated = _inflated_size(compressed, member.file_size, damaged)
    else:
        # Office files only store or deflate; bzip2 and LZMA would need checks of their own.
        raise ArchiveError(
            _("The file uses a compression method that is not accepted (%(method)s).")
            % {"method": member.compress_type}
        )
    if inflated != member.file_size:
        raise damaged


def _inflated_size(compressed: memoryview, declared: int, damaged: ArchiveError) -> int:
    """Inflate in small pieces, counting; stop as soon as the count passes what was declared."""
    inflater = zlib.decompressobj(-zlib.MAX_WBITS)
    size = 0
    try:
        for start in range(0, len(compressed), _CHUNK):
            pending = bytes(compressed[start : start + _CHUNK])
            while pending and not inflater.eof:
                size += len(inflater.decompress(pending, _CHUNK))
                if size > declared:
                    raise damaged
                pending = inflater.unconsumed_tail
            if inflater.eof:
                break
        while not inflater.eof and (piece := inflater.decompress(b"", _CHUNK)):
            size += len(piece)
            if size > declared:
                raise damaged
    except zlib.error:
        raise damaged from None
    if not inflater.eof:
        raise damaged
    return size
