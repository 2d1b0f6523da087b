"""endorsements: rival submissions get their own rows; at most one approved per organization

Revision ID: 0006_endorsement_rivals
Revises: 0005_sessions_lockout
Create Date: 2026-12-02 09:00:00

A second submission for an organization used to overwrite the first (contact, signatory,
comment, state), so anyone could take over a confirmed, domain-verified endorsement. Now each
submission is its own row. The one-row-per-(appeal, organization) unique constraint becomes
unique (appeal, organization, approved_slot), where approved_slot is true while approved and
NULL otherwise (NULLs never collide), so at most one row per organization is approved. Domain
verification moves onto the endorsement whose contact address proved it.
"""

import sqlalchemy as sa
from alembic import op

revision = "0006_endorsement_rivals"
down_revision = "0005_sessions_lockout"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("endorsements", schema=None) as batch_op:
        batch_op.add_column(sa.Column("domain_verified_at", sa.DateTime(timezone=True)))
        batch_op.add_column(sa.Column("approved_slot", sa.Boolean()))
    op.execute("UPDATE endorsements SET approved_slot = TRUE WHERE state = 'approved'")
    with op.batch_alter_table("endorsements", schema=None) as batch_op:
        batch_op.drop_constraint("uq_endorsements_appeal_id_organization_id", type_="unique")
        batch_op.create_unique_constraint(
            "uq_endorsements_appeal_id_organization_id_approved_slot",
            ["appeal_id", "organization_id", "approved_slot"],
        )
        batch_op.create_check_constraint(
            "ck_endorsements_approved_slot_matches",
            "(state = 'approved') = (approved_slot IS NOT NULL)",
        )
    _verify_existing_endorsements()


def _on_domain(email: str, domain: str) -> bool:
    # As campaign.endorsements.services.email_on_domain (a migration does not import the app).
    host = email.rsplit("@", 1)[1].lower().rstrip(".")
    domain = domain.lower().rstrip(".")
    return host == domain or host.endswith("." + domain)


def _verify_existing_endorsements() -> None:
    """Until now only the organization carried the mark: give it to each confirmed
    endorsement whose own contact address is on the organization's domain."""
    bind = op.get_bind()
    rows = bind.execute(
        sa.text(
            "SELECT e.id, e.contact_email, o.website_domain FROM endorsements e "
            "JOIN organizations o ON o.id = e.organization_id "
            "WHERE o.domain_verified_at IS NOT NULL AND o.website_domain IS NOT NULL "
            "AND e.contact_email LIKE '%@%' AND e.submitted_at IS NOT NULL"
        )
    ).all()
    for row in rows:
        if _on_domain(row.contact_email, row.website_domain):
            bind.execute(
                sa.text("UPDATE endorsements SET domain_verified_at = submitted_at WHERE id = :id"),
                {"id": row.id},
            )


def downgrade():
    # The old constraint allows one row per (appeal, organization): refuse rather than delete
    # someone's submission.
    rivals = (
        op.get_bind()
        .execute(
            sa.text(
                "SELECT count(*) FROM (SELECT 1 FROM endorsements "
                "GROUP BY appeal_id, organization_id HAVING count(*) > 1) AS pairs"
            )
        )
        .scalar()
    )
    if rivals:
        raise RuntimeError(
            f"{rivals} organization(s) have several endorsements of one appeal: keep one of "
            "each (delete the others) before downgrading"
        )
    with op.batch_alter_table("endorsements", schema=None) as batch_op:
        batch_op.drop_constraint("ck_endorsements_approved_slot_matches", type_="check")
        batch_op.drop_constraint(
            "uq_endorsements_appeal_id_organization_id_approved_slot", type_="unique"
        )
        batch_op.create_unique_constraint(
            "uq_endorsements_appeal_id_organization_id", ["appeal_id", "organization_id"]
        )
        batch_op.drop_column("approved_slot")
        batch_op.drop_column("domain_verified_at")
