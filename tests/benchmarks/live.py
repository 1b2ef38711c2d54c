"""How soon a saved, added or deleted file is searchable while `python app.py` runs. A benchmark
that prints figures, not a test.

    python -m tests.benchmarks.live [--files N] [--rounds 10] [--keep DIR]

Without --files it uses a copy of the shipped content/; with it, a generated library of N files
(see corpus.py; --keep DIR reuses one). Each round edits one file, adds one and deletes it,
and times each from the moment the file is written to the first /api/search answer that shows
the change (polled every 10 ms). Prints the median, p95 and worst of each kind.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import random
import shutil
import socket
import string
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import quote

from .corpus import ROOT, generate
from .stats import percentile

POLL = 0.01
LIMIT = 60.0


def _word(rng: random.Random) -> str:
    """A made-up word sharing no prefix with the others (so no near match answers early)."""
    return "".join(rng.choice(string.ascii_lowercase) for _ in range(12))


def _port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _total(port: int, q: str) -> int | None:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        connection.request("GET", f"/api/search?q={quote(q)}")
        response = connection.getresponse()
        body = response.read()
        return json.loads(body)["total"] if response.status == 200 else None
    except OSError:
        return None
    finally:
        connection.close()


def _until(port: int, q: str, wanted: int, since: float) -> float:
    while time.monotonic() - since < LIMIT:
        if _total(port, q) == wanted:
            return time.monotonic() - since
        time.sleep(POLL)
    raise RuntimeError(f"{q!r} did not reach {wanted} within {LIMIT} s")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--files", type=int, default=0)
    parser.add_argument("--rounds", type=int, default=10)
    parser.add_argument("--keep", type=Path, default=None)
    args = parser.parse_args(argv)
    work = args.keep or Path(tempfile.mkdtemp(prefix="live-bench-"))
    content = work / "content"
    if not content.exists():
        if args.files:
            generate(content, args.files)
        else:
            shutil.copytree(ROOT / "content", content)
    port = _port()
    env = {
        **os.environ,
        "LIBRARY_CONTENT_DIR": str(content),
        "LIBRARY_INDEX_DIR": str(work / "index"),
        "PORT": str(port),
    }
    server = subprocess.Popen(
        [sys.executable, "app.py"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    times: dict[str, list[float]] = {"edit": [], "add": [], "delete": []}
    try:
        started = time.monotonic()
        while _total(port, "roma") is None:
            if server.poll() is not None or time.monotonic() - started > 1800:
                raise RuntimeError("python app.py did not start")
            time.sleep(0.2)
        time.sleep(3.0)  # the watcher's first look
        target = next(
            p
            for p in sorted(content.rglob("*.md"))
            if p.name != "README.md"
            and not p.name.startswith("broken")  # the generator's faulty files stay rejected
            and not any(part.startswith(("_", ".")) for part in p.relative_to(content).parts)
            and p.relative_to(content).parts[0] != "cities"  # profiles are not resources
        )
        original = target.read_bytes()
        print(
            f"{len(list(content.rglob('*.md')))} files; edited file: {target.relative_to(content)}"
        )
        rng = random.Random(7)
        for i in range(args.rounds):
            word = _word(rng)
            since = time.monotonic()
            target.write_bytes(original + f"\n{word}\n".encode())
            times["edit"].append(_until(port, word, 1, since))
            added = content / f"live-bench-{i}.en.md"
            word = _word(rng)
            since = time.monotonic()
            added.write_text(f"---\ntitle: Live {i}\n---\n{word} in a new file.\n", "utf-8")
            times["add"].append(_until(port, word, 1, since))
            since = time.monotonic()
            added.unlink()
            times["delete"].append(_until(port, word, 0, since))
        target.write_bytes(original)
    finally:
        server.terminate()
        server.wait(timeout=30)
        if args.keep is None:
            shutil.rmtree(work, ignore_errors=True)
    for kind, values in times.items():
        print(
            f"{kind:7s} median {percentile(values, 50):.2f} s  p95 {percentile(values, 95):.2f} s"
            f"  worst {max(values):.2f} s  ({len(values)} rounds)"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
