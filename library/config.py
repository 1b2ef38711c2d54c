"""Default settings; the environment (LIBRARY_*) and a test's overrides come on top."""

from __future__ import annotations

from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


class Config:
    CONTENT_DIR = str(ROOT / "content")
    INDEX_DIR = str(ROOT / "instance" / "index")
    PER_PAGE = 10
    MAX_PER_PAGE = 100
    MAX_PAGE = 1000
    UI_LANGUAGES = ("en", "cs", "bg", "hu", "ro", "es", "sk", "it", "el")
    DEFAULT_UI_LANGUAGE = "en"
    BABEL_TRANSLATION_DIRECTORIES = str(ROOT / "library" / "translations")
    BABEL_DEFAULT_LOCALE = "en"
    JSON_SORT_KEYS = False
    SEND_FILE_MAX_AGE_DEFAULT = 3600

    # Sharing (library/sharing): the submissions database and uploads live in DATA_DIR.
    DATA_DIR = str(ROOT / "instance")
    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    SESSION_COOKIE_SECURE = True  # LIBRARY_SESSION_COOKIE_SECURE=false for plain http
    SHARE_MIN_FILL_SECONDS = 3
    SHARE_BUILD_AFTER_PUBLISH = True  # update the index in the background after publishing
    # Empty: an SQLite file under DATA_DIR. "postgresql://user:password@host/name": one
    # database for several web servers (the uploads folder must then be shared storage too).
    DATABASE_URL = ""

    # E-mail notices (library/sharing/notices.py, mailer.py): nothing is written to the outbox
    # or sent while SMTP_HOST is empty. Port 465 speaks TLS from the start.
    SMTP_HOST = ""
    SMTP_PORT = 587
    SMTP_USER = ""
    SMTP_PASSWORD = ""
    SMTP_STARTTLS = True
    MAIL_FROM = ""  # default: SMTP_USER when it is an address, else library@<this host>
    MAIL_RETRY_SECONDS = 30  # first wait after a failed try, doubled each time
    MAIL_RETRY_MAX_SECONDS = 3600
    MAIL_GIVE_UP_HOURS = 72
    MAIL_POLL_SECONDS = 30  # the sender thread also looks for other processes' messages
    MAIL_SENDER_THREAD = True  # false: only `python -m library send-mail` sends
    # The site's public address ("https://library.example.org"): links in e-mail notices start
    # with it; empty: with the host the request came to.
    PUBLIC_URL = ""
