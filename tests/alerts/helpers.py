"""Reports made the way citizens make them, for the alerts tests."""
from __future__ import annotations

from urllib.parse import urlsplit

from backend.extensions import db
from backend.reports import service as reports
from tests import factories as f

# Inside the city fixture's Huangpu district box (121.45–121.50, 31.20–31.25).
IN_HUANGPU = (31.2200, 121.4700)
# Inside the city, outside Huangpu.
OUTSIDE_HUANGPU = (31.2800, 121.4200)


def report_at(lat: float, long: float, *, category: str = "pothole", reporter=None, description: str = "A hole"):
    attributes = {"size": "small"} if category == "pothole" else {}
    return reports.submit(category=category, lat=lat, long=long, description=description, attributes=attributes,
                          reporter=reporter or f.citizen("Reporter"), address="12 Zhongshan Road")


def path_of(url: str) -> str:
    parts = urlsplit(url)
    return parts.path + (f"?{parts.query}" if parts.query else "")


def token_for(name: str = "Follower") -> tuple:
    citizen = f.citizen(name)
    db.session.commit()
    return citizen, f.api_token(citizen)


def auth(token: str) -> dict:
    return {"Authorization": f"Bearer {token}"}


def tampered(path: str) -> str:
    """The same link with its signed token altered (the query string left as it was)."""
    token_path, _sep, query = path.partition("?")
    last = token_path[-1]
    return token_path[:-1] + ("A" if last != "A" else "B") + (f"?{query}" if query else "")
