"""The embedded rate-limit storage: limits' MemoryStorage, sweeping expired entries at most
once a second instead of 10 ms after every hit.

MemoryStorage starts a timer thread 10 ms after a hit, and the thread walks every key it
holds. Each signer's address is a key, kept for the longest window (an hour), so on a busy
day the walk ran many times a second over thousands of keys and took the CPU from the
requests: signing slowed down as signers accumulated (docs/performance.md). Sweeping only
frees memory; every hit checks the timestamps it needs itself.
With Redis (REDIS_URL) none of this is used."""

from __future__ import annotations

import threading
import time

from limits.storage import MemoryStorage


class SweepingMemoryStorage(MemoryStorage):
    STORAGE_SCHEME = ["answerable-memory"]
    #: Seconds between sweeps of expired entries.
    SWEEP_EVERY = 1.0
    _clock = staticmethod(time.monotonic)

    def __init__(self, uri: str | None = None, wrap_exceptions: bool = False, **options):
        self._next_sweep = 0.0
        super().__init__(uri, wrap_exceptions=wrap_exceptions, **options)

    # MemoryStorage calls its private __schedule_expiry() on every hit; this replaces it
    # (tests/test_ratelimit_storage.py fails if a new `limits` stops calling it).
    def _MemoryStorage__schedule_expiry(self) -> None:
        now = self._clock()
        if now < self._next_sweep or self.timer.is_alive():
            return
        self._next_sweep = now + self.SWEEP_EVERY
        self.timer = threading.Timer(self.SWEEP_EVERY, self._MemoryStorage__expire_events)
        self.timer.daemon = True
        self.timer.start()
