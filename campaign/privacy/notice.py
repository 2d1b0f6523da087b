"""The operator's part of /privacy: Markdown from PRIVACY_PAGE_FILE (a relative path is under
the instance folder), rendered by the same sanitizing renderer as appeals' texts (in a child
process with a time budget; the same text renders once per process)."""

from __future__ import annotations

import logging
from pathlib import Path

from flask import current_app
from markupsafe import Markup

from campaign.core.markdown_fields import render
from campaign.core.validation import InvalidInput

log = logging.getLogger(__name__)

#: The longest operator's text shown (characters).
MAX_NOTICE = 50_000


def notice_path() -> Path:
    path = Path(current_app.config.get("PRIVACY_PAGE_FILE") or "privacy.md")
    return path if path.is_absolute() else Path(current_app.instance_path) / path


def operator_notice() -> Markup | None:
    """The operator's section as safe HTML, or None when there is no such file (or it cannot
    be shown: too long, too complex, not UTF-8; the log says why)."""
    path = notice_path()
    try:
        source = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return None
    except (OSError, UnicodeDecodeError) as exc:
        log.warning("cannot read the privacy page file %s: %s", path, exc)
        return None
    try:
        rendered = render(source, field="privacy", max_length=MAX_NOTICE)
    except InvalidInput as exc:
        log.warning("cannot show the privacy page file %s: %s", path, exc)
        return None
    return Markup(rendered.html)  # noqa: S704 - sanitized by nh3 in campaign.core.markdown_render
