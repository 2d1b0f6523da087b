"""Documents attached to responses: a PDF (checked by its magic bytes) or an image (decoded,
re-encoded by Pillow without its metadata). Stored under UPLOAD_FOLDER/documents with a random
name; nothing is written for a refused file."""

from __future__ import annotations

import io
import re
import secrets
import warnings
from dataclasses import dataclass
from pathlib import Path

from flask import current_app

from campaign.core.validation import InvalidInput

MAX_DOCUMENT_BYTES = 10 * 1024 * 1024
MAX_IMAGE_PIXELS = 40_000_000
#: Stored extension -> the content type it is served with.
CONTENT_TYPES = {
    "pdf": "application/pdf",
    "png": "image/png",
    "jpg": "image/jpeg",
    "webp": "image/webp",
}
IMAGE_FORMATS = {"PNG": "png", "JPEG": "jpg", "WEBP": "webp"}
NAME_PATTERN = re.compile(r"^[A-Za-z0-9_-]{20,40}\.(pdf|png|jpg|webp)$")


@dataclass(frozen=True)
class CheckedDocument:
    data: bytes
    extension: str

    @property
    def content_type(self) -> str:
        return CONTENT_TYPES[self.extension]


def _refuse(message: str) -> InvalidInput:
    return InvalidInput(message, {"document": message})


def check_document(data: bytes) -> CheckedDocument:
    """A PDF as given, or an image re-encoded without metadata; InvalidInput otherwise."""
    if not data:
        raise _refuse("The document is empty.")
    if len(data) > MAX_DOCUMENT_BYTES:
        raise _refuse("The document is larger than 10 MB.")
    if data.startswith(b"%PDF-"):
        return CheckedDocument(data, "pdf")
    return _reencode_image(data)


def _reencode_image(data: bytes) -> CheckedDocument:
    # Imported here: web workers serve pages far more often than they take a document.
    from PIL import Image, ImageOps, UnidentifiedImageError

    message = "The document must be a PDF or a PNG, JPEG or WebP image."
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(data)) as probe:
                kind = probe.format
                if kind not in IMAGE_FORMATS:
                    raise _refuse(message)
                if probe.width * probe.height > MAX_IMAGE_PIXELS:
                    raise _refuse("The image has too many pixels.")
                probe.verify()
            with Image.open(io.BytesIO(data)) as image:
                image.load()
                clean = ImageOps.exif_transpose(image)
    except InvalidInput:
        raise
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, Image.DecompressionBombError,
            Image.DecompressionBombWarning) as exc:  # fmt: skip
        raise _refuse(message) from exc
    if kind == "JPEG" and clean.mode not in ("RGB", "L", "CMYK"):
        clean = clean.convert("RGB")
    out = io.BytesIO()
    # No exif=, icc_profile= or pnginfo= arguments: Pillow writes pixels only.
    clean.save(out, format=kind)
    return CheckedDocument(out.getvalue(), IMAGE_FORMATS[kind])


def documents_folder() -> Path:
    return Path(current_app.config["UPLOAD_FOLDER"]) / "documents"


def store_document(document: CheckedDocument, folder: Path | None = None) -> str:
    """Write a checked document under a random name in `folder` (the documents folder unless
    given); returns the name."""
    folder = folder or documents_folder()
    folder.mkdir(parents=True, exist_ok=True)
    name = f"{secrets.token_urlsafe(18)}.{document.extension}"
    (folder / name).write_bytes(document.data)
    return name


def delete_document(name: str | None, folder: Path | None = None) -> None:
    if name and NAME_PATTERN.match(name):
        ((folder or documents_folder()) / name).unlink(missing_ok=True)


def content_type_for(name: str) -> str | None:
    if not NAME_PATTERN.match(name):
        return None
    return CONTENT_TYPES[name.rsplit(".", 1)[1]]
