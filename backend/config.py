"""Every setting, read from the environment, with local defaults.

When DATABASE_URL / REDIS_URL are unset, the URLs recorded by
`crowdgov services up` under ./var/services.json are used (the embedded default).
"""
from __future__ import annotations

import json
import os
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent


def var_dir() -> Path:
    return Path(os.environ.get("CROWDGOV_VAR_DIR", PROJECT_ROOT / "var")).resolve()


def services_file() -> Path:
    return var_dir() / "services.json"


def recorded_services() -> dict:
    try:
        return json.loads(services_file().read_text())
    except (FileNotFoundError, json.JSONDecodeError):
        return {}


class ServicesNotConfigured(RuntimeError):
    pass


def _service_url(env_name: str, recorded_key: str) -> str:
    url = os.environ.get(env_name)
    if url:
        return url
    url = recorded_services().get(recorded_key)
    if url:
        return url
    raise ServicesNotConfigured(
        f"{env_name} is not set and no embedded services are recorded in {services_file()}. "
        "Run `crowdgov services up` (or `make setup`), or set DATABASE_URL and REDIS_URL."
    )


def database_url() -> str:
    url = _service_url("DATABASE_URL", "database_url")
    # SQLAlchemy needs the driver named; accept the plain form people paste.
    if url.startswith("postgres://"):
        url = "postgresql://" + url[len("postgres://"):]
    if url.startswith("postgresql://"):
        url = "postgresql+psycopg://" + url[len("postgresql://"):]
    return url


def redis_url() -> str:
    return _service_url("REDIS_URL", "redis_url")


def _local_secret(env_name: str, filename: str) -> str:
    """The environment's value, else a random secret generated once into var/ (stable per checkout)."""
    value = os.environ.get(env_name)
    if value:
        return value
    path = var_dir() / filename
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(os.urandom(32).hex())
        path.chmod(0o600)
    return path.read_text().strip()


def _secret_key() -> str:
    # A stable per-checkout key so sessions survive restarts in development.
    return _local_secret("SECRET_KEY", "secret_key")


def _bot_channel_secret() -> str:
    """The secret the bot presents at channel login; found by `crowdgov bot` in the same checkout."""
    return _local_secret("BOT_CHANNEL_SECRET", "bot_channel_secret")


def translation_directories() -> str:
    """Every area keeps its own catalogue (backend/<area>/translations); Flask-Babel merges them."""
    dirs = [PROJECT_ROOT / "backend" / "translations", *sorted((PROJECT_ROOT / "backend").glob("*/translations")),
            PROJECT_ROOT / "bot" / "translations"]
    return ";".join(str(d) for d in dirs if d.is_dir())


def _float(name: str, default: float) -> float:
    return float(os.environ.get(name, default))


def _int(name: str, default: int) -> int:
    return int(os.environ.get(name, default))


def _bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    return default if value is None else value.strip().lower() in ("1", "true", "yes", "on")


def load(overrides: dict | None = None) -> dict:
    """The application's configuration as a plain mapping; `overrides` win (tests use them)."""
    overrides = overrides or {}
    values = {
        "SECRET_KEY": _secret_key(),
        "SQLALCHEMY_DATABASE_URI": overrides.get("SQLALCHEMY_DATABASE_URI") or database_url(),
        "SQLALCHEMY_ENGINE_OPTIONS": {"pool_pre_ping": True},
        "REDIS_URL": overrides.get("REDIS_URL") or redis_url(),
        "RQ_QUEUE": os.environ.get("RQ_QUEUE", "crowdgov"),
        "CITY_NAME": os.environ.get("CITY_NAME", "Shanghai"),
        "CITY_TIMEZONE": os.environ.get("CITY_TIMEZONE", "Asia/Shanghai"),
        # The latitude at which the map's grid cells are square on screen (backend/disclosure/map_grid.py);
        # changing it needs `crowdgov map rebuild-grid`.
        "CITY_LATITUDE": _float("CITY_LATITUDE", 31.23),
        "PUBLIC_BASE_URL": os.environ.get("PUBLIC_BASE_URL", "http://127.0.0.1:5000"),
        "MEDIA_DIR": os.environ.get("MEDIA_DIR", str(var_dir() / "media")),
        "BABEL_DEFAULT_LOCALE": os.environ.get("DEFAULT_LANGUAGE", "zh_Hans"),
        "BABEL_TRANSLATION_DIRECTORIES": translation_directories(),
        "OUTBOX_RETRY_SECONDS": _int("OUTBOX_RETRY_SECONDS", 120),
        "OUTBOX_SWEEP_SECONDS": _int("OUTBOX_SWEEP_SECONDS", 30),
        "DEFAULT_SLA_HOURS": _float("DEFAULT_SLA_HOURS", 72),
        # Telegram (feedback pushes and the bot): the Bot API base URL can point at a self-hosted server.
        "TELEGRAM_BOT_TOKEN": os.environ.get("TELEGRAM_BOT_TOKEN", ""),
        "TELEGRAM_API_URL": os.environ.get("TELEGRAM_API_URL", "https://api.telegram.org"),
        "TELEGRAM_BOT_USERNAME": os.environ.get("TELEGRAM_BOT_USERNAME", ""),
        "TELEGRAM_GLOBAL_PER_SECOND": _int("TELEGRAM_GLOBAL_PER_SECOND", 30),
        "TELEGRAM_PER_CHAT_INTERVAL_MS": _int("TELEGRAM_PER_CHAT_INTERVAL_MS", 1000),
        # The bot (`crowdgov bot`): where it finds /api/v1, and its webhook when not long polling.
        "API_URL": os.environ.get("API_URL", f"http://127.0.0.1:{os.environ.get('PORT', '5000')}"),
        "WEBHOOK_URL": os.environ.get("WEBHOOK_URL", ""),
        "WEBHOOK_SECRET": os.environ.get("WEBHOOK_SECRET", ""),
        # The citizen API, Open311 and photos (backend/api, backend/open311, backend/reports/photos.py)
        "BOT_CHANNEL_SECRET": _bot_channel_secret(),
        # Smart intake (backend/intake): possible duplicates are open reports of any category within
        # NEARBY_RADIUS_M filed within DUPLICATE_WINDOW_DAYS, ranked by meaning; without a description
        # only the same category within DUPLICATE_NEAR_M counts. One embedding thread per process.
        "NEARBY_RADIUS_M": _float("NEARBY_RADIUS_M", 150),
        "DUPLICATE_NEAR_M": _float("DUPLICATE_NEAR_M", 50),
        "DUPLICATE_WINDOW_DAYS": _float("DUPLICATE_WINDOW_DAYS", 30),
        "INTAKE_EMBED_THREADS": _int("INTAKE_EMBED_THREADS", 1),
        "INTAKE_MODEL_CHECK_SECONDS": _float("INTAKE_MODEL_CHECK_SECONDS", 10),
        # `crowdgov web` turns it on: every gunicorn worker loads the models when it starts.
        "INTAKE_WARM_UP": _bool("INTAKE_WARM_UP", False),
        "PHOTO_MAX_BYTES": _int("PHOTO_MAX_BYTES", 10 * 1024 * 1024),
        "PHOTO_MAX_PIXELS": _int("PHOTO_MAX_PIXELS", 40_000_000),
        "PHOTO_MAX_EDGE": _int("PHOTO_MAX_EDGE", 2048),
        "PHOTO_THUMBNAIL_EDGE": _int("PHOTO_THUMBNAIL_EDGE", 320),
        "MAX_CONTENT_LENGTH": _int("MAX_CONTENT_LENGTH", 40 * 1024 * 1024),
        "API_RATE_LIMIT_PER_IP": os.environ.get("API_RATE_LIMIT_PER_IP", "120 per minute"),
        "API_RATE_LIMIT_PER_CITIZEN": os.environ.get("API_RATE_LIMIT_PER_CITIZEN", "120 per minute"),
        "API_RATE_LIMIT_REPORTS": os.environ.get("API_RATE_LIMIT_REPORTS", "30 per hour"),
        # Web origins (scheme://host[:port], comma-separated) whose pages may call /api/v1 from a browser.
        "API_CORS_ORIGINS": os.environ.get("API_CORS_ORIGINS", ""),
        "OPEN311_RATE_LIMIT": os.environ.get("OPEN311_RATE_LIMIT", "300 per minute"),
        "IDEMPOTENCY_KEEP_HOURS": _float("IDEMPOTENCY_KEEP_HOURS", 48),
        "OPEN311_JURISDICTION_ID": os.environ.get("OPEN311_JURISDICTION_ID", "crowdgov"),
        "OPEN311_CONTACT": os.environ.get("OPEN311_CONTACT", "Open data desk, open311@crowdgov.org"),
        # Micro-tasks (backend/tasks)
        "CLAIM_MINUTES": _int("CLAIM_MINUTES", 30),
        "ANSWER_MAX_DISTANCE_M": _float("ANSWER_MAX_DISTANCE_M", 300),
        "FAR_ANSWER_WEIGHT_FACTOR": _float("FAR_ANSWER_WEIGHT_FACTOR", 0.25),
        "CONSENSUS_THRESHOLD": _float("CONSENSUS_THRESHOLD", 0.66),
        "TASK_EXTRA_ANSWERS": _int("TASK_EXTRA_ANSWERS", 2),
        "TASK_LIFETIME_HOURS": _float("TASK_LIFETIME_HOURS", 168),
        "TASK_BASE_REWARD": _int("TASK_BASE_REWARD", 10),
        "TASKS_NEARBY_RADIUS_M": _float("TASKS_NEARBY_RADIUS_M", 3000),
        "CONFIRM_FIX_REDUNDANCY": _int("CONFIRM_FIX_REDUNDANCY", 3),
        # Staff web (backend/inbox): cookies are Secure when the site is served over HTTPS.
        "SESSION_COOKIE_SECURE": _bool("SESSION_COOKIE_SECURE",
                                       os.environ.get("PUBLIC_BASE_URL", "").startswith("https://")),
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "REMEMBER_COOKIE_SECURE": _bool("SESSION_COOKIE_SECURE",
                                        os.environ.get("PUBLIC_BASE_URL", "").startswith("https://")),
        "REMEMBER_COOKIE_HTTPONLY": True,
        "PERMANENT_SESSION_LIFETIME": _int("STAFF_SESSION_HOURS", 12) * 3600,
        "WTF_CSRF_TIME_LIMIT": _int("STAFF_SESSION_HOURS", 12) * 3600,
        # Hand-over, bulk actions, moderation, point rules, campaign states and admin pages need the password
        # given within this many minutes (backend/inbox/reauth.py).
        "STAFF_FRESH_LOGIN_MINUTES": _float("STAFF_FRESH_LOGIN_MINUTES", 30),
        # Proxies in front of the app that set X-Forwarded-For/-Proto; 0 trusts no such header (backend/proxies.py).
        "TRUSTED_PROXY_HOPS": _int("TRUSTED_PROXY_HOPS", 0),
        "LOGIN_MAX_FAILURES": _int("LOGIN_MAX_FAILURES", 5),
        "LOGIN_LOCKOUT_SECONDS": _int("LOGIN_LOCKOUT_SECONDS", 900),
        # Basemap tiles for the maps, e.g. https://tile.openstreetmap.org/{z}/{x}/{y}.png; empty = a plain
        # background (works offline), the areas and reports still drawn.
        "MAP_TILE_URL": os.environ.get("MAP_TILE_URL", ""),
        "MAP_TILE_ATTRIBUTION": os.environ.get("MAP_TILE_ATTRIBUTION", ""),
        "STATS_CACHE_SECONDS": _int("STATS_CACHE_SECONDS", 300),
        # Alert e-mails (backend/alerts): SMTP when SMTP_URL is set, else files under MAIL_DIR.
        "SMTP_URL": os.environ.get("SMTP_URL", ""),
        "MAIL_FROM": os.environ.get("MAIL_FROM", "CrowdGov <alerts@localhost>"),
        "MAIL_DIR": os.environ.get("MAIL_DIR", str(var_dir() / "mail")),
        "ALERT_DIGEST_HOUR": _int("ALERT_DIGEST_HOUR", 7),
        # One-time codes by text message (backend/alerts/sms.py): POSTed as JSON to SMS_URL (a gateway's
        # webhook) when set, else written as files under SMS_DIR (this machine has no SMS gateway).
        "SMS_URL": os.environ.get("SMS_URL", ""),
        "SMS_DIR": os.environ.get("SMS_DIR", str(var_dir() / "sms")),
        # Account codes (backend/accounts/contact_codes.py): codes sent per address and per caller's IP.
        "CONTACT_CODE_RATE_PER_ADDRESS": os.environ.get("CONTACT_CODE_RATE_PER_ADDRESS", "5 per hour"),
        "CONTACT_CODE_RATE_PER_IP": os.environ.get("CONTACT_CODE_RATE_PER_IP", "20 per hour"),
        "CONTACT_VERIFY_RATE_PER_IP": os.environ.get("CONTACT_VERIFY_RATE_PER_IP", "60 per hour"),
    }
    values.update(overrides)
    return values
