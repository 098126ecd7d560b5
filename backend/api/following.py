""""Get updates" on any public report: follow, unfollow, and the reports I follow."""
from __future__ import annotations

from flask_smorest import Blueprint
from marshmallow import Schema, fields

from backend.api import errors, limits
from backend.api.authentication import citizen_required, require_citizen
from backend.api.catalogue import language
from backend.api.citizens import page_answer
from backend.api.schemas import PageIn, ReportPageOut
from backend.alerts import following
from backend.disclosure import public_view

blp = Blueprint("Following", __name__, url_prefix="/api/v1", description="Following reports")
errors.register(blp)
limits.apply(blp)
BEARER = [{"bearer": []}]


class FollowOut(Schema):
    report_id = fields.Integer()
    following = fields.Boolean()
    changed = fields.Boolean(metadata={"description": "False when the request changed nothing (already so)"})
    followers = fields.Integer()
    feed_url = fields.String(metadata={"description": "The report's Atom feed"})


def _state(report, citizen, changed: bool) -> dict:
    from backend.alerts.service import report_feed_url

    return {"report_id": report.id, "following": following.is_following(report, citizen), "changed": changed,
            "followers": following.follower_count(report), "feed_url": report_feed_url(report.id)}


@blp.get("/reports/<int:report_id>/follow")
@blp.response(200, FollowOut)
@blp.doc(security=BEARER)
@citizen_required
def follow_state(report_id: int):
    """Do I follow this report?"""
    return _state(public_view.visible_report(report_id), require_citizen(), False)


@blp.post("/reports/<int:report_id>/follow")
@blp.response(200, FollowOut)
@blp.doc(security=BEARER)
@citizen_required
def follow(report_id: int):
    """Get updates: told of the report's public changes as its supporters are.

    Once per citizen, however often asked."""
    report, citizen = public_view.visible_report(report_id), require_citizen()
    already = following.follow(report, citizen)
    return _state(report, citizen, not already)


@blp.delete("/reports/<int:report_id>/follow")
@blp.response(200, FollowOut)
@blp.doc(security=BEARER)
@citizen_required
def unfollow(report_id: int):
    """No more updates from following (a reporter or supporter is still told as such)."""
    report, citizen = public_view.visible_report(report_id), require_citizen()
    changed = following.unfollow(report, citizen)
    return _state(report, citizen, changed)


@blp.get("/me/following")
@blp.arguments(PageIn, location="query")
@blp.response(200, ReportPageOut)
@blp.doc(security=BEARER)
@citizen_required
def my_following(args):
    """The public reports I follow, most recently followed first."""
    citizen, lang = require_citizen(), language()
    reports, total = following.followed(citizen, args["page"], args["page_size"])
    return page_answer([public_view.summary(r, lang) for r in reports], args, total)
