"""Following an area: alerts by e-mail (double opt-in) and Atom feeds."""
from __future__ import annotations

from flask_smorest import Blueprint
from geoalchemy2.shape import to_shape
from marshmallow import Schema, fields, validate

from backend.alerts import service as alerts
from backend.alerts import texts
from backend.alerts.models import AlertSubscription
from backend.api import errors, limits
from backend.api.authentication import citizen_required, require_citizen
from backend.api.catalogue import language
from backend.api.places import DistrictBriefOut
from backend.api.schemas import In

blp = Blueprint("Alerts", __name__, url_prefix="/api/v1", description="Alerts for an area")
errors.register(blp)
limits.apply(blp)
BEARER = [{"bearer": []}]


class AlertIn(In):
    district = fields.String(load_default=None, validate=validate.Length(min=1, max=40),
                             metadata={"description": "A district code (GET /districts); or give lat, long, radius_m"})
    lat = fields.Raw(load_default=None, metadata={"description": "Centre of a circle, WGS84"})
    long = fields.Raw(load_default=None)
    radius_m = fields.Raw(load_default=500, metadata={"description": "100 to 5000 metres"})
    email = fields.String(load_default=None, allow_none=True, validate=validate.Length(max=254),
                          metadata={"description": "Where to send alerts (a confirmation link first); none: feed only"})
    frequency = fields.String(load_default="instant", validate=validate.OneOf(["instant", "daily"]))
    language = fields.String(load_default=None, validate=validate.Length(max=20))


class AlertOut(Schema):
    id = fields.Integer()
    kind = fields.String(metadata={"description": "district | circle"})
    district = fields.Nested(DistrictBriefOut, allow_none=True)
    lat = fields.Float(allow_none=True)
    long = fields.Float(allow_none=True)
    radius_m = fields.Float(allow_none=True)
    area_name = fields.String()
    email = fields.String(allow_none=True)
    frequency = fields.String()
    language = fields.String()
    status = fields.String(metadata={"description": "awaiting_confirmation | active"})
    feed_url = fields.String()
    created_at = fields.DateTime()


def alert_view(subscription: AlertSubscription, lang: str) -> dict:
    point = to_shape(subscription.centre) if subscription.centre is not None else None
    district = subscription.district
    return {"id": subscription.id, "kind": subscription.kind.value,
            "district": {"code": district.code, "name": district.name(lang)} if district else None,
            "lat": point.y if point else None, "long": point.x if point else None, "radius_m": subscription.radius_m,
            "area_name": texts.area_name(subscription, lang), "email": subscription.email,
            "frequency": subscription.frequency.value, "language": subscription.language,
            "status": alerts.status(subscription),
            "feed_url": alerts.feed_url(alerts.place_of(subscription), subscription.language),
            "created_at": subscription.created_at}


@blp.post("/alerts")
@blp.arguments(AlertIn)
@blp.response(201, AlertOut)
@blp.alt_response(200, schema=AlertOut, description="The same area and address were followed already")
@blp.doc(security=BEARER)
@citizen_required
def create_alert(data):
    """Follow a district or a circle.

    With an e-mail address a confirmation link is sent first and nothing else until it is opened
    (unless this citizen confirmed the address before)."""
    citizen = require_citizen()
    subscription, created = alerts.subscribe(citizen, district=data["district"], lat=data["lat"], long=data["long"],
                                             radius_m=data["radius_m"], email=data["email"],
                                             frequency=data["frequency"], language=data["language"] or language())
    return alert_view(subscription, language()), 201 if created else 200


@blp.get("/me/alerts")
@blp.response(200, AlertOut(many=True))
@blp.doc(security=BEARER)
@citizen_required
def my_alerts():
    """The areas I follow."""
    lang = language()
    return [alert_view(s, lang) for s in alerts.live_subscriptions(require_citizen())]


@blp.delete("/me/alerts/<int:alert_id>")
@blp.response(204)
@blp.doc(security=BEARER)
@citizen_required
def delete_alert(alert_id: int):
    """Stop following the area (nothing more is sent)."""
    alerts.unsubscribe(alerts.owned_subscription(require_citizen(), alert_id))
