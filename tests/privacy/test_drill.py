"""The seizure drill: people sign and endorse with marker values, and the raw bytes of every
file in the data directory (database, WAL, SHM, uploads) hold none of them, except through
the key file; after `privacy shred --all`, not even with it. Counts do not move, mail still
reaches subscribers until the shred and is refused after it, and old withdraw links work.

SQLite only: the data directory is the instance's files. PostgreSQL's needs are in
docs/privacy.md."""

from __future__ import annotations

import base64
import os
import socket
from pathlib import Path

import pytest
import sqlalchemy as sa

from campaign.core.datakeys import AppealKey, IpDayKey
from campaign.endorsements.models import Endorsement
from campaign.mail.worker import drain
from campaign.responses import mailshots
from campaign.responses.services import post_update
from campaign.signatures.counting import signature_count
from campaign.signatures.models import Signature
from tests.conftest import _migrate
from tests.endorsements.helpers import FORM as ENDORSEMENT
from tests.endorsements.helpers import link as endorsement_link
from tests.factories import markdown
from tests.signatures.helpers import form, links

SUBSCRIBER = "subscriber.zq7marker@example.org"
QUIET = "quiet.zq7marker@example.org"
ANONYMOUS_NAME = "Zq7anon Hiddenname"
SHOWN_NAME = "Zq7shown Publicname"
CITY = "Zq7markercity"
CONTACT = "contact.zq7marker@press.example"
IP = "198.51.100.77"
IP_TWO = "203.0.113.9"


@pytest.fixture
def data_dir(tmp_path, database_url):
    if not database_url.startswith("sqlite"):
        pytest.skip("the drill scans SQLite's files; PostgreSQL: docs/privacy.md")
    directory = tmp_path / "data"
    directory.mkdir()
    return directory


@pytest.fixture
def app_config(app_config, data_dir):
    url = f"sqlite:///{data_dir / 'answerable.db'}"
    _migrate(url)
    return {
        **app_config,
        "SQLALCHEMY_DATABASE_URI": url,
        "UPLOAD_FOLDER": str(data_dir / "uploads"),
        "DATA_KEY_FILE": str(data_dir / "data.key"),
    }


def _variants(value: str) -> set[bytes]:
    """The value as bytes in every encoding worth a look: UTF-8/16/32 in each case form,
    base64 (at each alignment), hex, URL-encoded, and packed for an IP address."""
    found = set()
    for text in {value, value.lower(), value.upper()}:
        raw = text.encode()
        for encoding in ("utf-8", "utf-16-le", "utf-16-be", "utf-32-le"):
            found.add(text.encode(encoding))
        found.add(raw.hex().encode())
        found.add(text.replace("@", "%40").encode())
        for pad in range(3):
            for encode in (base64.b64encode, base64.urlsafe_b64encode):
                coded = encode(b"\0" * pad + raw)
                found.add(coded[4:-4])  # the part that does not depend on the neighbours
    if value.count(".") == 3 and value.replace(".", "").isdigit():
        found.add(socket.inet_aton(value))
    return found


def _scan(directory: Path, markers: list[str], skip: set[Path]) -> dict[str, list[str]]:
    """{marker: [files holding it]} over every file under `directory`."""
    hits: dict[str, list[str]] = {}
    files = [p for p in directory.rglob("*") if p.is_file() and p not in skip]
    assert any(p.name == "answerable.db" for p in files)
    for path in files:
        data = path.read_bytes()
        for marker in markers:
            if any(variant in data for variant in _variants(marker)):
                hits.setdefault(marker, []).append(path.name)
    return hits


def _sign(client, appeal, address: str, **fields) -> None:
    client.environ_base["REMOTE_ADDR"] = address
    response = client.post(f"/appeals/{appeal.slug}/sign", data=form(**fields))
    assert response.status_code == 303


def test_seizure_drill(app, client, db, smtp, runner, make_appeal, make_user, data_dir):
    appeal = make_appeal()
    _sign(client, appeal, IP, name=SHOWN_NAME, email=SUBSCRIBER, city=CITY)
    _sign(client, appeal, IP_TWO, name=ANONYMOUS_NAME, email=QUIET, city=CITY,
          display="anonymous", wants_updates="")  # fmt: skip
    client.environ_base["REMOTE_ADDR"] = IP
    endorsed = client.post(
        f"/appeals/{appeal.slug}/endorse", data={**ENDORSEMENT, "contact_email": CONTACT}
    )
    assert endorsed.status_code == 302
    assert drain() == 3
    messages = smtp.wait_for(3)
    by_recipient = {m["To"]: m for m in messages}
    subscriber_links = links(by_recipient[SUBSCRIBER])
    quiet_links = links(by_recipient[QUIET])
    for paths in (subscriber_links, quiet_links):
        assert client.post(paths["confirm"]).status_code == 303
    assert client.post(endorsement_link(by_recipient[CONTACT], "confirm")).status_code == 200
    editor = make_user("admin")
    endorsement = db.session.execute(sa.select(Endorsement)).unique().scalar_one()
    from campaign.endorsements.services import approve_endorsement

    approve_endorsement(editor, endorsement)
    db.session.commit()

    # Kept less: the quiet signer's address is gone at confirmation; the subscriber's sealed.
    quiet, subscriber = sorted(
        db.session.execute(sa.select(Signature)).scalars(), key=lambda s: s.email is None
    )[::-1]
    assert quiet.sealed_email is None and quiet.email_key and quiet.state == "confirmed"
    assert subscriber.email == SUBSCRIBER and subscriber.sealed_email.startswith("enc1:")
    assert quiet.name == ANONYMOUS_NAME and quiet.shown_name is None

    # Mail reaches the subscriber (and the endorser), not the quiet signer.
    smtp.clear()
    update = post_update(editor, appeal, "News", markdown("We delivered it."))
    mailing = mailshots.start_update_mailing(editor, update)
    db.session.commit()
    assert mailshots.run_mailing(mailing.id) is True
    drain()
    smtp.wait_for(2)
    news = [m["To"] for m in smtp.messages if "News" in m["Subject"]]
    assert sorted(news) == sorted([CONTACT, SUBSCRIBER])

    # Signing again is still recognised for the quiet signer: "already signed", to the
    # address just typed, and no second row.
    smtp.clear()
    _sign(client, appeal, IP_TWO, name=ANONYMOUS_NAME, email=QUIET, wants_updates="")
    drain()
    [again] = smtp.wait_for(1)
    assert again["To"] == QUIET and "already" in again["Subject"].lower()
    assert db.session.execute(sa.select(sa.func.count(Signature.id))).scalar() == 2
    db.session.commit()

    key_file = data_dir / "data.key"
    markers = [SUBSCRIBER, QUIET, CONTACT, ANONYMOUS_NAME, CITY, IP, IP_TWO]
    assert _scan(data_dir, markers, skip={key_file}) == {}
    assert signature_count(appeal.id) == 2
    page = client.get(f"/appeals/{appeal.slug}").get_data(as_text=True)
    assert SHOWN_NAME in page and ANONYMOUS_NAME not in page

    # A mailshot started before the shred will find nobody after it.
    smtp.clear()
    late = mailshots.start_update_mailing(
        editor, post_update(editor, appeal, "Late", markdown("x"))
    )
    db.session.commit()

    result = runner.invoke(args=["privacy", "shred", "--all", "--yes"])
    assert result.exit_code == 0, result.output
    assert "Destroyed the data keys of 1 appeal(s)" in result.output
    db.session.commit()

    # Everything, the key file included: nothing, and nothing left to open.
    assert _scan(data_dir, markers, skip=set()) == {}
    for path in data_dir.rglob("*"):
        if path.is_file() and path != key_file:
            assert b"enc1:" not in path.read_bytes(), path.name
    assert db.session.execute(sa.select(AppealKey.wrapped_key)).scalars().all() == [None]
    assert db.session.execute(sa.select(IpDayKey)).first() is None
    assert signature_count(appeal.id) == 2
    assert db.session.get(type(appeal), appeal.id).endorsement_count == 1
    page = client.get(f"/appeals/{appeal.slug}").get_data(as_text=True)
    assert SHOWN_NAME in page  # the name the signer chose to show stays

    # Mailing them is refused, with a clear message, in the CLI and the admin.
    refused = runner.invoke(args=["mailshots", "send"])
    assert refused.exit_code == 1
    assert f"mailshot {late.id}: Data of this appeal was shredded on" in refused.output
    assert drain() == 0 and smtp.messages == []
    from tests.conftest import PASSWORD

    client.post("/admin/login", data={"email": editor.email, "password": PASSWORD})
    refused = client.post(
        f"/admin/appeals/{appeal.slug}/updates", data={"title": "More", "body": "Text"}
    )
    assert "its signers can no longer be mailed" in refused.get_data(as_text=True)

    # A withdraw link from before the erase still works.
    assert client.post(subscriber_links["withdraw"]).status_code in (200, 303)
    db.session.expire_all()
    assert signature_count(appeal.id) == 1
    states = sorted(db.session.execute(sa.select(Signature.state)).scalars())
    assert states == ["confirmed", "withdrawn"]


def test_secure_delete_is_on_for_every_connection(app, db):
    if db.engine.dialect.name != "sqlite":
        pytest.skip("a SQLite pragma")
    with db.engine.connect() as one, db.engine.connect() as two:
        for connection in (one, two):
            assert connection.exec_driver_sql("PRAGMA secure_delete").scalar() == 1


def test_shred_needs_yes_and_one_target(runner, make_appeal):
    appeal = make_appeal()
    for args in (
        ["privacy", "shred", appeal.slug],
        ["privacy", "shred"],
        ["privacy", "shred", appeal.slug, "--all", "--yes"],
        ["privacy", "shred", "no-such-appeal", "--yes"],
    ):
        result = runner.invoke(args=args)
        assert result.exit_code != 0 and "Error" in result.output, args


def test_key_file_is_private(app):
    mode = os.stat(app.config["DATA_KEY_FILE"]).st_mode & 0o777
    assert mode == 0o600
