"""Scans of paper batches: checked like response documents (a PDF by its magic bytes, an
image re-encoded without metadata: campaign.responses.documents.check_document) but kept in
a folder of their own, UPLOAD_FOLDER/paper, that no public URL serves. A scan may show
signers' names, so only campaigners download it, and shred and purge delete it."""

from __future__ import annotations

from pathlib import Path

from flask import current_app

from campaign.responses.documents import CheckedDocument, delete_document, store_document


def scans_folder() -> Path:
    return Path(current_app.config["UPLOAD_FOLDER"]) / "paper"


def store_scan(document: CheckedDocument) -> str:
    """Write a checked scan under a random name; returns the name."""
    return store_document(document, scans_folder())


def delete_scan(name: str | None) -> None:
    delete_document(name, scans_folder())
