"""Tokens in mailed links are signed, purpose-scoped and expiring: no kind of token is
accepted as another kind, a tampered or foreign-key token is refused, an old one expires."""

from __future__ import annotations

import itertools

import pytest
import time_machine

from campaign.core.security import TOKEN_PURPOSES, TokenError, make_token, read_token


@pytest.mark.parametrize(("made_for", "used_as"), itertools.permutations(sorted(TOKEN_PURPOSES), 2))
def test_a_token_of_one_purpose_is_refused_as_any_other(app, made_for, used_as):
    token = make_token(made_for, {"signature": 1})
    assert read_token(made_for, token) == {"signature": 1}
    with pytest.raises(TokenError) as refused:
        read_token(used_as, token)
    assert not refused.value.expired


def test_a_tampered_token_is_refused(app):
    token = make_token("signature-confirm", {"signature": 1})
    _payload, _, stamp_and_signature = token.partition(".")
    forged = make_token("signature-confirm", {"signature": 2}).partition(".")[0]
    flipped = token[:-2] + ("AA" if token[-2:] != "AA" else "BB")
    for bad in (forged + "." + stamp_and_signature, flipped, ""):
        with pytest.raises(TokenError):
            read_token("signature-confirm", bad)


def test_a_token_signed_with_another_secret_is_refused(app):
    token = make_token("signature-withdraw", {"signature": 1})
    app.config["SECRET_KEY"] = "another-secret-entirely-for-this-test"
    with pytest.raises(TokenError):
        read_token("signature-withdraw", token)


def test_tokens_expire_and_say_so(app):
    with time_machine.travel("2026-01-01 00:00:00+00:00", tick=False):
        token = make_token("signature-confirm", {"signature": 7})
    with time_machine.travel("2026-01-01 00:59:00+00:00", tick=False):
        assert read_token("signature-confirm", token, max_age=3600) == {"signature": 7}
    with (
        time_machine.travel("2026-01-01 01:00:02+00:00", tick=False),
        pytest.raises(TokenError) as expired,
    ):
        read_token("signature-confirm", token, max_age=3600)
    assert expired.value.expired
    assert expired.value.payload == {"signature": 7}


def test_an_unknown_purpose_is_a_programming_error(app):
    with pytest.raises(ValueError):
        make_token("password-reset", {})
