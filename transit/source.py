"""Where a feed's files come from: a folder, or a zip archive read in bounded memory.

A zip archive is checked before anything is unpacked: encrypted members and compression
methods that cannot be read are refused, and so are members whose declared size exceeds what
their compressed size can honestly hold (a zip bomb) and archives that would unpack to more
than the limit. Python's zipfile never unpacks more than a member's declared size, and checks
its CRC at the end, so a member lying about its size is refused too, after at most that many
bytes. Every error while reading becomes a FeedError that names the file, never a path.
"""

from __future__ import annotations

import struct
import zipfile
import zlib
from dataclasses import dataclass
from pathlib import Path

from transit.errors import FeedError

BOM = b"\xef\xbb\xbf"
# Compression methods Python's zipfile can read (stored, deflate, bzip2, lzma).
READABLE_METHODS = frozenset(
    {zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED, zipfile.ZIP_BZIP2, zipfile.ZIP_LZMA}
)
ENCRYPTED = 0x1
# What zipfile and zlib raise for damaged archives (RuntimeError: an encrypted member,
# NotImplementedError: a version or method it does not know, struct.error: short records).
UNPACKING_ERRORS = (
    zipfile.BadZipFile,
    zlib.error,
    EOFError,
    OSError,
    NotImplementedError,
    RuntimeError,
    ValueError,
    struct.error,
)


@dataclass(frozen=True)
class Limits:
    """How much a feed may unpack to, in all and per byte of compressed data."""

    # All the files together, unpacked.
    max_bytes: int = 2 << 30
    # Unpacked bytes per compressed byte of a member larger than ratio_from_bytes: GTFS text
    # compresses some 5-20 times, a bomb of zeros about a thousand times.
    max_ratio: float = 200.0
    ratio_from_bytes: int = 16 << 20


class Source:
    """A feed folder or zip archive from which the named files are read as bytes."""

    def __init__(self, path: Path, limits: Limits | None = None) -> None:
        self.path = path
        self.limits = limits or Limits()
        self.names: dict[str, str] = {}
        self.archive: zipfile.ZipFile | None = None
        self.sizes: dict[str, int] = {}
        if path.is_dir():
            for child in path.iterdir():
                if child.is_file():
                    self.names[child.name.lower()] = child.name
                    self.sizes[child.name.lower()] = child.stat().st_size
        elif path.is_file():
            self._open_archive()
        else:
            raise FeedError(f"no such file or folder: {path.name}")

    def _open_archive(self) -> None:
        try:
            self.archive = zipfile.ZipFile(self.path)
            infos = self.archive.infolist()
        except UNPACKING_ERRORS as error:
            raise FeedError(
                f"not a zip archive or a folder: {self.path.name} ({_one_line(error)})"
            ) from None
        for info in infos:
            if info.is_dir():
                continue
            # Feeds are sometimes zipped with a top-level folder; use the base name.
            name = info.filename.rsplit("/", 1)[-1].lower()
            if name in self.names:
                continue
            self.names[name] = info.filename
            self.sizes[name] = info.file_size
            self._check(name, info)

    def _check(self, name: str, info: zipfile.ZipInfo) -> None:
        """Refuse what cannot be read or would unpack to too much, before unpacking anything."""
        if not name.endswith(".txt"):
            return  # not read
        if info.flag_bits & ENCRYPTED:
            raise FeedError("the file is encrypted (password-protected)", file=name)
        if info.compress_type not in READABLE_METHODS:
            raise FeedError(f"unknown compression method {info.compress_type}", file=name)
        limits = self.limits
        if info.file_size > limits.ratio_from_bytes and info.file_size > limits.max_ratio * max(
            info.compress_size, 1
        ):
            raise FeedError(
                f"unpacks to {info.file_size:,} bytes from {info.compress_size:,}: "
                "not a timetable but a zip bomb",
                file=name,
            )
        total = sum(size for n, size in self.sizes.items() if n.endswith(".txt"))
        if total > limits.max_bytes:
            raise FeedError(
                f"the feed unpacks to more than {limits.max_bytes:,} bytes, the most accepted",
                file=name,
            )

    def has(self, name: str) -> bool:
        """Whether the feed has the file (names compare without case)."""
        return name in self.names

    def read(self, name: str) -> bytes:
        """The file's bytes; FeedError when they cannot be read."""
        stored = self.names[name]
        if self.archive is None:
            if self.sizes[name] > self.limits.max_bytes:
                raise FeedError(f"larger than {self.limits.max_bytes:,} bytes", file=name)
            try:
                return (self.path / stored).read_bytes()
            except OSError as error:
                raise FeedError(f"cannot be read ({error.strerror})", file=name) from None
        try:
            with self.archive.open(stored) as member:
                # Never more than the declared size, which _check has accepted.
                return member.read(self.sizes[name] + 1)
        except UNPACKING_ERRORS as error:
            raise FeedError(f"cannot be unpacked: {_one_line(error)}", file=name) from None


def _one_line(error: BaseException) -> str:
    text = " ".join(str(error).split()) or type(error).__name__
    return text.replace(" for file " + repr(getattr(error, "filename", "")), "")


def normalise_line_ends(data: bytes) -> bytes:
    """Without a BOM, and with CR-only line ends (old Mac files) as LF."""
    if data.startswith(BOM):
        data = data[len(BOM) :]
    if b"\r" in data and b"\n" not in data:
        data = data.replace(b"\r", b"\n")
    return data
