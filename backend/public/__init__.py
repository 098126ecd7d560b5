"""The public side (no login): report pages, the map, the transparency dashboard, open data."""
from flask import Blueprint

bp = Blueprint("public", __name__, template_folder="templates", static_folder="static",
               static_url_path="/public-static")

from backend.public import map_api, pages, open_data, leaderboard, error_pages  # noqa: E402,F401  (routes register on bp)
