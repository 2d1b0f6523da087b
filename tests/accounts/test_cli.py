"""`flask users create/token` and `flask demo load` from the command line."""

from __future__ import annotations

import sqlalchemy as sa

from campaign.accounts.models import ApiToken, User
from campaign.accounts.queries import find_user
from campaign.accounts.services import authenticate
from campaign.appeals.models import Appeal, Demand
from campaign.authorities.models import Authority
from campaign.core.security import hash_api_token


def _count(db, model) -> int:
    return db.session.execute(sa.select(sa.func.count()).select_from(model)).scalar_one()


def _one_line_error(result) -> str:
    assert result.exit_code != 0
    lines = [line for line in result.output.splitlines() if line.strip()]
    errors = [line for line in lines if line.startswith("Error:")]
    assert len(errors) == 1, result.output
    return errors[0]


def test_create_a_campaigner_with_the_password_on_stdin(db, runner):
    result = runner.invoke(
        args=["users", "create", "Lead@Example.org", "--role", "admin"],
        input="a long enough password\n",
    )
    assert result.exit_code == 0, result.output
    assert result.output.strip() == "Created lead@example.org (admin)."
    user = find_user("lead@example.org")
    assert user.role == "admin"
    assert "a long enough password" not in user.password_hash
    assert authenticate("lead@example.org", "a long enough password", "127.0.0.1") is not None


def test_bad_role_short_password_bad_email_and_duplicate_fail_with_one_line(db, runner):
    bad_role = runner.invoke(
        args=["users", "create", "a@example.org", "--role", "boss"], input="long enough pw\n"
    )
    assert bad_role.exit_code == 2
    assert "'boss' is not one of" in _one_line_error(bad_role)

    short = runner.invoke(
        args=["users", "create", "a@example.org", "--role", "editor"], input="short\n"
    )
    assert _one_line_error(short) == "Error: the password needs at least 10 characters"

    empty = runner.invoke(args=["users", "create", "a@example.org", "--role", "editor"], input="")
    assert "at least 10 characters" in _one_line_error(empty)

    bad_email = runner.invoke(
        args=["users", "create", "not-an-email", "--role", "editor"], input="long enough pw\n"
    )
    assert "not an email address" in _one_line_error(bad_email)
    assert _count(db, User) == 0

    ok = runner.invoke(
        args=["users", "create", "a@example.org", "--role", "editor"], input="long enough pw\n"
    )
    assert ok.exit_code == 0
    again = runner.invoke(
        args=["users", "create", "A@example.org", "--role", "admin"], input="long enough pw\n"
    )
    assert _one_line_error(again) == "Error: a user with email a@example.org already exists"
    assert _count(db, User) == 1
    assert find_user("a@example.org").role == "editor"


def test_token_prints_a_new_bearer_token_stored_hashed(db, runner, make_user):
    user = make_user("editor", email="tok@example.org")
    first = runner.invoke(args=["users", "token", "tok@example.org"])
    second = runner.invoke(args=["users", "token", "tok@example.org"])
    assert first.exit_code == 0 and second.exit_code == 0
    tokens = [first.output.strip(), second.output.strip()]
    assert tokens[0] != tokens[1] and all(len(t) >= 32 and " " not in t for t in tokens)
    rows = db.session.execute(sa.select(ApiToken).where(ApiToken.user_id == user.id)).scalars()
    assert sorted(r.token_hash for r in rows) == sorted(hash_api_token(t) for t in tokens)

    unknown = runner.invoke(args=["users", "token", "ghost@example.org"])
    assert _one_line_error(unknown) == "Error: no active user with email ghost@example.org"


def test_demo_load_is_idempotent(db, runner):
    first = runner.invoke(args=["demo", "load"])
    assert first.exit_code == 0, first.output
    assert first.output.strip() == "Loaded: /appeals/stop-the-pressure-on-kloop"
    second = runner.invoke(args=["demo", "load"])
    assert second.exit_code == 0
    assert second.output.strip() == "Already there: /appeals/stop-the-pressure-on-kloop"
    assert (_count(db, Appeal), _count(db, Demand), _count(db, Authority)) == (1, 4, 2)
