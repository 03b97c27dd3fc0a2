"""Damaged zip archives made by hand, for the tests of broken feeds.

Zip files are written here byte by byte (local headers, central directory, end record) so
that a test can set any field: a wrong CRC, the encryption flag, an unknown compression
method, or a declared size that lies. Bombs of a gibibyte of zeros are made in well under a
second: deflate output after a full flush does not depend on what came before, so one
compressed mebibyte of zeros repeated is the whole stream.
"""

from __future__ import annotations

import io
import struct
import zipfile
import zlib
from dataclasses import dataclass
from pathlib import Path

DEFLATE = 8
STORE = 0
MIB = 1 << 20


@dataclass
class Member:
    """One file of a hand-made zip: its name, compressed data and the header's fields."""

    name: str
    data: bytes
    crc: int
    size: int
    method: int = DEFLATE
    flags: int = 0


def deflated(name: str, content: bytes) -> Member:
    """A member holding content, deflated."""
    packer = zlib.compressobj(6, zlib.DEFLATED, -15)
    data = packer.compress(content) + packer.flush()
    return Member(name, data, zlib.crc32(content), len(content))


def zeros(name: str, size: int) -> Member:
    """A member of size zero bytes (a multiple of a mebibyte), deflated as tightly as can be."""
    assert size % MIB == 0
    packer = zlib.compressobj(9, zlib.DEFLATED, -15)
    block = bytes(MIB)
    piece = packer.compress(block) + packer.flush(zlib.Z_FULL_FLUSH)
    end = packer.flush(zlib.Z_FINISH)
    crc = 0
    for _ in range(size // MIB):
        crc = zlib.crc32(block, crc)
    return Member(name, piece * (size // MIB) + end, crc, size)


def write_zip(path: Path, members: list[Member]) -> Path:
    """Write the members as a zip archive (no zip64: every member below 4 GiB)."""
    out = io.BytesIO()
    central = io.BytesIO()
    for member in members:
        name = member.name.encode()
        offset = out.tell()
        fields = (
            20,
            member.flags,
            member.method,
            0,
            0x21,
            member.crc & 0xFFFFFFFF,
            len(member.data),
            member.size,
            len(name),
        )
        out.write(struct.pack("<4sHHHHHIIIHH", b"PK\x03\x04", *fields, 0) + name + member.data)
        central.write(
            struct.pack("<4sH", b"PK\x01\x02", 20)
            + struct.pack("<HHHHHIIIHH", *fields, 0)
            + struct.pack("<HHHII", 0, 0, 0, 0, offset)
            + name
        )
    start = out.tell()
    directory = central.getvalue()
    out.write(directory)
    out.write(
        struct.pack(
            "<4sHHHHIIH", b"PK\x05\x06", 0, 0, len(members), len(members), len(directory), start, 0
        )
    )
    path.write_bytes(out.getvalue())
    return path


def members_of(folder: Path) -> list[Member]:
    """The files of a feed folder as deflated members."""
    return [deflated(f.name, f.read_bytes()) for f in sorted(folder.iterdir()) if f.is_file()]


def zip_folder(folder: Path, path: Path) -> Path:
    """A feed folder zipped the ordinary way, with Python's zipfile."""
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for f in sorted(folder.iterdir()):
            archive.write(f, f.name)
    return path
