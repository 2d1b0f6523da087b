"""A login answers in the same time whether the email is unknown, locked out or has a wrong
password: every path checks one password hash, with the production hasher's cost."""

from __future__ import annotations

import statistics
import time

import pytest

from campaign.accounts import services
from tests.conftest import PASSWORD

FAILURES = 5  # LOGIN_LOCKOUT_FAILURES
ROUNDS = 5


@pytest.fixture
def app_config(app_config):
    return {**app_config, "PASSWORD_HASH_FAST": False}  # argon2's real cost


def _post(app, email, password, address):
    with app.app_context():  # its own g and database session, as in production
        return app.test_client().post(
            "/admin/login",
            data={"email": email, "password": password},
            environ_base={"REMOTE_ADDR": address},
        )


def _timed(app, email, password, address) -> float:
    started = time.perf_counter()
    response = _post(app, email, password, address)
    took = time.perf_counter() - started
    assert response.status_code == 400
    return took


@pytest.fixture
def cases(app, db, make_user):
    """Per kind: (email, password, address) of an attempt that fails that way. The wrong
    password comes from a new address each round, so it never locks anything."""
    locked, wrong = make_user("editor").email, make_user("editor").email
    db.session.rollback()
    for _ in range(FAILURES):
        _post(app, locked, "guess guess guess", "10.9.9.9")
    _post(app, "warm-up@example.org", PASSWORD, "10.9.9.8")  # makes the dummy hash once
    return {
        "unknown": lambda n: ("nobody@example.org", PASSWORD, f"10.8.0.{n + 1}"),
        "locked": lambda n: (locked, PASSWORD, "10.9.9.9"),
        "wrong": lambda n: (wrong, "not the password", f"10.7.0.{n + 1}"),
    }


def test_every_failure_checks_exactly_one_password_hash(app, cases, monkeypatch):
    calls = []
    real = services.verify_password

    def counting(password_hash, password):
        calls.append(password_hash)
        return real(password_hash, password)

    monkeypatch.setattr(services, "verify_password", counting)
    costs = {}
    for kind, case in cases.items():
        calls.clear()
        _timed(app, *case(0))
        assert len(calls) == 1, kind
        costs[kind] = calls[0].split("$")[3]  # argon2's parameters: memory, time, threads
    assert len(set(costs.values())) == 1, costs  # the dummy hash costs what a real one does


def test_unknown_locked_and_wrong_password_answer_in_the_same_time(app, cases):
    times: dict[str, list[float]] = {kind: [] for kind in cases}
    for n in range(ROUNDS):  # interleaved, so a busy moment slows every kind alike
        for kind, case in cases.items():
            times[kind].append(_timed(app, *case(n)))
    medians = {kind: statistics.median(values) for kind, values in times.items()}
    slowest = max(medians.values())
    # A check skipped costs ~50 times less than argon2; a loaded 2-core machine varies 2x.
    for kind, median in medians.items():
        assert median > slowest / 2.5, (kind, medians)
