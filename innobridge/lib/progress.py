"""Progress for long work: a bar on a terminal, plain lines in logs, and job records.

``Progress`` is the one interface long functions take (``innocore`` code receives a plain
callable ``progress(done, total, message)``); the CLI draws it as a bar, a background job
stores it for its status page.
"""

from __future__ import annotations

import sys
import time
from typing import TextIO


class Progress:
    """Call it as ``progress(done, total, message)``; subclasses decide where it goes."""

    def __call__(self, done: int, total: int | None = None, message: str = "") -> None:  # pragma: no cover
        pass


class ConsoleProgress(Progress):
    """A bar redrawn in place on a terminal; on a pipe, a line at most every ``every`` seconds."""

    def __init__(self, label: str, stream: TextIO | None = None, width: int = 30, every: float = 5.0):
        self.label = label
        self.stream = stream or sys.stderr
        self.width = width
        self.every = every
        self.start = time.monotonic()
        self.last = 0.0
        self.tty = hasattr(self.stream, "isatty") and self.stream.isatty()

    def __call__(self, done: int, total: int | None = None, message: str = "") -> None:
        now = time.monotonic()
        final = total is not None and done >= total
        if not final and now - self.last < (0.1 if self.tty else self.every):
            return
        self.last = now
        elapsed = now - self.start
        if total:
            frac = min(1.0, done / total)
            bar = "#" * round(frac * self.width)
            eta = f" eta {elapsed / frac - elapsed:.0f}s" if 0 < frac < 1 else ""
            text = f"{self.label} [{bar:<{self.width}}] {frac:4.0%} {done}/{total}{eta} {message}"
        else:
            text = f"{self.label} {done} {message}"
        if self.tty:
            self.stream.write("\r" + text[:150].ljust(150) + ("\n" if final else ""))
        else:
            self.stream.write(text + "\n")
        self.stream.flush()
