"""intake: report vectors and category models

Revision ID: 43582f9ab9fe
Revises: fd3c2a179497
Create Date: 2026-12-04 01:44:31.897723

"""
from alembic import op
import sqlalchemy as sa
from sqlalchemy.dialects import postgresql

# revision identifiers, used by Alembic.
revision = '43582f9ab9fe'
down_revision = 'fd3c2a179497'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('category_models',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('embedder', sa.String(length=80), nullable=False),
    sa.Column('examples', sa.Integer(), nullable=False),
    sa.Column('report_examples', sa.Integer(), nullable=False),
    sa.Column('fingerprint', sa.String(length=64), nullable=False),
    sa.Column('evaluation', postgresql.JSONB(astext_type=sa.Text()), nullable=False),
    sa.Column('parameters', sa.LargeBinary(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_category_models')),
    sa.UniqueConstraint('version', name=op.f('uq_category_models_version'))
    )
    op.create_table('report_vectors',
    sa.Column('report_id', sa.Integer(), nullable=False),
    sa.Column('digest', sa.String(length=64), nullable=False),
    sa.Column('language', sa.String(length=8), nullable=False),
    sa.Column('vector', sa.LargeBinary(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['report_id'], ['reports.id'], name=op.f('fk_report_vectors_report_id_reports'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('report_id', name=op.f('pk_report_vectors'))
    )


def downgrade():
    op.drop_table('report_vectors')
    op.drop_table('category_models')
