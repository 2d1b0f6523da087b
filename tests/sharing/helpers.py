"""Small HTML readers for the sharing tests."""

from __future__ import annotations

from html.parser import HTMLParser


class _Collector(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict]] = []

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))


def tags(html: str, name: str) -> list[dict]:
    """Attributes of every `name` element in the page, in order."""
    parser = _Collector()
    parser.feed(html)
    return [attrs for tag, attrs in parser.tags if tag == name]


def meta(html: str) -> dict[str, str]:
    """{property or name: content} of the page's <meta> tags (first wins)."""
    found: dict[str, str] = {}
    for attrs in tags(html, "meta"):
        key = attrs.get("property") or attrs.get("name")
        if key and key not in found:
            found[key] = attrs.get("content", "")
    return found
