"""Decompression bombs for the tests, made in a second rather than by compressing gigabytes.

A deflate stream flushed with Z_FULL_FLUSH ends on a byte boundary and refers to nothing before
it, so the compressed form of one mebibyte repeated n times is one compressed mebibyte written n
times. ``zip_bomb`` puts such a member into a real .docx, .xlsx or .ods, and ``peak_memory``
runs code in a child process and reports its peak resident memory.
"""

from __future__ import annotations

import io
import json
import struct
import subprocess
import sys
import textwrap
import zipfile
import zlib
from pathlib import Path

MIB = 1024 * 1024
ROOT = Path(__file__).resolve().parents[3]


def deflated(prefix: bytes, chunk: bytes, times: int, suffix: bytes) -> tuple[bytes, int, int]:
    """Raw deflate data of ``prefix + chunk * times + suffix``, its CRC-32 and its size."""

    def flushed(data: bytes, mode: int) -> bytes:
        compressor = zlib.compressobj(9, zlib.DEFLATED, -zlib.MAX_WBITS)
        return compressor.compress(data) + compressor.flush(mode)

    block = flushed(chunk, zlib.Z_FULL_FLUSH)
    body = flushed(prefix, zlib.Z_FULL_FLUSH) + block * times + flushed(suffix, zlib.Z_FINISH)
    crc = zlib.crc32(prefix)
    for _ in range(times):
        crc = zlib.crc32(chunk, crc)
    crc = zlib.crc32(suffix, crc)
    return body, crc, len(prefix) + len(chunk) * times + len(suffix)


def zip_bomb(
    template: bytes,
    member: str,
    prefix: bytes,
    suffix: bytes,
    *,
    inflated_mib: int = 1024,
    declared_size: int | None = None,
) -> bytes:
    """``template`` (a zip) with ``member`` replaced by a bomb of about ``inflated_mib`` MiB.

    ``declared_size`` makes the archive lie about the member's size, as a crafted bomb does to
    pass a check of the declared sizes alone.
    """
    source = zipfile.ZipFile(io.BytesIO(template))
    entries: list[tuple[str, int, bytes, int, int]] = []  # name, method, data, crc, size
    for info in source.infolist():
        if info.filename == member:
            continue
        data = source.read(info.filename)
        compressor = zlib.compressobj(9, zlib.DEFLATED, -zlib.MAX_WBITS)
        packed = compressor.compress(data) + compressor.flush()
        entries.append((info.filename, zipfile.ZIP_DEFLATED, packed, zlib.crc32(data), len(data)))
    body, crc, size = deflated(prefix, b" " * MIB, inflated_mib, suffix)
    entries.insert(0, (member, zipfile.ZIP_DEFLATED, body, crc, size))
    output = io.BytesIO()
    central = io.BytesIO()
    for name, method, data, crc, size in entries:
        if name == member and declared_size is not None:
            size = declared_size
        encoded = name.encode()
        offset = output.tell()
        fields = (20, 0, method, 0, 0, crc, len(data), size, len(encoded))
        output.write(struct.pack("<4s5HL2L2H", b"PK\x03\x04", *fields, 0) + encoded + data)
        central.write(
            struct.pack("<4s6HL2L5H2L", b"PK\x01\x02", 20, *fields, 0, 0, 0, 0, 0, offset) + encoded
        )
    directory = central.getvalue()
    count = len(entries)
    end = struct.pack(
        "<4s4H2LH", b"PK\x05\x06", 0, 0, count, count, len(directory), output.tell(), 0
    )
    return output.getvalue() + directory + end


def peak_memory(code: str, path: Path, *, limit_mib: int = 2048) -> dict[str, object]:
    """Run ``code`` in a child process with Django set up and ``PATH`` naming ``path``.

    Returns what the code put in the dict ``RESULT``, with the child's peak resident memory in
    MiB as ``peak_mib`` (Linux's VmHWM). The child's address space is capped at ``limit_mib``, so that a bomb that
    is not refused fails with MemoryError instead of taking the machine's memory.
    """
    head = textwrap.dedent(
        f"""\
        import json, os, resource, sys
        limit = {limit_mib} * 1024 * 1024
        resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
        sys.path.insert(0, {str(ROOT)!r})
        os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bygdebas.settings")
        import django
        django.setup()
        from django.utils import translation
        translation.activate("en")
        PATH = {str(path)!r}
        RESULT = {{}}
        try:
        """
    )
    tail = textwrap.dedent(
        """\
        except MemoryError:
            RESULT["error"] = "MemoryError"
        # VmHWM starts afresh with the program (execve); ru_maxrss would carry the size of the
        # test process this child was forked from.
        with open("/proc/self/status") as status:
            RESULT["peak_mib"] = next(
                int(line.split()[1]) // 1024 for line in status if line.startswith("VmHWM:")
            )
        print(json.dumps(RESULT))
        """
    )
    program = head + textwrap.indent(textwrap.dedent(code).strip() + "\n", "    ") + tail
    completed = subprocess.run(
        [sys.executable, "-c", program], capture_output=True, text=True, timeout=300, check=False
    )
    lines = completed.stdout.strip().splitlines()
    if completed.returncode or not lines:
        return {"error": completed.stderr[-3000:], "peak_mib": -1}
    result: dict[str, object] = json.loads(lines[-1])
    return result
