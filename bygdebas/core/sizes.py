"""File sizes for people: in binary units, as the limits are set ("10 MiB", not "10.5 MB")."""

from __future__ import annotations

from django.utils import formats

_UNITS = ("B", "KiB", "MiB", "GiB", "TiB")


def binary_size(size: int | float) -> str:
    """``10 * 1024 * 1024`` → ``"10 MiB"``; ``1536`` → ``"1,5 KiB"`` in Swedish, ``"1.5 KiB"`` in English."""
    value = float(size)
    unit = 0
    while abs(value) >= 1024 and unit < len(_UNITS) - 1:
        value /= 1024
        unit += 1
    rounded = round(value, 1)
    if rounded.is_integer():
        return f"{int(rounded)} {_UNITS[unit]}"
    return f"{formats.number_format(rounded, decimal_pos=1)} {_UNITS[unit]}"
