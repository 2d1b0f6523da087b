"""Scans of paper batches: checked like response documents (a PDF by its magic bytes, an
image re-encoded without metadata: campaign.responses.documents.check_document) but kept in
a folder of their own, UPLOAD_FOLDER/paper, that no public URL serves. A scan may show
signers' names, so only campaigners download it, and shred and purge delete it."""

from __future__ import annotations

import secrets
from pathlib import Path

from flask import current_app

from campaign.responses.documents import NAME_PATTERN, CheckedDocument


def scans_folder() -> Path:
    return Path(current_app.config["UPLOAD_FOLDER"]) / "paper"


def store_scan(document: CheckedDocument) -> str:
    """Write a checked scan under a random name; returns the name."""
    folder = scans_folder()
    folder.mkdir(parents=True, exist_ok=True)
    name = f"{secrets.token_urlsafe(18)}.{document.extension}"
    (folder / name).write_bytes(document.data)
    return name


def delete_scan(name: str | None) -> None:
    if name and NAME_PATTERN.match(name):
        (scans_folder() / name).unlink(missing_ok=True)
