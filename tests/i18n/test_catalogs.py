"""The catalogs compile, and every message id in the code and templates is translated into
Russian and Kyrgyz (re-extracted here, so a string added without a translation fails)."""

from __future__ import annotations

import io
import re
from pathlib import Path

import pytest
from babel.messages.catalog import Catalog
from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_dir
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.mofile import read_mo, write_mo
from babel.messages.pofile import read_po
from babel.support import Translations

ROOT = Path(__file__).resolve().parents[2]
LANGUAGES = ("ru", "ky")
KEYWORDS = {**DEFAULT_KEYWORDS, "lazy_gettext": None, "_l": None}  # as the Makefile's -k
PLACEHOLDER = re.compile(r"%\(\w+\)[sd]")


def _catalog(language: str) -> Catalog:
    with (ROOT / "translations" / language / "LC_MESSAGES" / "messages.po").open("rb") as f:
        return read_po(f, locale=language)


def _extracted() -> dict:
    """msgid -> first location, as `make translations-update` extracts them."""
    with (ROOT / "babel.cfg").open() as f:
        method_map, options_map = parse_mapping_cfg(f)
    ids: dict = {}
    for filename, lineno, message, _comments, _context in extract_from_dir(
        str(ROOT), method_map, options_map, keywords={**KEYWORDS}
    ):
        ids.setdefault(message if isinstance(message, str) else message[0], f"{filename}:{lineno}")
    return ids


@pytest.mark.parametrize("language", LANGUAGES)
def test_catalog_compiles_with_the_right_plural_forms(language):
    catalog = _catalog(language)
    assert catalog.num_plurals == {"ru": 3, "ky": 2}[language]
    buffer = io.BytesIO()
    write_mo(buffer, catalog)
    buffer.seek(0)
    compiled = read_mo(buffer)
    assert len([m for m in compiled if m.id]) == len([m for m in catalog if m.id])


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_message_is_translated_and_not_fuzzy(language):
    catalog = _catalog(language)
    problems = []
    for message in catalog:
        if not message.id:
            continue
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        if message.fuzzy:
            problems.append(f"fuzzy: {message.id!r}")
        if isinstance(message.id, tuple) and len(strings) != catalog.num_plurals:
            problems.append(f"plural forms: {message.id!r}")
        if not all(s and s.strip() for s in strings):
            problems.append(f"empty: {message.id!r}")
        ids = message.id if isinstance(message.id, tuple) else (message.id,)
        wanted = set(PLACEHOLDER.findall(" ".join(ids)))
        for string in strings:
            found = set(PLACEHOLDER.findall(string or ""))
            if not found <= wanted:
                problems.append(f"unknown placeholder in {message.id!r}: {found - wanted}")
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("language", LANGUAGES)
def test_no_message_id_in_the_code_is_missing_from_the_catalog(language):
    """After adding strings: `make translations-update`, then translate the new entries."""
    catalog = _catalog(language)
    missing = [
        f"{location}: {msgid!r}"
        for msgid, location in _extracted().items()
        if msgid and (catalog.get(msgid) is None or not catalog.get(msgid).string)
    ]
    assert not missing, f"untranslated in {language}:\n" + "\n".join(missing)


def test_a_string_missing_from_a_catalog_falls_back_to_english(app):
    with (ROOT / "translations" / "ru" / "LC_MESSAGES" / "messages.mo").open("rb") as f:
        translations = Translations(f)
    assert translations.gettext("Demands") == "Требования"
    assert translations.gettext("A string nobody translated") == "A string nobody translated"
