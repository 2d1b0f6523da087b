"""appeals: an optional age public key that the appeal's exports are sealed to

Revision ID: 0009_sealing_key
Revises: 0006_endorsement_rivals
Create Date: 2026-12-06 15:30:00

Issue #15, item 6. NULL (the default, and every existing appeal) keeps exports as they were.
"""

import sqlalchemy as sa
from alembic import op

revision = "0009_sealing_key"
down_revision = "0006_endorsement_rivals"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("appeals", schema=None) as batch_op:
        batch_op.add_column(sa.Column("sealing_public_key", sa.String(length=100), nullable=True))
        batch_op.create_check_constraint(
            "ck_appeals_sealing_key_is_age",
            "sealing_public_key IS NULL OR sealing_public_key LIKE 'age1%'",
        )


def downgrade():
    with op.batch_alter_table("appeals", schema=None) as batch_op:
        batch_op.drop_constraint("ck_appeals_sealing_key_is_age", type_="check")
        batch_op.drop_column("sealing_public_key")
