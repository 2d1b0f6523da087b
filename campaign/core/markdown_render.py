"""Markdown to sanitized HTML, in a child process that is killed when it runs past a time
budget.

python-markdown takes time that grows faster than linearly with some input ("[" * 5000 takes
seconds), and Python cannot interrupt it in a thread. So the rendering runs in a fresh
interpreter (`python -I` on this file), which `render_bounded` kills once the budget is
spent: a web worker waits at most that long and no process keeps computing after it. The
child also lowers its priority while it renders (web requests go first) and sets a CPU limit,
so it dies even if its parent does.

This module imports nothing from the application (the child runs it as a plain script, and the
migration that fills the stored HTML uses it), and loads Markdown and nh3 only in the child:
web workers never render."""

from __future__ import annotations

import html
import math
import os
import select
import subprocess
import sys

ALLOWED_TAGS = {
    "a", "abbr", "b", "blockquote", "br", "code", "em", "h2", "h3", "h4", "hr", "i", "li",
    "ol", "p", "pre", "strong", "ul",
}  # fmt: skip
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}, "abbr": {"title"}}
URL_SCHEMES = {"http", "https", "mailto"}

#: Seconds an interpreter may take to start and load Markdown before the child is ready (not
#: counted in the budget: it does not depend on the text).
STARTUP_SECONDS = 15.0
#: What the child writes once it is ready for the text.
_READY = b"R"
#: The child's exit status when the renderer raised on the text.
_FAILED = 3


class TooComplex(Exception):
    """The text took longer than the budget to render, or the renderer failed on it."""


def to_html(source: str) -> str:
    """Markdown to HTML with every tag, attribute and URL scheme not on the lists removed.
    Unbounded: call it only in the child (or in tests)."""
    import markdown
    import nh3
    from markdown.extensions.sane_lists import SaneListExtension

    # The extension as an object: by its name Markdown scans every installed package's entry
    # points first, slowly in a fresh interpreter.
    rendered = markdown.markdown(
        source or "", extensions=[SaneListExtension()], output_format="html"
    )
    return nh3.clean(
        rendered,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=URL_SCHEMES,
        link_rel="nofollow noopener noreferrer",
    )


def render_bounded(source: str, seconds: float) -> str:
    """to_html(source) in a child process given `seconds` of wall-clock time to render;
    TooComplex when it takes longer (the child is killed then) or fails on the text.
    RuntimeError when no child can be started (a broken installation)."""
    if not source.strip():
        return ""  # nothing to render: Markdown makes nothing of blank text
    command = [sys.executable, "-I", os.path.abspath(__file__), repr(float(seconds))]
    pipes = {"stdin": subprocess.PIPE, "stdout": subprocess.PIPE, "stderr": subprocess.PIPE}
    # This interpreter on this file, no shell; the text goes through stdin.
    with subprocess.Popen(command, bufsize=0, **pipes) as child:  # noqa: S603
        try:
            _wait_until_ready(child)
            out, err = child.communicate(source.encode("utf-8", "surrogatepass"), timeout=seconds)
        except subprocess.TimeoutExpired:
            child.kill()
            child.communicate()
            raise TooComplex(f"rendering took longer than {seconds:g} s") from None
        except BaseException:
            child.kill()
            raise
    if child.returncode == _FAILED:
        raise TooComplex(_tail(err))
    if child.returncode != 0:
        raise RuntimeError(f"the Markdown renderer exited with {child.returncode}: {_tail(err)}")
    return out.decode("utf-8", "surrogatepass")


def _wait_until_ready(child: subprocess.Popen) -> None:
    ready, _, _ = select.select([child.stdout], [], [], STARTUP_SECONDS)
    first = os.read(child.stdout.fileno(), 1) if ready else b""
    if first != _READY:
        child.kill()
        _, err = child.communicate()
        raise RuntimeError(f"the Markdown renderer did not start: {_tail(err) or 'timed out'}")


def _tail(err: bytes | None) -> str:
    lines = (err or b"").decode("utf-8", "replace").strip().splitlines()
    return lines[-1] if lines else ""


def plain_html(source: str) -> str:
    """The text as escaped paragraphs, without formatting: for a stored text that cannot be
    rendered within the budget (the migration's fallback)."""
    paragraphs = [p.strip() for p in (source or "").replace("\r\n", "\n").split("\n\n")]
    return "\n".join(f"<p>{html.escape(p)}</p>" for p in paragraphs if p)


def _child(seconds: float) -> None:
    import resource
    import traceback

    # If the parent dies before it can kill this process, the CPU limit still ends it; no
    # core file for that.
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
    limit = math.ceil(seconds) + 2
    resource.setrlimit(resource.RLIMIT_CPU, (limit, limit + 1))
    to_html("warm up")  # loads Markdown and nh3 before the clock starts
    # The text then renders behind the web workers' requests: an ordinary text, even a long
    # one, needs little CPU (docs/performance.md), well inside the budget even so.
    os.nice(10)
    sys.stdout.buffer.write(_READY)
    sys.stdout.buffer.flush()
    source = sys.stdin.buffer.read().decode("utf-8", "surrogatepass")
    try:
        rendered = to_html(source)
    except Exception:  # noqa: BLE001 - the text broke the renderer: refuse the text
        traceback.print_exc()
        sys.stderr.flush()
        os._exit(_FAILED)
    sys.stdout.buffer.write(rendered.encode("utf-8", "surrogatepass"))
    sys.stdout.buffer.flush()


if __name__ == "__main__":
    _child(float(sys.argv[1]))
