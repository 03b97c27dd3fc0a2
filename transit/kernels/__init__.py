"""Compiled inner loops (numba), by concern: reading stop_times (parsing), making a date's
connections (connections), the profile connection scan and the reading of its results
(scanning), and direct trips (counting).

Every function here works on plain numpy arrays, or on named tuples of them, only. Compiled
code is cached on disk (``cache=True``), so only the first run on a machine pays the compile
time.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, cast

import numba
import numpy as np
import numpy.typing as npt

I64 = npt.NDArray[np.int64]
I32 = npt.NDArray[np.int32]
I8 = npt.NDArray[np.int8]
U8 = npt.NDArray[np.uint8]
Bools = npt.NDArray[np.bool_]
# Packed values (arrival_s * SHIFT + changes) are int32 or int64 arrays, chosen per timetable.
Values = npt.NDArray[Any]

# Values are packed as arrival_s * SHIFT + changes.
SHIFT = 256
# A transfer time that forbids the change.
FORBIDDEN = -1


def jit[F: Callable[..., Any]](function: F) -> F:
    """Compile with numba (no Python objects, cached on disk, the GIL released)."""
    return cast(F, numba.njit(cache=True, nogil=True)(function))
