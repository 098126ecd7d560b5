"""The city as the app draws it, and a reverse lookup: which district and street a point is at."""
from __future__ import annotations

import json

from flask import current_app
from flask_babel import gettext as _
from flask_smorest import Blueprint
from marshmallow import Schema, fields

from backend.alerts import service as alerts
from backend.alerts.places import Place
from backend.api import errors, limits
from backend.api.catalogue import language
from backend.api.schemas import PointIn
from backend.city import service as city
from backend.city.models import District
from backend.extensions import db
from backend.i18n import LANGUAGES
from backend.public.labels import STATUS, STATUS_COLOURS
from backend.reports.addresses import nearest_public_address
from backend.reports.support import check_point

blp = Blueprint("Places", __name__, url_prefix="/api/v1", description="The city's map and places")
errors.register(blp)
limits.apply(blp)


class BoundsOut(Schema):
    min_lat = fields.Float()
    min_long = fields.Float()
    max_lat = fields.Float()
    max_long = fields.Float()


class StatusOut(Schema):
    code = fields.String()
    label = fields.String()
    colour = fields.String(metadata={"description": "The colour the maps draw it in"})


class CityOut(Schema):
    name = fields.String()
    timezone = fields.String()
    languages = fields.List(fields.String())
    bounds = fields.Nested(BoundsOut, allow_none=True, metadata={"description": "Extent of every department's area"})
    tile_url = fields.String(metadata={"description": "Basemap tile template; empty: draw no tiles"})
    tile_attribution = fields.String()
    telegram_bot_url = fields.String(allow_none=True, metadata={"description": "t.me link of the bot, when known"})
    statuses = fields.List(fields.Nested(StatusOut), metadata={"description": "Report statuses, in lifecycle order"})


class DistrictMapOut(Schema):
    code = fields.String()
    name = fields.String()
    label_lat = fields.Float(metadata={"description": "A point inside the district to write its name at"})
    label_long = fields.Float()
    outline = fields.Dict(metadata={"description": "GeoJSON (Multi)Polygon, simplified for drawing"})
    feed_url = fields.String(metadata={"description": "Atom feed of new reports and status changes there"})


class DistrictBriefOut(Schema):
    code = fields.String()
    name = fields.String()


class NearestAddressOut(Schema):
    address = fields.String()
    distance_m = fields.Float()


class ReverseOut(Schema):
    lat = fields.Float()
    long = fields.Float()
    inside_service_area = fields.Boolean()
    district = fields.Nested(DistrictBriefOut, allow_none=True)
    nearest_address = fields.Nested(NearestAddressOut, allow_none=True,
                                    metadata={"description": "The nearest address already public on a report page"})
    label = fields.String(metadata={"description": "What to show the citizen, in the request's language"})


@blp.get("/city")
@blp.response(200, CityOut)
def city_info():
    """The city's name, time zone, extent and basemap."""
    bounds = city.service_bounds()
    bot = (current_app.config.get("TELEGRAM_BOT_USERNAME") or "").lstrip("@")
    return {"name": current_app.config["CITY_NAME"], "timezone": current_app.config["CITY_TIMEZONE"],
            "languages": list(LANGUAGES),
            "bounds": {"min_lat": bounds.min_lat, "min_long": bounds.min_long, "max_lat": bounds.max_lat,
                       "max_long": bounds.max_long} if bounds else None,
            "tile_url": current_app.config["MAP_TILE_URL"], "tile_attribution": current_app.config["MAP_TILE_ATTRIBUTION"],
            "telegram_bot_url": f"https://t.me/{bot}" if bot else None,
            "statuses": [{"code": s.value, "label": str(label), "colour": STATUS_COLOURS[s]} for s, label in STATUS.items()]}


@blp.get("/districts")
@blp.response(200, DistrictMapOut(many=True))
def districts():
    """Every district: its name where to write it, its outline, and its alerts feed."""
    lang = language()
    return [{"code": d.code, "name": d.name(lang), "label_lat": lat, "label_long": long, "outline": json.loads(outline),
             "feed_url": alerts.feed_url(Place(district_id=d.id), lang)}
            for d, lat, long, outline in city.district_outlines()]


@blp.get("/places/reverse")
@blp.arguments(PointIn, location="query")
@blp.response(200, ReverseOut)
def reverse(args):
    """Where a point is, from our own data: its district and the nearest public address (no geocoder)."""
    lat, long = check_point(args["lat"], args["long"])
    lang = language()
    district_id = city.district_id_at(lat, long)
    district = db.session.get(District, district_id) if district_id else None
    nearest = nearest_public_address(lat, long)
    parts = [district.name(lang)] if district else []
    if nearest:
        parts.append(_("near %(address)s", address=nearest[0]))
    if not parts:
        parts.append(f"{lat:.5f}, {long:.5f}")
    return {"lat": lat, "long": long, "inside_service_area": city.inside_service_area(lat, long),
            "district": {"code": district.code, "name": district.name(lang)} if district else None,
            "nearest_address": {"address": nearest[0], "distance_m": round(nearest[1], 1)} if nearest else None,
            "label": " · ".join(parts)}
