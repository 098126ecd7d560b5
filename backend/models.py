"""Imports every model so that metadata (and Alembic) sees the whole schema."""
from backend.accounts.models import ApiKey, ApiToken, ChannelIdentity, Citizen, CitizenContact, StaffUser  # noqa: F401
from backend.city.models import Area, Category, Department, District, category_departments  # noqa: F401
from backend.feedback.models import Notification  # noqa: F401
from backend.outbox.models import OutboxMessage  # noqa: F401
from backend.reports.models import Attachment, IdempotencyKey, Report, ReportEvent, Supporter  # noqa: F401
from backend.open311.models import Open311Submission  # noqa: F401

# Services whose signal receivers must be connected wherever models are loaded.
from backend.feedback import service as _feedback_service  # noqa: F401,E402
