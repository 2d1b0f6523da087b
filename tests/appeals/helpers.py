"""Helpers shared by the appeal tests (not fixtures)."""

from __future__ import annotations

import os
import time


def renderer_children() -> list[int]:
    """Processes started by this one that run the Markdown renderer
    (campaign.core.markdown_render)."""
    found = []
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat") as f:
                ppid = int(f.read().rsplit(")", 1)[1].split()[1])
            with open(f"/proc/{entry}/cmdline", "rb") as f:
                command = f.read()
        except (OSError, IndexError, ValueError):
            continue  # gone meanwhile
        if ppid == os.getpid() and b"markdown_render.py" in command:
            found.append(int(entry))
    return found


def wait_for_renderer(timeout: float = 30.0) -> None:
    """Poll until a renderer runs (the interpreter may be slow to start on a busy machine)."""
    deadline = time.monotonic() + timeout
    while not renderer_children():
        if time.monotonic() > deadline:
            raise AssertionError("no Markdown renderer started")
        time.sleep(0.01)
