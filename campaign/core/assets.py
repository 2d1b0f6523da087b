"""Static files for slow links: fingerprinted URLs, a year of caching, compressed responses.

`url_for('static', filename='css/site.css')` gives `/static/css/site.<hash>.css`, the hash
being the first 12 hex digits of the file's SHA-256: a new file means a new URL, so a browser
may keep each URL for a year without asking again (`immutable`). The static view strips the
hash; a request whose hash is not the current one (an old page after a deploy) still gets the
file, with the ordinary short caching, so nothing breaks. HTML is never marked immutable.

Responses are compressed by Flask-Compress (brotli when the client accepts it, else gzip)."""

from __future__ import annotations

import hashlib
import os
import re
from pathlib import Path

from flask import Flask, current_app, send_from_directory
from werkzeug.exceptions import NotFound

IMMUTABLE_MAX_AGE = 365 * 24 * 3600
HASH_LENGTH = 12
_HASHED = re.compile(
    r"^(?P<stem>.+)\.(?P<hash>[0-9a-f]{" + str(HASH_LENGTH) + r"})(?P<ext>\.[A-Za-z0-9]+)$"
)

#: (path, mtime_ns, size) -> hash; stat per URL is cheap, hashing once per file version.
_digests: dict[tuple[str, int, int], str] = {}


def file_hash(path: Path) -> str | None:
    try:
        st = path.stat()
    except OSError:
        return None
    key = (str(path), st.st_mtime_ns, st.st_size)
    digest = _digests.get(key)
    if digest is None:
        digest = hashlib.sha256(path.read_bytes()).hexdigest()[:HASH_LENGTH]
        _digests[key] = digest
    return digest


def _static_path(filename: str) -> Path | None:
    root = Path(current_app.static_folder).resolve()
    path = (root / filename).resolve()
    if root not in path.parents or not path.is_file():
        return None
    return path


def fingerprinted(filename: str) -> str:
    """`css/site.css` -> `css/site.<hash>.css`; unchanged for a file that does not exist."""
    path = _static_path(filename)
    digest = file_hash(path) if path else None
    if digest is None:
        return filename
    stem, ext = os.path.splitext(filename)
    return f"{stem}.{digest}{ext}"


def _add_fingerprint(endpoint: str, values: dict) -> None:
    if endpoint == "static" and "filename" in values and not _HASHED.match(values["filename"]):
        values["filename"] = fingerprinted(values["filename"])


def _send(filename: str):
    """The file read whole (static files are small), so Flask-Compress compresses it like any
    other response, gzip included, and the file is closed at once."""
    response = send_from_directory(current_app.static_folder, filename)
    if response.direct_passthrough:
        body = response.response
        try:
            data = b"".join(body)
        finally:
            getattr(body, "close", lambda: None)()
        response.direct_passthrough = False
        response.response = [data]  # Content-Length (or a range's) stays as send_file set it
    return response


def serve_static(filename: str):
    match = _HASHED.match(filename)
    if match:
        plain = match["stem"] + match["ext"]
        path = _static_path(plain)
        if path is not None:
            response = _send(plain)
            if file_hash(path) == match["hash"]:
                response.cache_control.public = True
                response.cache_control.max_age = IMMUTABLE_MAX_AGE
                response.cache_control.immutable = True
                response.cache_control.no_cache = None
            return response
    if _static_path(filename) is None:
        raise NotFound()
    return _send(filename)


def favicon():
    response = serve_static(fingerprinted("favicon.ico"))
    # The address is fixed, so it cannot be immutable: a day, then revalidate.
    response.cache_control.immutable = False
    response.cache_control.max_age = 24 * 3600
    return response


def init_assets(app: Flask) -> None:
    from flask_compress import Compress

    app.config.setdefault("COMPRESS_ALGORITHM", ["br", "gzip"])
    app.config.setdefault("COMPRESS_BR_LEVEL", 5)
    app.config.setdefault("COMPRESS_LEVEL", 6)
    app.config.setdefault("COMPRESS_MIN_SIZE", 500)
    app.config.setdefault(
        "COMPRESS_MIMETYPES",
        [
            "text/html",
            "text/css",
            "text/plain",
            "text/xml",
            "text/javascript",
            "application/javascript",
            "application/json",
            "application/atom+xml",
            "image/svg+xml",
        ],
    )
    Compress(app)
    app.url_defaults(_add_fingerprint)
    app.view_functions["static"] = serve_static
    app.add_url_rule("/favicon.ico", "favicon", favicon)
