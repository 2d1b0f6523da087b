"""The 1200x630 share image (Open Graph / Twitter card) of an appeal, drawn with Pillow.

Drawing costs far more than serving stored bytes, and messengers fetch the image whenever a
link is pasted, so the bytes are cached under a key made of everything drawn: the numbers, the
texts' hash and the language. The image is redrawn only when one of them changes."""

from __future__ import annotations

import hashlib
import io
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from urllib.parse import urlsplit

from flask import current_app
from flask_babel import format_decimal, get_locale, gettext, ngettext
from PIL import Image, ImageDraw, ImageFont

from campaign.appeals.issuers import issuer_names
from campaign.appeals.models import Appeal
from campaign.appeals.status import Progress, appeal_progress
from campaign.appeals.translations import localized
from campaign.core.extensions import cache
from campaign.signatures.counting import signature_count

WIDTH, HEIGHT = 1200, 630
MARGIN = 64
#: Bump when the drawing changes, so cached images and ETags from before are not reused.
CARD_VERSION = 1
CARD_CACHE_SECONDS = 24 * 3600

FONT_DIR = Path(__file__).resolve().parent / "fonts"
INK, MUTED, ACCENT, LINE, BG, OK = "#1b1f24", "#57606a", "#0b5cad", "#d0d7de", "#ffffff", "#1a7f37"


@lru_cache(maxsize=32)
def _font(size: int, bold: bool = False) -> ImageFont.FreeTypeFont:
    name = "DejaVuSans-Bold.ttf" if bold else "DejaVuSans.ttf"
    return ImageFont.truetype(str(FONT_DIR / name), size)


@dataclass(frozen=True)
class Card:
    png: bytes
    etag: str


def card_key(appeal: Appeal, count: int, progress: Progress, locale: str, title: str) -> str:
    texts = "\0".join(
        (
            title,
            issuer_names(appeal),
            str(appeal.signature_goal or ""),
            current_app.config["BASE_URL"],
        )
    )
    digest = hashlib.sha256(texts.encode()).hexdigest()[:16]
    numbers = f"{progress.total}.{progress.met}.{progress.partially_met}.{progress.overdue}"
    return f"sharing:card:v{CARD_VERSION}:{appeal.slug}:{locale}:{count}:{numbers}:{digest}"


def card_etag(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()[:32]


def appeal_card(appeal: Appeal) -> Card:
    """The share image for the appeal as it stands now (cached until its numbers change)."""
    count = signature_count(appeal.id)
    progress = appeal_progress(appeal)
    title = localized(appeal).title
    key = card_key(appeal, count, progress, str(get_locale() or "en"), title)
    png = cache.get(key)
    if png is None:
        png = render_card(appeal, count, progress, title)
        cache.set(key, png, timeout=CARD_CACHE_SECONDS)
    return Card(png=png, etag=card_etag(key))


def render_card(appeal: Appeal, count: int, progress: Progress, title: str) -> bytes:
    image = Image.new("RGB", (WIDTH, HEIGHT), BG)
    draw = ImageDraw.Draw(image)
    draw.rectangle((0, 0, WIDTH, 14), fill=ACCENT)
    text_width = WIDTH - 2 * MARGIN

    y = MARGIN
    issuer = issuer_names(appeal) or "Answerable"
    issuer_font = _font(30)
    draw.text((MARGIN, y), _fit_line(issuer, issuer_font, text_width), font=issuer_font, fill=MUTED)
    y += 56

    title_font, lines = _fit_title(title, text_width, max_height=250)
    line_height = int(title_font.size * 1.2)
    for line in lines:
        draw.text((MARGIN, y), line, font=title_font, fill=INK)
        y += line_height

    _draw_figures(draw, appeal, count, progress, text_width)
    return _png(image)


def _draw_figures(draw, appeal: Appeal, count: int, progress: Progress, width: int) -> None:
    """Count, goal bar and demands' progress, anchored to the bottom of the card."""
    bottom = HEIGHT - MARGIN
    host = urlsplit(current_app.config["BASE_URL"]).netloc
    small = _font(26)
    draw.text((MARGIN, bottom), host, font=small, fill=MUTED, anchor="ls")
    summary = progress.summary() if progress.total else ""
    if summary:
        draw.text((WIDTH - MARGIN, bottom), summary, font=small, fill=OK, anchor="rs")

    bar_top = bottom - 70
    if appeal.signature_goal:
        filled = min(count / appeal.signature_goal, 1.0)
        draw.rounded_rectangle((MARGIN, bar_top, MARGIN + width, bar_top + 18), 9, fill=LINE)
        if filled > 0:
            end = MARGIN + max(int(width * filled), 18)
            draw.rounded_rectangle((MARGIN, bar_top, end, bar_top + 18), 9, fill=ACCENT)
    number_font, words_font = _font(64, bold=True), _font(32)
    number = format_decimal(count)
    baseline = bar_top - 20
    draw.text((MARGIN, baseline), number, font=number_font, fill=INK, anchor="ls")
    words = ngettext("signature", "signatures", count)
    if appeal.signature_goal:
        words += " " + gettext("of a goal of %(goal)s", goal=format_decimal(appeal.signature_goal))
    x = MARGIN + number_font.getlength(number) + 16
    draw.text((x, baseline), _fit_line(words, words_font, WIDTH - MARGIN - x), font=words_font,
              fill=MUTED, anchor="ls")  # fmt: skip


def _fit_title(title: str, width: int, max_height: int):
    """The largest title size whose wrapped lines fit; the last size is cut with an ellipsis."""
    for size in (64, 56, 48, 42):
        font = _font(size, bold=True)
        lines = wrap(title, font, width)
        if len(lines) * size * 1.2 <= max_height:
            return font, lines
    font = _font(42, bold=True)
    max_lines = int(max_height // (42 * 1.2))
    lines = wrap(title, font, width)
    if len(lines) > max_lines:
        lines = lines[:max_lines]
        lines[-1] = _fit_line(lines[-1] + "…", font, width, force=True)
    return font, lines


def wrap(text: str, font: ImageFont.FreeTypeFont, width: int) -> list[str]:
    """Greedy word wrap by rendered width; a word longer than a line is broken by letters."""
    lines: list[str] = []
    current = ""
    for word in text.split():
        candidate = f"{current} {word}" if current else word
        if font.getlength(candidate) <= width:
            current = candidate
            continue
        if current:
            lines.append(current)
        while font.getlength(word) > width:
            cut = _longest_prefix(word, font, width)
            lines.append(word[:cut])
            word = word[cut:]
        current = word
    if current:
        lines.append(current)
    return lines


def _longest_prefix(word: str, font, width: int) -> int:
    cut = 1
    while cut < len(word) and font.getlength(word[: cut + 1]) <= width:
        cut += 1
    return cut


def _fit_line(text: str, font, width: float, force: bool = False) -> str:
    """The text, shortened with an ellipsis if it is wider than width."""
    if not force and font.getlength(text) <= width:
        return text
    text = text.rstrip("…")
    while text and font.getlength(text.rstrip() + "…") > width:
        text = text[:-1]
    return text.rstrip() + "…"


def _png(image: Image.Image) -> bytes:
    out = io.BytesIO()
    image.save(out, format="PNG")
    return out.getvalue()
