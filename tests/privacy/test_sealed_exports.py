"""Sealed exports as campaigners use them: the sealing key in the admin and the API, the
admin's sealed CSV download, `flask export ... --seal-to`, `flask export open` and
`flask keys generate`."""

from __future__ import annotations

import csv
import io
import os
import shutil
import stat
import subprocess

import pytest
import sqlalchemy as sa

from campaign.appeals.models import Appeal
from campaign.audit.models import AuditEntry
from campaign.privacy.sealing import (
    generate_keypair,
    identity_file_text,
    open_sealed,
    seal_chunks,
)
from tests.api.helpers import assert_error
from tests.signatures.helpers import deliver, links, sign

PEOPLE = [("Aida Bekova", "aida@example.org", "KG"), ("Boris Ivanov", "boris@example.net", "KZ")]


@pytest.fixture
def keys(tmp_path):
    """A coalition's key pair, the secret key in a key file as `flask keys generate` writes it."""
    public, secret = generate_keypair()
    path = tmp_path / "coalition.key"
    path.write_text(identity_file_text(public, secret))
    return public, secret, path


def _signed(client, smtp, appeal) -> None:
    for name, email, country in PEOPLE:
        sign(client, appeal, name=name, email=email, country=country)
    for message in deliver(smtp, len(PEOPLE)):
        client.post(links(message)["confirm"])


def _rows(text: str) -> list[dict]:
    return list(csv.DictReader(io.StringIO(text)))


def _opened(sealed: bytes, secret: str) -> str:
    out = io.BytesIO()
    open_sealed(io.BytesIO(sealed), out, secret)
    return out.getvalue().decode()


def _audits(db, action: str) -> list[AuditEntry]:
    db.session.rollback()
    return db.session.scalars(sa.select(AuditEntry).where(AuditEntry.action == action)).all()


# --- the admin ----------------------------------------------------------------------------------


def test_with_a_sealing_key_the_admin_downloads_a_sealed_csv(
    client, db, smtp, make_appeal, login, keys
):
    public, secret, _path = keys
    appeal = make_appeal()
    db.session.commit()
    _signed(client, smtp, appeal)
    login("editor")
    page = client.get(f"/admin/appeals/{appeal.slug}/signatures").get_data(as_text=True)
    assert "Exports are plain CSV" in page
    shown = client.get(f"/admin/appeals/{appeal.slug}").get_data(as_text=True)
    assert "plain CSV, not sealed" in shown and f"/admin/appeals/{appeal.slug}/sealing-key" in shown
    form = client.get(f"/admin/appeals/{appeal.slug}/sealing-key")
    assert form.status_code == 200 and 'name="sealing_public_key"' in form.get_data(as_text=True)
    saved = client.post(
        f"/admin/appeals/{appeal.slug}/sealing-key", data={"sealing_public_key": f" {public} "}
    )
    assert saved.status_code == 303
    page = client.get(f"/admin/appeals/{appeal.slug}/signatures").get_data(as_text=True)
    assert public in page and "Export as sealed CSV (.csv.age)" in page
    shown = client.get(f"/admin/appeals/{appeal.slug}").get_data(as_text=True)
    assert f"sealed to {public}" in shown

    response = client.get(f"/admin/appeals/{appeal.slug}/signatures.csv")
    assert response.status_code == 200 and response.is_streamed
    assert response.mimetype == "application/octet-stream"
    disposition = response.headers["Content-Disposition"]
    assert disposition == f'attachment; filename="signatures-{appeal.slug}.csv.age"'
    sealed = response.get_data()
    assert b"Aida" not in sealed and b"example" not in sealed
    rows = _rows(_opened(sealed, secret))
    assert sorted(r["name"] for r in rows) == ["Aida Bekova", "Boris Ivanov"]
    filtered = client.get(f"/admin/appeals/{appeal.slug}/signatures.csv?country=KZ").get_data()
    assert [r["name"] for r in _rows(_opened(filtered, secret))] == ["Boris Ivanov"]

    (changed,) = _audits(db, "appeal.sealing_key")
    assert public in changed.detail and changed.user_id is not None
    exports = _audits(db, "export.signatures")
    assert len(exports) == 2 and all(public in e.detail for e in exports)


def test_without_a_sealing_key_the_admin_csv_is_unchanged_and_audited(
    client, db, smtp, make_appeal, login
):
    appeal = make_appeal()
    db.session.commit()
    _signed(client, smtp, appeal)
    login("moderator")
    response = client.get(f"/admin/appeals/{appeal.slug}/signatures.csv")
    assert response.mimetype == "text/csv"
    assert response.headers["Content-Disposition"].endswith(f'"signatures-{appeal.slug}.csv"')
    assert sorted(r["name"] for r in _rows(response.get_data(as_text=True))) == [
        "Aida Bekova",
        "Boris Ivanov",
    ]
    (entry,) = _audits(db, "export.signatures")
    assert '"sealed_to": null' in entry.detail


@pytest.mark.parametrize(
    ("value", "says"),
    [
        ("not a key", "Not an age public key"),
        ("AGE-SECRET-KEY-1QQQQ", "This is a secret key"),
    ],
)
def test_the_admin_refuses_garbage_beside_the_field(client, db, make_appeal, login, value, says):
    appeal = make_appeal()
    db.session.commit()
    login("editor")
    response = client.post(
        f"/admin/appeals/{appeal.slug}/sealing-key", data={"sealing_public_key": value}
    )
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert 'class="field has-error"' in html and says in html
    db.session.rollback()
    assert db.session.get(Appeal, appeal.id).sealing_public_key is None
    assert _audits(db, "appeal.sealing_key") == []


def test_the_refusal_is_in_the_readers_language(client, db, make_appeal, login):
    appeal = make_appeal()
    db.session.commit()
    login("editor")
    response = client.post(
        f"/admin/appeals/{appeal.slug}/sealing-key?lang=ru", data={"sealing_public_key": "x"}
    )
    assert response.status_code == 400
    assert "Это не открытый ключ age" in response.get_data(as_text=True)


def test_an_empty_key_unseals_and_moderators_cannot_change_it(
    client, db, make_appeal, login, make_user, keys
):
    appeal = make_appeal()
    appeal.sealing_public_key = keys[0]
    db.session.commit()
    login("moderator")
    url = f"/admin/appeals/{appeal.slug}/sealing-key"
    assert client.post(url, data={"sealing_public_key": ""}).status_code == 403
    page = client.get(f"/admin/appeals/{appeal.slug}/signatures").get_data(as_text=True)
    assert keys[0] in page and url not in page  # the link is for editors
    client.post("/admin/logout")
    login("editor")
    assert client.post(url, data={"sealing_public_key": ""}).status_code == 303
    db.session.rollback()
    assert db.session.get(Appeal, appeal.id).sealing_public_key is None


# --- the API ------------------------------------------------------------------------------------


def test_campaigners_set_and_read_the_key_over_the_api(client, db, make_appeal, api_token, keys):
    appeal = make_appeal()
    db.session.commit()
    editor = api_token("editor")
    url = f"/api/v1/appeals/{appeal.slug}"
    response = client.patch(url, json={"sealing_public_key": keys[0]}, headers=editor)
    assert response.status_code == 200, response.get_json()
    assert response.get_json()["sealing_public_key"] == keys[0]
    assert (
        client.get(url, headers=api_token("moderator")).get_json()["sealing_public_key"]
        == (keys[0])
    )
    assert "sealing_public_key" not in client.get(url).get_json()  # the public sees no key
    response = client.patch(url, json={"sealing_public_key": None}, headers=editor)
    assert response.get_json()["sealing_public_key"] is None
    assert len(_audits(db, "appeal.sealing_key")) == 2


def test_a_new_appeal_can_carry_its_key(client, db, api_token, keys):
    response = client.post(
        "/api/v1/appeals",
        json={"title": "Stop the summons", "sealing_public_key": keys[0]},
        headers=api_token("editor"),
    )
    assert response.status_code == 201, response.get_json()
    assert response.get_json()["sealing_public_key"] == keys[0]


@pytest.mark.parametrize("value", ["garbage", "AGE-SECRET-KEY-1QQQQ", "age1" + "x" * 58])
def test_the_api_refuses_garbage_naming_the_field(client, db, make_appeal, api_token, value):
    appeal = make_appeal()
    db.session.commit()
    response = client.patch(
        f"/api/v1/appeals/{appeal.slug}",
        json={"sealing_public_key": value},
        headers=api_token("editor"),
    )
    error = assert_error(response, 400)
    assert "sealing_public_key" in error["fields"]
    db.session.rollback()
    assert db.session.get(Appeal, appeal.id).sealing_public_key is None


def test_the_api_refuses_a_key_longer_than_any_public_key(client, db, make_appeal, api_token):
    appeal = make_appeal()
    db.session.commit()
    response = client.patch(
        f"/api/v1/appeals/{appeal.slug}",
        json={"sealing_public_key": "age1" + "q" * 200},
        headers=api_token("editor"),
    )
    assert response.status_code in (400, 422)
    assert "sealing_public_key" in response.get_json()["error"]["fields"]


# --- the commands -------------------------------------------------------------------------------


def test_seal_to_round_trip_through_export_open(
    client, db, smtp, runner, make_appeal, keys, tmp_path
):
    public, _secret, key_path = keys
    appeal = make_appeal()
    db.session.commit()
    _signed(client, smtp, appeal)
    sealed_path = tmp_path / "signatures.csv.age"
    result = runner.invoke(
        args=[
            "export", "signatures", appeal.slug, "--seal-to", public, "--out", str(sealed_path)
        ]
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    assert stat.S_IMODE(os.stat(sealed_path).st_mode) == 0o600
    assert b"Aida" not in sealed_path.read_bytes()

    opened_path = tmp_path / "signatures.csv"
    result = runner.invoke(
        args=["export", "open", str(sealed_path), "--key", str(key_path), "--out", str(opened_path)]
    )
    assert result.exit_code == 0, result.output
    assert stat.S_IMODE(os.stat(opened_path).st_mode) == 0o600
    rows = _rows(opened_path.read_text())
    assert sorted(r["name"] for r in rows) == ["Aida Bekova", "Boris Ivanov"]

    to_stdout = runner.invoke(args=["export", "open", str(sealed_path), "--key", str(key_path)])
    assert to_stdout.exit_code == 0 and to_stdout.stdout == opened_path.read_text()
    (entry,) = _audits(db, "export.signatures")
    assert public in entry.detail and entry.user_id is None


def test_the_appeals_own_key_seals_the_cli_export_and_sealed_refuses_plain(
    client, db, smtp, runner, make_appeal, keys
):
    public, secret, _path = keys
    appeal = make_appeal()
    db.session.commit()
    _signed(client, smtp, appeal)
    refused = runner.invoke(args=["export", "signatures", appeal.slug, "--sealed"])
    assert refused.exit_code == 1 and "has no sealing key" in refused.output
    assert refused.stdout == ""
    db.session.get(Appeal, appeal.id).sealing_public_key = public
    db.session.commit()
    result = runner.invoke(args=["export", "signatures", appeal.slug, "--sealed"])
    assert result.exit_code == 0, result.output
    assert b"Aida" not in result.stdout_bytes
    assert "Aida Bekova" in _opened(result.stdout_bytes, secret)


def test_the_endorsements_export_is_sealed_too(client, runner, demo_appeal, login, keys, db):
    from tests.endorsements.helpers import FORM

    public, secret, _path = keys
    login("editor")
    client.post(f"/admin/appeals/{demo_appeal.slug}/endorsements/add", data=FORM)
    result = runner.invoke(args=["export", "endorsements", demo_appeal.slug, "--seal-to", public])
    assert result.exit_code == 0, result.output
    assert FORM["contact_email"].encode() not in result.stdout_bytes
    (row,) = _rows(_opened(result.stdout_bytes, secret))
    assert row["contact_email"] == FORM["contact_email"]
    (entry,) = _audits(db, "export.endorsements")
    assert public in entry.detail


def test_a_garbage_seal_to_exits_non_zero_with_a_message(runner, make_appeal, db):
    appeal = make_appeal()
    db.session.commit()
    result = runner.invoke(args=["export", "signatures", appeal.slug, "--seal-to", "nonsense"])
    assert result.exit_code == 1
    assert "--seal-to: Not an age public key" in result.output
    assert result.stdout == ""


def test_opening_with_the_wrong_key_or_a_damaged_file_fails_clearly(
    client, db, smtp, runner, make_appeal, keys, tmp_path
):
    public, _secret, _key_path = keys
    other_public, other_secret = generate_keypair()
    wrong_key = tmp_path / "other.key"
    wrong_key.write_text(identity_file_text(other_public, other_secret))
    appeal = make_appeal()
    db.session.commit()
    _signed(client, smtp, appeal)
    sealed = tmp_path / "s.csv.age"
    runner.invoke(args=["export", "signatures", appeal.slug, "--seal-to", public, "--out", sealed])
    out = tmp_path / "out.csv"

    wrong = runner.invoke(
        args=["export", "open", str(sealed), "--key", str(wrong_key), "--out", str(out)]
    )
    assert wrong.exit_code == 1 and "sealed to another key" in wrong.output
    assert not out.exists() and not (tmp_path / "out.csv.partial").exists()

    damaged = tmp_path / "damaged.csv.age"
    damaged.write_bytes(sealed.read_bytes()[:-30])
    broken = runner.invoke(
        args=["export", "open", str(damaged), "--key", str(keys[2]), "--out", str(out)]
    )
    assert broken.exit_code == 1 and "damaged or not a sealed export" in broken.output
    assert not out.exists()

    not_a_key = tmp_path / "not.key"
    not_a_key.write_text("hello\n")
    bad_key = runner.invoke(args=["export", "open", str(sealed), "--key", str(not_a_key)])
    assert bad_key.exit_code == 1 and "no valid age secret key" in bad_key.output


def test_keys_generate_prints_a_pair_or_writes_a_0600_file(runner, tmp_path, app):
    printed = runner.invoke(args=["keys", "generate"])
    assert printed.exit_code == 0, printed.output
    assert "Public key: age1" in printed.stderr and "offline" in printed.stderr
    public = printed.stderr.split("Public key: ")[1].split()[0]
    # stdout is a key file as it is (`flask keys generate > coalition.key`).
    assert f"# public key: {public}\n" in printed.stdout
    assert _opened(b"".join(seal_chunks(["hi"], public)), printed.stdout) == "hi"

    path = tmp_path / "coalition.key"
    written = runner.invoke(args=["keys", "generate", "--out", str(path)])
    assert written.exit_code == 0, written.output
    assert "AGE-SECRET-KEY-1" not in written.stdout
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o600
    public = written.stdout.split("Public key: ")[1].split()[0]
    assert f"# public key: {public}" in path.read_text()
    # The public key seals what the key file opens.
    sealed = b"".join(seal_chunks(["hello"], public))
    assert _opened(sealed, path.read_text()) == "hello"

    again = runner.invoke(args=["keys", "generate", "--out", str(path)])
    assert again.exit_code == 1 and "already exists" in again.output


@pytest.mark.skipif(not shutil.which("age"), reason="the age tool is not installed")
def test_the_age_tool_opens_a_sealed_export_and_its_keys_work_here(
    client, db, smtp, runner, make_appeal, tmp_path
):
    """Coalitions can use age itself: files sealed here open with `age -d`, and keys made by
    age-keygen seal and open here."""
    key_file = tmp_path / "age.key"
    subprocess.run(["age-keygen", "-o", str(key_file)], check=True, capture_output=True)
    public = subprocess.run(
        ["age-keygen", "-y", str(key_file)], check=True, capture_output=True, text=True
    ).stdout.strip()
    appeal = make_appeal()
    db.session.commit()
    _signed(client, smtp, appeal)
    sealed = tmp_path / "s.csv.age"
    result = runner.invoke(
        args=["export", "signatures", appeal.slug, "--seal-to", public, "--out", str(sealed)]
    )
    assert result.exit_code == 0, result.output
    opened = subprocess.run(
        ["age", "-d", "-i", str(key_file), str(sealed)], check=True, capture_output=True
    ).stdout.decode()
    assert sorted(r["name"] for r in _rows(opened)) == ["Aida Bekova", "Boris Ivanov"]
    # And the other way: a file age sealed opens with `flask export open`.
    by_age = tmp_path / "by-age.age"
    subprocess.run(
        ["age", "-r", public, "-o", str(by_age)], input=b"a,b\r\n", check=True, capture_output=True
    )
    back = runner.invoke(args=["export", "open", str(by_age), "--key", str(key_file)])
    assert back.exit_code == 0 and back.stdout_bytes == b"a,b\r\n"


def test_an_export_that_fails_halfway_leaves_no_file(
    runner, make_appeal, db, keys, tmp_path, monkeypatch
):
    from campaign.signatures import cli as signatures_cli

    appeal = make_appeal()
    db.session.commit()

    def failing(_query):
        yield "id,name\r\n"
        raise RuntimeError("the disk is full")

    monkeypatch.setattr(signatures_cli, "signature_csv", failing)
    for extra in (["--seal-to", keys[0]], []):
        out = tmp_path / "export"
        result = runner.invoke(args=["export", "signatures", appeal.slug, *extra, "--out", out])
        assert result.exit_code != 0 and isinstance(result.exception, RuntimeError)
        assert str(result.exception) == "the disk is full"
        assert not out.exists()
