"""Serve the library: `python app.py` updates the index, then serves it with waitress.

`flask --app app run` also works (Flask finds `create_app`); it serves whatever index exists.
Settings: LIBRARY_CONTENT_DIR, LIBRARY_INDEX_DIR, PORT (default 5000), LIBRARY_THREADS.
"""

from __future__ import annotations

import logging
import os
import subprocess
import sys
from pathlib import Path

from library import create_app, search_ext

__all__ = ["create_app", "main"]


def ensure_index(app) -> bool:
    """Build or update the index in a child process (the indexer loads full lemma dictionaries;
    the web process stays lean). False when there is nothing that could be served."""
    content = Path(app.config["CONTENT_DIR"])
    index = Path(app.config["INDEX_DIR"])
    command = [sys.executable, "-m", "indexer", "build", "--content", str(content)]
    result = subprocess.run([*command, "--index", str(index)], cwd=Path(__file__).parent)
    if result.returncode not in (0, 1):
        print("The index could not be updated; serving the previous one.", file=sys.stderr)
    return (index / "current").exists()


def main() -> int:
    logging.basicConfig(
        level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s"
    )
    from waitress import serve

    app = create_app()
    if not ensure_index(app):
        return 1
    search_ext.service_of(app).warm()
    port = int(os.environ.get("PORT", "5000"))
    threads = int(os.environ.get("LIBRARY_THREADS", "4"))
    print(f"Serving the library on http://127.0.0.1:{port}/ (Ctrl+C to stop)", flush=True)
    serve(app, host="127.0.0.1", port=port, threads=threads, ident="library")
    return 0


if __name__ == "__main__":
    sys.exit(main())
