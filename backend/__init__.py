"""CrowdGov: the Flask application factory."""
from __future__ import annotations

from typing import Any

from flask import Flask

from backend import config as settings
from backend import database_ids, proxies, secret_logging, security_headers, text_input, transaction
from backend.extensions import babel, db, migrate
from backend.i18n import select_locale


def create_app(overrides: dict[str, Any] | None = None) -> Flask:
    app = Flask(__name__)
    app.config.update(settings.load(overrides))
    secret_logging.quiet_url_loggers()
    proxies.init_app(app)

    db.init_app(app)
    transaction.init_app(app)  # a request is one transaction
    migrate.init_app(app, db, directory=str(settings.PROJECT_ROOT / "migrations"), compare_type=True)
    babel.init_app(app, locale_selector=select_locale)
    text_input.init_app(app)
    database_ids.init_app(app)

    from backend import api, inbox, models, open311  # noqa: F401  (models: every model registered first)
    from backend.health import bp as health_bp
    from backend.public import bp as public_bp
    from backend import webapp
    from backend.alerts import views as alert_views

    app.register_blueprint(health_bp)
    api.init_app(app)
    open311.init_app(app)
    inbox.init_app(app)
    app.register_blueprint(public_bp)
    alert_views.init_app(app)
    webapp.init_app(app)
    security_headers.init_app(app)
    if app.config["INTAKE_WARM_UP"]:
        from backend.intake.embeddings import warm_up_in_background

        warm_up_in_background(app.config["INTAKE_EMBED_THREADS"])
    return app
