"""names: authorities' and organizations' names per language, an appeal's default country,
campaigners' names for countries

Revision ID: 0014_names
Revises: 0012_correspondence
Create Date: 2026-12-06 16:40:00

Added columns are nullable (no table rebuilt with data rewritten); one new table.
"""

import sqlalchemy as sa
from alembic import op

revision = "0014_names"
down_revision = "0012_correspondence"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("authorities") as batch:
        batch.add_column(sa.Column("names", sa.JSON(), nullable=True))
    with op.batch_alter_table("organizations") as batch:
        batch.add_column(sa.Column("names", sa.JSON(), nullable=True))
    with op.batch_alter_table("appeals") as batch:
        batch.add_column(sa.Column("default_country", sa.String(length=2), nullable=True))
    op.create_table(
        "country_names",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("country", sa.String(length=2), nullable=False),
        sa.Column("language", sa.String(length=8), nullable=False),
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_country_names")),
        sa.UniqueConstraint(
            "country", "language", name=op.f("uq_country_names_country_language")
        ),
    )


def downgrade():
    op.drop_table("country_names")
    with op.batch_alter_table("appeals") as batch:
        batch.drop_column("default_country")
    with op.batch_alter_table("organizations") as batch:
        batch.drop_column("names")
    with op.batch_alter_table("authorities") as batch:
        batch.drop_column("names")
