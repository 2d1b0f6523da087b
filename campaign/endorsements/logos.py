"""Organization logos: checked with Pillow, re-encoded to a small square PNG without metadata
(at most 400x400, transparent margins), stored under UPLOAD_FOLDER/logos with a random name.

An uploaded file is never served as sent: only the re-encoded pixels are kept, so a file that
hides a script or a polyglot cannot reach a browser. SVG is refused (it can carry script)."""

from __future__ import annotations

import io
import re
import secrets
import warnings
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import event
from sqlalchemy.orm import Session

from campaign.core.validation import InvalidInput

if TYPE_CHECKING:
    from PIL.Image import Image as PILImage

MAX_BYTES = 2 * 1024 * 1024
#: Decoded size limit, checked from the header before any pixel is decoded.
MAX_PIXELS = 16_000_000
MAX_SIZE = (400, 400)
ACCEPTED_FORMATS = ("PNG", "JPEG", "WEBP")
NAME_PATTERN = re.compile(r"^[0-9a-f]{32}\.png$")
#: session.info key: files written in the current transaction, removed if it does not commit.
_PENDING = "answerable_pending_logo_files"


@dataclass
class Logo:
    """A checked, re-encoded logo, not yet on disk."""

    data: bytes


def _refuse(message: str):
    raise InvalidInput(message, {"logo": message})


def read_logo(storage) -> Logo | None:
    """Check an uploaded file (a werkzeug FileStorage or any object with .read()). None when
    no file was chosen; InvalidInput naming the 'logo' field for anything not acceptable."""
    if storage is None:
        return None
    raw = storage.read(MAX_BYTES + 1)
    if not raw and not getattr(storage, "filename", None):
        return None
    if not raw:
        _refuse(_("The logo file is empty."))
    if len(raw) > MAX_BYTES:
        _refuse(_("The logo is too large: at most 2 MB."))
    return Logo(_reencode(raw))


def _reencode(raw: bytes) -> bytes:
    # Pillow is imported here, not at the top: web workers serve pages far more often than
    # they take a logo, and it costs each of them a few MB.
    from PIL import Image, UnidentifiedImageError

    with warnings.catch_warnings():
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        try:
            with Image.open(io.BytesIO(raw), formats=ACCEPTED_FORMATS) as probe:
                width, height = probe.size
                if width * height > MAX_PIXELS or width < 1 or height < 1:
                    _refuse(_("The logo's dimensions are too large."))
                probe.verify()
            with Image.open(io.BytesIO(raw), formats=ACCEPTED_FORMATS) as image:
                image.draft("RGB", (MAX_SIZE[0] * 2, MAX_SIZE[1] * 2))  # JPEG: decode smaller
                image.load()
                image = _normalized(image)
        except InvalidInput:
            raise
        except (Image.DecompressionBombError, Image.DecompressionBombWarning):
            _refuse(_("The logo's dimensions are too large."))
        except (UnidentifiedImageError, OSError, SyntaxError, ValueError, EOFError):
            _refuse(_("The logo must be a PNG, JPEG or WebP image."))
    image.thumbnail(MAX_SIZE, Image.Resampling.LANCZOS)
    # A fresh square canvas (transparent margins) carries pixels only: no EXIF, ICC profile,
    # text chunks or comments; and every logo lines up in the same square on the pages.
    side = max(image.size)
    clean = Image.new("RGBA", (side, side), (255, 255, 255, 0))
    clean.paste(image, ((side - image.width) // 2, (side - image.height) // 2))
    out = io.BytesIO()
    clean.save(out, "PNG", optimize=True)
    return out.getvalue()


def _normalized(image: PILImage) -> PILImage:
    has_alpha = image.mode in ("RGBA", "LA", "PA") or "transparency" in image.info
    return image.convert("RGBA" if has_alpha else "RGB")


def logo_folder() -> Path:
    return Path(current_app.config["UPLOAD_FOLDER"]) / "logos"


def store_logo(logo: Logo, session: Session) -> str:
    """Write the logo under a random name and return the name. The file is removed again if
    the session's transaction ends without a commit."""
    folder = logo_folder()
    folder.mkdir(parents=True, exist_ok=True)
    name = f"{secrets.token_hex(16)}.png"
    (folder / name).write_bytes(logo.data)
    session.info.setdefault(_PENDING, []).append(str(folder / name))
    return name


def logo_path(name: str) -> Path | None:
    if not NAME_PATTERN.match(name or ""):
        return None
    return logo_folder() / name


@event.listens_for(Session, "after_commit")
def _keep_committed(session):
    # Also fired when a SAVEPOINT is released; only the outermost commit makes files stay.
    if not session.in_nested_transaction():
        session.info.pop(_PENDING, None)


@event.listens_for(Session, "after_transaction_end")
def _remove_uncommitted(session, transaction):
    if transaction.parent is not None or transaction.nested:
        return
    for path in session.info.pop(_PENDING, []):
        Path(path).unlink(missing_ok=True)
