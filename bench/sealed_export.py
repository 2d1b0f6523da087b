"""Sealed vs plain `flask export signatures` at N confirmed signatures (default 1,000,000):
wall seconds and peak RSS of each, on SQLite. Prints its figures; docs/performance.md keeps
them. Usage: .venv/bin/python -m bench.sealed_export [--rows N]"""

from __future__ import annotations

import argparse
import os
import sqlite3
import subprocess
import tempfile
import time
from pathlib import Path

from bench.run import BIN, BULK_SIGNATURES, ROOT, SLUG, base_env, flask, tree_rss


def run(env: dict, *args: str) -> tuple[float, int]:
    """Wall seconds and peak RSS of one `flask ...` command, its output thrown away."""
    with open(os.devnull, "wb") as devnull:
        t0 = time.perf_counter()
        proc = subprocess.Popen([str(BIN / "flask"), "--app", "app", *args], cwd=ROOT, env=env,
                                stdout=devnull)  # fmt: skip
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
        print(f"{rows:,} signatures")
        print(f"  plain CSV to stdout: {plain_s:.1f} s, peak RSS {plain_rss / 2**20:.0f} MB")
        print(
            f"  sealed (age) file:   {sealed_s:.1f} s, peak RSS {sealed_rss / 2**20:.0f} MB, "
            f"{out.stat().st_size / 2**20:.0f} MB"
        )


if __name__ == "__main__":
    main()
