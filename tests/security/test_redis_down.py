"""REDIS_URL set but Redis down: pages, login and rate limits keep working, with warnings."""

from __future__ import annotations

import logging
import socket

import pytest

from campaign.core.extensions import cache, limiter

DEAD_REDIS = "redis://127.0.0.1:1/0"  # nothing listens on port 1


@pytest.fixture
def app_config(app_config):
    return {
        **app_config,
        "REDIS_URL": DEAD_REDIS,
        "RATELIMIT_ENABLED": True,
        "LOGIN_RATE_LIMIT": "3/minute",
    }


@pytest.fixture(autouse=True)
def _fresh_limiter_state():
    # The limiter object is process-wide; a production process makes one app, but an earlier
    # test here may have left it "storage dead", which would skip the warning under test.
    limiter._storage_dead = False
    yield
    limiter._storage_dead = False


def _get(app, path, **kwargs):
    with app.app_context():
        return app.test_client().get(path, **kwargs)


def _login(app, address="192.0.2.10"):
    with app.app_context():
        return app.test_client().post(
            "/admin/login",
            data={"email": "nobody@example.org", "password": "wrong password!"},
            environ_base={"REMOTE_ADDR": address},
        )


def test_config_fails_open_by_default_with_short_timeouts(app):
    assert app.config["RATELIMIT_STORAGE_URI"] == DEAD_REDIS
    assert app.config["RATELIMIT_FAIL_OPEN"] is True
    assert app.config["RATELIMIT_IN_MEMORY_FALLBACK_ENABLED"] is True
    assert app.config["RATELIMIT_SWALLOW_ERRORS"] is True
    assert app.config["RATELIMIT_STORAGE_OPTIONS"]["socket_connect_timeout"] <= 5
    assert app.config["CACHE_TYPE"] == "campaign.core.cache.FailSafeRedisCache"


def test_fail_open_can_be_turned_off(app_config):
    from campaign import create_app
    from campaign.core.extensions import db

    closed = create_app("testing", **app_config, RATELIMIT_FAIL_OPEN=False)
    assert closed.config["RATELIMIT_IN_MEMORY_FALLBACK_ENABLED"] is False
    assert closed.config["RATELIMIT_SWALLOW_ERRORS"] is False
    with closed.app_context():
        db.engine.dispose()


def test_home_and_login_answer_and_limits_fall_back_to_memory(app, caplog):
    caplog.set_level(logging.WARNING)
    assert _get(app, "/").status_code == 200
    statuses = [_login(app).status_code for _ in range(3)]
    assert statuses == [400, 400, 400]
    warnings = [r for r in caplog.records if r.levelno == logging.WARNING]
    assert any("falling back to in-memory" in r.getMessage() for r in warnings), warnings
    # The limit still holds, counted in memory.
    assert _login(app).status_code == 429
    assert _login(app, address="192.0.2.11").status_code == 400


def test_cache_errors_degrade_to_no_cache_with_a_warning(app, caplog):
    from campaign.core.cache import FailSafeRedisCache

    caplog.set_level(logging.WARNING, logger="campaign.core.cache")
    FailSafeRedisCache._last_warning = 0.0
    calls = []

    @app.route("/test-cached")
    @cache.cached(timeout=60)
    def cached_view():
        calls.append(1)
        return "fresh"

    assert cache.set("key", "value") is False
    assert cache.get("key") is None
    assert cache.get_many("a", "b") == [None, None]
    assert cache.delete("key") is False
    assert any("cache unavailable" in r.getMessage() for r in caplog.records)
    assert _get(app, "/test-cached").get_data(as_text=True) == "fresh"
    assert _get(app, "/test-cached").get_data(as_text=True) == "fresh"
    assert len(calls) == 2  # nothing was cached, and nothing failed


def _redis_up() -> bool:
    try:
        with socket.create_connection(("127.0.0.1", 6379), timeout=0.5):
            return True
    except OSError:
        return False


@pytest.mark.skipif(not _redis_up(), reason="no Redis on 127.0.0.1:6379")
def test_the_fail_safe_cache_caches_when_redis_is_up():
    from redis import from_url

    from campaign.core.cache import FailSafeRedisCache

    live = FailSafeRedisCache(host=from_url("redis://127.0.0.1:6379/15"), key_prefix="sec-test:")
    try:
        assert live.set("key", {"n": 1}) is True
        assert live.get("key") == {"n": 1}
    finally:
        live.delete("key")


def test_another_cache_type_with_redis_url_gets_no_redis_options(app_config):
    from campaign import create_app
    from campaign.core.extensions import db

    other = create_app("testing", **app_config, CACHE_TYPE="SimpleCache")
    assert "CACHE_OPTIONS" not in other.config or not other.config["CACHE_OPTIONS"]
    with other.app_context():
        db.engine.dispose()
