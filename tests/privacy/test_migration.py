"""Migration 0007 seals the personal data of an existing database: a database at 0006 with
plaintext addresses, names, cities, canonical email keys and IP keys comes out with none of
them in its file, and the app reads back what it must keep."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
import sqlalchemy as sa
from flask_migrate import upgrade

from campaign.core.engine import checkpoint_wal
from campaign.core.extensions import db
from campaign.endorsements.models import Endorsement
from campaign.signatures.models import Signature
from campaign.signatures.services import email_key
from tests.migration_support import run_sql as _run
from tests.migration_support import unmigrated_app

BEFORE = "0006_endorsement_rivals"
NOW = "2026-01-01 00:00:00"
PLAINTEXT = [
    "keeps.zq8@example.org",
    "quiet.zq8@example.org",
    "pending.zq8@example.org",
    "Zq8hidden Signer",
    "Zq8cityname",
    "press.zq8@media.example",
    "sent.zq8@example.org",
    "9f1c0ffee0ld1pk3y",
]


@pytest.fixture
def migrating_app(tmp_path):
    with unmigrated_app(
        tmp_path, "datakeys", DATA_KEY_FILE=str(tmp_path / "keys" / "data.key")
    ) as app:
        yield app


def _signature(id_, email, key, name, public, state, updates, city=None):
    _run(
        "INSERT INTO signatures (id, appeal_id, name, email, email_key, country, city,"
        " public_name, wants_updates, language, state, confirmed_at, ip_key, mails_sent,"
        " created_at) VALUES (:id, 1, :name, :email, :key, 'KG', :city, :public, :updates,"
        " 'en', :state, :confirmed, '9f1c0ffee0ld1pk3y', 1, :now)",
        id=id_, name=name, email=email, key=key, city=city, public=public, updates=updates,
        state=state, confirmed=NOW if state == "confirmed" else None, now=NOW,
    )  # fmt: skip


def test_upgrade_seals_or_erases_every_plaintext_value(migrating_app):
    upgrade(revision=BEFORE)
    _run(
        "INSERT INTO appeals (id, slug, title, summary, body, body_html, language, timezone,"
        " state, published_at, delivery_note, endorsement_count, updated_at, created_at)"
        " VALUES (1, 'a', 'T', '', '', '', 'en', 'UTC', 'published', :now, '', 0, :now, :now)",
        now=NOW,
    )
    _signature(1, "Keeps.zq8@example.org", "keeps.zq8@example.org", "Shown Name", True,
               "confirmed", True, city="Zq8cityname")  # fmt: skip
    _signature(2, "quiet.zq8@example.org", "quiet.zq8@example.org", "Zq8hidden Signer", False,
               "confirmed", False)  # fmt: skip
    _signature(3, "pending.zq8@example.org", "pending.zq8@example.org", "P", True, "pending",
               False)  # fmt: skip
    _run(
        "INSERT INTO organizations (id, slug, name, name_key, kind, created_at)"
        " VALUES (1, 'media', 'Media', 'media', 'media', :now)",
        now=NOW,
    )
    _run(
        "INSERT INTO endorsements (id, appeal_id, organization_id, signatory_name,"
        " signatory_role, contact_email, comment, state, is_initiator, wants_updates, language,"
        " mails_sent, ip_key, created_at) VALUES (1, 1, 1, 'Editor', '',"
        " 'press.zq8@media.example', '', 'pending', false, true, 'en', 1, '9f1c0ffee0ld1pk3y',"
        " :now)",
        now=NOW,
    )
    _run(
        'INSERT INTO outbox_messages ("to", subject, text, kind, attempts, next_attempt_at,'
        " sent_at, created_at) VALUES ('sent.zq8@example.org', 'Hi Zq8hidden Signer',"
        " 'Dear Zq8hidden Signer', 'signature-confirm', 1, :now, :now, :now)",
        now=NOW,
    )

    upgrade()
    db.session.remove()

    keeps, quiet, pending = db.session.execute(
        sa.select(Signature).order_by(Signature.id)
    ).scalars()
    assert keeps.email == "Keeps.zq8@example.org" and keeps.city == "Zq8cityname"
    assert keeps.shown_name == "Shown Name" and keeps.ip_key is None
    assert keeps.email_key == email_key(1, "keeps.zq8@example.org")
    assert quiet.sealed_email is None  # confirmed without asking for updates: not kept
    assert quiet.email_key == email_key(1, "quiet.zq8@example.org")
    assert quiet.shown_name is None and quiet.name == "Zq8hidden Signer"
    assert pending.email == "pending.zq8@example.org"
    endorsement = db.session.execute(sa.select(Endorsement)).unique().scalar_one()
    assert endorsement.contact_email == "press.zq8@media.example" and endorsement.ip_key is None
    from campaign.endorsements.queries import pending_from

    assert pending_from(endorsement.appeal, endorsement.organization, "PRESS.zq8@media.example")

    rows = _run("SELECT name, email, email_key, city FROM signatures").all()
    rows += _run(
        "SELECT contact_email, contact_key, ip_key, signatory_name FROM endorsements"
    ).all()
    rows += _run('SELECT "to", subject, text, html FROM outbox_messages').all()
    stored = " ".join(str(value) for row in rows for value in row).lower()
    for value in PLAINTEXT:
        assert value.lower() not in stored

    db.session.remove()
    url = db.engine.url
    if url.get_backend_name() == "sqlite":
        checkpoint_wal()  # as `flask privacy purge` does after an upgrade (README)
        db.engine.dispose()
        for suffix in ("", "-wal", "-shm"):
            path = url.database + suffix
            if os.path.exists(path):
                data = Path(path).read_bytes().lower()
                for value in PLAINTEXT:
                    assert value.lower().encode() not in data, (value, suffix)
