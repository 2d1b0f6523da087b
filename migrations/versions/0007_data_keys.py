"""data keys: per-appeal keys wrapped by a master key; personal data sealed or erased

Revision ID: 0007_data_keys
Revises: 0006_endorsement_rivals
Create Date: 2026-12-06 15:00:00

New tables `appeal_keys` (each appeal's data key, wrapped by the master key in DATA_KEY_FILE)
and `ip_day_keys` (the key of the UTC day IP addresses are hashed under). Personal data that
must be kept is sealed with the appeal's key (campaign.core.datakeys):

- signatures: email (kept only while pending or for a signer who wants updates; erased here
  for the others), city, and the name of a signer who did not choose to show it (moved to
  `sealed_name`); email_key (the plaintext canonical address until now) becomes a keyed
  hash of it, `domain_key` a keyed hash of the domain; old IP keys (made with SECRET_KEY)
  are erased.
- endorsements: contact_email sealed, `contact_key` its keyed hash; old IP keys erased.
- outbox: mail already sent or given up is blanked (unsent mail waits to go as it is).

The master key file is read (or made, when missing) from the app's DATA_KEY_FILE. The sealing
format is written out here rather than imported, so this migration keeps working whatever
the app's code becomes; tests/privacy/test_migration.py reads the result through the app.
Only the canonical form of an address is imported (campaign.signatures.canonical, a pure
function): the duplicate key must be the one signing computes.

Downgrade drops the new tables and columns; sealed values stay sealed (unreadable without
this revision's code), erased ones stay erased.
"""

import base64
import hashlib
import hmac
import os
import secrets
from pathlib import Path

import sqlalchemy as sa
from alembic import op

revision = "0007_data_keys"
down_revision = "0006_endorsement_rivals"
branch_labels = None
depends_on = None

BATCH = 1000


def upgrade():
    op.create_table(
        "appeal_keys",
        sa.Column("appeal_id", sa.Integer(), nullable=False),
        sa.Column("wrapped_key", sa.LargeBinary(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("destroyed_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["appeal_id"],
            ["appeals.id"],
            name="fk_appeal_keys_appeal_id_appeals",
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("appeal_id", name="pk_appeal_keys"),
    )
    op.create_table(
        "ip_day_keys",
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("wrapped_key", sa.LargeBinary(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("day", name="pk_ip_day_keys"),
    )
    with op.batch_alter_table("signatures", schema=None) as batch_op:
        batch_op.add_column(sa.Column("sealed_name", sa.Text(), nullable=True))
        batch_op.add_column(sa.Column("domain_key", sa.String(length=64), nullable=True))
        batch_op.alter_column("email", type_=sa.Text(), existing_type=sa.String(length=320))
        batch_op.alter_column("city", type_=sa.Text(), existing_type=sa.String(length=120))
    with op.batch_alter_table("endorsements", schema=None) as batch_op:
        batch_op.add_column(sa.Column("contact_key", sa.String(length=64), nullable=True))
        batch_op.alter_column(
            "contact_email", type_=sa.Text(), existing_type=sa.String(length=320)
        )
    with op.batch_alter_table("outbox_messages", schema=None) as batch_op:
        batch_op.add_column(sa.Column("appeal_id", sa.Integer(), nullable=True))
        batch_op.create_index("ix_outbox_messages_appeal_id", ["appeal_id"], unique=False)
        batch_op.alter_column(
            "to", type_=sa.Text(), existing_type=sa.String(length=320), existing_nullable=False
        )
    _seal_existing_data()


def downgrade():
    with op.batch_alter_table("outbox_messages", schema=None) as batch_op:
        batch_op.drop_index("ix_outbox_messages_appeal_id")
        batch_op.drop_column("appeal_id")
    with op.batch_alter_table("endorsements", schema=None) as batch_op:
        batch_op.drop_column("contact_key")
    with op.batch_alter_table("signatures", schema=None) as batch_op:
        batch_op.drop_column("domain_key")
        batch_op.drop_column("sealed_name")
    op.drop_table("ip_day_keys")
    op.drop_table("appeal_keys")


# --- sealing what is there -------------------------------------------------------------------


class _Keys:
    """The format of campaign.core.datakeys (version 1), written out for this migration."""

    def __init__(self, master: bytes):
        from cryptography.hazmat.primitives.ciphers.aead import AESGCM

        self._aesgcm = AESGCM
        self.master = AESGCM(master)
        self.appeals: dict[int, bytes] = {}

    def for_appeal(self, bind, appeal_id: int) -> bytes:
        if appeal_id not in self.appeals:
            key = secrets.token_bytes(32)
            nonce = secrets.token_bytes(12)
            label = f"answerable:appeal-key:{appeal_id}".encode()
            wrapped = nonce + self.master.encrypt(nonce, key, label)
            bind.execute(
                sa.text(
                    "INSERT INTO appeal_keys (appeal_id, wrapped_key, created_at) "
                    "VALUES (:a, :w, CURRENT_TIMESTAMP)"
                ),
                {"a": appeal_id, "w": wrapped},
            )
            self.appeals[appeal_id] = key
        return self.appeals[appeal_id]

    def seal(self, bind, appeal_id: int, field: str, value):
        if value is None:
            return None
        nonce = secrets.token_bytes(12)
        associated = f"answerable:{appeal_id}:{field}".encode()
        sealed = self._aesgcm(self.for_appeal(bind, appeal_id)).encrypt(
            nonce, value.encode(), associated
        )
        return "enc1:" + base64.urlsafe_b64encode(nonce + sealed).decode()

    def hash(self, bind, appeal_id: int, purpose: str, value: str) -> str:
        from cryptography.hazmat.primitives import hashes
        from cryptography.hazmat.primitives.kdf.hkdf import HKDF

        derived = HKDF(
            algorithm=hashes.SHA256(), length=32, salt=None, info=f"answerable:{purpose}".encode()
        ).derive(self.for_appeal(bind, appeal_id))
        return hmac.new(derived, value.encode(), hashlib.sha256).hexdigest()


def _master_key() -> bytes:
    from flask import current_app

    path = Path(current_app.config.get("DATA_KEY_FILE") or "instance/data.key")
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as out:
            out.write(base64.urlsafe_b64encode(secrets.token_bytes(32)).decode() + "\n")
    key = base64.urlsafe_b64decode(path.read_text().strip().encode())
    if len(key) != 32:
        raise RuntimeError(f"the master key file {path} does not hold a 256-bit key")
    return key


def _seal_existing_data() -> None:
    bind = op.get_bind()
    has_signatures = bind.execute(
        sa.text(
            "SELECT 1 FROM signatures WHERE email IS NOT NULL OR city IS NOT NULL "
            "OR email_key IS NOT NULL OR (name IS NOT NULL AND NOT public_name) LIMIT 1"
        )
    ).first()
    has_endorsements = bind.execute(
        sa.text("SELECT 1 FROM endorsements WHERE contact_email IS NOT NULL LIMIT 1")
    ).first()
    keys = _Keys(_master_key()) if has_signatures or has_endorsements else None
    if has_signatures:
        _seal_signatures(bind, keys)
    if has_endorsements:
        _seal_endorsements(bind, keys)
    bind.execute(sa.text("UPDATE signatures SET ip_key = NULL WHERE ip_key IS NOT NULL"))
    bind.execute(sa.text("UPDATE endorsements SET ip_key = NULL WHERE ip_key IS NOT NULL"))
    bind.execute(
        sa.text(
            "UPDATE outbox_messages SET \"to\" = '', subject = '', text = '', html = NULL, "
            "context = NULL, headers = NULL, last_error = NULL "
            "WHERE \"to\" <> '' AND (sent_at IS NOT NULL OR failed_at IS NOT NULL)"
        )
    )


def _seal_signatures(bind, keys: _Keys) -> None:
    from campaign.signatures.canonical import canonical_email

    last = 0
    while True:
        rows = bind.execute(
            sa.text(
                "SELECT id, appeal_id, name, email, email_key, city, public_name, state, "
                "wants_updates FROM signatures WHERE id > :last AND (email IS NOT NULL OR "
                "city IS NOT NULL OR email_key IS NOT NULL OR (name IS NOT NULL AND NOT "
                "public_name)) ORDER BY id LIMIT :n"
            ),
            {"last": last, "n": BATCH},
        ).all()
        if not rows:
            return
        for row in rows:
            a = row.appeal_id
            address = row.email
            canonical = canonical_email(address) if address else row.email_key
            keep_email = address and (row.state == "pending" or row.wants_updates)
            domain = address.rsplit("@", 1)[-1].strip().lower().rstrip(".") if address else None
            anonymous = not row.public_name
            bind.execute(
                sa.text(
                    "UPDATE signatures SET email = :email, email_key = :email_key, "
                    "domain_key = :domain_key, city = :city, name = :name, "
                    "sealed_name = :sealed_name WHERE id = :id"
                ),
                {
                    "id": row.id,
                    "email": keys.seal(bind, a, "signature.email", address)
                    if keep_email
                    else None,
                    "email_key": keys.hash(bind, a, "signature-email", canonical)
                    if canonical
                    else None,
                    "domain_key": keys.hash(bind, a, "signature-domain", domain)
                    if domain
                    else None,
                    "city": keys.seal(bind, a, "signature.city", row.city),
                    "name": None if anonymous else row.name,
                    "sealed_name": keys.seal(bind, a, "signature.name", row.name)
                    if anonymous
                    else None,
                },
            )
        last = rows[-1].id


def _seal_endorsements(bind, keys: _Keys) -> None:
    rows = bind.execute(
        sa.text(
            "SELECT id, appeal_id, contact_email FROM endorsements "
            "WHERE contact_email IS NOT NULL ORDER BY id"
        )
    ).all()
    for row in rows:
        bind.execute(
            sa.text("UPDATE endorsements SET contact_email = :c, contact_key = :k WHERE id = :id"),
            {
                "id": row.id,
                "c": keys.seal(bind, row.appeal_id, "endorsement.contact_email", row.contact_email),
                "k": keys.hash(
                    bind, row.appeal_id, "endorsement-email", row.contact_email.strip().lower()
                ),
            },
        )
