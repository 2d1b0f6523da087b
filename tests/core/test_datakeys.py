"""Data keys: the master key file, sealing bound to its appeal and field, destroying a key,
and IP keys under a key of the UTC day that is deleted afterwards."""

from __future__ import annotations

import datetime as dt
import os

import pytest
import sqlalchemy as sa
import time_machine

from campaign import create_app
from campaign.core import datakeys
from campaign.core.datakeys import IpDayKey, ip_key, seal, unseal


def test_sealed_values_open_only_for_their_appeal_and_field(app, db, make_appeal):
    one, two = make_appeal(), make_appeal()
    sealed = seal(one.id, "signature.email", "aida@example.org")
    assert sealed.startswith("enc1:") and "aida" not in sealed
    assert seal(one.id, "signature.email", "aida@example.org") != sealed  # a fresh nonce
    assert unseal(one.id, "signature.email", sealed) == "aida@example.org"
    assert unseal(one.id, "signature.city", sealed) is None  # moved to another field
    assert unseal(two.id, "signature.email", sealed) is None  # or to another appeal


def test_a_destroyed_key_opens_nothing_at_once_even_when_cached(app, db, make_appeal):
    app.config["DATA_KEY_CACHE_SECONDS"] = 60
    appeal = make_appeal()
    sealed = seal(appeal.id, "signature.email", "aida@example.org")
    db.session.commit()
    assert unseal(appeal.id, "signature.email", sealed) == "aida@example.org"  # now cached
    datakeys.destroy_appeal_key(appeal.id)
    db.session.commit()
    assert unseal(appeal.id, "signature.email", sealed) is None
    assert datakeys.shredded_at(appeal.id) is not None
    # A signer after the shred gets a fresh key; the old value stays unreadable.
    fresh = seal(appeal.id, "signature.email", "new@example.org")
    assert unseal(appeal.id, "signature.email", fresh) == "new@example.org"
    assert unseal(appeal.id, "signature.email", sealed) is None


def test_wrapped_keys_need_the_master_key(app, db, make_appeal, tmp_path):
    appeal = make_appeal()
    sealed = seal(appeal.id, "signature.email", "aida@example.org")
    db.session.commit()
    other = tmp_path / "other.key"
    datakeys.create_key_file(other)
    app.config["DATA_KEY_FILE"] = str(other)
    app.extensions["datakeys"] = {"appeals": {}, "day": None}
    with pytest.raises(Exception):  # noqa: B017 - InvalidTag: the wrong master key
        unseal(appeal.id, "signature.email", sealed)


def test_ip_keys_change_with_the_utc_day_and_yesterdays_key_is_deleted(app, db):
    with time_machine.travel(dt.datetime(2026, 3, 1, 23, 59, tzinfo=dt.UTC), tick=False):
        first = ip_key("198.51.100.7")
        assert ip_key("198.51.100.7") == first  # within a day, abuse rules can compare
        assert ip_key("198.51.100.8") != first
        db.session.commit()
        assert "198.51.100.7" not in first
    with time_machine.travel(dt.datetime(2026, 3, 2, 0, 1, tzinfo=dt.UTC), tick=False):
        second = ip_key("198.51.100.7")
        db.session.commit()
        assert second != first
        days = db.session.execute(sa.select(IpDayKey.day)).scalars().all()
        assert days == [dt.date(2026, 3, 2)]  # 1 March's key is gone: `first` is unlinkable
    with time_machine.travel(dt.datetime(2026, 3, 2, 23, 0, tzinfo=dt.UTC), tick=False):
        assert ip_key("198.51.100.7") == second


def test_purge_deletes_past_day_keys(app, db, runner):
    with time_machine.travel(dt.datetime(2026, 3, 1, 12, tzinfo=dt.UTC), tick=False):
        ip_key("198.51.100.7")
        db.session.commit()
    with time_machine.travel(dt.datetime(2026, 3, 3, 12, tzinfo=dt.UTC), tick=False):
        assert runner.invoke(args=["privacy", "purge"]).exit_code == 0
    assert db.session.execute(sa.select(IpDayKey)).first() is None


def test_production_refuses_to_start_without_the_key_file(tmp_path, monkeypatch):
    monkeypatch.delenv("FLASK_RUN_FROM_CLI", raising=False)
    missing = tmp_path / "missing.key"
    with pytest.raises(RuntimeError, match="flask keys init"):
        create_app(
            "production",
            SECRET_KEY="x" * 40,
            SQLALCHEMY_DATABASE_URI=f"sqlite:///{tmp_path / 'p.db'}",
            DATA_KEY_FILE=str(missing),
        )
    assert not missing.exists()


def test_development_makes_the_key_file_on_first_use(tmp_path):
    path = tmp_path / "instance" / "data.key"
    create_app("development", SQLALCHEMY_DATABASE_URI="sqlite://", DATA_KEY_FILE=str(path))
    assert path.exists() and os.stat(path).st_mode & 0o777 == 0o600


def test_keys_init_makes_the_file_and_refuses_to_overwrite(app, runner, tmp_path):
    refused = runner.invoke(args=["keys", "init"])
    assert refused.exit_code == 1 and "refusing to overwrite" in refused.output
    path = tmp_path / "new" / "data.key"
    app.config["DATA_KEY_FILE"] = str(path)
    made = runner.invoke(args=["keys", "init"])
    assert made.exit_code == 0, made.output
    assert os.stat(path).st_mode & 0o777 == 0o600
    assert len(datakeys.read_key_file(path)) == 32
