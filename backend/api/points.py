"""Points, levels, badges and leaderboards: GET /api/v1/me/points, GET /api/v1/leaderboards."""
from __future__ import annotations

from flask_smorest import Blueprint
from marshmallow import Schema, fields, validate

from backend.api import errors, limits
from backend.api.authentication import citizen_required, current_citizen, require_citizen
from backend.api.catalogue import language
from backend.api.schemas import In
from backend.schema_fields import Integer, Text
from backend.incentives import boards, standing

blp = Blueprint("Points", __name__, url_prefix="/api/v1", description="Points, levels, badges and leaderboards")
errors.register(blp)
limits.apply(blp)
BEARER = [{"bearer": []}]


class LevelOut(Schema):
    rank = fields.Integer(metadata={"description": "1 for the first level"})
    code = fields.String()
    threshold = fields.Integer(metadata={"description": "The balance at which the level begins"})
    name = fields.String()


class BadgeOut(Schema):
    code = fields.String()
    name = fields.String()
    description = fields.String()
    earned_at = fields.DateTime()


class EntryOut(Schema):
    amount = fields.Integer()
    reason = fields.String()
    label = fields.String()
    report_id = fields.Integer(allow_none=True)
    created_at = fields.DateTime()


class PeriodsOut(Schema):
    all = fields.Integer(allow_none=True)
    week = fields.Integer(allow_none=True)
    month = fields.Integer(allow_none=True)


class ReputationOut(Schema):
    score = fields.Float(metadata={"description": "Expected accuracy of the citizen's checks (0–1)"})
    answers_agreed = fields.Integer()
    answers_disagreed = fields.Integer()


class ImpactOut(Schema):
    reports_fixed = fields.Integer()
    reports_validated = fields.Integer()
    checks_agreed = fields.Integer()
    people_helped = fields.Integer(metadata={"description": "Reporters and supporters of the reports the citizen checked"})


class PointsOut(Schema):
    balance = fields.Integer()
    level = fields.Nested(LevelOut)
    next_level = fields.Nested(LevelOut, allow_none=True)
    points_to_next = fields.Integer()
    progress = fields.Float(metadata={"description": "0–1 between this level and the next"})
    period_points = fields.Nested(PeriodsOut)
    rank = fields.Nested(PeriodsOut, metadata={"description": "City-wide rank; null when hidden or without points"})
    hidden_from_boards = fields.Boolean()
    badges = fields.List(fields.Nested(BadgeOut))
    recent = fields.List(fields.Nested(EntryOut))
    reputation = fields.Nested(ReputationOut)
    impact = fields.Nested(ImpactOut)


class VisibilityIn(In):
    hidden_from_boards = fields.Boolean(required=True)


class VisibilityOut(Schema):
    hidden_from_boards = fields.Boolean()


class BoardIn(In):
    period = fields.String(load_default="all", validate=validate.OneOf(boards.PERIODS))
    district = Text(max_length=100, multiline=False, load_default=None,
                    metadata={"description": "A district code; the whole city if absent"})
    limit = Integer(load_default=10, minimum=1, maximum=boards.MAX_LIMIT)


class BoardRowOut(Schema):
    rank = fields.Integer()
    display_name = fields.String()
    points = fields.Integer()
    me = fields.Boolean(metadata={"description": "This row is the calling citizen"})


class DistrictOut(Schema):
    code = fields.String()
    name = fields.String()


class MyPlaceOut(Schema):
    rank = fields.Integer(allow_none=True)
    points = fields.Integer()


class BoardOut(Schema):
    period = fields.String()
    period_start = fields.Date(metadata={"description": "First day of the period in the city's time zone"})
    district = fields.Nested(DistrictOut, allow_none=True)
    rows = fields.List(fields.Nested(BoardRowOut))
    me = fields.Nested(MyPlaceOut, allow_none=True, metadata={"description": "With a bearer token: your place"})


@blp.get("/me/points")
@blp.response(200, PointsOut)
@blp.doc(security=BEARER)
@citizen_required
def my_points():
    """Balance, level and progress to the next, badges, ranks, recent entries, reputation and impact."""
    return standing.summary(require_citizen().id, language())


@blp.put("/me/points/visibility")
@blp.arguments(VisibilityIn)
@blp.response(200, VisibilityOut)
@blp.doc(security=BEARER)
@citizen_required
def set_visibility(data):
    """Hide from (or return to) the public leaderboards; points and badges are kept."""
    citizen = require_citizen()
    standing.set_hidden_from_boards(citizen, data["hidden_from_boards"])
    return {"hidden_from_boards": citizen.hidden_from_boards}


@blp.get("/leaderboards")
@blp.arguments(BoardIn, location="query")
@blp.response(200, BoardOut)
def leaderboards(args):
    """A public board: all-time, this week or this month, city-wide or one district. Display names only."""
    lang = language()
    district = boards.district_named(args["district"])
    district_id = district.id if district else None
    rows = boards.board(args["period"], district_id, args["limit"])
    me = current_citizen()
    return {
        "period": args["period"],
        "period_start": boards.period_start(args["period"]),
        "district": {"code": district.code, "name": district.name(lang)} if district else None,
        "rows": [{**row.public(), "me": bool(me and row.citizen_id == me.id)} for row in rows],
        "me": {"rank": boards.rank_of(me.id, args["period"], district_id),
               "points": boards.points_of(me.id, args["period"], district_id)} if me else None,
    }
