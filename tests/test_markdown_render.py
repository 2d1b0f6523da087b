"""Markdown renders in a child process under a time budget: the same HTML as rendering in
place, a refusal once the budget is spent, and no process left computing after it."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from campaign.core.markdown_render import TooComplex, plain_html, render_bounded, to_html
from tests.appeals.helpers import renderer_children

DEMO = Path(__file__).resolve().parent.parent / "campaign" / "appeals" / "data"
#: Rendering time grows faster than linearly with this: minutes, unbounded.
WORST = "[" * 50_000


@pytest.mark.parametrize("name", ["demo_appeal.md", "demo_appeal.ru.md", "demo_appeal.ky.md"])
def test_the_child_renders_what_rendering_in_place_renders(name):
    source = (DEMO / name).read_text(encoding="utf-8")
    html = render_bounded(source, 10)
    assert html == to_html(source)
    assert "<p>" in html and "<ul>" in html and "<li>" in html  # the demands as issued


def test_a_text_over_the_budget_is_refused_and_its_renderer_killed():
    start = time.monotonic()
    with pytest.raises(TooComplex, match=r"longer than 0\.5 s"):
        render_bounded(WORST, 0.5)
    # Not counting the interpreter's start (it may be slow on a busy machine), the refusal
    # comes at the budget, not when the rendering would have ended (minutes).
    assert time.monotonic() - start < 0.5 + 15
    assert renderer_children() == []


def test_a_text_that_breaks_the_renderer_is_refused_not_an_error():
    # nh3 cannot take a lone surrogate (JSON can carry one: "\ud800").
    with pytest.raises(TooComplex):
        render_bounded("a \ud800 b", 10)


def test_blank_text_renders_to_nothing_without_a_process():
    assert render_bounded("", 10) == render_bounded(" \n\n ", 10) == ""


def test_plain_html_escapes_the_text_in_paragraphs():
    assert plain_html("[x](javascript:alert(1))\n\n<b>bold</b> & more") == (
        "<p>[x](javascript:alert(1))</p>\n<p>&lt;b&gt;bold&lt;/b&gt; &amp; more</p>"
    )
