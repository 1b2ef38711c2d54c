"""Small statistics for the speed benchmark: nearest-rank percentiles, and a median with its
min-max spread over repeated runs."""

from __future__ import annotations

import math
import statistics
from collections.abc import Sequence


def percentile(values: Sequence[float], p: float) -> float | None:
    """Nearest-rank percentile (p in 0-100) of values; None when there are none."""
    if not values:
        return None
    ordered = sorted(values)
    rank = max(1, math.ceil(p / 100 * len(ordered)))
    return ordered[rank - 1]


def spread(values: Sequence[float | None], unit: str = "", digits: int = 1) -> str:
    """'12.3 ms' for one run, '12.3 ms (11.0-14.2)' (median, min-max) for several; 'n/a'."""
    known = [v for v in values if v is not None]
    if not known:
        return "n/a"
    text = f"{statistics.median(known):.{digits}f}{unit}"
    if len(known) > 1:
        text += f" ({min(known):.{digits}f}–{max(known):.{digits}f})"
    return text


def ms(seconds: float | None) -> float | None:
    return None if seconds is None else seconds * 1000
