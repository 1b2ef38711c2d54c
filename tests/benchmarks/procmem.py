"""Memory of a process tree, read from /proc (Linux): a process and all its descendants.

RSS is VmRSS of /proc/PID/status (shared pages counted once per process, so a sum over
processes overstates); PSS is Pss of /proc/PID/smaps_rollup (shared pages split between the
processes sharing them, so sums add up), when readable. Descendants are found through the ppid
field of every /proc/*/stat. `TreeSampler` samples the sums every 50 ms in a thread and keeps
the peak of each.
"""

from __future__ import annotations

import os
import threading
from dataclasses import dataclass

PROC = "/proc"
INTERVAL = 0.05


@dataclass(frozen=True)
class TreeMemory:
    processes: int
    rss_kb: int
    pss_kb: int | None  # None when smaps_rollup could not be read for some process


def _parent_of(pid: str) -> int | None:
    try:
        with open(f"{PROC}/{pid}/stat", "rb") as stat:
            line = stat.read()
    except OSError:
        return None
    # comm (field 2) may hold spaces and parentheses: fields resume after the last ')'.
    fields = line[line.rfind(b")") + 2 :].split()
    return int(fields[1]) if len(fields) > 1 else None


def tree(root: int) -> list[int]:
    """root and every live descendant of it."""
    children: dict[int, list[int]] = {}
    for name in os.listdir(PROC):
        if name.isdigit():
            parent = _parent_of(name)
            if parent is not None:
                children.setdefault(parent, []).append(int(name))
    found, todo = [], [root]
    while todo:
        pid = todo.pop()
        found.append(pid)
        todo.extend(children.get(pid, ()))
    return found


def _field_kb(path: str, key: bytes) -> int | None:
    try:
        with open(path, "rb") as data:
            for line in data:
                if line.startswith(key):
                    return int(line.split()[1])
    except (OSError, ValueError, IndexError):
        return None
    return None


def rss_kb(pid: int) -> int | None:
    return _field_kb(f"{PROC}/{pid}/status", b"VmRSS:")


def pss_kb(pid: int) -> int | None:
    return _field_kb(f"{PROC}/{pid}/smaps_rollup", b"Pss:")


def measure(root: int) -> TreeMemory:
    """Current sums over the tree of root (processes that vanish meanwhile count as 0)."""
    rss_total, pss_total, pss_known, alive = 0, 0, True, 0
    for pid in tree(root):
        rss = rss_kb(pid)
        if rss is None:  # gone, or a kernel thread
            continue
        alive += 1
        rss_total += rss
        pss = pss_kb(pid)
        pss_known = pss_known and pss is not None
        pss_total += pss or 0
    return TreeMemory(alive, rss_total, pss_total if pss_known else None)


class TreeSampler:
    """`with TreeSampler(pid) as s: ...` then s.peak_rss_kb, s.peak_pss_kb, s.samples."""

    def __init__(self, root: int, interval: float = INTERVAL):
        self.root = root
        self.interval = interval
        self.peak_rss_kb = 0
        self.peak_pss_kb: int | None = None
        self.peak_processes = 0
        self.samples = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="procmem", daemon=True)

    def __enter__(self) -> TreeSampler:
        self.sample()
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._stop.set()
        self._thread.join()
        self.sample()

    def _run(self) -> None:
        while not self._stop.wait(self.interval):
            self.sample()

    def sample(self) -> None:
        now = measure(self.root)
        if now.processes == 0:
            return
        self.samples += 1
        self.peak_rss_kb = max(self.peak_rss_kb, now.rss_kb)
        self.peak_processes = max(self.peak_processes, now.processes)
        if now.pss_kb is not None:
            self.peak_pss_kb = max(self.peak_pss_kb or 0, now.pss_kb)
