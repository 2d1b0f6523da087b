"""Sealed vs plain `flask export signatures` at N confirmed signatures (default 1,000,000),
and the admin download's streamed sealing (`seal_chunks`): wall seconds and peak RSS of each,
on SQLite. Prints its figures; docs/performance.md keeps
them. Usage: .venv/bin/python -m bench.sealed_export [--rows N]"""

from __future__ import annotations

import argparse
import os
import sqlite3
import subprocess
import tempfile
import time
from pathlib import Path

from bench.run import BIN, BULK_SIGNATURES, PY, ROOT, SLUG, base_env, flask, tree_rss

#: The admin download's pipeline without HTTP: the export's text through seal_chunks.
STREAMED = """
import sys
from app import app
from campaign.appeals.queries import get_appeal_by_slug
from campaign.core.engine import reads_before_writes
from campaign.privacy.sealing import seal_chunks
from campaign.signatures.export import appeal_signatures, signature_csv
with app.app_context(), reads_before_writes():
    appeal = get_appeal_by_slug(sys.argv[1])
    lines = signature_csv(appeal_signatures(appeal.id))
    size = sum(map(len, seal_chunks(lines, sys.argv[2])))
print(size)
"""


def run(env: dict, *args: str, command: tuple[str, ...] | None = None) -> tuple[float, int]:
    """Wall seconds and peak RSS of one `flask ...` command, its output thrown away."""
    command = command or (str(BIN / "flask"), "--app", "app")
    with open(os.devnull, "wb") as devnull:
        t0 = time.perf_counter()
        proc = subprocess.Popen([*command, *args], cwd=ROOT, env=env, stdout=devnull)
        peak = 0
        while proc.poll() is None:
            peak = max(peak, tree_rss(proc.pid))
            time.sleep(0.02)
        elapsed = time.perf_counter() - t0
    if proc.returncode:
        raise RuntimeError(f"flask {' '.join(args)} failed")
    return elapsed, peak


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    rows = parser.parse_args().rows
    from campaign.privacy.sealing import generate_keypair

    public, _secret = generate_keypair()
    with tempfile.TemporaryDirectory() as tmp:
        db = Path(tmp) / "export.db"
        env = base_env(DATABASE_URL=f"sqlite:///{db}")
        flask(env, "db", "upgrade")
        flask(env, "demo", "load")
        with sqlite3.connect(db) as conn:
            appeal = conn.execute("SELECT id FROM appeals WHERE slug = ?", (SLUG,)).fetchone()[0]
            sql = BULK_SIGNATURES.replace(":n", str(rows)).replace(":appeal", str(appeal))
            conn.execute(sql.replace(":at", "'2026-01-01 00:00:00.000000'"))
        sqlite3.connect(db).execute("PRAGMA wal_checkpoint(TRUNCATE)").close()
        out = Path(tmp) / "signatures.csv.age"
        plain_s, plain_rss = run(env, "export", "signatures", SLUG)
        sealed_s, sealed_rss = run(
            env, "export", "signatures", SLUG, "--seal-to", public, "--out", str(out)
        )
        streamed_s, streamed_rss = run(env, "-c", STREAMED, SLUG, public, command=(PY,))
        print(f"{rows:,} signatures")
        print(f"  plain CSV to stdout: {plain_s:.1f} s, peak RSS {plain_rss / 2**20:.0f} MB")
        print(
            f"  sealed (age) file:   {sealed_s:.1f} s, peak RSS {sealed_rss / 2**20:.0f} MB, "
            f"{out.stat().st_size / 2**20:.0f} MB"
        )
        print(f"  streamed sealing (admin download's path): {streamed_s:.1f} s, "
              f"peak RSS {streamed_rss / 2**20:.0f} MB")  # fmt: skip


if __name__ == "__main__":
    main()
