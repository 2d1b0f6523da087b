"""The single-server stack's memory, and where a web worker's memory goes.

By default (`make bench-memory`, about a minute): the gunicorn master, two web workers and the
one background worker process under ~25 s of signing load on SQLite, peak and steady RSS and
PSS per process and in total, against issue 19's target of 256 MB (bench/footprint.py).
Over the target it says so and still exits 0; only a failure to run exits non-zero.

With --reference, also Answerable's web workers beside the benchmark's reference app. Issue 8
asks for the gunicorn tree's peak RSS to be at most 1.25x the reference's; this prints what
that budget is and what a worker spends it on:

1. each app's gunicorn tree as bench/run.py measures it (2 workers x 4 threads, after a short
   page and signing load on the demo appeal, SQLite);
2. for one worker, the Python memory (tracemalloc) each package allocates while it is imported
   and the app is built, then what the first page and the first signing add, for both apps.

Run: .venv/bin/python bench/memory.py [--reference]  (`--seconds` sets each load's length)."""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench import footprint, run  # the benchmark's servers, databases and load generator

# Runs in a fresh interpreter per app. Each module's own allocations while it executes (its
# code objects, classes, tables, mappers) are charged to it, not to the module importing it.
PROBE = r"""
import importlib.abc, importlib.machinery, json, re, sys, sysconfig, tracemalloc
tracemalloc.start()
STDLIB = sysconfig.get_paths()["stdlib"]
own, stack = {}, []

def group(name, origin):
    parts = name.split(".")
    if parts[0] == "campaign":
        return "own: " + ".".join(parts[:2])
    if parts[0] in ("app", "bench"):
        return "own: " + name + " (building the app)"
    if origin and origin.startswith(STDLIB) and "site-packages" not in origin:
        return "(standard library)"
    return name.split(".")[0]

class Charge(importlib.abc.MetaPathFinder):
    def find_spec(self, name, path, target=None):
        spec = importlib.machinery.PathFinder.find_spec(name, path, target)
        loader = getattr(spec, "loader", None)
        if loader is None or not hasattr(loader, "exec_module"):
            return spec
        key, inner = group(name, spec.origin), loader.exec_module

        def exec_module(module):
            stack.append(0)
            before = tracemalloc.get_traced_memory()[0]
            try:
                inner(module)
            finally:
                spent = tracemalloc.get_traced_memory()[0] - before
                children = stack.pop()
                own[key] = own.get(key, 0) + spent - children
                if stack:
                    stack[-1] += spent

        loader.exec_module = exec_module
        return spec

sys.meta_path.insert(0, Charge())
stages, mark = {}, tracemalloc.get_traced_memory()[0]

def stage(name):
    global mark
    now = tracemalloc.get_traced_memory()[0]
    stages[name] = now - mark
    mark = now

if sys.argv[1] == "answerable":
    from app import app
else:
    from bench.reference_app import create_app
    app = create_app()
stage("imports and building the app")
client = app.test_client()
path = "/appeals/" + sys.argv[2]
before = tracemalloc.take_snapshot()
page = client.get(path)
assert page.status_code == 200, page.status_code
after = tracemalloc.take_snapshot()
stage("first page")
first = {}
for stat in after.compare_to(before, "filename"):
    if stat.size_diff > 0:
        name = stat.traceback[0].filename.split("site-packages/")[-1].split("/")[0]
        first[name] = first.get(name, 0) + stat.size_diff
token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page.get_data(as_text=True))
signed = client.post(path + "/sign", data={
    "csrf_token": token.group(1), "name": "Probe Signer", "email": "probe@example.org",
    "country": "KG", "display": "anonymous",
}, headers={"X-Forwarded-For": "10.9.9.9"})
assert signed.status_code in (200, 201, 202, 302, 303), signed.status_code
stage("first signing")
print(json.dumps({"packages": own, "stages": stages, "first_page": first}))
"""

MB = 2**20


def probe(app: str, env: dict) -> dict:
    out = subprocess.run(
        [run.PY, "-c", PROBE, app, run.SLUG],
        cwd=run.ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    if out.returncode != 0:
        raise SystemExit(f"the {app} probe failed:\n{out.stderr[-3000:]}")
    return json.loads(out.stdout.splitlines()[-1])


def gunicorn_tree(app: str, env: dict, seconds: float) -> tuple[float, list[float]]:
    """Peak RSS of the tree (MB) under a page then a signing load, and each process's RSS."""
    server = run.Server(app, env)
    try:
        server.wait(f"/appeals/{run.SLUG}")
        for mode in ("page", "sign"):
            run.loadgen(server.url(f"/appeals/{run.SLUG}"), mode, 32, seconds)
        each = [run.process_rss(pid) / MB for pid in run.process_tree(server.proc.pid)]
    finally:
        peak = server.stop()
    return peak / MB, each


def report(trees: dict, probes: dict) -> None:
    ref_tree, ref_each = trees["reference"]
    ans_tree, ans_each = trees["answerable"]
    master = ref_each[0]
    budget = (1.25 * ref_tree - ans_each[0]) / (len(ans_each) - 1)
    print("\ngunicorn tree (2 workers x 4 threads, after page and signing load), RSS in MB")
    for app, (tree, each) in trees.items():
        workers = ", ".join(f"{mb:.1f}" for mb in each[1:])
        print(f"  {app:<11} tree {tree:6.1f}  master {each[0]:5.1f}  workers {workers}")
    print(f"  ratio {ans_tree / ref_tree:.2f}x; 1.25x allows {1.25 * ref_tree:.1f} MB, that is")
    print(f"  {budget:.1f} MB per Answerable worker (the reference's master is {master:.1f} MB)")

    ref, ans = probes["reference"], probes["answerable"]
    names = set(ref["packages"]) | set(ans["packages"])
    rows = sorted(
        ((ans["packages"].get(n, 0) - ref["packages"].get(n, 0), n) for n in names), reverse=True
    )
    print("\nPython memory of a worker by package (tracemalloc, MB): reference, Answerable, extra")
    for extra, name in rows:
        if abs(extra) >= 0.05 * MB:
            a, r = ans["packages"].get(name, 0), ref["packages"].get(name, 0)
            print(f"  {name:<28} {r / MB:6.2f} {a / MB:6.2f} {extra / MB:+6.2f}")
    print("\nby stage (MB): reference, Answerable")
    for stage in ref["stages"]:
        print(f"  {stage:<28} {ref['stages'][stage] / MB:6.2f} {ans['stages'][stage] / MB:6.2f}")
    print("  what Answerable's first page allocated, by package (MB):")
    for name, size in sorted(ans["first_page"].items(), key=lambda kv: -kv[1])[:6]:
        print(f"    {name:<26} {size / MB:6.2f}")
    traced = sum(ans["stages"].values()) - sum(ref["stages"].values())
    ref_worker = sum(ref_each[1:]) / len(ref_each[1:])
    ans_worker = sum(ans_each[1:]) / len(ans_each[1:])
    print(
        f"\nAnswerable allocates {traced / MB:.1f} MB more Python memory than the reference; "
        f"its workers' RSS is {ans_worker - ref_worker:.1f} MB more "
        f"({(ans_worker - ref_worker) * MB / max(traced, 1):.2f} MB of RSS per MB allocated). "
        f"1.25x leaves {budget - ref_worker:.1f} MB of RSS per worker beyond the reference's."
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=float, default=25, help="length of the signing load")
    parser.add_argument("--clients", type=int, default=16, help="signing clients at once")
    parser.add_argument(
        "--preload", action="store_true", help="gunicorn with GUNICORN_PRELOAD_APP=1"
    )
    parser.add_argument(
        "--reference", action="store_true", help="also compare web workers with the reference app"
    )
    args = parser.parse_args()
    footprint.report(footprint.measure_stack(args.seconds, args.clients, args.preload))
    if args.reference:
        compare_with_reference(min(args.seconds, 4))


def compare_with_reference(seconds: float) -> None:
    with tempfile.TemporaryDirectory(prefix="answerable-memory-") as tmpdir:
        tmp = Path(tmpdir)
        templates = run.empty_databases(tmp)
        trees, probes = {}, {}
        for app in run.APPS:
            db = tmp / f"run-{app}.db"
            trees[app] = gunicorn_tree(app, run.sqlite_copy_env(templates[app], db), seconds)
            env = run.sqlite_copy_env(templates[app], db)
            env.pop("RATELIMIT_ENABLED", None)
            probes[app] = probe(app, env)
    report(trees, probes)


if __name__ == "__main__":
    os.environ.setdefault("PYTHONDONTWRITEBYTECODE", "1")
    main()
