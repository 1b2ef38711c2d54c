"""`python -m library users add NAME`: create an editor (or set a new password), reading the
password from standard input (one line; asked for twice, unseen, at a terminal)."""

from __future__ import annotations

import argparse
import getpass
import sys
from pathlib import Path


def _password() -> str:
    if sys.stdin.isatty():
        first = getpass.getpass("Password: ")
        if getpass.getpass("Again: ") != first:
            raise SystemExit("The two passwords differ; nothing was changed.")
        return first
    return sys.stdin.readline().rstrip("\r\n")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m library")
    commands = parser.add_subparsers(dest="command", required=True)
    users = commands.add_parser("users", help="editor accounts").add_subparsers(
        dest="action", required=True
    )
    add = users.add_parser("add", help="add an editor; the password comes on standard input")
    add.add_argument("name")
    args = parser.parse_args(argv)

    from . import create_app
    from .sharing import auth, db

    app = create_app()
    data_dir = Path(app.config["DATA_DIR"])
    try:
        auth.add_user(data_dir, args.name, _password())
    except auth.BadAccount as err:
        print(f"Not added: {err}.", file=sys.stderr)
        return 2
    except (OSError, db.Unavailable) as err:
        print(f"Not added: {data_dir} cannot be written ({err}).", file=sys.stderr)
        return 1
    print(f"Editor {args.name} can now sign in at /editor/login.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
