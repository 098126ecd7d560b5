"""The demo city's catalogue (thirteen categories in both languages, playgrounds only in Huangpu)
and its first classifier, trained from the catalogue alone: a new city with no history."""
from __future__ import annotations

import pytest

from backend.extensions import db

HUANGPU = (31.2150, 121.4900)   # lat, long
XUHUI = (31.2000, 121.4300)


@pytest.fixture
def catalogue_city():
    from backend.demo import _seed_map

    departments = _seed_map()
    db.session.commit()
    return departments


@pytest.fixture
def trained(catalogue_city):
    from backend.intake import training

    model = training.train()
    db.session.commit()
    return model


def metres_north(lat: float, metres: float) -> float:
    return lat + metres / 111_195
