"""The embedded rate-limit storage limits as limits' MemoryStorage does, but sweeps expired
entries at most once a second instead of starting a thread after nearly every hit."""

from __future__ import annotations

from limits import parse
from limits.storage import storage_from_string
from limits.strategies import MovingWindowRateLimiter

from campaign.core.ratelimit_storage import SweepingMemoryStorage


def _storage(clock: list[float]) -> SweepingMemoryStorage:
    storage = storage_from_string("answerable-memory://")
    assert isinstance(storage, SweepingMemoryStorage)
    storage._clock = lambda: clock[0]
    storage.timer.join(timeout=5)  # MemoryStorage's own first 10 ms timer
    return storage


def test_one_sweep_thread_per_second_however_many_hits():
    clock = [1000.0]
    storage = _storage(clock)
    storage.acquire_entry("first", 10, 3600)
    sweep = storage.timer
    sweep.cancel()
    sweep.join(timeout=5)
    for i in range(200):
        storage.acquire_entry(f"signer-{i}", 10, 3600)
    assert storage.timer is sweep  # no new thread within the second
    clock[0] += 1.5
    storage.acquire_entry("later", 10, 3600)
    assert storage.timer is not sweep
    storage.timer.cancel()


def test_it_still_limits_and_sweeping_frees_expired_entries():
    storage = _storage([0.0])
    limiter = MovingWindowRateLimiter(storage)
    limit = parse("3/minute")
    assert [limiter.hit(limit, "sign", "203.0.113.7") for _ in range(4)] == [
        True,
        True,
        True,
        False,
    ]
    assert limiter.hit(limit, "sign", "203.0.113.8")  # another address has its own window
    storage.acquire_entry("gone", 5, 0)  # expires at once
    storage._MemoryStorage__expire_events()
    assert not storage.events.get("gone")  # its expired entry is gone
    assert storage.events  # the live windows stay
    storage.timer.cancel()
