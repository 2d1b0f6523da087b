"""The whole single-server stack's memory under the benchmark's signing load (issue 19): the
gunicorn master, its two web workers and the one background worker process, on SQLite,
against the target of 256 MB together.

Each process is sampled twice a second: RSS (/proc/PID/statm) and, where the kernel has
/proc/PID/smaps_rollup, PSS. RSS counts a page shared by several processes (the interpreter,
libraries, and with preload_app the app itself) in each of them; PSS divides it among them, so
the sum of PSS is what the stack really takes. "Peak" is the highest sample, "steady" the median
over the last third of the load. The total's peak is the highest sum at one moment.

Used by bench/memory.py (`make bench-memory`)."""

from __future__ import annotations

import signal
import statistics
import subprocess
import tempfile
import threading
import time
from pathlib import Path

from bench import run

#: The background worker's command (after `flask --app app`): the one process that does all
#: background work.
WORKER_COMMAND = ("worker",)
TARGET_MB = 256
MB = 2**20


def process_pss(pid: int) -> int | None:
    """Proportional set size in bytes; None where the kernel does not say (or it has gone)."""
    try:
        with open(f"/proc/{pid}/smaps_rollup") as f:
            for line in f:
                if line.startswith("Pss:"):
                    return int(line.split()[1]) * 1024
    except OSError:
        return None
    return None


class StackSampler(threading.Thread):
    """Samples every role's processes: the master, each web worker (by order of pid, so a
    replaced worker keeps its role) and the background worker with any children."""

    def __init__(self, master: int, worker: int, every: float = 0.5):
        super().__init__(daemon=True)
        self.master, self.worker, self.every = master, worker, every
        self.samples: list[tuple[float, dict[str, tuple[int, int | None]]]] = []
        self.stop = threading.Event()

    def roles(self) -> dict[str, list[int]]:
        web = sorted(run.process_tree(self.master)[1:])
        roles = {"gunicorn master": [self.master]}
        roles.update({f"web worker {i}": [pid] for i, pid in enumerate(web, 1)})
        roles[f"worker ({' '.join(WORKER_COMMAND)})"] = run.process_tree(self.worker)
        return roles

    def sample(self) -> dict[str, tuple[int, int | None]]:
        taken = {}
        for role, pids in self.roles().items():
            rss = sum(run.process_rss(pid) for pid in pids)
            pss = [process_pss(pid) for pid in pids]
            taken[role] = (rss, None if None in pss else sum(pss))
        return taken

    def run(self):
        while not self.stop.is_set():
            self.samples.append((time.monotonic(), self.sample()))
            self.stop.wait(self.every)


def figures(samples, since: float) -> dict[str, dict[str, float | None]]:
    """Per role and for the total: peak and steady RSS and PSS, in MB."""
    steady_from = [s for t, s in samples if t >= since] or [s for _, s in samples[-3:]]
    roles = list(samples[-1][1])
    table = {}

    def row(values_all, values_steady):
        if not values_all or None in values_all:
            return None, None
        return max(values_all) / MB, statistics.median(values_steady) / MB

    for role in [*roles, "total"]:

        def value(sample, i, role=role):
            if role == "total":
                parts = [sample[r][i] for r in roles if r in sample]
                return None if None in parts else sum(parts)
            return sample.get(role, (0, 0))[i]

        rss = row([value(s, 0) for _, s in samples], [value(s, 0) for s in steady_from])
        pss = row([value(s, 1) for _, s in samples], [value(s, 1) for s in steady_from])
        table[role] = {
            "peak_rss": rss[0],
            "steady_rss": rss[1],
            "peak_pss": pss[0],
            "steady_pss": pss[1],
        }
    return table


def measure_stack(seconds: float, clients: int, preload: bool = False) -> dict:
    """Start the stack on a fresh SQLite database with the demo appeal, drive signing load,
    and return the figures, the load's result and what the worker sent. `preload`: gunicorn
    with GUNICORN_PRELOAD_APP=1 (gunicorn.conf.py)."""
    with tempfile.TemporaryDirectory(prefix="answerable-footprint-") as tmpdir:
        tmp = Path(tmpdir)
        port = run.free_port()
        env = run.base_env(
            DATABASE_URL=f"sqlite:///{tmp / 'site.db'}", MAIL_SERVER="127.0.0.1", MAIL_PORT=port
        )
        run.flask(env, "db", "upgrade")
        run.flask(env, "demo", "load")
        env["GUNICORN_PRELOAD_APP"] = "1" if preload else "0"
        received = tmp / "received.txt"
        sink = subprocess.Popen(
            [run.PY, "-c", run.SINK, str(port), str(received)],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
        )
        worker_log = (tmp / "worker.log").open("w")
        server = worker = sampler = None
        try:
            sink.stdout.readline()  # "ready"
            server = run.Server("answerable", env)
            worker = subprocess.Popen(
                [str(run.BIN / "flask"), "--app", "app", *WORKER_COMMAND],
                cwd=run.ROOT,
                env=env,
                stdout=worker_log,
                stderr=subprocess.STDOUT,
            )
            server.wait(f"/appeals/{run.SLUG}")
            sampler = StackSampler(server.proc.pid, worker.pid)
            sampler.start()
            started = time.monotonic()
            load = run.loadgen(server.url(f"/appeals/{run.SLUG}"), "sign", clients, seconds)
            time.sleep(1)  # the worker sends the last confirmations
            if worker.poll() is not None:
                raise RuntimeError(
                    f"the worker exited ({worker.returncode}): {(tmp / 'worker.log').read_text()}"
                )
        finally:
            if sampler:
                sampler.stop.set()
                sampler.join()
            if worker and worker.poll() is None:
                worker.send_signal(signal.SIGTERM)
                try:
                    worker.wait(timeout=30)
                except subprocess.TimeoutExpired:
                    worker.kill()
            if server:
                server.stop()
            sink.stdin.close()
            sink.wait(timeout=30)
            worker_log.close()
        sent = len(received.read_text().split()) if received.exists() else 0
    return {
        "table": figures(sampler.samples, started + seconds * 2 / 3),
        "load": load,
        "mails": sent,
        "seconds": seconds,
        "clients": clients,
        "preload": preload,
    }


def report(result: dict) -> bool:
    """Print the figures; True when the stack is within the target."""
    table, load = result["table"], result["load"]
    print(
        f"\nThe single-server stack under signing load (SQLite, {result['clients']} clients, "
        f"{result['seconds']:g} s{', preload_app' if result['preload'] else ''}: "
        f"{load['throughput']:.0f} signings/s, {load['errors']} errors; "
        f"the worker sent {result['mails']} mails), MB"
    )
    print(
        f"  {'process':<28} {'peak RSS':>9} {'steady RSS':>11} {'peak PSS':>9} {'steady PSS':>11}"
    )

    def mb(value):
        return f"{value:.1f}" if value is not None else "-"

    for role, row in table.items():
        print(
            f"  {role:<28} {mb(row['peak_rss']):>9} {mb(row['steady_rss']):>11} "
            f"{mb(row['peak_pss']):>9} {mb(row['steady_pss']):>11}"
        )
    total = table["total"]
    fair = total["peak_pss"] is not None
    peak = total["peak_pss"] if fair else total["peak_rss"]
    what = "PSS (the fair sum: shared pages divided)" if fair else "RSS (no PSS on this kernel)"
    within = peak <= TARGET_MB
    verdict = "within target" if within else f"over target by {peak - TARGET_MB:.1f} MB"
    print(f"  target {TARGET_MB} MB: peak total {what} {peak:.1f} MB: {verdict}")
    if fair:
        print(f"  (peak total RSS, shared pages counted in each process: {total['peak_rss']:.1f})")
    return within
