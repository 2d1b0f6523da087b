"""gunicorn settings for production: `gunicorn -c gunicorn.conf.py app:app`.

Every value can be changed through the environment (GUNICORN_* or the names below) without
editing this file. Defaults fit a small 2-core machine: 2 worker processes x 4 threads (the
app spends much of a request waiting on the database, so threads keep the cores busy)."""

import os


def _int(name: str, default: int) -> int:
    value = os.environ.get(name)
    return int(value) if value not in (None, "") else default


bind = (
    os.environ.get("GUNICORN_BIND") or f"{os.environ.get('HOST', '127.0.0.1')}:{_int('PORT', 8000)}"
)
workers = _int("GUNICORN_WORKERS", _int("WEB_CONCURRENCY", 2))
threads = _int("GUNICORN_THREADS", 4)
worker_class = "gthread"
# Keep-alive connections from a proxy on the same host; long enough to reuse, short enough
# not to pin threads on idle clients.
keepalive = _int("GUNICORN_KEEPALIVE", 5)
# gunicorn's longest request line (its maximum; the default is 4094): the app's own limit
# (4096 characters, campaign/api/common.py) then applies first and answers in its own format.
limit_request_line = _int("GUNICORN_LIMIT_REQUEST_LINE", 8190)
# A request that runs this long is stuck: the worker is replaced.
timeout = _int("GUNICORN_TIMEOUT", 30)
# On SIGTERM/SIGHUP, workers finish their requests for up to this long before exiting.
graceful_timeout = _int("GUNICORN_GRACEFUL_TIMEOUT", 20)
# Replace workers now and then (with jitter, so they do not all restart at once).
max_requests = _int("GUNICORN_MAX_REQUESTS", 10000)
max_requests_jitter = _int("GUNICORN_MAX_REQUESTS_JITTER", 1000)
# Off: each worker imports the app itself: no database connection or Redis client is shared
# across a fork, and a reload (HUP) picks up new code. GUNICORN_PRELOAD_APP=1: the master
# builds the app once and the workers share its pages (less memory, docs/performance.md), but
# new code then needs a restart, not a reload.
preload_app = os.environ.get("GUNICORN_PRELOAD_APP", "").strip().lower() in {"1", "true", "yes"}
# Access logs cost time on every request and hold client addresses; off unless asked for.
accesslog = os.environ.get("GUNICORN_ACCESS_LOG") or None
errorlog = "-"
loglevel = os.environ.get("GUNICORN_LOG_LEVEL", "info")
# gunicorn 27 opens a control socket at ~/.gunicorn/gunicorn.ctl, shared by every gunicorn
# on the host; production does not need it.
# Set GUNICORN_CONTROL_SOCKET to a path to have one.
control_socket = os.environ.get("GUNICORN_CONTROL_SOCKET") or None
control_socket_disable = control_socket is None
# The proxy in front sets X-Forwarded-For; the app reads it via TRUSTED_PROXIES, so gunicorn
# itself does not rewrite remote addresses.
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1")
# glibc gives threads that allocate at once their own malloc arenas (up to 8 per core), each
# keeping its own free memory: with 4 threads a worker holds several partly empty heaps.
# Python allocates under the GIL, so two arenas cost no measurable contention; this saved
# ~1 MB per worker under the benchmark (3 MB with 1). 0 keeps glibc's default.
malloc_arena_max = _int("GUNICORN_MALLOC_ARENA_MAX", 2)


def pre_fork(server, worker):
    """In the master, before each fork: with preload_app, the app's objects move to the
    collector's permanent generation, so a collection in a worker does not write to (and so
    copy) the pages they share with the master."""
    if preload_app:
        import gc

        gc.freeze()


def post_fork(server, worker):
    """Runs in each new worker before it loads the app or starts its threads."""
    _limit_malloc_arenas(malloc_arena_max)
    if preload_app:
        _forget_inherited_connections(server)


def _forget_inherited_connections(server) -> None:
    """Pooled database connections the master may have opened while building the app belong
    to it: the worker drops them without closing them (SQLAlchemy's advice for forks)."""
    from campaign.core.extensions import db

    with server.app.wsgi().app_context():
        db.engine.dispose(close=False)


def _limit_malloc_arenas(count: int) -> bool:
    """True when glibc took the limit."""
    import ctypes

    if count <= 0:
        return False
    libc = ctypes.CDLL(None)  # the C library the interpreter is linked with
    if not hasattr(libc, "gnu_get_libc_version"):  # not glibc (musl, macOS): nothing to tune
        return False
    M_ARENA_MAX = -8  # from glibc's <malloc.h>
    return libc.mallopt(M_ARENA_MAX, count) == 1
