"""How long an emergency erase takes on an appeal with 1,000,000 signatures (SQLite).

Builds a fresh database under a temporary directory, bulk-inserts the signatures (sealed
values like signing writes, a unique keyed email hash each), then times the two steps of
`flask privacy shred` separately: destroying the appeal's data key (what protects), and
blanking the rows (the clean-up that may follow), and prints the figures.

Run: .venv/bin/python bench/shred.py [--signatures N]  (about a minute for 1,000,000)."""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import sqlalchemy as sa

from campaign import create_app
from campaign.core.extensions import db

CHUNK = 20_000


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--signatures", type=int, default=1_000_000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="answerable-shred-") as tmp:
        url = f"sqlite:///{Path(tmp) / 'answerable.db'}"
        app = create_app(
            "production",
            SECRET_KEY="bench-" * 8,
            SQLALCHEMY_DATABASE_URI=url,
            DATA_KEY_FILE=str(_key_file(Path(tmp))),
            MIGRATIONS=True,
        )
        with app.app_context():
            from flask_migrate import upgrade

            upgrade()
            appeal_id = _appeal()
            started = time.perf_counter()
            _fill(appeal_id, args.signatures)
            built = time.perf_counter() - started
            size = Path(tmp, "answerable.db").stat().st_size
            print(f"built {args.signatures:,} signatures in {built:.1f} s ({size / 1e6:.0f} MB)")
            _shred(appeal_id, args.signatures)


def _key_file(directory: Path) -> Path:
    from campaign.core.datakeys import create_key_file

    path = directory / "data.key"
    create_key_file(path)
    return path


def _appeal() -> int:
    now = "2026-01-01 00:00:00"
    db.session.execute(
        sa.text(
            "INSERT INTO appeals (id, slug, title, summary, body, body_html, language, timezone,"
            " state, published_at, delivery_note, endorsement_count, updated_at, created_at)"
            " VALUES (1, 'bench', 'Bench', '', '', '', 'en', 'UTC', 'published', :now, '', 0,"
            " :now, :now)"
        ),
        {"now": now},
    )
    db.session.commit()
    return 1


def _fill(appeal_id: int, count: int) -> None:
    """Bulk INSERTs of rows shaped like signing's (sealed email, city and anonymous name;
    keyed hashes), a few distinct sealed values reused: the shred, not sealing, is timed."""
    from campaign.core.datakeys import appeal_hash, ip_key, seal

    emails = [seal(appeal_id, "signature.email", f"s{i}@example.org") for i in range(100)]
    cities = [seal(appeal_id, "signature.city", f"City {i}") for i in range(100)]
    names = [seal(appeal_id, "signature.name", f"Signer {i}") for i in range(100)]
    domain = appeal_hash(appeal_id, "signature-domain", "example.org")
    address_key = ip_key("198.51.100.1")
    db.session.commit()
    insert = sa.text(
        "INSERT INTO signatures (appeal_id, name, sealed_name, email, email_key, domain_key,"
        " country, city, public_name, wants_updates, language, state, confirmed_at, ip_key,"
        " mails_sent, created_at) VALUES (:a, :shown, :name, :email, :key, :domain, 'KG',"
        " :city, :public, :updates, 'en', 'confirmed', :now, :ip, 1, :now)"
    )
    now = "2026-01-02 00:00:00"
    for start in range(0, count, CHUNK):
        rows = []
        for i in range(start, min(start + CHUNK, count)):
            public = i % 3 == 0
            rows.append(
                {
                    "a": appeal_id,
                    "shown": f"Signer {i}" if public else None,
                    "name": None if public else names[i % 100],
                    "email": emails[i % 100] if i % 2 else None,
                    "key": f"{i:064x}",
                    "domain": domain,
                    "city": cities[i % 100],
                    "public": public,
                    "updates": bool(i % 2),
                    "now": now,
                    "ip": address_key,
                }
            )
        db.session.execute(insert, rows)
        db.session.commit()


def _shred(appeal_id: int, count: int) -> None:
    from campaign.appeals.models import Appeal
    from campaign.privacy.shred import clean_rows, destroy_keys

    appeal = db.session.get(Appeal, appeal_id)
    started = time.perf_counter()
    destroy_keys(None, [appeal])
    db.session.commit()
    destroyed = time.perf_counter() - started
    print(f"key destruction: {destroyed * 1000:.1f} ms (the data are unreadable from here)")
    started = time.perf_counter()
    cleaned = clean_rows([appeal_id])
    blanked = time.perf_counter() - started
    print(
        f"row clean-up: {cleaned.signatures:,} signatures in {blanked:.1f} s "
        f"({cleaned.batches} batches, {count / blanked:,.0f} rows/s), WAL checkpointed"
    )
    left = db.session.execute(
        sa.text("SELECT count(*) FROM signatures WHERE email IS NOT NULL OR email_key IS NOT NULL")
    ).scalar()
    print(f"rows still holding an address or hash: {left}")


if __name__ == "__main__":
    main()
