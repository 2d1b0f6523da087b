"""The embed snippet sizes itself: a full-width iframe that the embed page's reported height
fits (static/js/embed-host.js), and without scripts a height that holds the embed on a phone
(measured in tests/test_layout_browser.py)."""

from __future__ import annotations

import html as htmllib
import re

from campaign.sharing.links import EMBED_FALLBACK_HEIGHT


def test_the_snippet_is_full_width_with_a_phone_sized_fallback_and_its_fitter(client, demo_appeal):
    page = client.get(f"/appeals/{demo_appeal.slug}").get_data(as_text=True)
    area = re.search(r'<textarea id="share-embed-code"[^>]*>(.*?)</textarea>', page, re.S)
    snippet = htmllib.unescape(area.group(1))
    iframe = re.search(r"<iframe [^>]*>", snippet).group(0)
    assert 'class="answerable-embed"' in iframe
    assert 'width="100%"' in iframe and "width:100%" in iframe
    assert f'height="{EMBED_FALLBACK_HEIGHT}"' in iframe and EMBED_FALLBACK_HEIGHT >= 900
    [script] = re.findall(r'<script src="([^"]+)" async></script>', snippet)
    # Fingerprinted like every static URL; a partner's old snippet keeps working (an old or
    # missing hash still serves the file, only without the immutable caching).
    assert re.fullmatch(r"http://localhost/static/js/embed-host\.[0-9a-f]{12}\.js", script)
    for path in ("/static/js/embed-host.js", "/static/js/embed.js"):
        with client.get(path) as response:
            assert response.status_code == 200
            assert "answerable:embed-height" in response.get_data(as_text=True)
