"""RQ entry points of the disclosure area."""
from backend.disclosure import map_grid


def fold_map_grid() -> int:
    return map_grid.fold()
