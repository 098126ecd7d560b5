"""The dashboard's figures are kept a few minutes in Redis, and served without it too."""
import csv
import io

from backend.extensions import db
from tests import factories as f


def _received(client) -> int:
    rows = list(csv.DictReader(io.StringIO(client.get("/stats/departments.csv").get_data(as_text=True))))
    return int(next(r for r in rows if r["key"] == "roads")["received"])


def test_figures_are_cached_then_computed_again_when_redis_is_down(app, client, redis_server):
    roads = f.department("roads")
    pothole = f.category("pothole", [roads])
    f.report_at(pothole, 31.2, 121.45, department=roads)
    db.session.commit()
    assert _received(client) == 1
    f.report_at(pothole, 31.2, 121.45, department=roads)
    db.session.commit()
    assert _received(client) == 1  # from the cache
    redis_server.stop()
    assert _received(client) == 2  # no cache: computed
    assert client.get("/stats").status_code == 200
    redis_server.start()


def test_a_zero_lifetime_turns_the_cache_off(app, client):
    roads = f.department("roads")
    pothole = f.category("pothole", [roads])
    f.report_at(pothole, 31.2, 121.45, department=roads)
    db.session.commit()
    app.config["STATS_CACHE_SECONDS"] = 0
    try:
        assert _received(client) == 1
        f.report_at(pothole, 31.2, 121.45, department=roads)
        db.session.commit()
        assert _received(client) == 2
    finally:
        app.config["STATS_CACHE_SECONDS"] = 300
