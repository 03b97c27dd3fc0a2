"""Compiled parsers of stop_times.txt cells, working on pyarrow's string buffers."""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

from transit.kernels import I64, U8, jit


@jit
def _is_space(byte: int) -> bool:
    return byte == 32 or 9 <= byte <= 13


@jit
def _trimmed(offsets: I64, data: U8, i: int) -> tuple[int, int]:
    lo = offsets[i]
    hi = offsets[i + 1]
    while lo < hi and _is_space(data[lo]):
        lo += 1
    while hi > lo and _is_space(data[hi - 1]):
        hi -= 1
    return lo, hi


@jit
def parse_hms(offsets: I64, data: U8) -> tuple[I64, int]:
    """Parse H:MM:SS (1-3 hour digits) to seconds, -1 for an empty cell.

    Returns (seconds, first row that is neither; -1 if none). Only ASCII blanks are trimmed, so a
    row reported here may still be valid to the slower Unicode-aware path.
    """
    n = offsets.shape[0] - 1
    result = np.empty(n, dtype=np.int64)
    for i in range(n):
        lo, hi = _trimmed(offsets, data, i)
        length = hi - lo
        if length == 0:
            result[i] = -1
            continue
        if length < 7 or length > 9:
            return result, i
        hours = 0
        for p in range(lo, hi - 6):
            digit = data[p] - 48
            if digit < 0 or digit > 9:
                return result, i
            hours = hours * 10 + digit
        c1 = data[hi - 6]
        m1 = data[hi - 5] - 48
        m2 = data[hi - 4] - 48
        c2 = data[hi - 3]
        s1 = data[hi - 2] - 48
        s2 = data[hi - 1] - 48
        if c1 != 58 or c2 != 58:
            return result, i
        if not (0 <= m1 <= 5 and 0 <= m2 <= 9 and 0 <= s1 <= 5 and 0 <= s2 <= 9):
            return result, i
        result[i] = hours * 3600 + (m1 * 10 + m2) * 60 + s1 * 10 + s2
    return result, -1


@jit
def parse_uint(offsets: I64, data: U8) -> tuple[I64, int]:
    """Parse unsigned decimal integers (at most 18 digits); returns (values, first bad row or -1)."""
    n = offsets.shape[0] - 1
    result = np.empty(n, dtype=np.int64)
    for i in range(n):
        lo, hi = _trimmed(offsets, data, i)
        if hi == lo or hi - lo > 18:
            return result, i
        value = 0
        for p in range(lo, hi):
            digit = data[p] - 48
            if digit < 0 or digit > 9:
                return result, i
            value = value * 10 + digit
        result[i] = value
    return result, -1


@jit
def parse_flag(offsets: I64, data: U8) -> npt.NDArray[np.int8]:
    """Map a trimmed "1", "2" or "3" to that number and anything else to 0 (pickup_type etc.)."""
    n = offsets.shape[0] - 1
    result = np.zeros(n, dtype=np.int8)
    for i in range(n):
        lo, hi = _trimmed(offsets, data, i)
        if hi - lo == 1 and 49 <= data[lo] <= 51:
            result[i] = data[lo] - 48
    return result
