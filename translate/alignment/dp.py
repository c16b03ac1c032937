"""The bead dynamic program: full, banded, and coarse-to-fine (linear time).

The DP fills one row (source position ``i``) at a time and vectorises over the
target positions ``j`` of that row with numpy.  Beads that consume a source
sentence read earlier rows; the 0-1 bead reads the same row and is solved as a
prefix minimum (``np.minimum.accumulate``), so no Python loop runs per cell.

A band gives, for every row, the range of ``j`` to fill.  The full DP is the
band ``[0, m]`` on every row; the coarse-to-fine search (as in vecalign)
aligns a copy of both sides with neighbouring sentences averaged in pairs,
recursively, and searches only a margin around that path projected back.
Cells filled grow linearly with the input, which ``DPStats`` records.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

import numpy as np

Shape = tuple[int, int]
# cost_fn(a, b, i, js) -> costs of the beads (a, b) that end at (i, js): they
# cover source sentences i-a..i-1 and target sentences j-b..j-1.
CostFn = Callable[[int, int, int, np.ndarray], np.ndarray]

INF = np.inf


@dataclass(slots=True)
class DPStats:
    """What a run cost: the scale test checks that ``cells`` grows linearly."""

    cells: int = 0
    levels: list[tuple[int, int, int]] = field(default_factory=list)  # (n, m, cells) per level, finest last


def full_band(n: int, m: int) -> tuple[np.ndarray, np.ndarray]:
    return np.zeros(n + 1, dtype=np.int64), np.full(n + 1, m, dtype=np.int64)


def banded_dp(
    n: int,
    m: int,
    shapes: Sequence[Shape],
    cost_fn: CostFn,
    lo: np.ndarray,
    hi: np.ndarray,
    stats: DPStats | None = None,
) -> list[Shape]:
    """The cheapest sequence of beads from (0, 0) to (n, m) inside the band; returns the shapes in order."""
    if (0, 1) not in shapes or (1, 0) not in shapes:
        raise ValueError("the DP needs the 1-0 and 0-1 beads so that every band has a path")
    consuming = [(k, a, b) for k, (a, b) in enumerate(shapes) if a > 0]
    insert = shapes.index((0, 1))
    costs: list[np.ndarray] = []
    backs: list[np.ndarray] = []
    cells = 0
    for i in range(n + 1):
        lo_i, hi_i = int(lo[i]), int(hi[i])
        js = np.arange(lo_i, hi_i + 1)
        width = len(js)
        best = np.full(width, INF)
        arg = np.full(width, -1, dtype=np.int8)
        if i == 0 and lo_i == 0:
            best[0] = 0.0
        for k, a, b in consuming:
            r = i - a
            if r < 0:
                continue
            pj = js - b
            valid = (pj >= lo[r]) & (pj <= hi[r])
            if not valid.any():
                continue
            idx = np.nonzero(valid)[0]
            prev = costs[r][pj[idx] - lo[r]]
            ok = np.isfinite(prev)
            if not ok.any():
                continue
            idx, prev = idx[ok], prev[ok]
            total = prev + cost_fn(a, b, i, js[idx])
            cells += len(idx)
            better = total < best[idx]
            best[idx[better]] = total[better]
            arg[idx[better]] = k
        # 0-1 beads along the row: best[j] = min(best[j], best[j-1] + c(j)).
        if width > 1:
            step = np.empty(width)
            step[0] = 0.0
            step[1:] = cost_fn(0, 1, i, js[1:])
            cells += width - 1
            cum = np.cumsum(step)
            vals = best - cum
            runmin = np.minimum.accumulate(vals)
            positions = np.arange(width)
            argmin = np.maximum.accumulate(np.where(vals <= runmin, positions, 0))
            chained = (argmin < positions) & np.isfinite(runmin)
            best = np.where(chained, runmin + cum, best)
            arg[chained] = insert
        costs.append(best)
        backs.append(arg)
    if stats is not None:
        stats.cells += cells
        stats.levels.append((n, m, cells))
    if not (lo[n] <= m <= hi[n]) or not np.isfinite(costs[n][m - lo[n]]):
        raise ValueError("the band holds no path to the end")
    path: list[Shape] = []
    i, j = n, m
    while i or j:
        k = int(backs[i][j - lo[i]])
        if k < 0:
            raise AssertionError(f"no back pointer at ({i}, {j})")
        a, b = shapes[k]
        path.append((a, b))
        i, j = i - a, j - b
    path.reverse()
    return path


def path_corners(path: Sequence[Shape]) -> list[tuple[int, int]]:
    """The (i, j) grid points a path passes through, from (0, 0) to (n, m)."""
    points = [(0, 0)]
    i = j = 0
    for a, b in path:
        i, j = i + a, j + b
        points.append((i, j))
    return points


def band_around(path: Sequence[Shape], factor: int, n: int, m: int, margin: int) -> tuple[np.ndarray, np.ndarray]:
    """Project a coarse path onto the grid ``factor`` times finer and widen it by ``margin`` cells."""
    lo = np.full(n + 1, m, dtype=np.int64)
    hi = np.zeros(n + 1, dtype=np.int64)
    corners = path_corners(path)
    for (i0, j0), (i1, j1) in itertools.pairwise(corners):
        r0, r1 = min(i0 * factor, n), min(i1 * factor, n)
        c0, c1 = min(j0 * factor, m), min(j1 * factor, m)
        lo[r0 : r1 + 1] = np.minimum(lo[r0 : r1 + 1], c0)
        hi[r0 : r1 + 1] = np.maximum(hi[r0 : r1 + 1], c1)
    # widen: every row sees the range of its neighbours within the margin, plus the margin
    lo = _sliding(lo, margin, np.minimum) - margin
    hi = _sliding(hi, margin, np.maximum) + margin
    lo = np.clip(lo, 0, m)
    hi = np.clip(hi, 0, m)
    lo[0], hi[n] = 0, m
    # monotone: lo non-decreasing, hi non-decreasing
    lo = np.minimum.accumulate(lo[::-1])[::-1]
    hi = np.maximum.accumulate(hi)
    return lo, hi


def _sliding(values: np.ndarray, radius: int, op: Callable) -> np.ndarray:
    out = values.copy()
    for shift in range(1, radius + 1):
        out[shift:] = op(out[shift:], values[:-shift])
        out[:-shift] = op(out[:-shift], values[shift:])
    return out
