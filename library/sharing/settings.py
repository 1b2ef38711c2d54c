"""Settings the sharing side needs from the app: the data folder, the secret key (generated once
and kept under the data folder, readable by its owner only) and the session cookie's flags."""

from __future__ import annotations

import logging
import os
import secrets
from pathlib import Path

from flask import Flask

SECRET_FILE = "secret_key"
SECRET_BYTES = 48

logger = logging.getLogger(__name__)


def data_dir(app: Flask) -> Path:
    return Path(app.config["DATA_DIR"])


def ensure_secret_key(app: Flask) -> None:
    """SECRET_KEY from the configuration, else from DATA_DIR/secret_key (created with mode 0600
    by the first process). Without a usable data folder, a key for this process only."""
    if app.config.get("SECRET_KEY"):
        return
    path = data_dir(app) / SECRET_FILE
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        app.config["SECRET_KEY"] = _read_or_create(path)
    except OSError as err:
        logger.warning("no secret key file in %s (%s); sessions last this process only", path, err)
        app.config["SECRET_KEY"] = secrets.token_urlsafe(SECRET_BYTES)


def _read_or_create(path: Path) -> str:
    """Read the key, or write a new one to a private temporary file and link it into place
    (atomic: a second process either sees no file or the whole key)."""
    if not path.exists():
        key = secrets.token_urlsafe(SECRET_BYTES)
        temporary = path.with_name(f".{SECRET_FILE}.{secrets.token_hex(8)}")
        fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        try:
            os.write(fd, key.encode("ascii"))
            os.fsync(fd)
        finally:
            os.close(fd)
        try:
            os.link(temporary, path)
        except FileExistsError:
            pass  # another process was first; use its key
        finally:
            temporary.unlink()
    key = path.read_text(encoding="ascii").strip()
    if len(key) < 32:
        raise OSError(f"{path} holds no usable key; delete it to make a new one")
    return key
