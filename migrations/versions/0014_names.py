"""names: authorities' and organizations' names per language, an appeal's default country,
campaigners' names for countries

Revision ID: 0014_names
Revises: 0012_correspondence
Create Date: 2026-12-06 16:40:00

Added columns are nullable, added and dropped with plain ALTER TABLE: a SQLite batch rebuild
would drop `authorities`, `organizations` and `appeals`, cascading to their children (see
0011). One new table.
"""

import sqlalchemy as sa
from alembic import op

revision = "0014_names"
down_revision = "0012_correspondence"
branch_labels = None
depends_on = None


def upgrade():
    op.add_column("authorities", sa.Column("names", sa.JSON(), nullable=True))
    op.add_column("organizations", sa.Column("names", sa.JSON(), nullable=True))
    op.add_column("appeals", sa.Column("default_country", sa.String(length=2), nullable=True))
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
    op.create_index(
        op.f("ix_country_names_language"), "country_names", ["language"], unique=False
    )


def downgrade():
    op.drop_index(op.f("ix_country_names_language"), table_name="country_names")
    op.drop_table("country_names")
    op.execute("ALTER TABLE appeals DROP COLUMN default_country")
    op.execute("ALTER TABLE organizations DROP COLUMN names")
    op.execute("ALTER TABLE authorities DROP COLUMN names")
