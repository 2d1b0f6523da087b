"""Profile the hot paths in one process: the appeal page GET and a signer's flow (GET for the
cookie and CSRF token, then the signing POST), as the load generator drives them, on a fresh
SQLite database with the demo appeal. Prints where the time went (pyinstrument).

  .venv/bin/pip install pyinstrument
  .venv/bin/python bench/profile_paths.py [--flows 300] [--path sign|page] [--html out.html]

The production config is used (APP_ENV=production, rate limits on) so the profile shows what
gunicorn's workers run, minus the network."""

from __future__ import annotations

import argparse
import os
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SLUG = "stop-the-pressure-on-kloop"
TOKEN = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')


def _key_file(tmp: Path) -> str:
    """A throwaway master key file (production refuses to start without DATA_KEY_FILE)."""
    sys.path.insert(0, str(ROOT))
    from campaign.core.datakeys import create_key_file

    create_key_file(tmp / "data.key")
    return str(tmp / "data.key")


def prepare(tmp: Path) -> dict[str, str]:
    env = dict(
        os.environ,
        DATABASE_URL=f"sqlite:///{tmp / 'profile.db'}",
        APP_ENV="production",
        DATA_KEY_FILE=_key_file(tmp),
        SECRET_KEY="profile-secret-not-for-production",  # noqa: S106 - throwaway key
        TRUSTED_PROXIES="1",
        RATELIMIT_ENABLED="1",
        SIGN_RATE_LIMIT="10/minute;100/hour",
        BASE_URL="http://127.0.0.1",
    )
    flask = [str(Path(sys.executable).parent / "flask"), "--app", "app"]
    for args in (("db", "upgrade"), ("demo", "load")):
        subprocess.run([*flask, *args], cwd=ROOT, env=env, check=True, capture_output=True)
    return env


def page(client) -> None:
    response = client.get(f"/appeals/{SLUG}")
    assert response.status_code == 200, response.status_code


def sign(client, n: int) -> None:
    address = f"10.{n // 65536 % 256}.{n // 256 % 256}.{n % 256}"
    response = client.get(f"/appeals/{SLUG}", headers={"X-Forwarded-For": address})
    token = TOKEN.search(response.get_data(as_text=True)).group(1)
    response = client.post(
        f"/appeals/{SLUG}/sign",
        data={
            "csrf_token": token,
            "name": f"Signer {n}",
            "email": f"profile{n}-{time.time_ns()}@example.org",
            "country": "KG",
            "city": "",
            "public_name": "y",
            "website": "",
        },
        headers={"X-Forwarded-For": address},
    )
    assert response.status_code == 303, (response.status_code, response.get_data()[:500])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--flows", type=int, default=300)
    parser.add_argument("--path", choices=("sign", "page"), default="sign")
    parser.add_argument("--html")
    args = parser.parse_args()
    from pyinstrument import Profiler

    with tempfile.TemporaryDirectory() as tmpdir:
        os.environ.update(prepare(Path(tmpdir)))
        sys.path.insert(0, str(ROOT))
        from app import create_app

        app = create_app()
        run = page if args.path == "page" else sign
        for n in range(20):  # warm caches, templates and the pool
            run(app.test_client()) if run is page else run(app.test_client(), 10_000 + n)
        cpu0 = time.process_time()
        for n in range(args.flows):  # unprofiled: the CPU time per flow
            client = app.test_client()
            run(client) if run is page else run(client, 100_000 + n)
        cpu = (time.process_time() - cpu0) / args.flows * 1000
        print(f"{args.flows} {args.path} flows without the profiler: {cpu:.2f} ms CPU each")
        profiler = Profiler(interval=0.0005)
        t0 = time.perf_counter()
        with profiler:
            for n in range(args.flows):
                client = app.test_client()
                run(client) if run is page else run(client, n)
        took = time.perf_counter() - t0
        each = took / args.flows * 1000
        print(f"{args.flows} {args.path} flows in {took:.2f} s: {each:.2f} ms each")
        if args.html:
            Path(args.html).write_text(profiler.output_html())
        print(profiler.output_text(unicode=False, color=False, show_all=False))


if __name__ == "__main__":
    main()
