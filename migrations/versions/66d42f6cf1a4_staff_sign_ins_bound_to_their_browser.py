"""staff sign-ins bound to their browser (backend/accounts/staff_sessions.py)

Revision ID: 66d42f6cf1a4
Revises: 9cb0ed663648
Create Date: 2026-12-04 01:48:21.096112

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '66d42f6cf1a4'
down_revision = '9cb0ed663648'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('staff_sign_ins',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('staff_id', sa.Integer(), nullable=False),
    sa.Column('key_hash', sa.String(length=64), nullable=False),
    sa.Column('browser', sa.String(length=40), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('confirmed_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('expires_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('ended_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['staff_id'], ['staff_users.id'], name=op.f('fk_staff_sign_ins_staff_id_staff_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_staff_sign_ins')),
    sa.UniqueConstraint('key_hash', name=op.f('uq_staff_sign_ins_key_hash'))
    )
    op.create_index(op.f('ix_staff_sign_ins_staff_id'), 'staff_sign_ins', ['staff_id'], unique=False)


def downgrade():
    op.drop_index(op.f('ix_staff_sign_ins_staff_id'), table_name='staff_sign_ins')
    op.drop_table('staff_sign_ins')
