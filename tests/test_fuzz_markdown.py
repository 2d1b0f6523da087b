"""The Markdown renderer never lets script through, whatever text a campaigner pastes."""

from __future__ import annotations

import re
from html.parser import HTMLParser

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from campaign.core.markdown_render import to_html as render_markdown

FRAGMENTS = [
    "<script>alert(1)</script>",
    "<SCRIPT SRC=//evil.example/x.js></SCRIPT>",
    "<scr<script>ipt>alert(1)</script>",
    "<img src=x onerror=alert(1)>",
    '<a href="javascript:alert(1)">x</a>',
    '<a href="JaVaScRiPt:alert(1)">x</a>',
    '<a href="java\tscript:alert(1)">x</a>',
    '<a href="&#106;avascript:alert(1)">x</a>',
    "[click](javascript:alert(1))",
    "[click](JAVASCRIPT:alert(1))",
    "[click]( javascript:alert(1) )",
    "[x](vbscript:msgbox(1))",
    "[x](data:text/html;base64,PHNjcmlwdD4=)",
    "![img](javascript:alert(1))",
    "<iframe src=//evil.example></iframe>",
    "<style>body{display:none}</style>",
    '<div style="background:url(javascript:alert(1))">x</div>',
    "<svg onload=alert(1)>",
    "<svg><script>alert(1)</script></svg>",
    "<math><mtext><script>alert(1)</script></mtext></math>",
    '<a href="http://ok.example" onclick="alert(1)">ok</a>',
    '<p onmouseover="alert(1)">hover</p>',
    "<object data=x></object>",
    "<embed src=x>",
    "<form action=//evil.example><input></form>",
    "<meta http-equiv=refresh content=0;url=javascript:alert(1)>",
    "<base href=//evil.example/>",
    "<!--<script>-->",
    "<![CDATA[<script>alert(1)</script>]]>",
    "<a href='x' \x00onclick=alert(1)>",
    "[ref]: javascript:alert(1)\n\n[link][ref]",
    "<http://example.org>",
    "<javascript:alert(1)>",
    "`<script>`",
    "    <script>alert(1)</script>",
    "> <script>alert(1)</script>",
    "* <img src=x onerror=alert(1)>",
    "**bold** _em_ [ok](https://example.org)",
    "\n\n",
    "<",
    ">",
    '"',
    "'",
    "&lt;script&gt;",
    "=",
]

text_pieces = st.one_of(
    st.sampled_from(FRAGMENTS),
    st.text(alphabet=st.characters(codec="utf-8"), max_size=20),
    st.text(alphabet="<>/=\"' &#;:()[]!`\\\nabcijprstvxSCRIPTon", max_size=30),
)
documents = st.lists(text_pieces, max_size=12).map("".join)

ALLOWED = {
    "a", "abbr", "b", "blockquote", "br", "code", "em", "h2", "h3", "h4", "hr", "i", "li",
    "ol", "p", "pre", "strong", "ul",
}  # fmt: skip
SAFE_SCHEMES = {"http", "https", "mailto"}
# What a browser takes as a URL's scheme: a letter, then letters, digits, "+", "-" or ".",
# then ":". Anything else is a relative URL.
SCHEME = re.compile(r"([a-z][a-z0-9+.\-]*):", re.I)


class _Tags(HTMLParser):
    """The real tags and their attributes (values unescaped) as a browser would parse them,
    so text inside a quoted value (an escaped "<img onerror=...>", say) is not mistaken for
    an attribute."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, list[tuple[str, str | None]]]] = []

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, attrs))

    handle_startendtag = handle_starttag


def assert_safe(html: str) -> None:
    lowered = html.lower()
    for forbidden in ("<script", "<iframe", "<style", "<object", "<embed", "<svg", "<math"):
        assert forbidden not in lowered, html
    parser = _Tags()
    parser.feed(html)
    parser.close()
    for tag, attributes in parser.tags:
        assert tag in ALLOWED, html
        for name, value in attributes:
            assert not name.startswith("on") and name != "style", html
            if name in ("href", "src"):
                # As the WHATWG URL parser does: trim C0 controls and spaces at both ends and
                # drop tabs and newlines anywhere ("java\tscript:" is "javascript:").
                url = re.sub(r"[\t\n\r]", "", (value or "").strip("".join(map(chr, range(33)))))
                scheme = SCHEME.match(url)
                assert scheme is None or scheme.group(1).lower() in SAFE_SCHEMES, html


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(documents)
def test_rendered_markdown_never_carries_script(source):
    assert_safe(str(render_markdown(source)))


def test_the_check_catches_script_when_nothing_sanitizes():
    for raw in (
        '<a href="javascript:alert(1)">x</a>',
        '<a href="java&#x09;script:alert(1)">x</a>',
        '<a href=" JaVaScRiPt:alert(1)">x</a>',
        '<a href="java\tscript:alert(1)">x</a>',
        "<img src=x onerror=alert(1)>",
        '<p onmouseover="alert(1)">hover</p>',
        '<p style="background:url(x)">x</p>',
        "<iframe src=//evil.example></iframe>",
    ):
        with pytest.raises(AssertionError):
            assert_safe(raw)
    # Harmless: the text of a quoted value, and relative URLs that merely hold a colon (a
    # space is not a scheme's character).
    assert_safe('<a href="\'&lt;img src=x onerror=alert(1)">x</a>')
    assert_safe('<a href="&lt;a href=&quot;javascript:alert(1)&quot;&gt;">x</a>')
    assert_safe('<a href="java   script:alert(1)">x</a>')


def test_each_known_attack_is_neutralised():
    for fragment in FRAGMENTS:
        assert_safe(str(render_markdown(fragment)))


def test_safe_markdown_still_renders():
    html = str(render_markdown("**bold** and [a link](https://example.org)"))
    assert "<strong>bold</strong>" in html
    assert 'href="https://example.org"' in html
    assert "noopener" in html
