"""Sealing with age (campaign.privacy.sealing): keys, validation, sealing and opening."""

from __future__ import annotations

import io
import tracemalloc

import pytest

from campaign.core.validation import InvalidInput
from campaign.privacy.sealing import (
    OpenError,
    generate_keypair,
    identity_file_text,
    normalize_public_key,
    open_sealed,
    read_secret_key,
    seal_chunks,
    seal_to_file,
)


def opened(sealed: bytes, secret: str) -> bytes:
    out = io.BytesIO()
    open_sealed(io.BytesIO(sealed), out, secret)
    return out.getvalue()


def test_a_generated_pair_is_an_age_public_key_and_its_secret(app):
    public, secret = generate_keypair()
    assert public.startswith("age1") and secret.startswith("AGE-SECRET-KEY-1")
    assert normalize_public_key(public) == public
    assert generate_keypair()[0] != public
    text = identity_file_text(public, secret)
    assert f"# public key: {public}\n" in text and text.endswith(secret + "\n")
    assert str(read_secret_key(text).to_public()) == public


@pytest.mark.parametrize(
    ("text", "says"),
    [
        ("hello", "Not an age public key"),
        ("age1notakeyatall", "Not an age public key"),
        ("ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIOMqqnkVzrm0SdG6UOoqKLsabgH5C9okWi0", "age1"),
        ("age1" + "q" * 200, "Not an age public key"),
        ("age1\x00", "Not an age public key"),
    ],
)
def test_garbage_is_refused_naming_the_field(app, text, says):
    with pytest.raises(InvalidInput) as refused:
        normalize_public_key(text)
    assert says in refused.value.fields["sealing_public_key"]


def test_a_pasted_secret_key_is_refused_with_its_own_message(app):
    _public, secret = generate_keypair()
    with pytest.raises(InvalidInput, match="secret key"):
        normalize_public_key(secret)


def test_empty_means_no_key_and_space_around_a_key_is_dropped(app):
    public, _secret = generate_keypair()
    assert normalize_public_key("") is None and normalize_public_key("  ") is None
    assert normalize_public_key(None) is None
    assert normalize_public_key(f"  {public}\n") == public


def test_sealed_chunks_open_with_the_secret_key_only(app):
    public, secret = generate_keypair()
    _other, other_secret = generate_keypair()
    chunks = ["name,city\r\n", "Aida,Bishkek\r\n", b"Boris,Osh\r\n"]
    sealed = b"".join(seal_chunks(chunks, public))
    assert b"Aida" not in sealed and sealed.startswith(b"age-encryption.org/v1\n")
    assert opened(sealed, secret) == b"name,city\r\nAida,Bishkek\r\nBoris,Osh\r\n"
    with pytest.raises(OpenError, match="another key"):
        opened(sealed, other_secret)


def test_a_damaged_or_truncated_file_fails_instead_of_giving_altered_rows(app):
    public, secret = generate_keypair()
    sealed = bytearray(b"".join(seal_chunks(["x" * 200_000], public)))
    flipped = bytes(sealed[:150_000]) + bytes([sealed[150_000] ^ 1]) + bytes(sealed[150_001:])
    for damaged in (flipped, bytes(sealed[:-20]), b"plain,csv\r\n"):
        with pytest.raises(OpenError, match="damaged or not a sealed export"):
            opened(damaged, secret)


def test_a_key_file_without_one_secret_key_is_refused(app):
    public, _secret = generate_keypair()
    for text in ("", "# only a comment\n", public + "\n", "AGE-SECRET-KEY-1NOPE\n"):
        with pytest.raises(OpenError):
            read_secret_key(text)


def test_seal_to_file_and_seal_chunks_write_what_opens_the_same(app):
    public, secret = generate_keypair()
    chunks = [f"row {i}\r\n" for i in range(10_000)]
    out = io.BytesIO()
    seal_to_file(iter(chunks), public, out)
    assert opened(out.getvalue(), secret) == "".join(chunks).encode()
    assert opened(b"".join(seal_chunks(iter(chunks), public)), secret) == "".join(chunks).encode()


def test_sealing_streams_without_holding_the_export(app):
    """64 MB of text sealed as it comes: memory stays far below the size of the export."""
    public, _secret = generate_keypair()
    chunk = ("Aida Bekova,aida@example.org,KG,Bishkek\r\n" * 1600).encode()  # ~64 KB

    def export():
        for _ in range(1000):
            yield chunk

    tracemalloc.start()
    try:
        size = 0
        first = None
        for piece in seal_chunks(export(), public):
            first = first or piece
            size += len(piece)
        _current, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert size > 1000 * len(chunk)
    assert peak < 8_000_000, peak
    assert first.startswith(b"age-encryption.org/v1\n")


def test_an_abandoned_sealed_download_stops_its_thread(app):
    import threading

    public, _secret = generate_keypair()
    before = threading.active_count()
    stream = seal_chunks((("x" * 70_000) for _ in range(100)), public)
    next(stream)
    stream.close()
    assert threading.active_count() == before


def test_an_error_in_the_export_reaches_the_caller_and_stops_the_thread(app):
    import threading

    public, _secret = generate_keypair()
    before = threading.active_count()

    def failing():
        yield "a" * 100_000
        raise RuntimeError("the database went away")

    with pytest.raises(RuntimeError, match="went away"):
        b"".join(seal_chunks(failing(), public))
    assert threading.active_count() == before
