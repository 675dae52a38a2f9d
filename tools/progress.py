"""What the grader is doing, on screen while it does it.

On a terminal: one status line, redrawn in place every second,
`build [2/4] compiled bounded_queue_kata_plain, 41 s | plain tests 41/58 done, 1 failed, 3 s`.
When stderr is not a terminal (a CI log, a pipe): plain lines, no escape codes, one per part at
most every PLAIN_INTERVAL seconds while it runs, and its last word when it ends.

The parts are named (the build, each variant's tests, the benchmark) because they run side by
side: the sanitizer variants build while the plain variant's tests run.
"""
from __future__ import annotations

import re
import shutil
import sys
import threading
import time
import typing

TICK = 1.0
PLAIN_INTERVAL = 10.0

# The line ninja prints as each step of a build ends, when its output is not a terminal:
# `[3/7] Building CXX object CMakeFiles/bounded_queue_kata_plain.dir/Unity/unity_0_cxx.cxx.o`.
NINJA_STEP = re.compile(r"^\[(\d+)/(\d+)\] (.*)$")
NINJA_OBJECT = re.compile(r"^Building \w+ object (?:.*/)?([^/]+)\.dir/")
NINJA_LINK = re.compile(r"^Linking \w+ (?:executable|static library|shared library) (?:.*/)?(\S+)$")


class Status:
    """The status line. Thread-safe: each part is set by the thread that does its work."""

    def __init__(self, stream: typing.TextIO | None = None, tty: bool | None = None) -> None:
        self.stream = stream or sys.stderr
        self.tty = self.stream.isatty() if tty is None else tty
        self.parts: dict[str, tuple[str, float]] = {}  # part -> (what it is doing, since when)
        self.said_at: dict[str, float] = {}
        self.lock = threading.Lock()
        self.shown = False  # a status line is on the screen: cleared before any other text
        self.stopped = threading.Event()
        self.ticker = threading.Thread(target=self._tick, daemon=True)
        self.ticker.start()

    def set(self, part: str, text: str) -> None:
        """Sets what `part` is doing now; its clock starts at its first set."""
        with self.lock:
            started = self.parts.get(part, ("", time.monotonic()))[1]
            self.parts[part] = (text, started)
            if self.tty:
                self._draw()
            elif part not in self.said_at:
                self._say_part(part)

    def done(self, part: str, line: str | None = None) -> None:
        """`part` is over, `line` its last word (kept on screen), if any."""
        with self.lock:
            self.parts.pop(part, None)
            self.said_at.pop(part, None)
            self._clear()
            if line:
                self.stream.write(line + "\n")
            self._draw()

    def say(self, line: str) -> None:
        """A line that stays (a verdict, a stage), written above the status line."""
        with self.lock:
            self._clear()
            self.stream.write(line + "\n")
            self._draw()

    def close(self) -> None:
        self.stopped.set()
        with self.lock:
            self.parts.clear()
            self._clear()
            self.stream.flush()

    def _line(self, part: str) -> str:
        text, started = self.parts[part]
        return f"{part} {text}, {time.monotonic() - started:.0f} s"

    def _say_part(self, part: str) -> None:
        self.said_at[part] = time.monotonic()
        self.stream.write(f"    {self._line(part)}\n")
        self.stream.flush()

    def _clear(self) -> None:
        if self.shown:
            self.stream.write("\r\033[K")
            self.shown = False

    def _draw(self) -> None:
        if self.tty:
            self._clear()
            if self.parts:
                width = shutil.get_terminal_size((100, 24)).columns - 1
                self.stream.write(" | ".join(self._line(part) for part in self.parts)[:width])
                self.shown = True
        self.stream.flush()

    def _tick(self) -> None:
        while not self.stopped.wait(TICK):
            with self.lock:
                if self.stopped.is_set():
                    return
                if self.tty:
                    self._draw()
                    continue
                now = time.monotonic()
                for part in list(self.parts):
                    if now - self.said_at.get(part, now) >= PLAIN_INTERVAL:
                        self._say_part(part)


def ninja_step(line: str) -> str | None:
    """`[3/7] compiled bounded_queue_kata_plain` for ninja's line of a compilation or a link that
    ended, else None."""
    match = NINJA_STEP.match(line.rstrip("\n"))
    if not match:
        return None
    what = match[3]
    found = NINJA_OBJECT.match(what)
    if found:
        what = f"compiled {found[1]}"
    else:
        found = NINJA_LINK.match(what)
        if not found:
            return None  # CMake's own steps (checking its globs): nothing of the build's yet
        what = f"linked {found[1]}"
    return f"[{match[1]}/{match[2]}] {what}"


def ninja_linked(line: str) -> str | None:
    """The binary that ninja's line says it has just linked (the step has ended), else None."""
    match = NINJA_STEP.match(line.rstrip("\n"))
    found = NINJA_LINK.match(match[3]) if match else None
    return found[1] if found else None


def tests_text(done: int, total: int, failed: int) -> str:
    """`41/58 done, 1 failed`: a variant's tests so far."""
    return f"{done}/{total} done" + (f", {failed} failed" if failed else "")
