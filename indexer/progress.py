"""Progress of a long build: a bar on a terminal, a plain line now and then otherwise.

Owns the counting and the wording: files done of the total, the rate, the time left.
"""

from __future__ import annotations

import sys
import time
from typing import TextIO

REDRAW_SECONDS = 0.2  # on a terminal
LINE_SECONDS = 10.0  # in a log
BAR_WIDTH = 24
SHOW_FROM = 200  # files: smaller builds are over before a bar would help


class Progress:
    def __init__(self, stream: TextIO | None = None, label: str = "Reading") -> None:
        self.stream = stream or sys.stderr
        self.label = label
        self.tty = bool(getattr(self.stream, "isatty", lambda: False)())
        self.total = 0
        self.done = 0
        self._started = 0.0
        self._shown = 0.0
        self._active = False

    def start(self, total: int) -> None:
        self.total, self.done = total, 0
        self._started = self._shown = time.monotonic()
        self._active = total >= SHOW_FROM

    def step(self, count: int = 1) -> None:
        self.done += count
        if not self._active:
            return
        now = time.monotonic()
        if now - self._shown >= (REDRAW_SECONDS if self.tty else LINE_SECONDS):
            self._shown = now
            self._show(now)

    def finish(self) -> None:
        if self._active:
            self._show(time.monotonic())
            if self.tty:
                self.stream.write("\n")
            self.stream.flush()
        self._active = False

    def line(self, now: float) -> str:
        elapsed = max(now - self._started, 1e-6)
        rate = self.done / elapsed
        left = (self.total - self.done) / rate if rate > 0 else 0.0
        share = self.done / self.total if self.total else 1.0
        return (
            f"{self.label} {self.done:,}/{self.total:,} files ({share:.0%}), "
            f"{rate:,.0f} files/s, {_duration(left)} left"
        )

    def _show(self, now: float) -> None:
        text = self.line(now)
        if self.tty:
            filled = int(BAR_WIDTH * (self.done / self.total if self.total else 1))
            bar = "█" * filled + "░" * (BAR_WIDTH - filled)
            self.stream.write(f"\r{bar} {text}\x1b[K")
        else:
            self.stream.write(text + "\n")
        self.stream.flush()


def _duration(seconds: float) -> str:
    seconds = int(round(seconds))
    if seconds < 60:
        return f"{seconds} s"
    minutes, seconds = divmod(seconds, 60)
    if minutes < 60:
        return f"{minutes} min {seconds:02d} s"
    hours, minutes = divmod(minutes, 60)
    return f"{hours} h {minutes:02d} min"
