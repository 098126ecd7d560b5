"""The citizen/mobile JSON API (/api/v1), OpenAPI-documented with flask-smorest.

OpenAPI 3 at /api/v1/openapi.json, Swagger UI at /api/v1/docs (assets from the
swagger-ui-bundle package, served at /api/v1/docs/assets/).
"""
from __future__ import annotations

from flask import Blueprint, Flask, render_template, send_from_directory, url_for
from flask_cors import CORS
from flask_smorest import Api
from swagger_ui_bundle import swagger_ui_path

from backend import doors
from backend.api import errors, limits
from backend.api.schemas import ErrorOut
from backend.schema_fields import OPENAPI_TYPES


class CitizenApi(Api):
    ERROR_SCHEMA = ErrorOut

    def _register_error_handlers(self):
        # flask-smorest would answer every HTTP error of the whole app (staff web, public
        # pages) in JSON: our handlers are registered on the API's blueprints only.
        pass

    def _openapi_swagger_ui(self):
        # Our page instead of flask-smorest's, whose inline script the CSP would block.
        return render_template(
            "api/swagger_ui.html",
            title=self.spec.title,
            spec_url=url_for("api-docs.openapi_json"),
            swagger_ui_url=self._swagger_ui_url,
            swagger_ui_config=self.config.get("OPENAPI_SWAGGER_UI_CONFIG", {}),
        )


DESCRIPTION = ("The CrowdGov citizen API used by the mobile app and the bot. "
               "Errors are {code, message, fields?}; messages follow Accept-Language.")

assets = Blueprint("api_docs_assets", __name__, template_folder="templates", static_folder="static",
                   static_url_path="/api/v1/docs/static")


@assets.get("/api/v1/docs/assets/<path:name>")
def swagger_asset(name: str):
    return send_from_directory(str(swagger_ui_path), name, max_age=86400)


def init_app(app: Flask) -> None:
    app.config.setdefault("API_TITLE", "CrowdGov citizen API")
    app.config.setdefault("API_VERSION", "v1")
    app.config.setdefault("OPENAPI_VERSION", "3.0.3")
    app.config.setdefault("OPENAPI_URL_PREFIX", "/api/v1")
    app.config.setdefault("OPENAPI_JSON_PATH", "openapi.json")
    app.config.setdefault("OPENAPI_SWAGGER_UI_PATH", "docs")
    app.config.setdefault("OPENAPI_SWAGGER_UI_URL", "/api/v1/docs/assets/")
    api = CitizenApi(app, spec_kwargs={"info": {"description": DESCRIPTION}})
    app.extensions["crowdgov_api"] = api
    api.spec.components.security_scheme("bearer", {"type": "http", "scheme": "bearer"})
    for field, (kind, fmt) in OPENAPI_TYPES.items():
        api.register_field(field, kind, fmt)
    limits.init_app(app)
    origins = [o.strip() for o in app.config.get("API_CORS_ORIGINS", "").split(",") if o.strip()]
    if origins:
        # Bearer tokens, not cookies: credentials are never allowed, so a listed origin gets no more
        # than any other HTTP client has.
        CORS(app, resources={r"/api/v1/*": {"origins": origins}}, supports_credentials=False, max_age=3600,
             allow_headers=["Authorization", "Content-Type", "Accept-Language", "Idempotency-Key"],
             expose_headers=["Idempotent-Replayed", "Retry-After", "X-RateLimit-Limit", "X-RateLimit-Remaining",
                             "X-RateLimit-Reset"])

    from backend.api import alerts, catalogue, citizens, following, media, places, points, reports, sign_in, tasks, updates

    for module in (citizens, sign_in, catalogue, reports, tasks, points, places, following, updates, alerts):
        api.register_blueprint(module.blp)
    # An unknown address or an unusual method under /api/v1 reaches no view: answered in JSON too.
    doors.register("/api/v1", errors.answer)
    app.register_blueprint(assets)
    app.register_blueprint(media.bp)
