"""A Redis cache that degrades to "no cache" when Redis is unreachable.

The cache only ever saves work, so a cache error must never become an error page: every
operation that fails answers like a miss (or a refused write), and a warning is logged at most
once a minute so the logs say what is going on without flooding."""

from __future__ import annotations

import logging
import time

from flask_caching.backends.rediscache import RedisCache

log = logging.getLogger(__name__)

WARN_EVERY_SECONDS = 60.0


class FailSafeRedisCache(RedisCache):
    _last_warning = float("-inf")  # the monotonic clock may start near zero

    def _failed(self, operation: str, error: Exception):
        now = time.monotonic()
        if now - FailSafeRedisCache._last_warning >= WARN_EVERY_SECONDS:
            FailSafeRedisCache._last_warning = now
            log.warning(
                "cache unavailable (%s failed: %s); serving without cache",
                operation,
                type(error).__name__,
            )

    def get(self, key):
        try:
            return super().get(key)
        except Exception as error:  # noqa: BLE001 - any backend failure is a miss
            self._failed("get", error)
            return None

    def get_many(self, *keys):
        try:
            return super().get_many(*keys)
        except Exception as error:  # noqa: BLE001
            self._failed("get_many", error)
            return [None] * len(keys)

    def has(self, key):
        try:
            return super().has(key)
        except Exception as error:  # noqa: BLE001
            self._failed("has", error)
            return False

    def set(self, key, value, timeout=None):
        try:
            return super().set(key, value, timeout=timeout)
        except Exception as error:  # noqa: BLE001
            self._failed("set", error)
            return False

    def add(self, key, value, timeout=None):
        try:
            return super().add(key, value, timeout=timeout)
        except Exception as error:  # noqa: BLE001
            self._failed("add", error)
            return False

    def set_many(self, mapping, timeout=None):
        try:
            return super().set_many(mapping, timeout=timeout)
        except Exception as error:  # noqa: BLE001
            self._failed("set_many", error)
            return []

    def delete(self, key):
        try:
            return super().delete(key)
        except Exception as error:  # noqa: BLE001
            self._failed("delete", error)
            return False

    def delete_many(self, *keys):
        try:
            return super().delete_many(*keys)
        except Exception as error:  # noqa: BLE001
            self._failed("delete_many", error)
            return []

    def clear(self):
        try:
            return super().clear()
        except Exception as error:  # noqa: BLE001
            self._failed("clear", error)
            return False

    def inc(self, key, delta=1):
        try:
            return super().inc(key, delta=delta)
        except Exception as error:  # noqa: BLE001
            self._failed("inc", error)
            return None

    def dec(self, key, delta=1):
        try:
            return super().dec(key, delta=delta)
        except Exception as error:  # noqa: BLE001
            self._failed("dec", error)
            return None
