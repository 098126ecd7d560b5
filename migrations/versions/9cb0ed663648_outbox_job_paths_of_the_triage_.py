"""outbox: job paths of the triage, disclosure and api homes

Issue 14 moved jobs out of backend/reports. A job path is data: an outbox row promised before
the upgrade names the old module, and the worker would fail to import it. Rows not done yet
are renamed here, so work promised mid-deployment runs after it. (Periodic jobs are enqueued
by path from backend/schedule.py every interval; one already waiting in Redis under an old
path fails once and is enqueued again under the new one.)

Revision ID: 9cb0ed663648
Revises: a856db69f9fc
Create Date: 2026-12-04 01:38:01.862929

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '9cb0ed663648'
down_revision = 'a856db69f9fc'
branch_labels = None
depends_on = None

MOVED = {
    "backend.reports.jobs.forget_old_idempotency_keys": "backend.api.jobs.forget_old_idempotency_keys",
    "backend.reports.jobs.escalate_overdue": "backend.triage.jobs.escalate_overdue",
    "backend.reports.jobs.fold_map_grid": "backend.disclosure.jobs.fold_map_grid",
}


def _rename(pairs):
    statement = sa.text("UPDATE outbox SET job = :new WHERE job = :old AND done_at IS NULL")
    for old, new in pairs:
        op.execute(statement.bindparams(old=old, new=new))


def upgrade():
    _rename(MOVED.items())


def downgrade():
    _rename((new, old) for old, new in MOVED.items())
