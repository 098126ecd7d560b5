"""postgis extension

Revision ID: 0ec2fd1a8225
Revises: 
Create Date: 2026-11-25 08:41:59.758929

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0ec2fd1a8225'
down_revision = None
branch_labels = None
depends_on = None


def upgrade():
    op.execute("CREATE EXTENSION IF NOT EXISTS postgis")


def downgrade():
    op.execute("DROP EXTENSION IF EXISTS postgis")
