"""The production server (`python app.py`, several processes) under steady load while the index
is updated and rebuilt: no request fails, and the moment a build has finished every serving
process answers from the new state."""

from __future__ import annotations

import http.client
import json
import os
import shutil
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path
from urllib.parse import quote

import pytest

ROOT = Path(__file__).resolve().parent.parent
READY_SECONDS = 120
CLIENTS = 4
QUERIES = ["roma", "housing", "bydlení", "училище", "iskola", "theme:education"]


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _get(port: int, path: str) -> tuple[int, dict]:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        connection.request("GET", path)
        response = connection.getresponse()
        body = response.read()
        return response.status, json.loads(body) if response.status == 200 else {}
    finally:
        connection.close()


def _total(port: int, q: str) -> int:
    status, data = _get(port, f"/api/search?q={quote(q)}")
    assert status == 200
    return data["total"]


def start_app(env: dict, ready_path: str, **popen) -> subprocess.Popen:
    """`python app.py` with env, returned once it answers 200 on ready_path (and stopped if it
    never does)."""
    process = subprocess.Popen(
        [sys.executable, "app.py"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        **popen,
    )
    port = int(env["PORT"])
    deadline = time.monotonic() + READY_SECONDS
    try:
        while True:
            try:
                if _status(port, ready_path) == 200:
                    return process
            except OSError:
                pass
            assert process.poll() is None, "python app.py stopped"
            assert time.monotonic() < deadline, "python app.py did not answer"
            time.sleep(0.2)
    except BaseException:
        process.kill()
        process.wait()
        raise


def _status(port: int, path: str) -> int:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        connection.request("GET", path)
        response = connection.getresponse()
        response.read()
        return response.status
    finally:
        connection.close()


@pytest.fixture()
def server(tmp_path, fixture_content):
    content = tmp_path / "content"
    shutil.copytree(fixture_content, content)
    port = _free_port()
    env = {
        **os.environ,
        "LIBRARY_CONTENT_DIR": str(content),
        "LIBRARY_INDEX_DIR": str(tmp_path / "index"),
        "PORT": str(port),
        "LIBRARY_WORKERS": "2",
    }
    process = start_app(env, "/api/search?q=roma")
    try:
        yield port, content, env
    finally:
        _stop(process)


class Clients:
    """Clients sending requests until stopped, counting what failed; client `number` sends,
    round after round, the (port, path) pairs ``requests(number, round)`` gives."""

    def __init__(self, clients: int) -> None:
        self.stop = threading.Event()
        self.done = 0
        self.failures: list[str] = []
        self._lock = threading.Lock()
        self.threads = [threading.Thread(target=self._run, args=(i,)) for i in range(clients)]

    def requests(self, number: int, round_: int) -> list[tuple[int, str]]:
        raise NotImplementedError

    def _run(self, number: int) -> None:
        round_ = 0
        while not self.stop.is_set():
            for port, path in self.requests(number, round_):
                try:
                    status = _status(port, path)
                    failed = None if status == 200 else f"{port}{path}: HTTP {status}"
                except (OSError, http.client.HTTPException, ValueError) as err:
                    failed = f"{port}{path}: {err!r}"
                with self._lock:
                    self.done += 1
                    if failed:
                        self.failures.append(failed)
            round_ += 1

    def __enter__(self):
        for thread in self.threads:
            thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self.stop.set()
        for thread in self.threads:
            thread.join()


class Load(Clients):
    """Clients asking a mix of queries of one server."""

    def __init__(self, port: int) -> None:
        super().__init__(CLIENTS)
        self.port = port

    def requests(self, number: int, round_: int) -> list[tuple[int, str]]:
        q = QUERIES[(number + round_) % len(QUERIES)]
        return [(self.port, f"/api/search?q={quote(q)}")]


def _build(env: dict, *extra: str) -> None:
    command = [sys.executable, "-m", "indexer", "build", *extra]
    result = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True)
    assert result.returncode in (0, 1), result.stdout + result.stderr


def test_updates_and_rebuilds_under_load_lose_no_request(server):
    port, content, env = server
    assert _total(port, "zebraquark") == 0
    with Load(port) as load:
        time.sleep(1.0)
        path = content / "good" / "scoala.ro.md"
        path.write_text(path.read_text("utf-8") + "\nzebraquark\n", "utf-8")
        _build(env)
        # Every process answers from the new state on its very next request.
        assert [_total(port, "zebraquark") for _ in range(12)] == [1] * 12
        (content / "good" / "new.en.md").write_text(
            "---\ntitle: Rebuilt\nthemes: [housing]\n---\nquokkaphrase in a new file.\n", "utf-8"
        )
        _build(env, "--full")
        assert [_total(port, "quokkaphrase") for _ in range(12)] == [1] * 12
        assert [_total(port, "zebraquark") for _ in range(12)] == [1] * 12
        time.sleep(1.0)
    assert load.done > 20
    assert load.failures == []


# -- several web servers on one index folder ---------------------------------------------------


def _stop(process: subprocess.Popen) -> None:
    process.terminate()
    try:
        process.wait(timeout=30)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


class Polling(Clients):
    """One client per server asking for a search and /health in turn."""

    def __init__(self, ports: list[int]) -> None:
        super().__init__(len(ports))
        self.ports = ports

    def requests(self, number: int, round_: int) -> list[tuple[int, str]]:
        port = self.ports[number]
        return [(port, "/api/search?q=roma"), (port, "/health")]


def _served(ports: list[int], word: str) -> list[tuple]:
    """What each server answers: (resources found for word, generation, revision)."""
    states = []
    for port in ports:
        health = _get(port, "/health")[1]
        states.append((_total(port, word), health["generation"], health["revision"]))
    return states


def _until_both_serve(ports: list[int], word: str, generation: str) -> list[tuple]:
    """Wait (a few seconds at most) until every server finds word in generation; their states."""
    deadline = time.monotonic() + 5.0
    while True:
        states = _served(ports, word)
        if all(found == 1 and served == generation for found, served, _ in states):
            return states
        assert time.monotonic() < deadline, f"{states}: not {word!r} from {generation} on each"
        time.sleep(0.05)


def _add_and_build(env: dict, content: Path, word: str, *extra: str) -> None:
    """A resource with word, then `python -m indexer build` while both servers are polled."""
    (content / "good" / f"{word}.en.md").write_text(
        f"---\ntitle: Shared {word}\nthemes: [housing]\n---\nA new practice: {word}.\n", "utf-8"
    )
    _build(env, *extra)


def test_two_servers_on_one_index_folder_serve_each_new_build_together(tmp_path, fixture_content):
    """Two `python app.py` (own ports and data folders, no watcher) read one index folder that a
    separate builder updates: both serve each new state, incremental or a new generation."""
    content, index = tmp_path / "content", tmp_path / "index"
    shutil.copytree(fixture_content, content)
    common = {
        **os.environ,
        "LIBRARY_CONTENT_DIR": str(content),
        "LIBRARY_INDEX_DIR": str(index),
        "LIBRARY_WATCH": "0",
        "LIBRARY_WORKERS": "1",
    }
    with socket.socket() as one, socket.socket() as other:  # two ports, certainly different
        for sock in (one, other):
            sock.bind(("127.0.0.1", 0))
        ports = [one.getsockname()[1], other.getsockname()[1]]
    processes: list[subprocess.Popen] = []
    try:
        for n, port in enumerate(ports):
            env = common | {"PORT": str(port), "LIBRARY_DATA_DIR": str(tmp_path / f"data-{n}")}
            processes.append(start_app(env, "/health"))
        first = os.readlink(index / "current")
        before = _served(ports, "wombatquill")
        assert before == [(0, first, before[0][2])] * 2
        with Polling(ports) as polling:
            _add_and_build(common, content, "wombatquill")  # incremental: the same generation
            assert os.readlink(index / "current") == first
            states = _until_both_serve(ports, "wombatquill", first)
            assert states[0] == states[1] and states[0][2] != before[0][2]  # a new revision
            _add_and_build(common, content, "quokkafern", "--full")  # a new generation
            second = os.readlink(index / "current")
            assert second != first
            states = _until_both_serve(ports, "quokkafern", second)
            assert states[0] == states[1]
            assert [found for found, _, _ in _served(ports, "wombatquill")] == [1, 1]
            time.sleep(0.5)  # and a little more polling of the new state
        assert polling.failures == []
        assert polling.done > 20
    finally:
        for process in processes:
            _stop(process)
