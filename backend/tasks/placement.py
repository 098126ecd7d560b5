"""Spreading a campaign's task points evenly over its area (pure geometry)."""
from __future__ import annotations

import math

from shapely.geometry import MultiPolygon, Point
from shapely.prepared import prep

MAX_GRID_ROUNDS = 12


def spread_points(area: MultiPolygon, count: int) -> list[Point]:
    """`count` points inside `area` on a regular grid, as evenly spread as the shape allows.

    The grid is refined until enough of its points fall inside; then every k-th point is
    taken so the chosen ones cover the whole area rather than its first rows.
    """
    if count <= 0:
        return []
    inside = prep(area)
    minx, miny, maxx, maxy = area.bounds
    fill = area.area / max((maxx - minx) * (maxy - miny), 1e-18)
    side = max(1, math.ceil(math.sqrt(count / max(fill, 1e-6))))
    candidates: list[Point] = []
    for _ in range(MAX_GRID_ROUNDS):
        dx, dy = (maxx - minx) / side, (maxy - miny) / side
        candidates = [p for p in (Point(minx + (i + 0.5) * dx, miny + (j + 0.5) * dy)
                                  for j in range(side) for i in range(side)) if inside.covers(p)]
        if len(candidates) >= count:
            break
        side *= 2
    if len(candidates) < count:
        # A sliver the grid keeps missing: stack the rest on a point known to be inside.
        candidates += [area.representative_point()] * (count - len(candidates))
    step = len(candidates) / count
    return [candidates[int(i * step)] for i in range(count)]
