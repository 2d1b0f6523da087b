"""Dashboard timing at 1,000,000 signatures (SQLite).

Bulk-loads N confirmed signatures of one appeal (spread over the last 60 days, skewed over
countries and share channels like a real campaign) with SQL (a recursive CTE, no HTTP), folds
them into signature_hourly and the counters the way the services keep them, then times the
admin dashboard, the appeal's stats page, stats.json and the appeal page through the test
client as a logged-in admin: median of several requests each. Prints the figures.

    python bench/dashboard.py [--signatures 1000000] [--repeat 7]
"""

from __future__ import annotations

import argparse
import datetime as dt
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import sqlalchemy as sa

from campaign import create_app
from campaign.core.extensions import db

PASSWORD = "bench-password-123"  # noqa: S105 - a throwaway database
#: Countries by weight out of 100 (a few dominate, a long tail of small ones).
COUNTRIES = [("KG", 55), ("KZ", 15), ("RU", 8), ("DE", 5), ("US", 4), ("TR", 3), ("UZ", 3),
             ("FR", 2), ("GB", 2), ("PL", 1), ("CZ", 1), ("IS", 1)]  # fmt: skip
REFS = [(None, 4), ("telegram", 3), ("whatsapp", 1), ("facebook", 1), ("x", 1)]


def _case(expr: str, choices) -> str:
    parts, upto = [], 0
    for value, weight in choices:
        upto += weight
        literal = "NULL" if value is None else f"'{value}'"
        parts.append(f"WHEN {expr} < {upto} THEN {literal}")
    return "CASE " + " ".join(parts) + " END"


def load(n: int, appeal_id: int, start: dt.datetime, span_seconds: int) -> None:
    """N confirmed signatures spread evenly over [start, start + span), then the rollup."""
    base = start.replace(tzinfo=None).isoformat(sep=" ")
    offset = f"'+' || (n * {span_seconds} / {n}) || ' seconds'"
    stamp = f"strftime('%Y-%m-%d %H:%M:%S.000000', '{base}', {offset})"
    country = _case("((n * 7919) % 100)", COUNTRIES)
    ref = _case("((n * 104729) % 10)", REFS)
    db.session.execute(
        sa.text(
            f"""
            WITH RECURSIVE seq(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM seq WHERE n < {n})
            INSERT INTO signatures (appeal_id, name, email, email_key, country, public_name,
                wants_updates, language, state, confirmed_at, created_at, ref, mails_sent)
            SELECT {appeal_id}, 'Signer ' || n, 's' || n || '@example.org',
                's' || n || '@example.org', {country}, 1, 0, 'en', 'confirmed', {stamp},
                {stamp}, {ref}, 1
            FROM seq
            """
        )
    )
    db.session.execute(
        sa.text(
            f"""
            INSERT INTO signature_hourly (appeal_id, hour, country, ref, shard, count)
            SELECT appeal_id, strftime('%Y-%m-%d %H:00:00.000000', confirmed_at), country,
                COALESCE(ref, ''), 0, COUNT(*)
            FROM signatures WHERE appeal_id = {appeal_id} AND state = 'confirmed'
            GROUP BY 1, 2, 3, 4
            """
        )
    )
    db.session.execute(
        sa.text(
            f"INSERT INTO signature_counters (appeal_id, shard, count) VALUES ({appeal_id}, 0, {n})"
        )
    )
    db.session.commit()


def timed(client, url: str, repeat: int) -> tuple[float, float, int]:
    """(median ms, min ms, bytes) over `repeat` requests after one warm-up."""
    response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        response = client.get(url)
        times.append((time.perf_counter() - t0) * 1000)
        assert response.status_code == 200
    return statistics.median(times), min(times), len(response.data)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--signatures", type=int, default=1_000_000)
    parser.add_argument("--repeat", type=int, default=7)
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as tmp:
        url = f"sqlite:///{tmp}/bench.db"
        app = create_app("testing", SQLALCHEMY_DATABASE_URI=url, RATELIMIT_ENABLED=False)
        with app.app_context():
            from flask_migrate import upgrade

            from campaign.accounts.services import create_user
            from campaign.appeals.services import (
                DemandInput,
                TargetInput,
                create_appeal,
                publish_appeal,
            )
            from campaign.authorities.services import create_authority
            from campaign.core.limits import APPEAL_BODY_MAX
            from campaign.core.markdown_fields import render

            upgrade()
            body = render("Text.", field="body", max_length=APPEAL_BODY_MAX)
            admin = create_user("admin@example.org", PASSWORD, "admin")
            authority = create_authority(None, name="Ministry of Justice")
            appeal = create_appeal(
                None,
                title="A viral appeal",
                summary="One million signers.",
                body=body,
                timezone="Asia/Bishkek",
                demands=[DemandInput(f"Demand {i}", [TargetInput(authority)]) for i in (1, 2, 3)],
            )
            publish_appeal(None, appeal)
            now = dt.datetime.now(dt.UTC)
            appeal.published_at = now - dt.timedelta(days=60)
            db.session.commit()

            t0 = time.perf_counter()
            load(args.signatures, appeal.id, appeal.published_at, 60 * 86400)
            load_s = time.perf_counter() - t0
            rollup_rows = db.session.execute(
                sa.text("SELECT COUNT(*) FROM signature_hourly")
            ).scalar_one()
            t0 = time.perf_counter()
            db.session.execute(
                sa.text(
                    "SELECT COUNT(*) FROM signatures WHERE appeal_id = :a AND state = 'confirmed'"
                ),
                {"a": appeal.id},
            ).scalar_one()
            scan_ms = (time.perf_counter() - t0) * 1000
            slug, email = appeal.slug, admin.email
            db.session.remove()

            client = app.test_client()
            response = client.post("/admin/login", data={"email": email, "password": PASSWORD})
            assert response.status_code == 302, response.status_code
            print(f"signatures loaded:        {args.signatures:,} in {load_s:.1f} s (SQL, no HTTP)")
            print(f"signature_hourly rows:    {rollup_rows:,}")
            print(f"one COUNT(*) over them:   {scan_ms:.0f} ms (what a page must never do)")
            print(f"median of {args.repeat} requests (min), response size:")
            for name, path in (
                ("admin dashboard", "/admin/"),
                ("appeal stats page", f"/admin/appeals/{slug}/stats"),
                ("stats.json", f"/appeals/{slug}/stats.json"),
                ("stats.csv", f"/appeals/{slug}/stats.csv"),
                ("public appeal page", f"/appeals/{slug}"),
            ):
                median, fastest, size = timed(client, path, args.repeat)
                print(f"  {name:<20} {median:7.1f} ms  ({fastest:.1f})  {size:,} bytes")
            db.session.remove()
            db.engine.dispose()


if __name__ == "__main__":
    main()
