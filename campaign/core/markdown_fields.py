"""Markdown fields (an appeal's body, its translations' bodies, updates' bodies): checked and
rendered into sanitized HTML once, when saved. Pages, the API, feeds and mail show the stored
HTML and never render Markdown again.

Rendering may take up to MARKDOWN_RENDER_SECONDS (campaign.core.markdown_render kills it there), so
it must not run while the request holds a database lock: on SQLite a write request's
transaction holds the one write lock from its first statement (the campaigner's own lookup)
to its commit, and every signer would wait. Views call `render_before_writes` first; services
take the `Rendered` values it returns and only store them."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from functools import lru_cache

from flask import current_app
from flask_babel import gettext as _

from campaign.core.extensions import db
from campaign.core.markdown_render import TooComplex, render_bounded
from campaign.core.validation import InvalidInput

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Rendered:
    """A Markdown field's source and the sanitized HTML rendered from it."""

    source: str
    html: str


EMPTY = Rendered("", "")


def render_before_writes(values: dict, **limits: int) -> dict:
    """`values` with each Markdown field named in `limits` (when present) replaced by its
    Rendered form, for a view to hand to a service; `limits` gives each field's maximum
    length. Too long or too complex a text raises InvalidInput naming its field.

    It first commits what the request did so far (reading the campaigner, and an API token's
    last-use time), so no lock or connection is held while it renders; objects read before
    are expired and read again when used. Call it before the view changes anything."""
    session = db.session()
    if session.new or session.deleted:
        raise RuntimeError("render_before_writes() must come before the view's changes")
    present = {name: values[name] or "" for name in limits if name in values}
    _refuse({name: _too_long(source, limits[name]) for name, source in present.items()})
    session.commit()
    rendered, errors = dict(values), {}
    for name, source in present.items():
        try:
            rendered[name] = render(source, field=name, max_length=limits[name])
        except InvalidInput as exc:
            errors.update(exc.fields)
    _refuse(errors)
    return rendered


def render(source: str, *, field: str, max_length: int) -> Rendered:
    """The text checked and rendered; InvalidInput naming `field` when it is longer than
    `max_length` or too complex to render within MARKDOWN_RENDER_SECONDS. Slow: never call it
    in a write transaction (views use render_before_writes)."""
    source = source or ""
    _refuse({field: _too_long(source, max_length)})
    try:
        return Rendered(source, _render(source))
    except TooComplex as exc:
        log.warning("refused to render %s (%d characters): %s", field, len(source), exc)
        message = _("This text is too complex to format; simplify it.")
        raise InvalidInput(message, {field: message}) from None


def _too_long(source: str, max_length: int) -> str | None:
    if len(source) <= max_length:
        return None
    return _("The text is too long (at most %(max)d characters).", max=max_length)


def _refuse(messages: dict[str, str | None]) -> None:
    errors = {name: message for name, message in messages.items() if message}
    if errors:
        raise InvalidInput(next(iter(errors.values())), errors)


def _render(source: str) -> str:
    return _render_cached(source, float(current_app.config["MARKDOWN_RENDER_SECONDS"]))


@lru_cache(maxsize=16)
def _render_cached(source: str, seconds: float) -> str:
    # The same text saved again (another field of the form changed) renders once per process.
    # Refusals are not kept: a text refused on a busy machine may pass later.
    return render_bounded(source, seconds)


def stored(value: Rendered) -> Rendered:
    """What services accept for a Markdown field: a text rendered by render_before_writes,
    never a plain string they would have to render inside the write transaction."""
    if not isinstance(value, Rendered):
        raise TypeError(f"a Markdown field takes a Rendered value, not {type(value).__name__}")
    return value
