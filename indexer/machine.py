"""What the machine offers, for the defaults that depend on it: on a small server (under
1.5 GiB of memory, such as the 1 GB virtual servers networks rent) the build runs one worker
process and `python app.py` one serving process, so that building and serving together stay
within its memory; elsewhere both use one process per core. Also the process's memory
housekeeping: giving freed memory back, pausing the cycle collector, ending a child with
its parent."""

from __future__ import annotations

import gc
import os
import signal
from collections.abc import Iterator
from contextlib import contextmanager

SMALL_BYTES = 3 << 29  # 1.5 GiB
PR_SET_PDEATHSIG = 1  # prctl option: a signal for this process when its parent ends


def memory_bytes() -> int | None:
    """Physical memory, or None where the system does not say."""
    try:
        return os.sysconf("SC_PHYS_PAGES") * os.sysconf("SC_PAGE_SIZE")
    except (AttributeError, OSError, ValueError):
        return None


def is_small() -> bool:
    memory = memory_bytes()
    return memory is not None and memory < SMALL_BYTES


def setting(name: str, default: int) -> int:
    """A count from the environment (at least 1), else `default` when unset or not a number."""
    value = os.environ.get(name, "")
    return max(1, int(value)) if value.isdigit() else default


def processes() -> int:
    """Default processes for building or serving: one on a small server, else one per core."""
    return 1 if is_small() else max(1, os.cpu_count() or 1)


def give_back_memory() -> None:
    """Ask glibc to return freed heap memory to the system (a build's writer after emptying
    its caches, before the peak of writing a segment; ``python app.py`` before forking);
    nothing where the C library is not glibc."""
    try:
        import ctypes

        ctypes.CDLL("libc.so.6").malloc_trim(0)
    except (OSError, AttributeError):
        pass


@contextmanager
def collector_paused() -> Iterator[None]:
    """Keep Python's cycle collector off while a block makes many objects that hold no cycles
    (a manifest's 100,000 rows): it would otherwise walk them again and again, for nothing,
    a third of the time such a block takes."""
    was_on = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_on:
            gc.enable()


def die_with_parent() -> None:
    """Ask Linux to end this child process when the build that started it dies (a killed
    build must not leave workers behind, waiting forever on their queues)."""
    try:
        import ctypes

        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(PR_SET_PDEATHSIG, signal.SIGKILL)
    except (OSError, AttributeError):
        pass  # not Linux: the queues' timeouts still end the workers
