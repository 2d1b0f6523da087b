"""Data keys: what must be kept is encrypted, and destroying a key erases it.

- The master key is a file outside the database (DATA_KEY_FILE, mode 0600, `flask keys
  init`); it only wraps the other keys and is read once per process.
- Each appeal has its own random 256-bit data key (`appeal_keys`), wrapped by the master key
  with AES-GCM. Values are sealed with it (AES-GCM, a random nonce, associated data = the
  appeal and the field's name, so a sealed value cannot be moved to another row's field),
  and keyed hashes (the duplicate key of an email) use a key derived from it: once the data
  key is destroyed (`privacy shred`), neither the values nor the hashes link to anyone.
- IP addresses are hashed under a key of the UTC day (`ip_day_keys`), also wrapped; past
  days' keys are deleted when the next day's is made and by `privacy purge`, so an old IP
  key can no longer be linked to an address.

Unwrapped keys are cached per app for DATA_KEY_CACHE_SECONDS: destroying a key applies at
once in the process that does it, in the others within that time."""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import hmac
import secrets
import time
from pathlib import Path

import sqlalchemy as sa
from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from flask import current_app, g, has_app_context
from sqlalchemy.orm import Mapped, mapped_column

from campaign.core.database import UTCDateTime, dialect_insert, utcnow
from campaign.core.extensions import db
from campaign.core.files import open_new_private

#: Prefix of a sealed value: format version 1 (nonce || AES-GCM ciphertext, base64url).
SEALED_PREFIX = "enc1:"
_NONCE = 12


class KeyFileError(RuntimeError):
    """The master key file is missing, unreadable or malformed."""


class AppealKey(db.Model):
    """An appeal's data key, wrapped by the master key. Shredding sets `destroyed_at` and
    drops `wrapped_key`; a later signer gets a fresh key (old values stay unreadable)."""

    __tablename__ = "appeal_keys"

    appeal_id: Mapped[int] = mapped_column(
        sa.ForeignKey("appeals.id", ondelete="CASCADE"), primary_key=True, autoincrement=False
    )
    wrapped_key: Mapped[bytes | None] = mapped_column(sa.LargeBinary)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    #: When the appeal's data were last shredded (None: never).
    destroyed_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)


class IpDayKey(db.Model):
    """The key IP addresses are hashed under on one UTC day; deleted after that day."""

    __tablename__ = "ip_day_keys"

    day: Mapped[dt.date] = mapped_column(sa.Date, primary_key=True)
    wrapped_key: Mapped[bytes] = mapped_column(sa.LargeBinary)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)


# --- the master key --------------------------------------------------------------------------


def create_key_file(path: str | Path) -> None:
    """Write a new random master key to `path` with mode 0600; FileExistsError if present."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    with open_new_private(path) as out:
        out.write(base64.urlsafe_b64encode(secrets.token_bytes(32)).decode() + "\n")


def read_key_file(path: str | Path) -> bytes:
    try:
        raw = Path(path).read_text().strip()
        key = base64.urlsafe_b64decode(raw.encode())
    except FileNotFoundError as exc:
        raise KeyFileError(f"no master key file at {path}: run `flask keys init`") from exc
    except (OSError, ValueError) as exc:
        raise KeyFileError(f"cannot read the master key file {path}: {exc}") from exc
    if len(key) != 32:
        raise KeyFileError(f"the master key file {path} does not hold a 256-bit key")
    return key


def _state() -> dict:
    return current_app.extensions.setdefault("datakeys", {"appeals": {}, "day": None})


def master_key() -> bytes:
    state = _state()
    if "master" not in state:
        state["master"] = read_key_file(current_app.config["DATA_KEY_FILE"])
    return state["master"]


def _wrap(key: bytes, label: bytes) -> bytes:
    nonce = secrets.token_bytes(_NONCE)
    return nonce + AESGCM(master_key()).encrypt(nonce, key, label)


def _unwrap(wrapped: bytes, label: bytes) -> bytes:
    return AESGCM(master_key()).decrypt(wrapped[:_NONCE], wrapped[_NONCE:], label)


def _appeal_label(appeal_id: int) -> bytes:
    return f"answerable:appeal-key:{appeal_id}".encode()


# --- keys, created where a write may happen --------------------------------------------------


def _in_read_phase() -> bool:
    return has_app_context() and bool(g.get("db_read_phase", False))


def _insert_ignoring_conflict(table, values: dict, key: str) -> None:
    """INSERT unless the key exists: in the session's transaction, or (inside a read phase,
    campaign.core.engine.reads_before_writes) in a short transaction of its own."""
    if _in_read_phase():
        with db.engine.begin() as connection:
            insert = dialect_insert(connection.dialect.name)
            connection.execute(insert(table).values(**values).on_conflict_do_nothing())
        return
    connection = db.session.connection()
    insert = dialect_insert(connection.dialect.name)
    connection.execute(insert(table).values(**values).on_conflict_do_nothing())


def _cache_seconds() -> float:
    return float(current_app.config.get("DATA_KEY_CACHE_SECONDS", 5))


def _read_appeal_key(appeal_id: int, fresh: bool = False):
    """The key's row; `fresh` reads outside the session's transaction (after a side
    transaction wrote it, which an older read snapshot would not see)."""
    statement = sa.select(AppealKey.wrapped_key, AppealKey.created_at).where(
        AppealKey.appeal_id == appeal_id
    )
    if fresh:
        with db.engine.connect() as connection:
            return connection.execute(statement).first()
    return db.session.execute(statement).first()


def appeal_key(appeal_id: int, create: bool = False) -> bytes | None:
    """The appeal's data key; None when it has none (never made, or shredded) unless
    `create`, which makes a fresh one."""
    cache = _state()["appeals"]
    hit = cache.get(appeal_id)
    if hit is not None and time.monotonic() < hit[1]:
        return hit[0]
    row = _read_appeal_key(appeal_id)
    if (row is None or row.wrapped_key is None) and create:
        wrapped = _wrap(secrets.token_bytes(32), _appeal_label(appeal_id))
        if row is None:
            values = {"appeal_id": appeal_id, "wrapped_key": wrapped, "created_at": utcnow()}
            _insert_ignoring_conflict(AppealKey.__table__, values, "appeal_id")
        else:  # shredded before: a new key for new signers; destroyed_at stays as a record
            _renew(appeal_id, wrapped)
        row = _read_appeal_key(appeal_id, fresh=_in_read_phase())
    if row is None or row.wrapped_key is None:
        cache.pop(appeal_id, None)
        return None
    key = _unwrap(row.wrapped_key, _appeal_label(appeal_id))
    ttl = _cache_seconds()
    if ttl > 0:
        cache[appeal_id] = (key, time.monotonic() + ttl)
    return key


def _renew(appeal_id: int, wrapped: bytes) -> None:
    statement = (
        sa.update(AppealKey)
        .where(AppealKey.appeal_id == appeal_id, AppealKey.wrapped_key.is_(None))
        .values(wrapped_key=wrapped, created_at=utcnow())
    )
    if _in_read_phase():
        with db.engine.begin() as connection:
            connection.execute(statement)
    else:
        db.session.execute(statement.execution_options(synchronize_session=False))


def destroy_appeal_key(appeal_id: int) -> dt.datetime:
    """Destroy the appeal's data key in the caller's transaction (an appeal without one gets
    a destroyed row, so it reads as shredded). Forgotten at once by this process."""
    now = utcnow()
    updated = db.session.execute(
        sa.update(AppealKey)
        .where(AppealKey.appeal_id == appeal_id)
        .values(wrapped_key=None, destroyed_at=now)
        .execution_options(synchronize_session=False)
    ).rowcount
    if not updated:
        db.session.execute(
            sa.insert(AppealKey).values(
                appeal_id=appeal_id, wrapped_key=None, created_at=now, destroyed_at=now
            )
        )
    forget_keys()
    return now


def shredded_at(appeal_id: int) -> dt.datetime | None:
    return db.session.execute(
        sa.select(AppealKey.destroyed_at).where(AppealKey.appeal_id == appeal_id)
    ).scalar()


def forget_keys() -> None:
    """Drop this process's unwrapped keys (after a key was destroyed)."""
    state = _state()
    state["appeals"].clear()
    state.pop("hash_keys", None)
    state["day"] = None


# --- sealing values --------------------------------------------------------------------------


def _associated(appeal_id: int, field: str) -> bytes:
    return f"answerable:{appeal_id}:{field}".encode()


def seal(appeal_id: int, field: str, value: str | None) -> str | None:
    """`value` encrypted under the appeal's data key (made if it has none); None stays None."""
    if value is None:
        return None
    key = appeal_key(appeal_id, create=True)
    nonce = secrets.token_bytes(_NONCE)
    sealed = AESGCM(key).encrypt(nonce, value.encode(), _associated(appeal_id, field))
    return SEALED_PREFIX + base64.urlsafe_b64encode(nonce + sealed).decode()


def is_sealed(value: str | None) -> bool:
    return bool(value) and value.startswith(SEALED_PREFIX)


def unseal(appeal_id: int, field: str, value: str | None) -> str | None:
    """The value `seal` sealed; None when it is None or can no longer be opened (the key was
    destroyed). A value stored before encryption (no prefix) is returned as it is."""
    if not isinstance(value, str) or not value.startswith(SEALED_PREFIX):
        return value
    return _open(appeal_key(appeal_id), appeal_id, field, value)


def unsealer(appeal_id: int):
    """unseal() for many values of one appeal (an export): the key is looked up once."""
    key = appeal_key(appeal_id)

    def opener(field: str, value: str | None) -> str | None:
        if not isinstance(value, str) or not value.startswith(SEALED_PREFIX):
            return value
        return _open(key, appeal_id, field, value)

    return opener


def _open(key: bytes | None, appeal_id: int, field: str, value: str) -> str | None:
    if key is None:
        return None
    raw = base64.urlsafe_b64decode(value[len(SEALED_PREFIX) :].encode())
    try:
        opened = AESGCM(key).decrypt(raw[:_NONCE], raw[_NONCE:], _associated(appeal_id, field))
    except InvalidTag:
        return None  # sealed under a key that was destroyed since
    return opened.decode()


def _derive(key: bytes, purpose: str) -> bytes:
    return HKDF(
        algorithm=hashes.SHA256(), length=32, salt=None, info=f"answerable:{purpose}".encode()
    ).derive(key)


def appeal_hash(appeal_id: int, purpose: str, value: str, create: bool = True) -> str | None:
    """HMAC-SHA256 of `value` under a key derived from the appeal's data key (hex); None for
    an appeal without a key unless `create` (a lookup then has nothing to find)."""
    cache = _state().setdefault("hash_keys", {})
    key = appeal_key(appeal_id, create=create)
    if key is None:
        return None
    derived = cache.get((key, purpose))
    if derived is None:
        derived = cache[key, purpose] = _derive(key, purpose)
    return hmac.new(derived, value.encode(), hashlib.sha256).hexdigest()


# --- IP day keys -----------------------------------------------------------------------------


def _day_label(day: dt.date) -> bytes:
    return f"answerable:ip-day-key:{day.isoformat()}".encode()


def keys_ready(appeal_id: int) -> bool:
    """Whether the appeal's data key and today's IP key exist (read only). Signing checks it
    in its read phase and, when not, makes them in a short write transaction first
    (ensure_keys), rather than in a side connection per request."""
    return appeal_key(appeal_id) is not None and _day_key(utcnow().date(), False) is not None


def ensure_keys(appeal_id: int) -> None:
    """Make the appeal's data key and today's IP key if missing, in the caller's transaction."""
    appeal_key(appeal_id, create=True)
    _day_key(utcnow().date())


def _day_key(day: dt.date, create: bool = True) -> bytes | None:
    state = _state()
    cached = state.get("day")
    if cached is not None and cached[0] == day:
        return cached[1]
    statement = sa.select(IpDayKey.wrapped_key).where(IpDayKey.day == day)
    wrapped = db.session.execute(statement).scalar()
    if wrapped is None and not create:
        return None
    if wrapped is None:
        new = _wrap(secrets.token_bytes(32), _day_label(day))
        _insert_ignoring_conflict(
            IpDayKey.__table__, {"day": day, "wrapped_key": new, "created_at": utcnow()}, "day"
        )
        delete_past_day_keys(day)
        wrapped = db.session.execute(statement).scalar()
        if wrapped is None:  # written by the side transaction, but this one began earlier
            with db.engine.connect() as connection:
                wrapped = connection.execute(statement).scalar()
    key = _unwrap(wrapped, _day_label(day))
    state["day"] = (day, key)
    return key


def delete_past_day_keys(today: dt.date | None = None) -> int:
    """Delete the IP keys of days before `today` (UTC): the chore that makes yesterday's IP
    keys unlinkable. In the session's transaction, or its own inside a read phase."""
    today = today or utcnow().date()
    statement = sa.delete(IpDayKey).where(IpDayKey.day < today)
    if _in_read_phase():
        with db.engine.begin() as connection:
            return connection.execute(statement).rowcount
    return db.session.execute(statement.execution_options(synchronize_session=False)).rowcount


def ip_key(address: str) -> str:
    """HMAC-SHA256 of a client address under today's (UTC) key: comparable within a day,
    unlinkable once the day's key is deleted."""
    key = _day_key(utcnow().date())
    return hmac.new(key, address.encode(), hashlib.sha256).hexdigest()
