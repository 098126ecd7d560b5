"""GET /healthz: the state of the database and of Redis."""
from flask import Blueprint, jsonify
from redis.exceptions import RedisError
from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError

from backend.extensions import db
from backend.jobqueue import redis_connection

bp = Blueprint("health", __name__)


@bp.get("/healthz")
def healthz():
    checks = {}
    try:
        db.session.execute(text("SELECT PostGIS_Lib_Version()")).scalar()
        checks["database"] = {"ok": True}
    except SQLAlchemyError as exc:
        db.session.rollback()
        checks["database"] = {"ok": False, "error": exc.__class__.__name__}
    try:
        redis_connection().ping()
        checks["redis"] = {"ok": True}
    except RedisError as exc:
        checks["redis"] = {"ok": False, "error": exc.__class__.__name__}
    healthy = all(c["ok"] for c in checks.values())
    return jsonify(status="ok" if healthy else "degraded", **checks), 200 if healthy else 503
