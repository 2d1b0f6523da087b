"""Signing while an editor saves worst-case Markdown, against signing alone.

Runs Answerable as production runs it (gunicorn -c gunicorn.conf.py, 2 workers x 4 threads, no
control socket) on SQLite with the demo appeal, then:

1. times --saves ordinary saves of the demo appeal's body through the API, one at a time (each
   a different text, so none is served from the renderer's per-process cache);
2. measures signers (bench/loadgen.py in sign mode: the page, then the form) for --seconds;
3. measures them again while --editors clients save a body that takes seconds to render
   ("[" * --worst) through `PATCH /api/v1/appeals/<slug>`, over and over.

It prints the signers' throughput, p50/p99 latency and statuses for both phases, and what
the saves answered and how long each took. `--checkout PATH` runs another checkout's code
under the same load (e.g. one from before bodies were rendered on save), for comparison.
Loopback only; the database lives in a temporary directory.

    .venv/bin/python bench/markdown_lock.py [--seconds 20] [--clients 8] [--editors 1]
"""

from __future__ import annotations

import argparse
import http.client
import json
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench import run  # the benchmark's environment, ports and load generator

SLUG = run.SLUG
EDITOR = "editor@example.org"


class Site:
    """gunicorn for one checkout, on a free port."""

    def __init__(self, checkout: Path, env: dict, log: Path):
        self.port = run.free_port()
        env = dict(env, GUNICORN_BIND=f"127.0.0.1:{self.port}", GUNICORN_WORKERS="2")
        env["GUNICORN_THREADS"] = "4"
        self.log = log.open("w")
        self.proc = subprocess.Popen(
            [str(run.BIN / "gunicorn"), "-c", str(checkout / "gunicorn.conf.py"),
             "--no-control-socket", "app:app"],
            cwd=checkout, env=env, stdout=subprocess.DEVNULL, stderr=self.log,
        )  # fmt: skip

    def wait(self, timeout: float = 60) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError("gunicorn exited; see its log")
            try:
                url = f"http://127.0.0.1:{self.port}/appeals/{SLUG}"
                with urllib.request.urlopen(url, timeout=5) as r:
                    if r.status == 200:
                        return
            except OSError:
                time.sleep(0.1)
        raise RuntimeError("gunicorn did not answer in time")

    def stop(self) -> None:
        self.proc.send_signal(signal.SIGTERM)
        try:
            self.proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
        self.log.close()


def flask(checkout: Path, env: dict, *args: str, stdin: str | None = None) -> str:
    out = subprocess.run(
        [str(run.BIN / "flask"), "--app", "app", *args],
        cwd=checkout, env=env, input=stdin, capture_output=True, text=True, check=True,
    )  # fmt: skip
    return out.stdout


def save(port: int, token: str, body: str) -> tuple[int, float]:
    """PATCH the demo appeal's body; (status, seconds)."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
    headers = {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}
    start = time.perf_counter()
    try:
        conn.request("PATCH", f"/api/v1/appeals/{SLUG}", json.dumps({"body": body}), headers)
        status = conn.getresponse().status
    except (OSError, http.client.HTTPException):
        status = 0
    finally:
        conn.close()
    return status, time.perf_counter() - start


class Editor(threading.Thread):
    """Saves the worst-case body until told to stop."""

    def __init__(self, port: int, token: str, body: str):
        super().__init__(daemon=True)
        self.port, self.token, self.body = port, token, body
        self.stop = threading.Event()
        self.saves: list[tuple[int, float]] = []

    def run(self):
        while not self.stop.is_set():
            self.saves.append(save(self.port, self.token, self.body))


def show(name: str, out: dict) -> None:
    print(
        f"  {name:<8} {out['throughput']:>6.1f} signings/s  p50 {out['p50_ms']:>7.1f} ms  "
        f"p99 {out['p99_ms']:>8.1f} ms  errors {out['errors']}  statuses {out['statuses']}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--seconds", type=float, default=20)
    parser.add_argument("--clients", type=int, default=8, help="concurrent signers")
    parser.add_argument("--editors", type=int, default=1, help="concurrent worst-case savers")
    parser.add_argument("--worst", type=int, default=6000, help='the body is "[" * this')
    parser.add_argument("--saves", type=int, default=10, help="ordinary saves to time")
    parser.add_argument("--checkout", type=Path, default=run.ROOT)
    args = parser.parse_args()
    checkout = args.checkout.resolve()
    demo = (checkout / "campaign" / "appeals" / "data" / "demo_appeal.md").read_text()

    with tempfile.TemporaryDirectory(prefix="markdown-lock-") as tmp:
        env = run.base_env(DATABASE_URL=f"sqlite:///{tmp}/bench.db")
        flask(checkout, env, "db", "upgrade")
        flask(checkout, env, "demo", "load")
        flask(checkout, env, "users", "create", EDITOR, "--role", "editor", stdin="x" * 16)
        token = flask(checkout, env, "users", "token", EDITOR).strip().splitlines()[-1]
        site = Site(checkout, env, Path(tmp) / "gunicorn.log")
        try:
            site.wait()
            print(f"{checkout} (SQLite, 2 workers x 4 threads, {args.clients} signers)")
            ordinary = [save(site.port, token, f"{demo}\n\nEdit {n}.") for n in range(args.saves)]
            times = [seconds * 1000 for _, seconds in ordinary]
            print(
                f"  ordinary save ({len(demo)} characters): median {statistics.median(times):.0f}"
                f" ms, max {max(times):.0f} ms, statuses {sorted({s for s, _ in ordinary})}"
            )
            url = f"http://127.0.0.1:{site.port}/appeals/{SLUG}"
            show("idle", run.loadgen(url, "sign", args.clients, args.seconds))
            editors = [Editor(site.port, token, "[" * args.worst) for _ in range(args.editors)]
            for editor in editors:
                editor.start()
            saving = run.loadgen(url, "sign", args.clients, args.seconds)
            for editor in editors:
                editor.stop.set()
            for editor in editors:
                editor.join(timeout=120)
            show("saving", saving)
            saves = [s for editor in editors for s in editor.saves]
            statuses: dict[int, int] = {}
            for status, _ in saves:
                statuses[status] = statuses.get(status, 0) + 1
            took = sorted(seconds for _, seconds in saves)
            print(
                f"  worst-case saves ({args.worst} characters): {len(saves)}, statuses "
                f"{statuses}, each took {took[0]:.1f}-{took[-1]:.1f} s"
                if saves
                else "  no worst-case save finished"
            )
        finally:
            site.stop()


if __name__ == "__main__":
    main()
