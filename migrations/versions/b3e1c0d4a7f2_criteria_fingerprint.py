"""criteria fingerprint: which curated criteria the open referrals were re-screened against

Revision ID: b3e1c0d4a7f2
Revises: 69c407f26eba
Create Date: 2026-12-08 02:10:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'b3e1c0d4a7f2'
down_revision = '69c407f26eba'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('criteria_fingerprint',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('fingerprint', sa.String(length=64), nullable=False),
    sa.Column('recorded_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id')
    )


def downgrade():
    op.drop_table('criteria_fingerprint')
