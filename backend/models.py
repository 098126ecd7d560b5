"""Imports every model so that metadata (and Alembic) sees the whole schema, and every service
whose signal receivers must be connected wherever models are loaded."""
from backend.accounts.models import ApiKey, ApiToken, ChannelIdentity, Citizen, CitizenContact, StaffSignIn, StaffUser  # noqa: F401,E501
from backend.accounts.contact_models import ContactCode, VerifiedContact  # noqa: F401
from backend.alerts.models import AlertMessage, AlertSubscription  # noqa: F401
from backend.api.models import IdempotencyKey  # noqa: F401
from backend.audit.models import AuditEntry  # noqa: F401
from backend.city.area_history import AreaRevision  # noqa: F401
from backend.city.models import Area, Category, Department, District, category_departments  # noqa: F401
from backend.disclosure.map_grid_models import MapGridCell, MapGridChange  # noqa: F401
from backend.feedback.models import Notification  # noqa: F401
from backend.intake.models import CategoryModel, ReportVector  # noqa: F401
from backend.incentives.models import ActivityDay, BadgeAward, BoardTotal, PointEntry, PointRule  # noqa: F401
from backend.open311.models import Open311Submission  # noqa: F401
from backend.outbox.models import OutboxMessage  # noqa: F401
from backend.reports.models import Attachment, Report, ReportEvent, Supporter  # noqa: F401
from backend.alerts.following_models import Follower  # noqa: F401
from backend.updates.models import ReportUpdate  # noqa: F401
from backend.tasks.models import Answer, Campaign, Claim, Reputation, Task  # noqa: F401
from backend.triage.models import ResponseTemplate, SlaEscalation  # noqa: F401

from backend.api import idempotency as _api_idempotency  # noqa: F401,E402,I001
from backend.feedback import service as _feedback_service  # noqa: F401,E402
from backend.incentives import service as _incentives_service  # noqa: F401,E402
from backend.tasks import service as _tasks_service  # noqa: F401,E402
from backend.updates import privacy as _update_privacy  # noqa: F401,E402
from backend.alerts import service as _alerts_service  # noqa: F401,E402
from backend.alerts import following as _following  # noqa: F401,E402
from backend.intake import service as _intake_service  # noqa: F401,E402
