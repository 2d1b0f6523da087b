"""Sealed exports: files that only a coalition's offline secret key opens.

Sealing is age (https://age-encryption.org) through pyrage: a campaigner's public key is an
`age1...` X25519 recipient, the secret key an `AGE-SECRET-KEY-1...` identity kept off the
server. A sealed file opens with `flask export open FILE --key KEYFILE` or with the `age`
tool itself (`age -d -i KEYFILE FILE`). The server only ever holds public keys, so a sealed
export found on it, in a browser's downloads or in a mail attachment reveals nothing.

age encrypts in 64 KiB chunks; `seal_chunks` feeds it the export's text as it is produced and
hands the sealed bytes on as they come, so memory stays flat however many rows there are."""

from __future__ import annotations

import datetime as dt
import io
import queue
import threading
from collections.abc import Iterable, Iterator
from typing import BinaryIO

import pyrage
from flask_babel import lazy_gettext as _l
from pyrage import x25519

from campaign.core.validation import InvalidInput

#: The longest text accepted as a public key (an age X25519 recipient is 62 characters).
PUBLIC_KEY_MAX = 100
FIELD = "sealing_public_key"
NOT_A_KEY = _l(
    "Not an age public key: paste the line that starts with age1 (from `flask keys generate` "
    "or age-keygen), never the secret key."
)
SECRET_GIVEN = _l(
    "This is a secret key: it must never be on the server. Paste its public key (age1...) "
    "and keep the secret key offline."
)
#: How many pieces of text may wait for the sealing thread (each is one export batch).
_PENDING = 4


class OpenError(Exception):
    """A sealed file could not be opened: wrong key, damaged or not a sealed file."""


def generate_keypair() -> tuple[str, str]:
    """A new (public key, secret key) pair, as age-keygen makes them."""
    identity = x25519.Identity.generate()
    return str(identity.to_public()), str(identity)


def identity_file_text(public: str, secret: str, now: dt.datetime | None = None) -> str:
    """The secret key as age-keygen writes its key file, so the `age` tool reads it too."""
    created = (now or dt.datetime.now(dt.UTC)).replace(microsecond=0).isoformat()
    return f"# created: {created}\n# public key: {public}\n{secret}\n"


def normalize_public_key(text: str | None) -> str | None:
    """The public key to store for `text` (None for empty), or InvalidInput naming the field.

    Garbage, a key of another kind and a pasted secret key are refused with a message that
    says what to paste instead."""
    value = (text or "").strip()
    if not value:
        return None
    if value.upper().startswith("AGE-SECRET-KEY-"):
        raise InvalidInput(str(SECRET_GIVEN), {FIELD: str(SECRET_GIVEN)})
    if len(value) > PUBLIC_KEY_MAX or not value.isascii():
        raise InvalidInput(str(NOT_A_KEY), {FIELD: str(NOT_A_KEY)})
    try:
        return str(x25519.Recipient.from_str(value))
    except (pyrage.RecipientError, ValueError) as error:
        raise InvalidInput(str(NOT_A_KEY), {FIELD: str(NOT_A_KEY)}) from error


def _recipient(public_key: str) -> x25519.Recipient:
    return x25519.Recipient.from_str(normalize_public_key(public_key) or "")


class _ChunkReader(io.RawIOBase):
    """A readable stream over an iterator of text or bytes (what age reads from)."""

    def __init__(self, chunks: Iterable[bytes | str]):
        self._chunks = iter(chunks)
        self._pending = memoryview(b"")
        #: What the chunks raised: age reports it only as an EncryptError with its text.
        self.error: Exception | None = None

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:
        while not self._pending:
            try:
                chunk = next(self._chunks, None)
            except Exception as error:
                self.error = error
                raise
            if chunk is None:
                return 0
            self._pending = memoryview(chunk.encode() if isinstance(chunk, str) else chunk)
        size = min(len(buffer), len(self._pending))
        buffer[:size] = self._pending[:size]
        self._pending = self._pending[size:]
        return size


def seal_to_file(chunks: Iterable[bytes | str], public_key: str, out: BinaryIO) -> None:
    """Seal the concatenated chunks (text is UTF-8) to `public_key`, written to `out`. An
    error of the chunks (the export's query) is raised as itself."""
    reader = _ChunkReader(chunks)
    try:
        pyrage.encrypt_io(reader, out, [_recipient(public_key)])
    except pyrage.EncryptError:
        if reader.error is not None:
            raise reader.error from None
        raise


class _Collector:
    """Where age writes sealed bytes in `seal_chunks`: handed on by the calling thread."""

    def __init__(self):
        self.parts: queue.SimpleQueue[bytes] = queue.SimpleQueue()

    def write(self, data) -> int:
        self.parts.put(bytes(data))
        return len(data)

    def flush(self) -> None:
        pass


_END = object()


def seal_chunks(chunks: Iterable[bytes | str], public_key: str) -> Iterator[bytes]:
    """The sealed bytes of the concatenated chunks, yielded as they are made.

    age (pyrage) reads a stream and writes a stream in one call, so it runs in a helper
    thread; the chunks are still produced here, in the caller's thread (an export's query
    needs the request's database session), and at most a few wait at a time."""
    recipient = _recipient(public_key)
    waiting: queue.Queue = queue.Queue(maxsize=_PENDING)
    out = _Collector()
    failure: list[BaseException] = []

    ended = threading.Event()

    def pieces() -> Iterator[bytes | str]:
        while (chunk := waiting.get()) is not _END:
            yield chunk
        ended.set()

    def work() -> None:
        try:
            pyrage.encrypt_io(_ChunkReader(pieces()), out, [recipient])
        except Exception as error:  # noqa: BLE001 - raised again in the caller's thread
            failure.append(error)
            while not ended.is_set() and waiting.get() is not _END:  # unblock the producer
                pass

    worker = threading.Thread(target=work, name="seal", daemon=True)
    worker.start()
    finished = False
    try:
        for chunk in chunks:
            waiting.put(chunk)
            yield from _drain(out)
        waiting.put(_END)
        finished = True
        worker.join()
        if failure:
            raise failure[0]
        yield from _drain(out)
    finally:
        if not finished:  # the download was abandoned or the export failed: stop the thread
            waiting.put(_END)
            worker.join()


def _drain(out: _Collector) -> Iterator[bytes]:
    while True:
        try:
            yield out.parts.get_nowait()
        except queue.Empty:
            return


def read_secret_key(text: str) -> x25519.Identity:
    """The identity in a key file's text (age-keygen's format: `#` comments, one key line)."""
    lines = [line.strip() for line in text.splitlines()]
    keys = [line for line in lines if line and not line.startswith("#")]
    if len(keys) != 1:
        raise OpenError("The key file must hold one secret key (AGE-SECRET-KEY-1...).")
    try:
        return x25519.Identity.from_str(keys[0])
    except (pyrage.IdentityError, ValueError) as error:
        raise OpenError("The key file holds no valid age secret key (AGE-SECRET-KEY-1...).") from (
            error
        )


def open_sealed(sealed: BinaryIO, out: BinaryIO, secret_key_text: str) -> None:
    """Decrypt a sealed file into `out`, or OpenError (wrong key, damaged, not sealed).

    age authenticates every chunk, so a damaged file fails instead of giving altered rows;
    what was written to `out` before the failure must then be thrown away."""
    identity = read_secret_key(secret_key_text)
    try:
        pyrage.decrypt_io(sealed, out, [identity])
    except (pyrage.DecryptError, OSError) as error:  # a truncated file fails as OSError
        raise OpenError(_decrypt_message(str(error))) from error


def _decrypt_message(detail: str) -> str:
    if "No matching keys" in detail or "no identity matched" in detail.lower():
        return "This file was sealed to another key: the secret key given does not open it."
    return f"The file is damaged or not a sealed export ({detail})."
